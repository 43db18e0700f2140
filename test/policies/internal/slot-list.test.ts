import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EntryLruPolicy, LruPolicy } from '../../../src/policies/lru.js';
import { EntryFifoPolicy, FifoPolicy } from '../../../src/policies/fifo.js';
import type { Policy, PolicyContext } from '../../../src/policies/policy.js';
import { SlotList } from '../../../src/policies/internal/slot-list.js';
import { traceOf } from '../../helpers/trace.js';

/** A request (key >= 0) or a delete of key -1 - k. */
const stepsArb = fc.array(fc.integer({ min: -12, max: 11 }), { maxLength: 300 });

/**
 * Each step's answer, resident set and size, for the row of slots (counting entries) and the
 * key-space list (counting bytes, every size 1), which were written apart.
 */
function observe(policy: Policy, steps: readonly number[], keySpace: number): string[] {
  return steps.map((step, i) => {
    const answer = step >= 0 ? policy.access(step, 1, i) : policy.delete(-1 - step);
    const resident = Array.from({ length: keySpace }, (_, id) => (policy.has(id) ? 1 : 0)).join('');
    return `${String(answer)} ${resident} ${policy.size} ${policy.bytes}`;
  });
}

for (const [name, Entry, Bytes] of [
  ['lru', EntryLruPolicy, LruPolicy],
  ['fifo', EntryFifoPolicy, FifoPolicy],
] as const) {
  test(`${name} counting entries in slots answers as the key-space list does with unit sizes`, () => {
    fc.assert(
      fc.property(stepsArb, fc.integer({ min: 0, max: 14 }), (steps, capacity) => {
        const keySpace = 12;
        const trace = traceOf([0]);
        const context = (unit: PolicyContext['unit']): PolicyContext => ({ capacity, unit, keySpace, seed: 1, trace });
        const slots = new Entry(context('entries'));
        const list = new Bytes(context('bytes'));
        assert.deepEqual(observe(slots, steps, keySpace), observe(list, steps, keySpace));
        assert.deepEqual(slots.order(), list.order());
      }),
      { numRuns: 300 },
    );
  });
}

test('a slot list keeps its used slots ahead of its free ones', () => {
  const list = new SlotList(3, 10);
  assert.equal(list.length, 0);
  list.moveToHead(list.claimTail(4));
  list.moveToHead(list.claimTail(7));
  list.moveToHead(list.claimTail(2));
  assert.deepEqual(list.keys(), [2, 7, 4]);
  assert.equal(list.length, 3);
  // Full: the tail's key (4) is the victim.
  list.moveToHead(list.claimTail(9));
  assert.deepEqual(list.keys(), [9, 2, 7]);
  assert.equal(list.has(4), false);
  // Releasing the middle entry frees a slot at the tail, which the next claim fills without a victim.
  assert.equal(list.release(2), true);
  assert.equal(list.release(2), false);
  assert.equal(list.length, 2);
  list.moveToHead(list.claimTail(5));
  assert.deepEqual(list.keys(), [5, 9, 7]);
  // A list without slots holds nothing.
  const empty = new SlotList(0, 10);
  assert.equal(empty.length, 0);
  assert.deepEqual(empty.keys(), []);
});
