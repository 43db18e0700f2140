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
import type { PolicyContext, PolicyDefinition } from './policy.js';
import { NIL } from './internal/list.js';
import { IndexedMinHeap } from './internal/heap.js';
import { SingleListPolicy } from './internal/single-list.js';

export class TtlPolicy extends SingleListPolicy {
  private readonly expiry: Float64Array | undefined;
  /** The expiry each resident entry was heaped with; the engine's array may move on a write. */
  private readonly heapedExpiry: Float64Array | undefined;
  private readonly byExpiry: IndexedMinHeap | undefined;

  constructor(
    context: PolicyContext,
    readonly name = 'ttl',
  ) {
    super(context);
    this.expiry = context.expiry;
    if (context.expiry) {
      this.heapedExpiry = new Float64Array(context.keySpace);
      this.byExpiry = new IndexedMinHeap(context.keySpace, this.heapedExpiry);
    }
  }

  access(id: number, size: number, now: number): boolean {
    if (this.resident[id] === 1) {
      this.list.moveToHead(id);
      // A write re-arms the expiry; keep the heap in step.
      if (this.expiry && this.expiry[id] !== this.heapedExpiry![id]) {
        this.heapedExpiry![id] = this.expiry[id]!;
        this.byExpiry!.update(id);
      }
      if (this.sizeOf[id] !== size) {
        // Expired entries make room before live ones, as on an insertion.
        this.purgeExpired(now);
        // purgeExpired may have dropped this very entry, which the type checker cannot see.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
        if (this.resident[id] === 1) this.resize(id, size);
      }
      return true;
    }
    this.purgeExpired(now);
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evict();
    this.list.pushHead(id);
    this.admit(id, size);
    if (this.expiry) {
      this.heapedExpiry![id] = this.expiry[id]!;
      this.byExpiry!.push(id);
    }
    return false;
  }

  /** Drops every entry whose expiry is at or before `now` (live while now < expiry). */
  private purgeExpired(now: number): void {
    const heap = this.byExpiry;
    if (!heap) return;
    for (let id = heap.peek(); id !== NIL && this.heapedExpiry![id]! <= now; id = heap.peek()) {
      this.unlink(id);
    }
  }

  /** Live entries go in LRU order, once the expired ones are gone. */
  protected evict(): void {
    const victim = this.list.tail;
    if (victim !== NIL) this.unlink(victim);
  }

  protected override unlink(id: number): void {
    super.unlink(id);
    this.byExpiry?.remove(id);
  }
}

export const ttl: PolicyDefinition = {
  name: 'ttl',
  description: 'cachetools TTLCache: LRU order plus per-entry expiry; expired entries are purged before live ones are evicted.',
  params: [],
  create: (context, _params, name) => new TtlPolicy(context, name),
};
