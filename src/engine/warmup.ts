/**
 * Warm-up: the first requests of a trace fill the cache and are left out of the counts, so
 * the hit rate is the steady state's, not a cold start's (`--warmup 100000`, `--warmup 30s`,
 * `--warmup 10%`). The replay loops run the warm-up requests as usual and read their running
 * totals where it ends; every count is the whole run's minus that.
 */
import type { Trace } from '../trace/trace.js';

/** The first `size` requests, the first `size` seconds of trace time, or a `size` share (0..1) of the requests. */
export interface WarmupSpec {
  readonly unit: 'requests' | 'seconds' | 'share';
  readonly size: number;
}

/** The index of the first counted request. */
export function warmupEnd(trace: Trace, spec: WarmupSpec): number {
  const n = trace.length;
  switch (spec.unit) {
    case 'requests':
      return Math.min(n, spec.size);
    case 'share':
      return Math.min(n, Math.floor(n * spec.size));
    case 'seconds': {
      const times = trace.times;
      if (times === undefined || n === 0) return 0;
      const end = times[0]! + spec.size;
      // Binary search: the first request at or after the end of the warm-up.
      let low = 0;
      let high = n;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (times[middle]! < end) low = middle + 1;
        else high = middle;
      }
      return low;
    }
  }
}
