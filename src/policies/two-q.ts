/**
 * 2Q (full version): a FIFO for first-time entries (A1in), a ghost FIFO of keys recently
 * pushed out of it (A1out), and an LRU for keys seen again (Am).
 *
 * - Hit in Am: move to its MRU end. Hit in A1in: nothing at all - correlated references
 *   right after the first one must not promote (promoting removes 2Q's filter).
 * - Miss on a key in A1out: still a miss; it leaves A1out and enters Am (if Am is at its
 *   share, Am's LRU entry makes room). Any other miss enters A1in.
 * - Evict: if A1in holds more than its share, its oldest entry goes and its key is pushed to
 *   A1out (the oldest ghost drops out when A1out is full); otherwise Am's LRU entry goes,
 *   leaving no ghost.
 * Parameters: `ain` (A1in share of capacity, default 0.25; at least 1 entry or byte),
 * `aout` (A1out ghost size as a share of capacity, default 0.5, in bytes in byte mode).
 * Am holds the rest. Objects larger than A1in's share are not stored (as libCacheSim's
 * `can_insert`); a remembered key too large for Am's share enters A1in instead.
 * Reference: Johnson & Shasha, "2Q: A Low Overhead High Performance Buffer Management
 * Replacement Algorithm", VLDB'94; libCacheSim `TwoQ.c` (Ain-size-ratio 0.25, Aout-size-ratio 0.5).
 */
import type { Policy, PolicyContext, PolicyDefinition, PolicyParams } from './policy.js';
import { IdList, ListArena } from './internal/list.js';

const NOWHERE = 0;
const A1IN = 1;
const AM = 2;
const A1OUT = 3;

export type TwoQSegment = 'a1in' | 'am' | 'a1out' | undefined;

export class TwoQPolicy implements Policy {
  private readonly a1in: IdList;
  private readonly am: IdList;
  private readonly a1out: IdList;
  private readonly where: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly capacity: number;
  private readonly a1inCapacity: number;
  private readonly amCapacity: number;
  private readonly a1outCapacity: number;
  private a1inBytes = 0;
  private amBytes = 0;
  private a1outBytes = 0;

  constructor(
    context: PolicyContext,
    ainRatio = 0.25,
    aoutRatio = 0.5,
    readonly name = 'two-q',
  ) {
    if (!(ainRatio > 0 && ainRatio < 1)) throw new RangeError(`two-q:ain must be between 0 and 1, not ${ainRatio}`);
    if (!(aoutRatio >= 0)) throw new RangeError(`two-q:aout must be 0 or more, not ${aoutRatio}`);
    this.capacity = context.capacity;
    this.a1inCapacity = Math.max(1, Math.floor(context.capacity * ainRatio));
    this.amCapacity = context.capacity - this.a1inCapacity;
    this.a1outCapacity = Math.floor(context.capacity * aoutRatio);
    const arena = new ListArena(context.keySpace);
    this.a1in = new IdList(arena);
    this.am = new IdList(arena);
    this.a1out = new IdList(arena);
    this.where = new Uint8Array(context.keySpace);
    this.sizeOf = new Uint32Array(context.keySpace);
  }

  get size(): number {
    return this.a1in.length + this.am.length;
  }

  get bytes(): number {
    return this.a1inBytes + this.amBytes;
  }

  has(id: number): boolean {
    const w = this.where[id];
    return w === A1IN || w === AM;
  }

  access(id: number, size: number, _now: number): boolean {
    const w = this.where[id]!;
    if (w === AM) {
      this.am.moveToHead(id);
      if (this.sizeOf[id] !== size) this.resize(id, w, size);
      return true;
    }
    if (w === A1IN) {
      if (this.sizeOf[id] !== size) this.resize(id, w, size);
      return true;
    }
    if (size > this.a1inCapacity) return false;
    // A remembered key enters Am - unless Am's share is too small to ever hold it (at tiny
    // capacities), in which case it is treated as a first access rather than refused.
    const fromGhost = w === A1OUT && size <= this.amCapacity;
    if (w === A1OUT) {
      this.a1out.remove(id);
      this.a1outBytes -= this.sizeOf[id]!;
      this.where[id] = NOWHERE;
    }
    while (this.a1inBytes + this.amBytes + size > this.capacity) this.evict();
    this.sizeOf[id] = size;
    if (fromGhost) {
      while (this.amBytes + size > this.amCapacity) this.evictAm();
      this.am.pushHead(id);
      this.where[id] = AM;
      this.amBytes += size;
    } else {
      this.a1in.pushHead(id);
      this.where[id] = A1IN;
      this.a1inBytes += size;
    }
    return false;
  }

  /** Removes a resident id; a ghost entry for it is dropped too (the key was invalidated). */
  delete(id: number): boolean {
    const w = this.where[id];
    if (w === A1IN) {
      this.a1in.remove(id);
      this.a1inBytes -= this.sizeOf[id]!;
    } else if (w === AM) {
      this.am.remove(id);
      this.amBytes -= this.sizeOf[id]!;
    } else {
      if (w === A1OUT) {
        this.a1out.remove(id);
        this.a1outBytes -= this.sizeOf[id]!;
        this.where[id] = NOWHERE;
      }
      return false;
    }
    this.where[id] = NOWHERE;
    return true;
  }

  /** Which queue holds `id`; tests only. */
  segmentOf(id: number): TwoQSegment {
    return ([undefined, 'a1in', 'am', 'a1out'] as const)[this.where[id]!];
  }

  private evict(): void {
    // A1in over its share, or Am empty (only after deletes or at tiny sizes): trim A1in.
    if (this.a1inBytes > this.a1inCapacity || this.am.length === 0) {
      const id = this.a1in.popTail();
      const size = this.sizeOf[id]!;
      this.a1inBytes -= size;
      this.remember(id, size);
    } else {
      this.evictAm();
    }
  }

  private evictAm(): void {
    const id = this.am.popTail();
    this.amBytes -= this.sizeOf[id]!;
    this.where[id] = NOWHERE;
  }

  private remember(id: number, size: number): void {
    if (size > this.a1outCapacity) {
      this.where[id] = NOWHERE;
      return;
    }
    while (this.a1outBytes + size > this.a1outCapacity) {
      const old = this.a1out.popTail();
      this.a1outBytes -= this.sizeOf[old]!;
      this.where[old] = NOWHERE;
    }
    this.a1out.pushHead(id);
    this.where[id] = A1OUT;
    this.a1outBytes += size;
  }

  /** A hit with a new size: take it, then evict as usual; the entry keeps its place. */
  private resize(id: number, w: number, size: number): void {
    const delta = size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    if (w === A1IN) this.a1inBytes += delta;
    else this.amBytes += delta;
    if (size > this.capacity) {
      this.delete(id);
      return;
    }
    while (this.a1inBytes + this.amBytes > this.capacity) this.evict();
  }
}

export const twoQ: PolicyDefinition = {
  name: 'two-q',
  description: "2Q (VLDB'94): FIFO for first accesses, ghost of evicted keys, LRU for re-referenced ones.",
  params: [
    { name: 'ain', description: 'A1in (first-access FIFO) share of capacity (at least 1 entry)', default: 0.25, type: 'fraction' },
    { name: 'aout', description: 'A1out ghost size as a share of capacity (0 = no ghost)', default: 0.5, type: 'number', min: 0, max: 10 },
  ],
  create: (context, params: PolicyParams, name) => new TwoQPolicy(context, params['ain'] as number, params['aout'] as number, name),
};
