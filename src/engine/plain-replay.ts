/**
 * The replay of a plain trace - only gets, no TTL, no cost column - which is what sweeps
 * and most runs do, specialised so the inner loop does nothing but call `access` and count.
 *
 * The general loop in replay.ts tests every optional column on every request; here each
 * case (entries with request-number time, entries with a time column, bytes) has its own
 * loop, and each policy class runs its own compiled copy of it (per-class.ts), so
 * `policy.access` stays monomorphic and is inlined. The counts are exactly those of the
 * general loop on the same trace; test/engine/plain-replay.test.ts holds them equal for
 * every registered policy.
 */
import type { Policy } from '../policies/policy.js';
import type { Trace } from '../trace/trace.js';
import { classOf, copyFor } from './per-class.js';
import { countHits, countHitsSized, countHitsTimed } from './loops/templates.js';
import type { IntervalRecorder } from './intervals.js';

/** Requests per call of a loop: progress is reported between calls. */
const CHUNK = 1 << 16;

export interface PlainCounts {
  readonly requests: number;
  readonly hits: number;
  readonly uncacheable: number;
  readonly bytesRequested: number;
  readonly bytesHit: number;
}

const distinctCache = new WeakMap<Trace, number>();

/** How many distinct keys the trace requests (counted once per trace: a grid replays it often). */
export function distinctKeys(trace: Trace): number {
  let distinct = distinctCache.get(trace);
  if (distinct === undefined) {
    const seen = new Uint8Array(trace.keySpace);
    const keys = trace.keys;
    distinct = 0;
    for (let i = 0; i < keys.length; i++) {
      const id = keys[i]!;
      if (seen[id] === 0) {
        seen[id] = 1;
        distinct++;
      }
    }
    distinctCache.set(trace, distinct);
  }
  return distinct;
}

/** Whether `replayPlain` gives the same counts as the general loop for this trace and setup. */
export function isPlainReplay(trace: Trace, ttl: number | undefined): boolean {
  return trace.ops === undefined && trace.ttls === undefined && trace.costs === undefined && ttl === undefined;
}

/**
 * Replays every request of a plain trace (see `isPlainReplay`) through `policy`.
 * `sizes` is the size column when counting bytes, undefined when counting entries.
 */
export function replayPlain(
  trace: Trace,
  policy: Policy,
  sizes: Uint32Array | undefined,
  capacity: number,
  onProgress?: (done: number, total: number) => void,
  recorder?: IntervalRecorder,
): PlainCounts {
  const { keys, times } = trace;
  const n = trace.length;
  const owner = classOf(policy);
  let hits = 0;
  // Every request is a lookup, so the requests done are the lookups so far.
  const chunks = (run: (start: number, end: number) => number): void => {
    for (let start = 0, end = 0; start < n; start = end) {
      end = recorder ? recorder.chunkEnd(start, CHUNK, n) : Math.min(n, start + CHUNK);
      hits += run(start, end);
      recorder?.reached(end, end, hits);
      onProgress?.(end, n);
    }
  };
  if (sizes !== undefined) {
    const loop = copyFor(countHitsSized, owner);
    const totals = new Float64Array(3);
    chunks((start, end) => loop(policy, keys, sizes, times, start, end, capacity, totals));
    return { requests: n, hits, bytesRequested: totals[0]!, bytesHit: totals[1]!, uncacheable: totals[2]! };
  }
  if (times === undefined) {
    const loop = copyFor(countHits, owner);
    chunks((start, end) => loop(policy, keys, start, end));
  } else {
    const loop = copyFor(countHitsTimed, owner);
    chunks((start, end) => loop(policy, keys, times, start, end));
  }
  // Every object has size 1: it is uncacheable only in a cache of capacity below 1.
  return { requests: n, hits, bytesRequested: n, bytesHit: hits, uncacheable: capacity < 1 ? n - hits : 0 };
}
