/**
 * LRU: evict the least recently used entry.
 *
 * A doubly linked list over typed arrays (head = most recent). A hit moves the entry to the
 * head; a miss evicts from the tail until the newcomer fits, then inserts it at the head.
 * No parameters. Reference: libCacheSim `LRU.c`; Python's `functools.lru_cache` and
 * cachetools `LRUCache` produce the same hits and misses when counting entries.
 */
import type { Policy, PolicyContext, PolicyDefinition } from './policy.js';
import { IdList, ListArena, NIL } from './internal/list.js';

export class LruPolicy implements Policy {
  private readonly list: IdList;
  private readonly resident: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly capacity: number;
  private used = 0;

  constructor(
    context: PolicyContext,
    readonly name = 'lru',
  ) {
    this.capacity = context.capacity;
    this.list = new IdList(new ListArena(context.keySpace));
    this.resident = new Uint8Array(context.keySpace);
    this.sizeOf = new Uint32Array(context.keySpace);
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

  access(id: number, size: number, _now: number): boolean {
    if (this.resident[id] === 1) {
      this.list.moveToHead(id);
      if (this.sizeOf[id] !== size) this.resize(id, size);
      return true;
    }
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evict();
    this.list.pushHead(id);
    this.resident[id] = 1;
    this.sizeOf[id] = size;
    this.used += size;
    return false;
  }

  delete(id: number): boolean {
    if (this.resident[id] !== 1) return false;
    this.list.remove(id);
    this.forget(id);
    return true;
  }

  /** Ids from most to least recently used (tests only). */
  order(): number[] {
    return this.list.toArray();
  }

  private evict(): void {
    const victim = this.list.popTail();
    if (victim !== NIL) this.forget(victim);
  }

  private forget(id: number): void {
    this.resident[id] = 0;
    this.used -= this.sizeOf[id]!;
  }

  /** A hit with a new size: take the new size, then evict older entries until it fits. */
  private resize(id: number, size: number): void {
    this.used += size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    if (size > this.capacity) {
      this.delete(id);
      return;
    }
    while (this.used > this.capacity) this.evict();
  }
}

export const lru: PolicyDefinition = {
  name: 'lru',
  description: 'Least recently used: evicts the entry untouched for longest (functools.lru_cache, lru-cache).',
  params: [],
  create: (context, _params, name) => new LruPolicy(context, name),
};
