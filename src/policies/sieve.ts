/**
 * SIEVE: a FIFO queue with a "visited" bit and a hand that remembers where it stopped.
 *
 * A hit only sets the entry's visited bit; nothing moves. New entries go to the head,
 * unvisited. To evict, start at the hand (or the tail when the hand is unset) and walk
 * toward the head, clearing visited bits and wrapping from head to tail, until an unvisited
 * entry is found; that entry is evicted and the hand stays on its predecessor (toward the
 * head). Survivors are never moved (moving them would make this CLOCK) and the hand is never
 * reset to the tail between evictions - the two classic bugs. Removing the entry under the
 * hand moves the hand to its predecessor. No parameters.
 * Reference: Zhang et al., "SIEVE is Simpler than LRU", NSDI'24; libCacheSim `Sieve.c`.
 */
import type { Policy, PolicyContext, PolicyDefinition } from './policy.js';
import { IdList, ListArena, NIL } from './internal/list.js';

export class SievePolicy implements Policy {
  private readonly list: IdList;
  private readonly resident: Uint8Array;
  private readonly visited: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly capacity: number;
  private hand = NIL;
  private used = 0;

  constructor(
    context: PolicyContext,
    readonly name = 'sieve',
  ) {
    this.capacity = context.capacity;
    this.list = new IdList(new ListArena(context.keySpace));
    this.resident = new Uint8Array(context.keySpace);
    this.visited = new Uint8Array(context.keySpace);
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
      this.visited[id] = 1;
      if (this.sizeOf[id] !== size) this.resize(id, size);
      return true;
    }
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evict();
    this.list.pushHead(id);
    this.resident[id] = 1;
    this.visited[id] = 0;
    this.sizeOf[id] = size;
    this.used += size;
    return false;
  }

  delete(id: number): boolean {
    if (this.resident[id] !== 1) return false;
    this.unlink(id);
    return true;
  }

  /** Ids from head (newest) to tail (oldest); tests only. */
  order(): number[] {
    return this.list.toArray();
  }

  /** The id under the hand, or -1 when unset; tests only. */
  handPosition(): number {
    return this.hand;
  }

  private evict(): void {
    const list = this.list;
    let id = this.hand === NIL ? list.tail : this.hand;
    if (id === NIL) return;
    while (this.visited[id] === 1) {
      this.visited[id] = 0;
      id = list.prevOf(id);
      if (id === NIL) id = list.tail;
    }
    // The hand rests on the victim's predecessor, whether or not the sweep started from it.
    this.hand = list.prevOf(id);
    this.unlink(id);
  }

  /** Unlinks a resident id; if the hand is on it, the hand steps to its predecessor first. */
  private unlink(id: number): void {
    if (this.hand === id) this.hand = this.list.prevOf(id);
    this.list.remove(id);
    this.resident[id] = 0;
    this.used -= this.sizeOf[id]!;
  }

  /** A hit with a new size: take it, then evict as usual; the entry keeps its place. */
  private resize(id: number, size: number): void {
    this.used += size - this.sizeOf[id]!;
    this.sizeOf[id] = size;
    if (size > this.capacity) {
      this.unlink(id);
      return;
    }
    while (this.used > this.capacity) this.evict();
  }
}

export const sieve: PolicyDefinition = {
  name: 'sieve',
  description: 'SIEVE (NSDI\'24): FIFO with a visited bit and a hand that never moves survivors.',
  params: [],
  create: (context, _params, name) => new SievePolicy(context, name),
};
