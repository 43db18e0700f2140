/**
 * SLRU: segmented LRU with a probation and a protected segment.
 *
 * New entries enter probation's MRU end. A hit in probation moves the entry to protected's
 * MRU end; while protected then holds more than its share, protected's LRU entry is demoted
 * to probation's MRU end. A hit in protected moves it to protected's MRU end. The victim is
 * probation's LRU entry (protected's LRU entry only if probation is empty).
 * Parameter: `protected`, protected segment share of capacity (0..1, default 0.8, rounded
 * down to whole entries or bytes). With protected=0 every promotion is demoted straight back,
 * which is exactly LRU.
 * Source followed: Caffeine simulator `policy/linked/SegmentedLruPolicy.java` (percent-protected
 * 0.80; a miss inserts to probation, evicting probation's LRU). Caffeine inserts before
 * evicting; with probation holding at least two entries (capacity >= 5 at the default) the
 * outcome is the same as evicting first, which we do so the newcomer is never its own victim.
 * libCacheSim's `SLRU.c` is a different, n-segment design.
 */
import type { Policy, PolicyContext, PolicyDefinition, PolicyParams } from './policy.js';
import { IdList, ListArena } from './internal/list.js';

const NOWHERE = 0;
const PROBATION = 1;
const PROTECTED = 2;

export class SlruPolicy implements Policy {
  private readonly probation: IdList;
  private readonly protectedList: IdList;
  private readonly where: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly capacity: number;
  private readonly protectedCapacity: number;
  private probationBytes = 0;
  private protectedBytes = 0;

  constructor(
    context: PolicyContext,
    protectedRatio = 0.8,
    readonly name = 'slru',
  ) {
    if (!(protectedRatio >= 0 && protectedRatio <= 1)) {
      throw new RangeError(`slru:protected must be between 0 and 1, not ${protectedRatio}`);
    }
    this.capacity = context.capacity;
    this.protectedCapacity = Math.floor(context.capacity * protectedRatio);
    const arena = new ListArena(context.keySpace);
    this.probation = new IdList(arena);
    this.protectedList = new IdList(arena);
    this.where = new Uint8Array(context.keySpace);
    this.sizeOf = new Uint32Array(context.keySpace);
  }

  get size(): number {
    return this.probation.length + this.protectedList.length;
  }

  get bytes(): number {
    return this.probationBytes + this.protectedBytes;
  }

  has(id: number): boolean {
    return this.where[id] !== NOWHERE;
  }

  access(id: number, size: number, _now: number): boolean {
    const w = this.where[id]!;
    if (w === PROTECTED) {
      this.protectedList.moveToHead(id);
      if (this.sizeOf[id] !== size) this.resize(id, size);
      return true;
    }
    if (w === PROBATION) {
      const old = this.sizeOf[id]!;
      this.probation.remove(id);
      this.probationBytes -= old;
      this.protectedList.pushHead(id);
      this.protectedBytes += old;
      this.where[id] = PROTECTED;
      if (old !== size) this.resize(id, size);
      else this.demoteOverflow();
      return true;
    }
    if (size > this.capacity) return false;
    while (this.probationBytes + this.protectedBytes + size > this.capacity) this.evict();
    this.probation.pushHead(id);
    this.where[id] = PROBATION;
    this.sizeOf[id] = size;
    this.probationBytes += size;
    return false;
  }

  delete(id: number): boolean {
    const w = this.where[id];
    if (w === PROBATION) {
      this.probation.remove(id);
      this.probationBytes -= this.sizeOf[id]!;
    } else if (w === PROTECTED) {
      this.protectedList.remove(id);
      this.protectedBytes -= this.sizeOf[id]!;
    } else {
      return false;
    }
    this.where[id] = NOWHERE;
    return true;
  }

  /** 'probation' or 'protected' for a resident id; tests only. */
  segmentOf(id: number): 'probation' | 'protected' | undefined {
    return ([undefined, 'probation', 'protected'] as const)[this.where[id]!];
  }

  private demoteOverflow(): void {
    while (this.protectedBytes > this.protectedCapacity) {
      const id = this.protectedList.popTail();
      const size = this.sizeOf[id]!;
      this.protectedBytes -= size;
      this.probation.pushHead(id);
      this.probationBytes += size;
      this.where[id] = PROBATION;
    }
  }

  private evict(): void {
    const fromProbation = this.probation.length > 0;
    const id = fromProbation ? this.probation.popTail() : this.protectedList.popTail();
    if (fromProbation) this.probationBytes -= this.sizeOf[id]!;
    else this.protectedBytes -= this.sizeOf[id]!;
    this.where[id] = NOWHERE;
  }

  /** A hit with a new size (the entry is now in protected): take it, rebalance, then evict. */
  private resize(id: number, size: number): void {
    this.protectedBytes += size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    if (size > this.capacity) {
      this.delete(id);
      return;
    }
    this.demoteOverflow();
    while (this.probationBytes + this.protectedBytes > this.capacity) this.evict();
  }
}

export const slru: PolicyDefinition = {
  name: 'slru',
  description: 'Segmented LRU: probation + protected segments; a second hit protects (Caffeine simulator).',
  params: [
    { name: 'protected', description: 'protected segment share of capacity (0 = plain LRU)', default: 0.8, type: 'number', min: 0, max: 1 },
  ],
  create: (context, params: PolicyParams, name) => new SlruPolicy(context, params['protected'] as number, name),
};
