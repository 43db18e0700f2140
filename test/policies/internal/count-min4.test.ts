/** The W-TinyLFU frequency sketch: min-of-four estimates, 4-bit saturation, halving and its correction. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CountMin4, Doorkeeper } from '../../../src/policies/internal/count-min4.js';

test('table is the next power of two >= entries, period is 10 x table length', () => {
  assert.deepEqual([new CountMin4({ entries: 1, seed: 1 }).tableLength, new CountMin4({ entries: 1, seed: 1 }).period], [1, 10]);
  assert.equal(new CountMin4({ entries: 100, seed: 1 }).tableLength, 128);
  assert.equal(new CountMin4({ entries: 128, seed: 1 }).period, 1280);
});

test('the estimate is the minimum of the four counters', () => {
  // Four 64-bit words (64 counters) shared by 40 keys force collisions; each row of a key picks
  // its word independently, so the four counters of a key differ and the minimum matters.
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 39 }), { maxLength: 39, size: 'max' }), fc.integer(), (keys, seed) => {
      const sketch = new CountMin4({ entries: 4, seed });
      for (const key of keys) sketch.increment(key);
      for (let key = 0; key < 40; key++) {
        const counters = sketch.countersOf(key);
        assert.equal(sketch.frequency(key), Math.min(...counters));
        // Count-min never underestimates (no reset happened: fewer than 40 additions).
        assert.ok(sketch.frequency(key) >= keys.filter((k) => k === key).length);
      }
    }),
  );
  // And collisions do make counters of one key unequal somewhere in that setting.
  const sketch = new CountMin4({ entries: 4, seed: 1 });
  for (let key = 0; key < 30; key++) sketch.increment(key);
  const unequal = Array.from({ length: 40 }, (_, key) => sketch.countersOf(key)).some((c) => Math.min(...c) !== Math.max(...c));
  assert.ok(unequal);
});

test('counters saturate at 15, and saturated increments are not counted as additions', () => {
  const sketch = new CountMin4({ entries: 64, seed: 7 });
  for (let i = 0; i < 20; i++) sketch.increment(42);
  assert.equal(sketch.frequency(42), 15);
  assert.deepEqual(sketch.countersOf(42), [15, 15, 15, 15]);
  assert.equal(sketch.additions, 15);
});

test('reset halves every counter and corrects additions for the truncated odd counters', () => {
  const sketch = new CountMin4({ entries: 64, seed: 3 });
  for (let i = 0; i < 15; i++) sketch.increment(1);
  for (let i = 0; i < 3; i++) sketch.increment(2);
  assert.deepEqual([sketch.frequency(1), sketch.frequency(2), sketch.additions], [15, 3, 18]);
  sketch.reset();
  // 15 -> 7 and 3 -> 1. Keys 1 and 2 own 8 counters in a 64-word table; assuming they do not
  // collide (checked just below), all 8 are odd: additions = (18 - 8/4) / 2 = 8.
  assert.deepEqual(sketch.countersOf(1), [7, 7, 7, 7]);
  assert.deepEqual(sketch.countersOf(2), [1, 1, 1, 1]);
  assert.deepEqual([sketch.frequency(1), sketch.frequency(2), sketch.additions, sketch.resets], [7, 1, 8, 1]);
});

test('aging: the sketch halves itself after 10 x table length counted additions', () => {
  // entries 1 -> one word, period 10. Key 5 incremented 10 times reaches 10 (even), and the
  // tenth counted addition triggers the reset: 10 -> 5, no odd counters, additions 10 / 2 = 5.
  const sketch = new CountMin4({ entries: 1, seed: 11 });
  for (let i = 0; i < 9; i++) sketch.increment(5);
  assert.deepEqual([sketch.frequency(5), sketch.resets, sketch.additions], [9, 0, 9]);
  sketch.increment(5);
  assert.deepEqual([sketch.frequency(5), sketch.resets, sketch.additions], [5, 1, 5]);
  // Five more counted additions reach the period again: 10 -> 5.
  for (let i = 0; i < 5; i++) sketch.increment(5);
  assert.deepEqual([sketch.frequency(5), sketch.resets, sketch.additions], [5, 2, 5]);
});

test('doorkeeper absorbs the first sighting and adds one to estimates of seen keys', () => {
  const sketch = new CountMin4({ entries: 64, seed: 5, doorkeeper: true });
  sketch.increment(9);
  // First sighting: only the filter is set; the estimate is 0 from the sketch + 1 from the filter.
  assert.deepEqual([sketch.countersOf(9), sketch.frequency(9), sketch.additions], [[0, 0, 0, 0], 1, 0]);
  sketch.increment(9);
  assert.deepEqual([sketch.frequency(9), sketch.additions], [2, 1]);
  sketch.reset();
  // Reset clears the filter: the sketch's 1 halves to 0, and the +1 is gone.
  assert.equal(sketch.frequency(9), 0);
  const filter = new Doorkeeper(100, 0.01, 1);
  assert.equal(filter.add(3), true);
  assert.equal(filter.add(3), false);
  assert.equal(filter.contains(3), true);
  filter.clear();
  assert.equal(filter.contains(3), false);
});

test('the sketch is deterministic per seed and its hashing depends on the seed', () => {
  const run = (seed: number): number[] => {
    const sketch = new CountMin4({ entries: 4, seed });
    for (let i = 0; i < 200; i++) sketch.increment((i * 7919) % 50);
    return Array.from({ length: 50 }, (_, key) => sketch.frequency(key));
  };
  assert.deepEqual(run(1), run(1));
  assert.notDeepEqual(run(1), run(2));
});
