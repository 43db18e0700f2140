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
import type { Policy, PolicyContext, PolicyDefinition } from './policy.js';
import { IdList, ListArena, NIL } from './internal/list.js';

export class MruPolicy implements Policy {
  private readonly list: IdList;
  private readonly resident: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly capacity: number;
  private used = 0;

  constructor(
    context: PolicyContext,
    readonly name = 'mru',
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
    const victim = this.list.popHead();
    if (victim !== NIL) this.forget(victim);
  }

  private forget(id: number): void {
    this.resident[id] = 0;
    this.used -= this.sizeOf[id]!;
  }

  /**
   * A hit with a new size. The entry is unlinked while room is made, so the most recent
   * *other* entries go first (it would otherwise sit at the head and evict itself), then it
   * returns to the head as the most recent use.
   */
  private resize(id: number, size: number): void {
    this.list.remove(id);
    this.used -= this.sizeOf[id]!;
    if (size > this.capacity) {
      this.resident[id] = 0;
      return;
    }
    while (this.used + size > this.capacity) this.evict();
    this.list.pushHead(id);
    this.sizeOf[id] = size;
    this.used += size;
  }
}

export const mru: PolicyDefinition = {
  name: 'mru',
  description: 'Most recently used: evicts the entry used last (suits loops larger than the cache).',
  params: [],
  create: (context, _params, name) => new MruPolicy(context, name),
};
