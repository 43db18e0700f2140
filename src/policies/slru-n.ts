/**
 * slru-n: n equal LRU segments, libCacheSim's SLRU (S4LRU at the default n = 4).
 *
 * Segment 0 is the coldest, segment n-1 the hottest; each may hold capacity / n (rounded
 * down, in entries or bytes). A miss goes to the head of the first segment with room for it
 * (so while the cache warms up, new entries fill the higher segments too), or to segment 0
 * when none has room. A hit in segment i < n-1 moves the entry to the head of segment i+1;
 * while that segment is over its share its tail cools to the head of segment i, and so on
 * down, segment 0's overflow being evicted. A hit in the top segment moves it to that
 * segment's head. The victim is the tail of the lowest non-empty segment. An object larger
 * than one segment is never stored.
 *
 * Source followed: libCacheSim `cache/eviction/SLRU.c` (`n-seg`, equal `seg-size`), whose
 * miss counts this matches exactly, quirks included: the shares round down, so the cache as
 * a whole may hold a little more than n shares and segment 0 then runs over its share
 * until a promotion cools it. Our `slru` is the other common design (Caffeine's two
 * segments with a tunable protected share); the two can differ by several points.
 * A hit with a new size (libCacheSim keeps the old one) takes the new size, cools the
 * segment and evicts until the cache fits again.
 */
import type { Policy, PolicyContext, PolicyDefinition, PolicyParams } from './policy.js';
import { IdList, ListArena } from './internal/list.js';

/** `where[id]` is 0 when not resident, else its segment + 1. */
const NOWHERE = 0;

export class SegmentedLruPolicy implements Policy {
  private readonly segments: IdList[];
  private readonly segmentBytes: Float64Array;
  private readonly share: number;
  private readonly where: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly capacity: number;
  private used = 0;
  private count = 0;

  constructor(
    context: PolicyContext,
    segmentCount = 4,
    readonly name = 'slru-n',
  ) {
    if (!(Number.isInteger(segmentCount) && segmentCount >= 1 && segmentCount <= 16)) {
      throw new RangeError(`slru-n:segments must be an integer from 1 to 16, not ${segmentCount}`);
    }
    this.capacity = context.capacity;
    this.share = Math.floor(context.capacity / segmentCount);
    const arena = new ListArena(context.keySpace);
    this.segments = Array.from({ length: segmentCount }, () => new IdList(arena));
    this.segmentBytes = new Float64Array(segmentCount);
    this.where = new Uint8Array(context.keySpace);
    this.sizeOf = new Uint32Array(context.keySpace);
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.used;
  }

  has(id: number): boolean {
    return this.where[id] !== NOWHERE;
  }

  access(id: number, size: number, _now: number): boolean {
    const at = this.where[id]!;
    if (at !== NOWHERE) {
      const segment = at - 1;
      const top = this.segments.length - 1;
      if (segment === top) this.segments[top]!.moveToHead(id);
      else {
        this.move(id, segment, segment + 1);
        while (this.segmentBytes[segment + 1]! > this.share) this.cool(segment + 1);
      }
      if (this.sizeOf[id] !== size) this.resize(id, size);
      return true;
    }
    if (size > this.share) return false;
    while (this.used + size > this.capacity) this.evict();
    // A plain loop, not findIndex with a closure: access allocates nothing.
    let into = 0;
    for (let s = 0; s < this.segmentBytes.length; s++) {
      if (this.segmentBytes[s]! + size <= this.share) {
        into = s;
        break;
      }
    }
    this.segments[into]!.pushHead(id);
    this.where[id] = into + 1;
    this.sizeOf[id] = size;
    this.segmentBytes[into]! += size;
    this.used += size;
    this.count++;
    return false;
  }

  delete(id: number): boolean {
    const at = this.where[id]!;
    if (at === NOWHERE) return false;
    this.segments[at - 1]!.remove(id);
    this.forget(id, at - 1);
    return true;
  }

  /** The segment (0 = coldest) of a resident id; tests only. */
  segmentOf(id: number): number | undefined {
    const at = this.where[id]!;
    return at === NOWHERE ? undefined : at - 1;
  }

  private move(id: number, from: number, to: number): void {
    const size = this.sizeOf[id]!;
    this.segments[from]!.remove(id);
    this.segmentBytes[from]! -= size;
    this.segments[to]!.pushHead(id);
    this.segmentBytes[to]! += size;
    this.where[id] = to + 1;
  }

  /** Moves segment `s`'s tail down to the head of segment s-1, cascading; segment 0's overflow is evicted. */
  private cool(s: number): void {
    if (s === 0) {
      this.evict();
      return;
    }
    const id = this.segments[s]!.popTail();
    const size = this.sizeOf[id]!;
    this.segmentBytes[s]! -= size;
    this.segments[s - 1]!.pushHead(id);
    this.segmentBytes[s - 1]! += size;
    this.where[id] = s;
    while (this.segmentBytes[s - 1]! > this.share) this.cool(s - 1);
  }

  private evict(): void {
    let segment = 0;
    while (segment < this.segments.length && this.segments[segment]!.length === 0) segment++;
    if (segment === this.segments.length) return;
    const id = this.segments[segment]!.popTail();
    this.forget(id, segment);
  }

  private forget(id: number, segment: number): void {
    const size = this.sizeOf[id]!;
    this.segmentBytes[segment]! -= size;
    this.used -= size;
    this.count--;
    this.where[id] = NOWHERE;
  }

  private resize(id: number, size: number): void {
    const segment = this.where[id]! - 1;
    const change = size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    this.segmentBytes[segment]! += change;
    this.used += change;
    if (size > this.share) {
      this.delete(id);
      return;
    }
    while (this.segmentBytes[segment]! > this.share) this.cool(segment);
    while (this.used > this.capacity) this.evict();
  }
}

export const slruN: PolicyDefinition = {
  name: 'slru-n',
  description: "n equal LRU segments, a hit moves up one (libCacheSim's SLRU; S4LRU by default).",
  params: [{ name: 'segments', description: 'number of equal segments', default: 4, type: 'integer', min: 1, max: 16 }],
  create: (context, params: PolicyParams, name) => new SegmentedLruPolicy(context, params['segments'] as number, name),
};
