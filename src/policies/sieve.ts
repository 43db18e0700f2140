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
 * Counting entries, the queue is a ring of capacity slots (internal/slot-list.ts); counting
 * bytes, key ids linked over the key space.
 * Reference: Zhang et al., "SIEVE is Simpler than LRU", NSDI'24; libCacheSim `Sieve.c`.
 */
import type { PolicyContext, PolicyDefinition } from './policy.js';
import { NIL } from './internal/list.js';
import { SingleListPolicy } from './internal/single-list.js';
import { NO_SLOT, SlotListPolicy } from './internal/slot-list.js';

/** SIEVE counting entries: every size is 1. */
export class EntrySievePolicy extends SlotListPolicy {
  /** Each slot's visited bit, by slot offset. */
  private readonly visited: Uint8Array;
  /** The slot under the hand, NO_SLOT when unset (the next sweep starts at the tail). */
  private hand = NO_SLOT;

  constructor(
    context: PolicyContext,
    readonly name = 'sieve',
  ) {
    super(context);
    this.visited = new Uint8Array(3 * this.slots);
  }

  access(id: number, _size: number, _now: number): boolean {
    const at = this.slotOf[id]!;
    if (at !== NO_SLOT) {
      this.visited[at] = 1;
      return true;
    }
    if (this.slots === 0) return false;
    const tail = this.tailSlot();
    if (this.isFree(tail)) {
      // Room left: the newcomer takes a free slot, and nothing is swept.
      this.insertAtHead(id);
    } else {
      // Full, so the ring holds only entries and the slot before the head is the tail: the
      // sweep toward the head wraps round by itself.
      let victim = this.hand === NO_SLOT ? tail : this.hand;
      while (this.visited[victim] === 1) {
        this.visited[victim] = 0;
        victim = this.prevSlot(victim);
      }
      this.hand = victim === this.head ? NO_SLOT : this.prevSlot(victim);
      this.replaceAt(victim, id);
    }
    this.visited[this.head] = 0;
    return false;
  }

  /** The id under the hand, or -1 when unset; tests only. */
  handPosition(): number {
    return this.hand === NO_SLOT ? -1 : this.keyAt(this.hand);
  }

  /** If the hand is on the entry being removed, it steps to its predecessor (unset from the head) first. */
  override delete(id: number): boolean {
    const at = this.slotOf[id]!;
    if (at !== NO_SLOT && at === this.hand) this.hand = at === this.head ? NO_SLOT : this.prevSlot(at);
    return super.delete(id);
  }
}

/** SIEVE counting bytes. */
export class SievePolicy extends SingleListPolicy {
  private readonly visited: Uint8Array;
  private hand = NIL;

  constructor(
    context: PolicyContext,
    readonly name = 'sieve',
  ) {
    super(context);
    this.visited = new Uint8Array(context.keySpace);
  }

  access(id: number, size: number, _now: number): boolean {
    if (this.resident[id] === 1) {
      this.visited[id] = 1;
      // A resized entry keeps its place.
      if (this.sizeOf[id] !== size) this.resize(id, size);
      return true;
    }
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evict();
    this.list.pushHead(id);
    this.visited[id] = 0;
    this.admit(id, size);
    return false;
  }

  /** The id under the hand, or -1 when unset; tests only. */
  handPosition(): number {
    return this.hand;
  }

  protected evict(): void {
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

  /** If the hand is on the id being removed, it steps to its predecessor first. */
  protected override unlink(id: number): void {
    if (this.hand === id) this.hand = this.list.prevOf(id);
    super.unlink(id);
  }
}

export const sieve: PolicyDefinition = {
  name: 'sieve',
  description: "SIEVE (NSDI'24): FIFO with a visited bit and a hand that never moves survivors.",
  params: [],
  create: (context, _params, name) => (context.unit === 'entries' ? new EntrySievePolicy(context, name) : new SievePolicy(context, name)),
};
