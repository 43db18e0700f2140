/**
 * MRU: evict the most recently used entry.
 *
 * A doubly linked list over typed arrays (head = most recent). A hit moves the entry to the
 * head; a miss evicts from the head until the newcomer fits and only then inserts it, so the
 * newcomer is never its own victim (inserting first would evict the object just fetched).
 * Good for cyclic scans larger than the cache, poor almost everywhere else. No parameters.
 * Reference: libCacheSim `MRU.c`. (cachetools' old `MRUCache` appended new keys at the LRU
 * end, a quirk deliberately not copied.)
 */
import type { PolicyContext, PolicyDefinition } from './policy.js';
import { NIL } from './internal/list.js';
import { SingleListPolicy } from './internal/single-list.js';

export class MruPolicy extends SingleListPolicy {
  constructor(
    context: PolicyContext,
    readonly name = 'mru',
  ) {
    super(context);
  }

  access(id: number, size: number, _now: number): boolean {
    if (this.resident[id] === 1) {
      if (this.sizeOf[id] !== size) {
        this.resize(id, size);
      } else {
        this.list.moveToHead(id);
      }
      return true;
    }
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evict();
    this.list.pushHead(id);
    this.admit(id, size);
    return false;
  }

  protected evict(): void {
    const victim = this.list.head;
    if (victim !== NIL) this.unlink(victim);
  }

  /**
   * A hit with a new size. The entry is unlinked while room is made, so the most recent
   * *other* entries go first (it would otherwise sit at the head and evict itself), then it
   * returns to the head as the most recent use.
   */
  protected override resize(id: number, size: number): void {
    this.unlink(id);
    if (size > this.capacity) return;
    while (this.used + size > this.capacity) this.evict();
    this.list.pushHead(id);
    this.admit(id, size);
  }
}

export const mru: PolicyDefinition = {
  name: 'mru',
  description: 'Most recently used: evicts the entry used last (suits loops larger than the cache).',
  params: [],
  create: (context, _params, name) => new MruPolicy(context, name),
};
