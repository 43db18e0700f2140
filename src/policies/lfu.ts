/**
 * LFU: evict the least frequently used entry; among equally frequent entries, the least
 * recently used one goes first.
 *
 * Structure (libCacheSim `LFU.c`): one FIFO bucket per access count, and a chain of the
 * non-empty buckets in ascending count, so insert, hit and evict are all O(1). A hit moves
 * the entry to the tail of the next bucket, so each bucket is in last-access order and its
 * head is the tie-break victim: LRU among the least frequent (the same as libCacheSim's
 * `LFU` and `cpp/LFU.cpp`). The count starts at 1 and is forgotten on eviction ("in-cache"
 * LFU).
 * Parameter `ties`: 'recency' (default, as above: libCacheSim's rule) or 'insertion', which
 * evicts the earliest inserted among the least used: cachetools 5's LFUCache, whose
 * `Counter.most_common` returns the first of equal counts in the order keys entered the
 * cache (a hit does not reorder; an evicted key re-enters at the end). That order cannot be
 * kept in O(1) buckets, so the insertion variant is a heap on (count, insertion), O(log n).
 */
import type { Policy, PolicyContext, PolicyDefinition, PolicyParams } from './policy.js';
import { NIL } from './internal/list.js';
import { IndexedMinHeap } from './internal/heap.js';

export class LfuPolicy implements Policy {
  private readonly capacity: number;
  private readonly resident: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly freq: Uint32Array;
  /** The bucket (node) each resident entry is in. */
  private readonly bucketOf: Int32Array;
  // Entries within a bucket: head = oldest (victim), tail = newest.
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  // Buckets are pooled nodes, not slots indexed by count: counts grow without bound on hot
  // keys (to millions on a long trace), while the non-empty buckets are never more than the
  // entries plus the one a hit is moving into. Per node: its count, its entries' ends, and
  // its neighbours in the chain of non-empty buckets, in ascending count.
  private bucketCount: Uint32Array;
  private bucketHead: Int32Array;
  private bucketTail: Int32Array;
  private chainPrev: Int32Array;
  private chainNext: Int32Array;
  private freeBuckets: Int32Array;
  private freeCount = 0;
  private bucketsMade = 0;
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
    this.bucketOf = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.next = new Int32Array(n);
    const buckets = 64;
    this.bucketCount = new Uint32Array(buckets);
    this.bucketHead = new Int32Array(buckets);
    this.bucketTail = new Int32Array(buckets);
    this.chainPrev = new Int32Array(buckets);
    this.chainNext = new Int32Array(buckets);
    this.freeBuckets = new Int32Array(buckets);
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
      const bucket = this.bucketOf[id]!;
      const f = this.freq[id]! + 1;
      let into = this.chainNext[bucket]!;
      if (into === NIL || this.bucketCount[into] !== f) into = this.newBucketAfter(bucket, f);
      this.detach(id, bucket);
      this.append(id, into);
      this.freq[id] = f;
      if (this.sizeOf[id] !== size) this.resize(id, size);
      return true;
    }
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evict();
    let into = this.lowest;
    if (into === NIL || this.bucketCount[into] !== 1) into = this.newBucketAfter(NIL, 1);
    this.append(id, into);
    this.freq[id] = 1;
    this.resident[id] = 1;
    this.sizeOf[id] = size;
    this.used += size;
    this.count++;
    return false;
  }

  delete(id: number): boolean {
    if (this.resident[id] !== 1) return false;
    this.detach(id, this.bucketOf[id]!);
    this.forget(id);
    return true;
  }

  private evict(): void {
    const bucket = this.lowest;
    if (bucket === NIL) return;
    const victim = this.bucketHead[bucket]!;
    this.detach(victim, bucket);
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

  /** Appends `id` at the tail of `bucket`. */
  private append(id: number, bucket: number): void {
    const tail = this.bucketTail[bucket]!;
    this.prev[id] = tail;
    this.next[id] = NIL;
    if (tail === NIL) this.bucketHead[bucket] = id;
    else this.next[tail] = id;
    this.bucketTail[bucket] = id;
    this.bucketOf[id] = bucket;
  }

  /** Unlinks `id` from `bucket`, dropping the bucket from the chain if it empties. */
  private detach(id: number, bucket: number): void {
    const p = this.prev[id]!;
    const n = this.next[id]!;
    if (p === NIL) this.bucketHead[bucket] = n;
    else this.next[p] = n;
    if (n === NIL) this.bucketTail[bucket] = p;
    else this.prev[n] = p;
    if (this.bucketHead[bucket] === NIL) this.dropBucket(bucket);
  }

  /** A new empty bucket for `count`, linked into the chain right after `after` (NIL = at the front). */
  private newBucketAfter(after: number, count: number): number {
    let bucket: number;
    if (this.freeCount > 0) bucket = this.freeBuckets[--this.freeCount]!;
    else {
      if (this.bucketsMade === this.bucketCount.length) this.growBuckets();
      bucket = this.bucketsMade++;
    }
    this.bucketCount[bucket] = count;
    this.bucketHead[bucket] = NIL;
    this.bucketTail[bucket] = NIL;
    const following = after === NIL ? this.lowest : this.chainNext[after]!;
    this.chainPrev[bucket] = after;
    this.chainNext[bucket] = following;
    if (after === NIL) this.lowest = bucket;
    else this.chainNext[after] = bucket;
    if (following !== NIL) this.chainPrev[following] = bucket;
    return bucket;
  }

  private dropBucket(bucket: number): void {
    const p = this.chainPrev[bucket]!;
    const n = this.chainNext[bucket]!;
    if (p === NIL) this.lowest = n;
    else this.chainNext[p] = n;
    if (n !== NIL) this.chainPrev[n] = p;
    this.freeBuckets[this.freeCount++] = bucket;
  }

  /** More buckets in use at once than ever before (bounded by the entries + 1): double the pool. */
  private growBuckets(): void {
    const grow = <A extends Int32Array | Uint32Array>(old: A): A => {
      const bigger = new (old.constructor as new (length: number) => A)(old.length * 2);
      bigger.set(old);
      return bigger;
    };
    this.bucketCount = grow(this.bucketCount);
    this.bucketHead = grow(this.bucketHead);
    this.bucketTail = grow(this.bucketTail);
    this.chainPrev = grow(this.chainPrev);
    this.chainNext = grow(this.chainNext);
    this.freeBuckets = grow(this.freeBuckets);
  }
}

/** LFU whose ties evict the earliest inserted (cachetools 5's LFUCache). */
export class InsertionOrderLfuPolicy implements Policy {
  private readonly capacity: number;
  private readonly sizeOf: Uint32Array;
  private readonly uses: Float64Array;
  /** When each resident entry was inserted, in requests: the tie-break among equal counts. */
  private readonly insertedAt: Float64Array;
  private readonly heap: IndexedMinHeap;
  private insertions = 0;
  private used = 0;

  constructor(
    context: PolicyContext,
    readonly name = 'lfu:ties=insertion',
  ) {
    const n = context.keySpace;
    this.capacity = context.capacity;
    this.sizeOf = new Uint32Array(n);
    this.uses = new Float64Array(n);
    this.insertedAt = new Float64Array(n);
    this.heap = new IndexedMinHeap(n, this.uses, this.insertedAt);
  }

  get size(): number {
    return this.heap.size;
  }

  get bytes(): number {
    return this.used;
  }

  has(id: number): boolean {
    return this.heap.has(id);
  }

  access(id: number, size: number, _now: number): boolean {
    if (this.heap.has(id)) {
      this.uses[id]!++;
      this.heap.update(id);
      if (this.sizeOf[id] !== size) this.resize(id, size);
      return true;
    }
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evict();
    this.uses[id] = 1;
    this.insertedAt[id] = this.insertions++;
    this.sizeOf[id] = size;
    this.used += size;
    this.heap.push(id);
    return false;
  }

  delete(id: number): boolean {
    if (!this.heap.has(id)) return false;
    this.heap.remove(id);
    this.used -= this.sizeOf[id]!;
    return true;
  }

  /** A hit with a new size: take it, then evict until the cache fits (as LfuPolicy does). */
  private resize(id: number, size: number): void {
    this.used += size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    if (size > this.capacity) this.delete(id);
    else while (this.used > this.capacity) this.evict();
  }

  private evict(): void {
    const victim = this.heap.pop();
    if (victim >= 0) this.used -= this.sizeOf[victim]!;
  }
}

export const lfu: PolicyDefinition = {
  name: 'lfu',
  costHint: 2,
  description: 'Least frequently used (in-cache counts); ties evict the least recently used, or the earliest inserted.',
  params: [
    {
      name: 'ties',
      description:
        "who goes first among the least used: 'recency' (least recently used, libCacheSim) or 'insertion' (earliest inserted, cachetools 5)",
      default: 'recency',
      type: 'choice',
      choices: ['recency', 'insertion'],
    },
  ],
  create: (context, params: PolicyParams, name) =>
    params['ties'] === 'insertion' ? new InsertionOrderLfuPolicy(context, name) : new LfuPolicy(context, name),
};
