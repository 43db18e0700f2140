/**
 * LFU: evict the least frequently used entry; among equally frequent entries, the least
 * recently used one goes first.
 *
 * Structure (libCacheSim `LFU.c`): one FIFO bucket per access count, and a chain of the
 * non-empty buckets in ascending count, so insert, hit and evict are all O(1). A hit moves
 * the entry to the tail of the next bucket, so each bucket is in last-access order and its
 * head is the tie-break victim: LRU among the least frequent (the same as libCacheSim's
 * `LFU` and `cpp/LFU.cpp`). The count starts at 1 and is forgotten on eviction ("in-cache"
 * LFU). No parameters. Note: cachetools' LFUCache breaks ties by hash order or insertion
 * order depending on version, so small traces can differ from it on ties alone.
 */
import type { Policy, PolicyContext, PolicyDefinition } from './policy.js';
import { NIL } from './internal/list.js';

export class LfuPolicy implements Policy {
  private readonly capacity: number;
  private readonly resident: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly freq: Uint32Array;
  // Entries within a bucket: head = oldest (victim), tail = newest.
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  // Per access count: its bucket's ends and its neighbours in the chain of non-empty buckets.
  private bucketHead: Int32Array;
  private bucketTail: Int32Array;
  private chainPrev: Int32Array;
  private chainNext: Int32Array;
  private lowest = NIL;
  private count = 0;
  private used = 0;

  constructor(
    context: PolicyContext,
    readonly name = 'lfu',
  ) {
    const n = context.keySpace;
    this.capacity = context.capacity;
    this.resident = new Uint8Array(n);
    this.sizeOf = new Uint32Array(n);
    this.freq = new Uint32Array(n);
    this.prev = new Int32Array(n);
    this.next = new Int32Array(n);
    const buckets = 64;
    this.bucketHead = new Int32Array(buckets).fill(NIL);
    this.bucketTail = new Int32Array(buckets).fill(NIL);
    this.chainPrev = new Int32Array(buckets).fill(NIL);
    this.chainNext = new Int32Array(buckets).fill(NIL);
  }

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.used;
  }

  has(id: number): boolean {
    return this.resident[id] === 1;
  }

  access(id: number, size: number, _now: number): boolean {
    if (this.resident[id] === 1) {
      const f = this.freq[id]!;
      if (f + 1 >= this.bucketHead.length) this.growBuckets();
      if (this.bucketHead[f + 1] === NIL) this.linkBucketAfter(f + 1, f);
      this.detach(id, f);
      this.append(id, f + 1);
      this.freq[id] = f + 1;
      if (this.sizeOf[id] !== size) this.resize(id, size);
      return true;
    }
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evict();
    if (this.bucketHead[1] === NIL) this.linkBucketAfter(1, NIL);
    this.append(id, 1);
    this.freq[id] = 1;
    this.resident[id] = 1;
    this.sizeOf[id] = size;
    this.used += size;
    this.count++;
    return false;
  }

  delete(id: number): boolean {
    if (this.resident[id] !== 1) return false;
    this.detach(id, this.freq[id]!);
    this.forget(id);
    return true;
  }

  private evict(): void {
    const f = this.lowest;
    if (f === NIL) return;
    const victim = this.bucketHead[f]!;
    this.detach(victim, f);
    this.forget(victim);
  }

  private forget(id: number): void {
    this.resident[id] = 0;
    this.used -= this.sizeOf[id]!;
    this.count--;
  }

  private resize(id: number, size: number): void {
    this.used += size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    if (size > this.capacity) {
      this.delete(id);
      return;
    }
    while (this.used > this.capacity) this.evict();
  }

  /** Appends `id` at the tail of bucket `f`, which must already be in the chain. */
  private append(id: number, f: number): void {
    const tail = this.bucketTail[f]!;
    this.prev[id] = tail;
    this.next[id] = NIL;
    if (tail === NIL) this.bucketHead[f] = id;
    else this.next[tail] = id;
    this.bucketTail[f] = id;
  }

  /** Unlinks `id` from bucket `f`, dropping the bucket from the chain if it empties. */
  private detach(id: number, f: number): void {
    const p = this.prev[id]!;
    const n = this.next[id]!;
    if (p === NIL) this.bucketHead[f] = n;
    else this.next[p] = n;
    if (n === NIL) this.bucketTail[f] = p;
    else this.prev[n] = p;
    if (this.bucketHead[f] === NIL) this.unlinkBucket(f);
  }

  /** Links empty bucket `f` into the chain right after bucket `after` (NIL = at the front). */
  private linkBucketAfter(f: number, after: number): void {
    const following = after === NIL ? this.lowest : this.chainNext[after]!;
    this.chainPrev[f] = after;
    this.chainNext[f] = following;
    if (after === NIL) this.lowest = f;
    else this.chainNext[after] = f;
    if (following !== NIL) this.chainPrev[following] = f;
  }

  private unlinkBucket(f: number): void {
    const p = this.chainPrev[f]!;
    const n = this.chainNext[f]!;
    if (p === NIL) this.lowest = n;
    else this.chainNext[p] = n;
    if (n !== NIL) this.chainPrev[n] = p;
    this.chainPrev[f] = NIL;
    this.chainNext[f] = NIL;
  }

  /** Counts grow without bound on hot keys; double the per-count arrays when one overflows. */
  private growBuckets(): void {
    const grow = (old: Int32Array): Int32Array => {
      const bigger = new Int32Array(old.length * 2).fill(NIL);
      bigger.set(old);
      return bigger;
    };
    this.bucketHead = grow(this.bucketHead);
    this.bucketTail = grow(this.bucketTail);
    this.chainPrev = grow(this.chainPrev);
    this.chainNext = grow(this.chainNext);
  }
}

export const lfu: PolicyDefinition = {
  name: 'lfu',
  description: 'Least frequently used (in-cache counts); ties evict the least recently used.',
  params: [],
  create: (context, _params, name) => new LfuPolicy(context, name),
};
