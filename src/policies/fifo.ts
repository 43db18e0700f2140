/**
 * FIFO: evict the entry inserted longest ago; hits change nothing.
 *
 * A linked list in insertion order: counting entries, a ring of capacity slots
 * (internal/slot-list.ts); counting bytes, key ids linked over the key space. No parameters.
 * Reference: libCacheSim `FIFO.c`.
 */
import type { PolicyContext, PolicyDefinition } from './policy.js';
import { NIL } from './internal/list.js';
import { SingleListPolicy } from './internal/single-list.js';
import { NO_SLOT, SlotListPolicy } from './internal/slot-list.js';

/** FIFO counting entries: every size is 1. */
export class EntryFifoPolicy extends SlotListPolicy {
  constructor(
    context: PolicyContext,
    readonly name = 'fifo',
  ) {
    super(context);
  }

  access(id: number, _size: number, _now: number): boolean {
    if (this.slotOf[id]! !== NO_SLOT) return true;
    if (this.slots === 0) return false;
    this.insertAtHead(id);
    return false;
  }
}

/** FIFO counting bytes. */
export class FifoPolicy extends SingleListPolicy {
  constructor(
    context: PolicyContext,
    readonly name = 'fifo',
  ) {
    super(context);
  }

  access(id: number, size: number, _now: number): boolean {
    if (this.resident[id] === 1) {
      // The resized entry keeps its place in the queue, so it can be evicted too.
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

export const fifo: PolicyDefinition = {
  name: 'fifo',
  description: 'First in, first out: evicts the oldest insertion; hits do not reorder.',
  params: [],
  create: (context, _params, name) => (context.unit === 'entries' ? new EntryFifoPolicy(context, name) : new FifoPolicy(context, name)),
};
