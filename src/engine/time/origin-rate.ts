/**
 * Origin requests per second of trace time: "will the database survive the miss spike" is
 * the question behind "how big". Counts every fetch that reaches the origin (a miss that did
 * not wait on one in flight, a refresh) in one-second buckets from the first counted request
 * to the last, so quiet seconds count as zeros, and reports the peak, the 99th percentile and
 * the mean. A trace spanning more than MAX_BUCKETS seconds gets wider buckets, each read as
 * its mean per second.
 */
import type { OriginLoad } from '../../model/result.js';

const MAX_BUCKETS = 1 << 22;

export class OriginRate {
  private counts: Uint32Array;
  private start: number;
  private readonly width: number;

  constructor(
    first: number,
    private readonly last: number,
  ) {
    this.start = Math.floor(first);
    const span = Math.max(1, Math.floor(last) - this.start + 1);
    this.width = Math.max(1, Math.ceil(span / MAX_BUCKETS));
    this.counts = new Uint32Array(Math.ceil(span / this.width));
  }

  /** One origin fetch at trace time `now`. */
  add(now: number): void {
    const bucket = Math.floor((Math.floor(now) - this.start) / this.width);
    if (bucket >= 0 && bucket < this.counts.length) this.counts[bucket]!++;
  }

  /** The warm-up ended at `now`: what came before is not counted, and the span starts here. */
  restart(now: number): void {
    this.start = Math.floor(now);
    const span = Math.max(1, Math.floor(this.last) - this.start + 1);
    this.counts = new Uint32Array(Math.ceil(span / this.width));
  }

  summary(): OriginLoad {
    const perSecond = Float64Array.from(this.counts, (count) => count / this.width).sort();
    const n = perSecond.length;
    let total = 0;
    for (const value of perSecond) total += value;
    return {
      seconds: n * this.width,
      peakPerSecond: perSecond[n - 1]!,
      p99PerSecond: perSecond[Math.max(1, Math.ceil(0.99 * n)) - 1]!,
      meanPerSecond: total / n,
    };
  }
}
