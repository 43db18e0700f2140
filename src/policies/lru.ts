/**
 * LRU: evict the least recently used entry.
 *
 * A doubly linked list over typed arrays (head = most recent). A hit moves the entry to the
 * head; a miss evicts from the tail until the newcomer fits, then inserts it at the head.
 * No parameters. Reference: libCacheSim `LRU.c`; Python's `functools.lru_cache` and
 * cachetools `LRUCache` produce the same hits and misses when counting entries.
 */
import type { PolicyContext, PolicyDefinition } from './policy.js';
import { NIL } from './internal/list.js';
import { SingleListPolicy } from './internal/single-list.js';

export class LruPolicy extends SingleListPolicy {
  constructor(
    context: PolicyContext,
    readonly name = 'lru',
  ) {
    super(context);
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
    this.admit(id, size);
    return false;
  }

  protected evict(): void {
    const victim = this.list.tail;
    if (victim !== NIL) this.unlink(victim);
  }
}

export const lru: PolicyDefinition = {
  name: 'lru',
  curve: 'lru-stack',
  description: 'Least recently used: evicts the entry untouched for longest (functools.lru_cache, lru-cache).',
  params: [],
  create: (context, _params, name) => new LruPolicy(context, name),
};
