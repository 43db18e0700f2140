/**
 * Writes and freshness: what a `set` in the trace does to the cache, and whether a read
 * returns the latest written value.
 *
 * Every key has a version. A `set` is the application writing the key: the latest version is
 * bumped, and then, per `--write-policy`:
 * - invalidate (cache-aside): the origin takes the write at once; the key is removed from every
 *   tier, so the next get misses and fetches the new value.
 * - write-through: the origin takes the write at once and the new value is written into every
 *   tier (inserted if absent, its TTL re-armed).
 * - write-behind: the new value is written into every tier at once, but the origin only takes
 *   it at the next flush (every `--flush-interval`); further writes to a key that is still
 *   pending are coalesced into that one flush. A get that misses a pending key reads the
 *   origin's older value.
 * - ttl-only: the origin takes the write; the cache is left alone, so a cached copy stays
 *   stale until it expires or is evicted.
 * A read is stale when the version it returns is older than the key's latest write.
 */
import { UsageError } from '../../errors.js';
import { splitSpecList } from '../../spec-text.js';

export const WRITE_POLICIES = ['invalidate', 'write-through', 'write-behind', 'ttl-only'] as const;
/** What a `set` in the trace does to the cache (invalidate, write-through, write-behind, ttl-only). */
export type WritePolicy = (typeof WRITE_POLICIES)[number];

export function parseWritePolicy(text: string, flag = 'writePolicy'): WritePolicy {
  const name = text.trim().toLowerCase();
  if (!(WRITE_POLICIES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown write policy '${text}' (use ${WRITE_POLICIES.join(', ')})`, flag);
  }
  return name as WritePolicy;
}

/** `invalidate,ttl-only`: the write policies to compare (the library refuses one listed twice). */
export function parseWritePolicies(text: string, flag = 'writePolicy'): WritePolicy[] {
  const fail = (detail: string): never => {
    throw new UsageError(detail, flag);
  };
  return splitSpecList(text, () => false, fail).map((piece) => parseWritePolicy(piece, flag));
}

/** Per-key versions: the latest write, what the origin holds, and write-behind's pending set. */
export class Versions {
  /** Version of the latest write per key (0 = the value the trace started with). */
  readonly latest: Uint32Array;
  /** Version the origin serves per key; behind `latest` only while a write-behind is pending. */
  readonly origin: Uint32Array;
  private readonly pendingSince: Float64Array;
  private readonly pending: Int32Array;
  private pendingCount = 0;
  private nextFlush = NaN;
  /** Writes folded into a flush already pending for the same key (write-behind only). */
  writesCoalesced = 0;
  /** Flushes that sent at least one key to the origin. */
  flushes = 0;
  /** Longest time a write waited for its flush, in seconds. */
  longestPending = 0;

  constructor(
    keySpace: number,
    private readonly flushInterval: number,
  ) {
    this.latest = new Uint32Array(keySpace);
    this.origin = new Uint32Array(keySpace);
    this.pendingSince = new Float64Array(keySpace).fill(NaN);
    this.pending = new Int32Array(keySpace);
  }

  /** A write that reaches the origin at once (every policy but write-behind). */
  writeThrough(id: number): number {
    const version = ++this.latest[id]!;
    this.origin[id] = version;
    return version;
  }

  /** A write-behind write: the cache gets `version` now, the origin at the next flush. */
  writeBehind(id: number, now: number): number {
    const version = ++this.latest[id]!;
    if (this.pendingSince[id] === this.pendingSince[id]) {
      this.writesCoalesced++;
    } else {
      this.pendingSince[id] = now;
      this.pending[this.pendingCount++] = id;
    }
    return version;
  }

  /**
   * Runs every flush due at or before `now`. Flushes fall on a fixed grid (every
   * flushInterval from the first time seen), as a background flusher's timer would.
   */
  flushDue(now: number): void {
    if (this.nextFlush !== this.nextFlush) this.nextFlush = now + this.flushInterval;
    if (now < this.nextFlush) return;
    if (this.pendingCount > 0) this.flushAt(this.nextFlush);
    // Skip the empty ticks in between in one step.
    this.nextFlush += Math.max(1, Math.floor((now - this.nextFlush) / this.flushInterval) + 1) * this.flushInterval;
  }

  /** At the end of the trace: what is still pending goes out at the next tick. */
  finish(): void {
    if (this.pendingCount > 0) this.flushAt(this.nextFlush);
  }

  private flushAt(time: number): void {
    for (let k = 0; k < this.pendingCount; k++) {
      const id = this.pending[k]!;
      this.origin[id] = this.latest[id]!;
      this.longestPending = Math.max(this.longestPending, time - this.pendingSince[id]!);
      this.pendingSince[id] = NaN;
    }
    this.pendingCount = 0;
    this.flushes++;
  }
}
