/**
 * LIRS (Low Inter-reference Recency Set): keys re-referenced within a short distance are LIR
 * and stay resident; the rest are HIR and only a small share of the cache holds them.
 *
 * Structures, as in libCacheSim's `LIRS.c`: stack S in recency order (LIR keys, resident HIR
 * keys and non-resident HIR "ghosts"), queue Q of resident HIR keys (the eviction candidates)
 * and a list NH of the ghosts in the order they lost residency. S's bottom is kept LIR by
 * pruning HIR entries off it. Until the LIR set is full, new keys become LIR (warm-up).
 *  - LIR hit: to the top of S, prune.
 *  - HIR hit while in S: it becomes LIR (leaving Q), the bottom LIR is demoted to Q, prune.
 *  - HIR hit not in S: pushed on S, moved to Q's end.
 *  - Miss: evict Q's front (a key still in S becomes a ghost). A ghost's key becomes LIR and
 *    the bottom LIR is demoted; any other key enters S and Q as resident HIR.
 *  - Ghosts are bounded: while S holds more than `stack` x capacity (sizes summed), the oldest
 *    ghost is dropped, otherwise scans would grow S without limit.
 * Parameters: `hir` = HIR share of capacity (default 0.01, at least one entry or byte);
 * `stack` = bound on S as a multiple of capacity (default 2).
 * Differences from libCacheSim kept on purpose: objects larger than the HIR share are never
 * stored (as there), but a hit on a Q-only HIR key does not demote a LIR key (libCacheSim
 * demotes one when the LIR set is full, which can evict the key being hit), and a hit with a
 * changed size re-inserts the key.
 * Source: Jiang & Zhang, "LIRS", SIGMETRICS'02; libCacheSim `cache/eviction/LIRS/LIRS.c`.
 */
import type { Policy, PolicyContext, PolicyDefinition, PolicyParams } from './policy.js';
import { IdList, ListArena } from './internal/list.js';

const ABSENT = 0;
const LIR = 1;
/** Resident HIR: always in Q, possibly also in S. */
const HIR = 2;
/** Non-resident HIR: in S and in NH only. */
const GHOST = 3;

export interface LirsOptions {
  readonly hir: number;
  readonly stack: number;
}

export class LirsPolicy implements Policy {
  private readonly capacity: number;
  readonly hirLimit: number;
  readonly lirLimit: number;
  private readonly stackLimit: number;
  private readonly status: Uint8Array;
  private readonly inStack: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly stack: IdList;
  // Q and NH share one arena: a key is either resident HIR (in Q) or a ghost (in NH).
  private readonly queue: IdList;
  private readonly ghosts: IdList;
  private lirBytes = 0;
  private hirBytes = 0;
  private stackBytes = 0;
  private count = 0;

  constructor(
    context: PolicyContext,
    options: LirsOptions = { hir: 0.01, stack: 2 },
    readonly name = 'lirs',
  ) {
    if (!(options.hir > 0 && options.hir < 1)) throw new RangeError(`lirs:hir must be a fraction between 0 and 1, not ${options.hir}`);
    if (!(options.stack >= 1)) throw new RangeError(`lirs:stack must be at least 1, not ${options.stack}`);
    this.capacity = context.capacity;
    this.hirLimit = Math.max(1, Math.floor(options.hir * context.capacity));
    this.lirLimit = context.capacity - this.hirLimit;
    this.stackLimit = options.stack * context.capacity;
    const n = context.keySpace;
    this.status = new Uint8Array(n);
    this.inStack = new Uint8Array(n);
    this.sizeOf = new Uint32Array(n);
    this.stack = new IdList(new ListArena(n));
    const queueArena = new ListArena(n);
    this.queue = new IdList(queueArena);
    this.ghosts = new IdList(queueArena);
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.lirBytes + this.hirBytes;
  }

  has(id: number): boolean {
    const s = this.status[id];
    return s === LIR || s === HIR;
  }

  access(id: number, size: number, _now: number): boolean {
    const s = this.status[id];
    if (s === LIR || s === HIR) {
      if (this.sizeOf[id] !== size) {
        this.delete(id);
        this.miss(id, size);
      } else if (s === LIR) {
        this.stack.moveToHead(id);
        this.prune();
      } else if (this.inStack[id] === 1) {
        this.stack.moveToHead(id);
        this.queue.remove(id);
        this.hirBytes -= size;
        this.promote(id);
      } else {
        this.stack.pushHead(id);
        this.inStack[id] = 1;
        this.stackBytes += size;
        this.queue.moveToHead(id);
      }
      this.limitStack();
      return true;
    }
    this.miss(id, size);
    this.limitStack();
    return false;
  }

  delete(id: number): boolean {
    const s = this.status[id];
    if (s !== LIR && s !== HIR) return false;
    const size = this.sizeOf[id]!;
    if (this.inStack[id] === 1) this.unstack(id);
    if (s === LIR) {
      this.lirBytes -= size;
    } else {
      this.queue.remove(id);
      this.hirBytes -= size;
    }
    this.status[id] = ABSENT;
    this.count--;
    if (s === LIR) this.prune();
    return true;
  }

  /** Introspection for tests: 'LIR', 'HIR', 'ghost' or 'absent'. */
  statusOf(id: number): 'LIR' | 'HIR' | 'ghost' | 'absent' {
    return (['absent', 'LIR', 'HIR', 'ghost'] as const)[this.status[id]!]!;
  }

  /** Stack S from top to bottom, and Q from newest to front (tests only). */
  stackOrder(): number[] {
    return this.stack.toArray();
  }

  queueOrder(): number[] {
    return this.queue.toArray();
  }

  private miss(id: number, size: number): void {
    // libCacheSim refuses objects that could not fit in the HIR share.
    if (size > this.hirLimit || size > this.capacity) return;
    if (this.status[id] === GHOST) {
      this.ghosts.remove(id);
      this.stack.moveToHead(id);
      this.stackBytes += size - this.sizeOf[id]!;
      this.sizeOf[id] = size;
      this.makeRoom(size);
      this.count++;
      this.promote(id);
      return;
    }
    this.makeRoom(size);
    this.sizeOf[id] = size;
    this.stack.pushHead(id);
    this.inStack[id] = 1;
    this.stackBytes += size;
    this.count++;
    if (this.lirBytes + size <= this.lirLimit) {
      this.status[id] = LIR;
      this.lirBytes += size;
    } else {
      this.status[id] = HIR;
      this.hirBytes += size;
      this.queue.pushHead(id);
    }
  }

  /** Makes `id` (at the top of S, not counted in either set) LIR, demoting bottom LIR keys as needed. */
  private promote(id: number): void {
    this.status[id] = LIR;
    this.lirBytes += this.sizeOf[id]!;
    // Pruning leaves a LIR key at S's bottom, so each step demotes a LIR key; `id` at the top
    // stops it (it is only alone there when the LIR share is smaller than one object).
    this.prune();
    while (this.lirBytes > this.lirLimit && this.stack.tail !== id) this.demote(this.stack.tail);
  }

  /** Moves the LIR key at S's bottom to Q's end as resident HIR. */
  private demote(id: number): void {
    const size = this.sizeOf[id]!;
    this.unstack(id);
    this.status[id] = HIR;
    this.lirBytes -= size;
    this.hirBytes += size;
    this.queue.pushHead(id);
    this.prune();
  }

  /** Evicts Q's front until `size` more fits; with Q empty, demotes a LIR key first. */
  private makeRoom(size: number): void {
    while (this.lirBytes + this.hirBytes + size > this.capacity) {
      if (this.queue.length === 0) {
        // Every resident key is LIR, so after pruning S's bottom is one of them.
        this.prune();
        this.demote(this.stack.tail);
        continue;
      }
      const victim = this.queue.popTail();
      this.hirBytes -= this.sizeOf[victim]!;
      this.count--;
      if (this.inStack[victim] === 1) {
        this.status[victim] = GHOST;
        this.ghosts.pushHead(victim);
      } else {
        this.status[victim] = ABSENT;
      }
    }
  }

  /** Removes HIR entries (resident or ghost) from S's bottom until a LIR key is there. */
  private prune(): void {
    const stack = this.stack;
    while (stack.tail !== stack.head) {
      const bottom = stack.tail;
      const s = this.status[bottom];
      if (s === LIR) return;
      this.unstack(bottom);
      if (s === GHOST) {
        this.ghosts.remove(bottom);
        this.status[bottom] = ABSENT;
      }
    }
  }

  /** Bounds S by dropping the oldest ghosts. */
  private limitStack(): void {
    while (this.stackBytes > this.stackLimit && this.ghosts.length > 0) {
      const ghost = this.ghosts.popTail();
      this.unstack(ghost);
      this.status[ghost] = ABSENT;
    }
  }

  private unstack(id: number): void {
    this.stack.remove(id);
    this.inStack[id] = 0;
    this.stackBytes -= this.sizeOf[id]!;
  }
}

function lirsOptions(params: PolicyParams): LirsOptions {
  return { hir: Number(params['hir'] ?? 0.01), stack: Number(params['stack'] ?? 2) };
}

export const lirs: PolicyDefinition = {
  name: 'lirs',
  costHint: 2,
  description: 'LIRS: keeps keys with short reuse distance (LIR); a 1% HIR share absorbs one-time keys.',
  params: [
    { name: 'hir', description: 'share of capacity for resident HIR keys (at least one entry)', default: 0.01, type: 'fraction' },
    { name: 'stack', description: 'bound on stack S, including ghosts, as a multiple of capacity', default: 2, type: 'number', min: 1 },
  ],
  create: (context, params, name) => new LirsPolicy(context, lirsOptions(params), name),
};
