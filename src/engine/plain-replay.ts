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
import type { TimeColumn, Trace, TraceChunk } from '../trace/trace.js';
import { classOf, copyFor } from './per-class.js';
import { countHits, countHitsSized, countHitsTimed } from './loops/templates.js';
import { keysFirstSeenFrom } from './trace-facts.js';

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
 * The plain replay of one policy, advanced range by range over the chunks of a trace (see
 * `isPlainReplay`). `sized`: the policy counts bytes (each request's size), else entries.
 * `times` is the chunk's time column, or undefined when row i of the chunk is at time i.
 */
export class PlainReplay {
  private hitCount = 0;
  private warmHits = 0;
  /** Bytes requested, bytes hit and uncacheable misses, when sized. */
  private readonly totals = new Float64Array(3);
  private warmTotals: Float64Array | undefined;
  private readonly countHits: typeof countHits;
  private readonly countHitsTimed: typeof countHitsTimed;
  private readonly countHitsSized: typeof countHitsSized;

  constructor(
    private readonly policy: Policy,
    private readonly sized: boolean,
    private readonly capacity: number,
  ) {
    const owner = classOf(policy);
    this.countHits = copyFor(countHits, owner);
    this.countHitsTimed = copyFor(countHitsTimed, owner);
    this.countHitsSized = copyFor(countHitsSized, owner);
  }

  /** Hits so far (every request is a lookup, so the lookups so far are the requests done). */
  get hits(): number {
    return this.hitCount;
  }

  /** Replays rows from..to-1 of `chunk`. */
  run(chunk: TraceChunk, times: TimeColumn | undefined, from: number, to: number): void {
    const { policy, capacity } = this;
    if (this.sized) this.hitCount += this.countHitsSized(policy, chunk.keys, chunk.sizes!, times, from, to, capacity, this.totals);
    else if (times === undefined) this.hitCount += this.countHits(policy, chunk.keys, from, to);
    else this.hitCount += this.countHitsTimed(policy, chunk.keys, times, from, to);
  }

  /** The warm-up ends here: what is counted from now on is reported. */
  endWarmup(): void {
    this.warmHits = this.hitCount;
    this.warmTotals = this.totals.slice();
  }

  /** The counts after `requests` requests of which the first `warmup` were the warm-up. */
  counts(requests: number, warmup: number): PlainCounts {
    const counted = this.hitCount - this.warmHits;
    const lookups = requests - warmup;
    if (this.sized) {
      const before = this.warmTotals ?? new Float64Array(3);
      const totals = this.totals;
      return {
        requests: lookups,
        hits: counted,
        bytesRequested: totals[0]! - before[0]!,
        bytesHit: totals[1]! - before[1]!,
        uncacheable: totals[2]! - before[2]!,
      };
    }
    // Every object has size 1: it is uncacheable only in a cache of capacity below 1.
    return {
      requests: lookups,
      hits: counted,
      bytesRequested: lookups,
      bytesHit: counted,
      uncacheable: this.capacity < 1 ? lookups - counted : 0,
    };
  }
}
