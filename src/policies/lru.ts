/**
 * LRU: evict the least recently used entry.
 *
 * A doubly linked list (head = most recent). A hit moves the entry to the head; a miss
 * evicts from the tail until the newcomer fits, then inserts it at the head. Counting
 * entries, the list is a ring of capacity slots (internal/slot-list.ts), which keeps the
 * replay in the CPU's cache; counting bytes, it links key ids over the key space, since the
 * number of entries is then unbounded. No parameters. Reference: libCacheSim `LRU.c`;
 * Python's `functools.lru_cache` and cachetools `LRUCache` produce the same hits and misses
 * when counting entries.
 */
import type { PolicyContext, PolicyDefinition } from './policy.js';
import { NIL } from './internal/list.js';
import { SingleListPolicy } from './internal/single-list.js';
import { NO_SLOT, SlotListPolicy } from './internal/slot-list.js';

/** LRU counting entries: every size is 1. */
export class EntryLruPolicy extends SlotListPolicy {
  constructor(
    context: PolicyContext,
    readonly name = 'lru',
  ) {
    super(context);
  }

  access(id: number, _size: number, _now: number): boolean {
    const at = this.slotOf[id]!;
    if (at !== NO_SLOT) {
      this.moveToHead(at);
      return true;
    }
    if (this.slots === 0) return false;
    this.insertAtHead(id);
    return false;
  }
}

/** LRU counting bytes. */
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
  create: (context, _params, name) => (context.unit === 'entries' ? new EntryLruPolicy(context, name) : new LruPolicy(context, name)),
};
