/**
 * Hit rate over time: the trace cut into intervals (every N requests, or every so many
 * seconds of trace time), with the lookups and hits of each counted by the replay loops.
 * "How long after a deploy until the hit rate recovers" is read off these.
 *
 * The loops already run in chunks; a recorder makes every interval boundary a chunk
 * boundary and reads the running totals there, so the hot loops themselves are unchanged
 * and the totals are exactly the sum of the intervals.
 */
import type { Trace } from '../trace/trace.js';

/** Every `size` requests, or every `size` seconds of trace time. */
export interface IntervalSpec {
  readonly unit: 'requests' | 'seconds';
  readonly size: number;
}

/** Most intervals one row may carry: a chart has no more pixels, and the JSON stays readable. */
export const MAX_INTERVALS = 10_000;

/** Per interval, in order: lookups (gets) and hits, and for time-aware rows origin fetches. */
export interface IntervalCounts {
  readonly lookups: Float64Array;
  readonly hits: Float64Array;
  readonly originFetches?: Float64Array;
}

const boundsCache = new WeakMap<Trace, Map<string, Uint32Array>>();

/**
 * The index one past the last request of each interval (the last is the trace's length). A
 * time interval starts at the first request's time; an interval with no request is kept
 * (empty), so intervals stay evenly spaced.
 */
export function intervalBounds(trace: Trace, spec: IntervalSpec): Uint32Array {
  const key = `${spec.unit}:${spec.size}`;
  let cached = boundsCache.get(trace);
  if (cached === undefined) boundsCache.set(trace, (cached = new Map<string, Uint32Array>()));
  let bounds = cached.get(key);
  if (bounds !== undefined) return bounds;
  const n = trace.length;
  const count = intervalCount(trace, spec);
  bounds = new Uint32Array(count);
  if (spec.unit === 'requests') {
    for (let k = 0; k < count; k++) bounds[k] = Math.min(n, (k + 1) * spec.size);
  } else {
    const times = trace.times!;
    const start = n === 0 ? 0 : times[0]!;
    let i = 0;
    for (let k = 0; k < count - 1; k++) {
      const end = start + (k + 1) * spec.size;
      while (i < n && times[i]! < end) i++;
      bounds[k] = i;
    }
    bounds[count - 1] = n;
  }
  cached.set(key, bounds);
  return bounds;
}

/** How many intervals `spec` cuts the trace into (at least one). */
export function intervalCount(trace: Trace, spec: IntervalSpec): number {
  const n = trace.length;
  if (spec.unit === 'requests') return Math.max(1, Math.ceil(n / spec.size));
  const times = trace.times;
  if (times === undefined || n === 0) return 1;
  // The last interval is closed: a request at exactly its end belongs to it, not to a new one.
  return Math.max(1, Math.ceil((times[n - 1]! - times[0]!) / spec.size));
}

/**
 * Cuts a replay's chunks at interval boundaries and reads the running totals there. Use:
 * `for (let start = 0; start < n; start = end) { end = recorder.chunkEnd(start, CHUNK); ...; recorder.reached(end, lookups, hits); }`
 */
export class IntervalRecorder {
  private next = 0;
  private lastLookups = 0;
  private lastHits = 0;
  private lastOrigin = 0;
  private readonly lookups: Float64Array;
  private readonly hits: Float64Array;
  private originFetches: Float64Array | undefined;

  constructor(private readonly bounds: Uint32Array) {
    this.lookups = new Float64Array(bounds.length);
    this.hits = new Float64Array(bounds.length);
  }

  /** Where the chunk from `start` ends: `chunk` requests on, or sooner at the next boundary. */
  chunkEnd(start: number, chunk: number, n: number): number {
    const boundary = this.next < this.bounds.length ? this.bounds[this.next]! : n;
    return Math.min(n, start + chunk, boundary);
  }

  /** The replay has done the requests before `end`, with these running totals (origin fetches: time-aware replays only). */
  reached(end: number, lookups: number, hits: number, originFetches?: number): void {
    if (originFetches !== undefined) this.originFetches ??= new Float64Array(this.bounds.length);
    // Several boundaries can fall on one index (empty time intervals): each gets its share, the later ones none.
    while (this.next < this.bounds.length && this.bounds[this.next] === end) {
      this.lookups[this.next] = lookups - this.lastLookups;
      this.hits[this.next] = hits - this.lastHits;
      if (originFetches !== undefined) {
        this.originFetches![this.next] = originFetches - this.lastOrigin;
        this.lastOrigin = originFetches;
      }
      this.lastLookups = lookups;
      this.lastHits = hits;
      this.next++;
    }
  }

  counts(): IntervalCounts {
    return { lookups: this.lookups, hits: this.hits, ...(this.originFetches && { originFetches: this.originFetches }) };
  }
}

/** A recorder for `spec` over `trace`, or undefined without one. */
export function intervalRecorder(trace: Trace, spec: IntervalSpec | undefined): IntervalRecorder | undefined {
  return spec === undefined ? undefined : new IntervalRecorder(intervalBounds(trace, spec));
}

/**
 * Where a chunk from `start` ends: `chunk` requests on, or sooner at the next interval
 * boundary or at the end of the warm-up (`warmup`, a request index; 0 for none).
 */
export function chunkEnd(start: number, chunk: number, n: number, recorder: IntervalRecorder | undefined, warmup: number): number {
  const end = recorder ? recorder.chunkEnd(start, chunk, n) : Math.min(n, start + chunk);
  return start < warmup && warmup < end ? warmup : end;
}
