/** The trace summary: its top-1% share comes from a count table, which must add up as a sort would. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sumOfLargest } from '../../src/trace/summary.js';

test('the top-share sum of the summary equals the sum of the largest counts found by sorting', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 200 }), fc.integer({ min: 1, max: 250 }), (values, k) => {
      const counts = Uint32Array.from(values);
      const sorted = [...values].sort((a, b) => b - a).slice(0, k);
      assert.equal(
        sumOfLargest(counts, k),
        sorted.reduce((a, b) => a + b, 0),
      );
      assert.equal(
        sumOfLargest(Float64Array.from(values), k),
        sorted.reduce((a, b) => a + b, 0),
      );
    }),
    { numRuns: 200, seed: 5 },
  );
});
