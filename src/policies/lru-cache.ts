/**
 * lru-cache: the real npm `lru-cache` package (isaacs/node-lru-cache), driven as a policy.
 *
 * It answers "what would my production LRUCache do?" and serves as the oracle our own `lru`
 * is tested against. Entries are counted with `max`; in byte mode the trace's sizes are
 * passed as `size` under `maxSize`, and objects larger than the cache are refused (as the
 * package itself does). Expiry is applied by the engine on simulated time, not by the
 * package's wall clock, by the package's rule: an entry whose age equals its TTL is still
 * served (`servesAtTtl`). Slower than `lru`: it is a Map-backed library, not a simulator.
 */
import { LRUCache } from 'lru-cache';
import type { Policy, PolicyContext, PolicyDefinition } from './policy.js';

export class LruCachePackagePolicy implements Policy {
  private readonly cache: LRUCache<number, number>;
  private readonly byteMode: boolean;
  private readonly sizeOption = { size: 1 };

  constructor(
    context: PolicyContext,
    readonly name = 'lru-cache',
  ) {
    this.byteMode = context.unit === 'bytes';
    // lru-cache allocates its arrays for `max` entries up front; no more than the trace's
    // distinct keys can ever be resident, so a capacity past them changes nothing but memory
    // (a maxsize of 1e9 allocated 2.4 GB for a trace of 1e5 keys).
    const max = context.capacity < 1 ? context.capacity : Math.min(context.capacity, Math.max(1, context.keySpace));
    this.cache = this.byteMode
      ? new LRUCache<number, number>({ max, maxSize: context.capacity, maxEntrySize: context.capacity })
      : new LRUCache<number, number>({ max });
  }

  get size(): number {
    return this.cache.size;
  }

  get bytes(): number {
    return this.byteMode ? this.cache.calculatedSize : this.cache.size;
  }

  has(id: number): boolean {
    return this.cache.has(id);
  }

  access(id: number, size: number, _now: number): boolean {
    if (this.cache.get(id) !== undefined) {
      if (this.byteMode) this.setSized(id, size);
      return true;
    }
    if (this.byteMode) this.setSized(id, size);
    else this.cache.set(id, 1);
    return false;
  }

  delete(id: number): boolean {
    return this.cache.delete(id);
  }

  private setSized(id: number, size: number): void {
    // lru-cache rejects a zero size; a zero-byte object still takes a slot, so count it as 1.
    this.sizeOption.size = size > 0 ? size : 1;
    // The value is the size because lru-cache re-measures an existing entry only when its
    // value changes; a constant value would keep the old size after a resize.
    this.cache.set(id, this.sizeOption.size, this.sizeOption);
  }
}

export const lruCache: PolicyDefinition = {
  name: 'lru-cache',
  costHint: 8,
  // The package's staleness test is `now - start > ttl`.
  servesAtTtl: true,
  description: 'The real npm lru-cache package (LRUCache with max, or maxSize in byte mode).',
  params: [],
  create: (context, _params, name) => new LruCachePackagePolicy(context, name),
};
