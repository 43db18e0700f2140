/**
 * Scan workload: keys 0, 1, ..., keys-1 in order, then again from 0. With keys larger than
 * the cache this is LRU's worst case (every request misses) while it costs MRU or a
 * scan-resistant policy little; mixed into a skewed workload it models a batch job or a
 * crawler polluting the hot set.
 */
import type { KeyGenerator } from './generator.js';

export class ScanGenerator implements KeyGenerator {
  private position = 0;

  constructor(readonly labels: number) {}

  next(): number {
    const label = this.position;
    this.position = label + 1 === this.labels ? 0 : label + 1;
    return label;
  }
}
