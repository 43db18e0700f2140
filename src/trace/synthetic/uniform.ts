/**
 * Uniform workload: every one of `keys` keys is equally likely on each request. The
 * worst case for any cache (hit rate = capacity / keys for every sensible policy), and a
 * baseline for what recency or frequency buys on a skewed workload.
 */
import type { KeyGenerator } from './generator.js';
import type { Rng } from './rng.js';

export class UniformGenerator implements KeyGenerator {
  constructor(
    readonly labels: number,
    private readonly rng: Rng,
  ) {}

  next(): number {
    return this.rng.nextInt(this.labels);
  }
}
