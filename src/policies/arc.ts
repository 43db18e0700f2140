/**
 * ARC: adaptive replacement between recency (T1) and frequency (T2), steered by ghosts.
 *
 * T1 holds entries seen once recently, T2 entries seen at least twice; B1 and B2 are ghost
 * LRU lists of keys recently evicted from T1 and T2. A floating-point target p (0..c) is the
 * size T1 should have. The four cases of the paper:
 * I   hit in T1 or T2: move to T2's MRU end.
 * II  key in B1 (a miss): p = min(c, p + max(|B2|/|B1|, 1)); REPLACE; move it to T2's MRU end.
 * III key in B2 (a miss): p = max(0, p - max(|B1|/|B2|, 1)); REPLACE; move it to T2's MRU end.
 * IV  complete miss: if |T1| + |B1| = c, drop B1's LRU key and REPLACE when B1 has one, else
 *     evict T1's LRU entry with no ghost; otherwise, when the directory is full (all four
 *     lists total 2c) drop B2's LRU key, then REPLACE. Insert at T1's MRU end.
 * REPLACE: if T1 is non-empty and (|T1| > p, or the key came from B2 and |T1| = p), T1's LRU
 * entry becomes a B1 ghost; otherwise T2's LRU entry becomes a B2 ghost.
 * p is updated before REPLACE, and in floating point (integer p or integer division stalls
 * the adaptation). With byte capacity every |list| is measured in bytes, and the steps run
 * only while the newcomer does not fit, so REPLACE may run several times for a large object
 * (libCacheSim's size-aware loop); counting entries, this is exactly the paper. After any
 * insertion T1 + B1 <= c and the directory <= 2c are restored by dropping ghosts, which
 * only matters after deletions (the paper never shrinks the cache).
 * Parameter `ghost-trim`: 'insert' (default) restores those two bounds after every insertion,
 * so the ghosts never describe more than the paper's c and 2c; 'eviction' is libCacheSim's
 * rule, which drops at most one ghost per eviction step and tests the directory before the
 * newcomer (>= 2c), so with variable sizes its ghost lists can run over their bounds. The two
 * agree exactly when counting entries and can differ by a point or two in bytes; the default
 * keeps the paper's invariants, the parameter reproduces libCacheSim's counts. Reference: Megiddo & Modha, "ARC: A Self-Tuning, Low Overhead Replacement
 * Cache", FAST'03; libCacheSim `ARC.c` (floating-point p).
 */
import type { Policy, PolicyContext, PolicyDefinition } from './policy.js';
import { IdList, ListArena } from './internal/list.js';

const NOWHERE = 0;
const T1 = 1;
const T2 = 2;
const B1 = 3;
const B2 = 4;

export type ArcSegment = 't1' | 't2' | 'b1' | 'b2' | undefined;

export class ArcPolicy implements Policy {
  private readonly t1: IdList;
  private readonly t2: IdList;
  private readonly b1: IdList;
  private readonly b2: IdList;
  private readonly where: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly capacity: number;
  private t1Bytes = 0;
  private t2Bytes = 0;
  private b1Bytes = 0;
  private b2Bytes = 0;
  /** Target size of T1, in the capacity's unit. */
  private p = 0;

  /** True for libCacheSim's rule: no trim after an insert; the directory test excludes the newcomer. */
  private readonly trimOnEviction: boolean;

  constructor(
    context: PolicyContext,
    readonly name = 'arc',
    ghostTrim: 'insert' | 'eviction' = 'insert',
  ) {
    this.capacity = context.capacity;
    this.trimOnEviction = ghostTrim === 'eviction';
    const arena = new ListArena(context.keySpace);
    this.t1 = new IdList(arena);
    this.t2 = new IdList(arena);
    this.b1 = new IdList(arena);
    this.b2 = new IdList(arena);
    this.where = new Uint8Array(context.keySpace);
    this.sizeOf = new Uint32Array(context.keySpace);
  }

  get size(): number {
    return this.t1.length + this.t2.length;
  }

  get bytes(): number {
    return this.t1Bytes + this.t2Bytes;
  }

  /** The current target for T1; tests only. */
  get target(): number {
    return this.p;
  }

  has(id: number): boolean {
    const w = this.where[id];
    return w === T1 || w === T2;
  }

  access(id: number, size: number, _now: number): boolean {
    const w = this.where[id]!;
    const c = this.capacity;
    if (w === T1 || w === T2) {
      // Case I.
      const old = this.sizeOf[id]!;
      if (w === T1) {
        this.t1.remove(id);
        this.t1Bytes -= old;
        this.t2.pushHead(id);
        this.t2Bytes += old;
        this.where[id] = T2;
      } else {
        this.t2.moveToHead(id);
      }
      if (old !== size) this.resize(id, size);
      return true;
    }
    if (size > c) return false;
    if (w === B1) {
      // Case II.
      this.p = Math.min(c, this.p + Math.max(this.b2Bytes / this.b1Bytes, 1));
      while (this.t1Bytes + this.t2Bytes + size > c) this.replace(false);
      this.b1.remove(id);
      this.b1Bytes -= this.sizeOf[id]!;
      this.insertT2(id, size);
    } else if (w === B2) {
      // Case III.
      this.p = Math.max(0, this.p - Math.max(this.b1Bytes / this.b2Bytes, 1));
      while (this.t1Bytes + this.t2Bytes + size > c) this.replace(true);
      this.b2.remove(id);
      this.b2Bytes -= this.sizeOf[id]!;
      this.insertT2(id, size);
    } else {
      // Case IV.
      while (this.t1Bytes + this.t2Bytes + size > c) {
        if (this.t1Bytes + this.b1Bytes + size > c) {
          if (this.b1.length > 0) {
            this.dropGhost(this.b1, B1);
            this.replace(false);
          } else {
            const victim = this.t1.popTail();
            this.t1Bytes -= this.sizeOf[victim]!;
            this.where[victim] = NOWHERE;
          }
        } else {
          const directory = this.t1Bytes + this.t2Bytes + this.b1Bytes + this.b2Bytes;
          const full = this.trimOnEviction ? directory >= 2 * c : directory + size > 2 * c;
          if (full && this.b2.length > 0) {
            this.dropGhost(this.b2, B2);
          }
          this.replace(false);
        }
      }
      this.t1.pushHead(id);
      this.where[id] = T1;
      this.sizeOf[id] = size;
      this.t1Bytes += size;
    }
    if (!this.trimOnEviction) this.trimGhosts();
    return false;
  }

  /** Removes a resident id; a ghost entry for it is dropped too (the key was invalidated). */
  delete(id: number): boolean {
    const size = this.sizeOf[id]!;
    switch (this.where[id]) {
      case T1:
        this.t1.remove(id);
        this.t1Bytes -= size;
        break;
      case T2:
        this.t2.remove(id);
        this.t2Bytes -= size;
        break;
      case B1:
        this.b1.remove(id);
        this.b1Bytes -= size;
        this.where[id] = NOWHERE;
        return false;
      case B2:
        this.b2.remove(id);
        this.b2Bytes -= size;
        this.where[id] = NOWHERE;
        return false;
      default:
        return false;
    }
    this.where[id] = NOWHERE;
    return true;
  }

  /** Which list holds `id`; tests only. */
  segmentOf(id: number): ArcSegment {
    return ([undefined, 't1', 't2', 'b1', 'b2'] as const)[this.where[id]!];
  }

  private insertT2(id: number, size: number): void {
    this.t2.pushHead(id);
    this.where[id] = T2;
    this.sizeOf[id] = size;
    this.t2Bytes += size;
  }

  /** REPLACE(x, p): demote one resident entry to its ghost list. */
  private replace(fromB2: boolean): void {
    const t1Wins = this.t1.length > 0 && (this.t1Bytes > this.p || (fromB2 && this.t1Bytes === this.p) || this.t2.length === 0);
    if (t1Wins) {
      const id = this.t1.popTail();
      const size = this.sizeOf[id]!;
      this.t1Bytes -= size;
      this.b1.pushHead(id);
      this.b1Bytes += size;
      this.where[id] = B1;
    } else {
      const id = this.t2.popTail();
      const size = this.sizeOf[id]!;
      this.t2Bytes -= size;
      this.b2.pushHead(id);
      this.b2Bytes += size;
      this.where[id] = B2;
    }
  }

  private dropGhost(list: IdList, which: typeof B1 | typeof B2): void {
    const id = list.popTail();
    const size = this.sizeOf[id]!;
    if (which === B1) this.b1Bytes -= size;
    else this.b2Bytes -= size;
    this.where[id] = NOWHERE;
  }

  /** Keeps |T1| + |B1| <= c and the whole directory <= 2c; a no-op in the paper's setting. */
  private trimGhosts(): void {
    const c = this.capacity;
    while (this.t1Bytes + this.b1Bytes > c && this.b1.length > 0) this.dropGhost(this.b1, B1);
    while (this.t1Bytes + this.t2Bytes + this.b1Bytes + this.b2Bytes > 2 * c) {
      if (this.b2.length > 0) this.dropGhost(this.b2, B2);
      else if (this.b1.length > 0) this.dropGhost(this.b1, B1);
      else break;
    }
  }

  /** A hit with a new size (the entry is now at T2's MRU end): take it, then REPLACE until it fits. */
  private resize(id: number, size: number): void {
    this.t2Bytes += size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    if (size > this.capacity) {
      this.delete(id);
      return;
    }
    while (this.t1Bytes + this.t2Bytes > this.capacity) this.replace(false);
    this.trimGhosts();
  }
}

export const arc: PolicyDefinition = {
  name: 'arc',
  costHint: 2,
  description: "ARC (FAST'03): balances recency and frequency lists, tuned online by two ghost lists.",
  params: [
    {
      name: 'ghost-trim',
      description:
        "when ghosts are trimmed to their bounds: 'insert' (after each insertion) or 'eviction' (libCacheSim: one per eviction step)",
      default: 'insert',
      type: 'choice',
      choices: ['insert', 'eviction'],
    },
  ],
  create: (context, params, name) => new ArcPolicy(context, name, params['ghost-trim'] as 'insert' | 'eviction'),
};
