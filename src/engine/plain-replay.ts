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
import { chunkEnd, type IntervalRecorder } from './intervals.js';
import { keysFirstSeenFrom } from './warmup.js';

/** Requests per call of a loop: progress is reported between calls. */
const CHUNK = 1 << 16;

export interface PlainCounts {
  readonly requests: number;
  readonly hits: number;
  readonly uncacheable: number;
  readonly bytesRequested: number;
  readonly bytesHit: number;
}

/** How many distinct keys the trace requests (counted once per trace: a grid replays it often). */
export function distinctKeys(trace: Trace): number {
  return keysFirstSeenFrom(trace, 0);
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
  warmup = 0,
): PlainCounts {
  const { keys, times } = trace;
  const n = trace.length;
  const owner = classOf(policy);
  let hits = 0;
  let warmHits = 0;
  const totals = new Float64Array(3);
  let warmTotals: Float64Array | undefined;
  // Every request is a lookup, so the requests done are the lookups so far.
  const chunks = (run: (start: number, end: number) => number): void => {
    for (let start = 0, end = 0; start < n; start = end) {
      end = chunkEnd(start, CHUNK, n, recorder, warmup);
      hits += run(start, end);
      recorder?.reached(end, end, hits);
      if (end === warmup) [warmHits, warmTotals] = [hits, totals.slice()];
      onProgress?.(end, n);
    }
  };
  if (sizes !== undefined) {
    const loop = copyFor(countHitsSized, owner);
    chunks((start, end) => loop(policy, keys, sizes, times, start, end, capacity, totals));
    const before = warmTotals ?? new Float64Array(3);
    return {
      requests: n - warmup,
      hits: hits - warmHits,
      bytesRequested: totals[0]! - before[0]!,
      bytesHit: totals[1]! - before[1]!,
      uncacheable: totals[2]! - before[2]!,
    };
  }
  if (times === undefined) {
    const loop = copyFor(countHits, owner);
    chunks((start, end) => loop(policy, keys, start, end));
  } else {
    const loop = copyFor(countHitsTimed, owner);
    chunks((start, end) => loop(policy, keys, times, start, end));
  }
  // Every object has size 1: it is uncacheable only in a cache of capacity below 1.
  const requests = n - warmup;
  const counted = hits - warmHits;
  return { requests, hits: counted, bytesRequested: requests, bytesHit: counted, uncacheable: capacity < 1 ? requests - counted : 0 };
}
