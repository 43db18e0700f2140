/**
 * CLOCK with a k-bit counter per entry (k = 1 is second chance).
 *
 * Kept as a FIFO list, which is the same as a ring with a hand: the tail is under the hand.
 * Counting entries, the list is a ring of capacity slots (internal/slot-list.ts), where the
 * hand passing an entry is the head stepping back onto it; counting bytes, key ids linked
 * over the key space.
 * A hit raises the entry's counter by one, saturating at 2^k - 1. To evict, look at the
 * tail: a non-zero counter is decremented and the entry moves to the head (the hand passes
 * it); the first tail with counter 0 is the victim. New entries go to the head with counter
 * `initial`, 0 by default as in libCacheSim - textbooks often set the bit on insert, which
 * changes results, hence the parameter.
 * Parameters: `bits` (1..8, default 1), `initial` (0..2^bits-1, default 0).
 * Reference: libCacheSim `Clock.c` (`n-bit-counter`); Corbató 1968 / second chance.
 */
import type { PolicyContext, PolicyDefinition, PolicyParams } from './policy.js';
import { NIL } from './internal/list.js';
import { SingleListPolicy } from './internal/single-list.js';
import { NO_SLOT, SlotListPolicy } from './internal/slot-list.js';

/** The counter's range, checked as the policy is built. */
function counterLimits(bits: number, initial: number): { maxCount: number; initial: number } {
  if (!Number.isInteger(bits) || bits < 1 || bits > 8) {
    throw new RangeError(`clock:bits must be a whole number from 1 to 8, not ${bits}`);
  }
  const maxCount = (1 << bits) - 1;
  if (!Number.isInteger(initial) || initial < 0 || initial > maxCount) {
    throw new RangeError(`clock:initial must be between 0 and ${maxCount} (2^bits - 1) with bits=${bits}, not ${initial}`);
  }
  return { maxCount, initial };
}

/** CLOCK counting entries: every size is 1. */
export class EntryClockPolicy extends SlotListPolicy {
  /** Each slot's counter, by slot offset. */
  private readonly counter: Uint8Array;
  private readonly maxCount: number;
  private readonly initial: number;

  constructor(
    context: PolicyContext,
    bits = 1,
    initial = 0,
    readonly name = 'clock',
  ) {
    super(context);
    ({ maxCount: this.maxCount, initial: this.initial } = counterLimits(bits, initial));
    this.counter = new Uint8Array(3 * this.slots);
  }

  access(id: number, _size: number, _now: number): boolean {
    const counter = this.counter;
    const at = this.slotOf[id]!;
    if (at !== NO_SLOT) {
      const c = counter[at]!;
      if (c < this.maxCount) counter[at] = c + 1;
      return true;
    }
    if (this.slots === 0) return false;
    // The hand: a used tail with a non-zero counter is decremented and passed to the head.
    for (let tail = this.tailSlot(); !this.isFree(tail); tail = this.tailSlot()) {
      const c = counter[tail]!;
      if (c === 0) break;
      counter[tail] = c - 1;
      this.passTail();
    }
    this.insertAtHead(id);
    counter[this.head] = this.initial;
    return false;
  }

  /** The counter of a resident id; tests only. */
  counterOf(id: number): number {
    return this.counter[this.slotOf[id]!]!;
  }
}

/** CLOCK counting bytes. */
export class ClockPolicy extends SingleListPolicy {
  private readonly counter: Uint8Array;
  private readonly maxCount: number;
  private readonly initial: number;

  constructor(
    context: PolicyContext,
    bits = 1,
    initial = 0,
    readonly name = 'clock',
  ) {
    super(context);
    ({ maxCount: this.maxCount, initial: this.initial } = counterLimits(bits, initial));
    this.counter = new Uint8Array(context.keySpace);
  }

  access(id: number, size: number, _now: number): boolean {
    if (this.resident[id] === 1) {
      const c = this.counter[id]!;
      if (c < this.maxCount) this.counter[id] = c + 1;
      // A resized entry keeps its place on the ring.
      if (this.sizeOf[id] !== size) this.resize(id, size);
      return true;
    }
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evict();
    this.list.pushHead(id);
    this.counter[id] = this.initial;
    this.admit(id, size);
    return false;
  }

  /** The counter of a resident id; tests only. */
  counterOf(id: number): number {
    return this.counter[id]!;
  }

  protected evict(): void {
    const list = this.list;
    for (;;) {
      const tail = list.tail;
      if (tail === NIL) return;
      const c = this.counter[tail]!;
      if (c === 0) break;
      this.counter[tail] = c - 1;
      list.remove(tail);
      list.pushHead(tail);
    }
    this.unlink(list.tail);
  }
}

export const clock: PolicyDefinition = {
  name: 'clock',
  check: (params) => {
    const bits = params['bits'] as number;
    const initial = params['initial'] as number;
    return initial <= 2 ** bits - 1
      ? undefined
      : `initial must be between 0 and ${2 ** bits - 1} (2^bits - 1) with bits=${bits}, not ${initial}`;
  },
  description: 'CLOCK / second chance with a k-bit use counter; new entries start with it clear (libCacheSim).',
  params: [
    { name: 'bits', description: 'bits per use counter (saturates at 2^bits - 1)', default: 1, type: 'integer', min: 1, max: 8 },
    {
      name: 'initial',
      description: 'counter value of a newly inserted entry (textbooks use 1)',
      default: 0,
      type: 'integer',
      min: 0,
      max: 255,
    },
  ],
  create: (context, params: PolicyParams, name) =>
    context.unit === 'entries'
      ? new EntryClockPolicy(context, params['bits'] as number, params['initial'] as number, name)
      : new ClockPolicy(context, params['bits'] as number, params['initial'] as number, name),
};
