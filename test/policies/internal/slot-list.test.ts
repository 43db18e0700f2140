import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EntryLruPolicy, LruPolicy } from '../../../src/policies/lru.js';
import { EntryFifoPolicy, FifoPolicy } from '../../../src/policies/fifo.js';
import { ClockPolicy, EntryClockPolicy } from '../../../src/policies/clock.js';
import { EntrySievePolicy, SievePolicy } from '../../../src/policies/sieve.js';
import type { Policy, PolicyContext } from '../../../src/policies/policy.js';
import { traceOf } from '../../helpers/trace.js';

/** A request (key >= 0) or a delete of key -1 - k. */
const stepsArb = fc.array(fc.integer({ min: -12, max: 11 }), { maxLength: 300 });

/**
 * Each step's answer, resident set and size, for the ring of slots (counting entries) and the
 * key-space list (counting bytes, every size 1), which were written apart.
 */
function observe(policy: Policy, steps: readonly number[], keySpace: number): string[] {
  return steps.map((step, i) => {
    const answer = step >= 0 ? policy.access(step, 1, i) : policy.delete(-1 - step);
    const resident = Array.from({ length: keySpace }, (_, id) => (policy.has(id) ? 1 : 0)).join('');
    return `${String(answer)} ${resident} ${policy.size} ${policy.bytes}`;
  });
}

// CLOCK with a 1-bit counter set on insert or not, and with 3 bits (the hand passes an entry up to 7 times).
const clockOf =
  (bits: number, initial: number, Clock: typeof ClockPolicy | typeof EntryClockPolicy) =>
  (context: PolicyContext): ClockPolicy | EntryClockPolicy =>
    new Clock(context, bits, initial);

for (const [name, Entry, Bytes] of [
  ['lru', (context: PolicyContext) => new EntryLruPolicy(context), (context: PolicyContext) => new LruPolicy(context)],
  ['fifo', (context: PolicyContext) => new EntryFifoPolicy(context), (context: PolicyContext) => new FifoPolicy(context)],
  ['clock', clockOf(1, 0, EntryClockPolicy), clockOf(1, 0, ClockPolicy)],
  ['clock:initial=1', clockOf(1, 1, EntryClockPolicy), clockOf(1, 1, ClockPolicy)],
  ['clock:bits=3,initial=2', clockOf(3, 2, EntryClockPolicy), clockOf(3, 2, ClockPolicy)],
  ['sieve', (context: PolicyContext) => new EntrySievePolicy(context), (context: PolicyContext) => new SievePolicy(context)],
] as const) {
  test(`${name} counting entries in a ring of slots answers as the key-space list does with unit sizes`, () => {
    fc.assert(
      fc.property(stepsArb, fc.integer({ min: 0, max: 14 }), (steps, capacity) => {
        const keySpace = 12;
        const trace = traceOf([0]);
        const context = (unit: PolicyContext['unit']): PolicyContext => ({ capacity, unit, keySpace, seed: 1, trace });
        const slots = Entry(context('entries'));
        const list = Bytes(context('bytes'));
        assert.deepEqual(observe(slots, steps, keySpace), observe(list, steps, keySpace));
        assert.deepEqual(slots.order(), list.order());
        // CLOCK's counters too, entry by entry.
        const counters = (policy: typeof slots | typeof list): number[] =>
          'counterOf' in policy ? policy.order().map((id) => policy.counterOf(id)) : [];
        assert.deepEqual(counters(slots), counters(list));
        // SIEVE's hand too.
        if ('handPosition' in slots && 'handPosition' in list) assert.equal(slots.handPosition(), list.handPosition());
      }),
      { numRuns: 300 },
    );
  });
}

test('a ring of slots keeps its entries ahead of its free slots, which a miss fills before it evicts', () => {
  const trace = traceOf([0]);
  const lru = new EntryLruPolicy({ capacity: 3, unit: 'entries', keySpace: 10, seed: 1, trace });
  assert.equal(lru.size, 0);
  for (const id of [4, 7, 2]) assert.equal(lru.access(id, 1, 0), false);
  assert.deepEqual(lru.order(), [2, 7, 4]);
  assert.equal(lru.size, 3);
  // Full: the tail's key (4) is the victim.
  assert.equal(lru.access(9, 1, 0), false);
  assert.deepEqual(lru.order(), [9, 2, 7]);
  assert.equal(lru.has(4), false);
  // Deleting the middle entry frees a slot, which the next miss fills without a victim.
  assert.equal(lru.delete(2), true);
  assert.equal(lru.delete(2), false);
  assert.equal(lru.size, 2);
  assert.equal(lru.access(5, 1, 0), false);
  assert.deepEqual(lru.order(), [5, 9, 7]);
  assert.equal(lru.access(7, 1, 0), true);
  assert.deepEqual(lru.order(), [7, 5, 9]);
  // No slots: nothing is ever held.
  const none = new EntryLruPolicy({ capacity: 0, unit: 'entries', keySpace: 10, seed: 1, trace });
  assert.equal(none.access(1, 1, 0), false);
  assert.equal(none.access(1, 1, 1), false);
  assert.deepEqual([none.size, none.order()], [0, []]);
});
