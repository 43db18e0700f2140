/**
 * TTL: cachetools' `TTLCache` - LRU order plus a per-entry expiry.
 *
 * An entry expires `ttl` seconds after it was written (from `--ttl` or the trace's `ttl`
 * column); reads refresh its LRU position but not its expiry. Before every insertion all
 * expired entries are purged, and only then are live entries evicted in LRU order, so an
 * expired entry never pushes out a live one (the pitfall cachetools avoids). An expired entry
 * found on lookup is a miss: the engine removes it and it is inserted afresh.
 * With no TTL in effect it is plain LRU. Expiry order is kept in an indexed min-heap, so
 * per-request TTLs of any mix cost O(log n). No parameters of its own.
 * Reference: cachetools `TTLCache` / `TLRUCache` (v7).
 */
import type { Policy, PolicyContext, PolicyDefinition } from './policy.js';
import { IdList, ListArena, NIL } from './internal/list.js';
import { IndexedMinHeap } from './internal/heap.js';

export class TtlPolicy implements Policy {
  private readonly list: IdList;
  private readonly resident: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly capacity: number;
  private readonly expiry: Float64Array | undefined;
  /** The expiry each resident entry was heaped with; the engine's array may move on a write. */
  private readonly heapedExpiry: Float64Array | undefined;
  private readonly byExpiry: IndexedMinHeap | undefined;
  private used = 0;

  constructor(
    context: PolicyContext,
    readonly name = 'ttl',
  ) {
    this.capacity = context.capacity;
    this.list = new IdList(new ListArena(context.keySpace));
    this.resident = new Uint8Array(context.keySpace);
    this.sizeOf = new Uint32Array(context.keySpace);
    this.expiry = context.expiry;
    if (context.expiry) {
      this.heapedExpiry = new Float64Array(context.keySpace);
      this.byExpiry = new IndexedMinHeap(context.keySpace, this.heapedExpiry);
    }
  }

  get size(): number {
    return this.list.length;
  }

  get bytes(): number {
    return this.used;
  }

  has(id: number): boolean {
    return this.resident[id] === 1;
  }

  access(id: number, size: number, now: number): boolean {
    if (this.resident[id] === 1) {
      this.list.moveToHead(id);
      // A write re-arms the expiry; keep the heap in step.
      if (this.expiry && this.expiry[id] !== this.heapedExpiry![id]) {
        this.heapedExpiry![id] = this.expiry[id]!;
        this.byExpiry!.update(id);
      }
      if (this.sizeOf[id] !== size) this.resize(id, size, now);
      return true;
    }
    this.purgeExpired(now);
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evictLeastRecent();
    this.list.pushHead(id);
    this.resident[id] = 1;
    this.sizeOf[id] = size;
    this.used += size;
    if (this.expiry) {
      this.heapedExpiry![id] = this.expiry[id]!;
      this.byExpiry!.push(id);
    }
    return false;
  }

  delete(id: number): boolean {
    if (this.resident[id] !== 1) return false;
    this.list.remove(id);
    this.forget(id);
    return true;
  }

  /** Drops every entry whose expiry is at or before `now` (live while now < expiry). */
  private purgeExpired(now: number): void {
    const heap = this.byExpiry;
    if (!heap) return;
    for (let id = heap.peek(); id !== NIL && this.heapedExpiry![id]! <= now; id = heap.peek()) {
      this.delete(id);
    }
  }

  private evictLeastRecent(): void {
    const victim = this.list.tail;
    if (victim !== NIL) this.delete(victim);
  }

  private forget(id: number): void {
    this.resident[id] = 0;
    this.used -= this.sizeOf[id]!;
    this.byExpiry?.remove(id);
  }

  private resize(id: number, size: number, now: number): void {
    this.used += size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    if (size > this.capacity) {
      this.delete(id);
      return;
    }
    this.purgeExpired(now);
    while (this.used > this.capacity) this.evictLeastRecent();
  }
}

export const ttl: PolicyDefinition = {
  name: 'ttl',
  description: "cachetools TTLCache: LRU order plus per-entry expiry; expired entries are purged before live ones are evicted.",
  params: [],
  create: (context, _params, name) => new TtlPolicy(context, name),
};
