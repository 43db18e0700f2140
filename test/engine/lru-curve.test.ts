import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { exactCurveBlocker, lruByteCurve, lruCurveCounts, stackDistances, type MissSplit } from '../../src/engine/lru-curve.js';
import { replay, type ReplayCounts } from '../../src/engine/replay.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import { OP_DELETE, OP_GET, OP_SET } from '../../src/trace/trace.js';
import { traceOf } from '../helpers/trace.js';
import { generateTrace } from '../../src/trace/spec.js';

const lru = parsePolicySpec('lru');

/**
 * Curve counts against a replay's. The curve always reports the cold/capacity miss split;
 * when this build's replay reports it too, it must agree, otherwise the rest must.
 */
function assertSameCounts(curve: ReplayCounts & MissSplit, replayed: ReplayCounts, message: string): void {
  const { coldMisses, capacityMisses, ...rest } = curve;
  assert.equal(coldMisses + capacityMisses, curve.misses, message);
  if ((replayed as ReplayCounts & Partial<MissSplit>).coldMisses === undefined) assert.deepEqual(rest, replayed, message);
  else assert.deepEqual(curve, replayed, message);
}

test('stack distances by hand', () => {
  // a b c b a d a: b comes back after {c} (d=1), a after {b,c} (d=2), a after {d} (d=1).
  const distances = stackDistances(traceOf(['a', 'b', 'c', 'b', 'a', 'd', 'a']));
  assert.equal(distances.coldLookups, 4);
  assert.equal(distances.lookups, 7);
  assert.deepEqual(Array.from(distances.histogram), [0, 2, 1, 0]);
  // Size 1 hits nothing, size 2 hits the two d=1 reuses, size 3 all three.
  const curve = lruCurveCounts(traceOf(['a', 'b', 'c', 'b', 'a', 'd', 'a']), [1, 2, 3, 10]);
  assert.deepEqual(
    curve.map((c) => c.hits),
    [0, 2, 3, 3],
  );
  // a, b, c and d miss at every size (cold); the rest of the misses are for lack of room.
  assert.deepEqual(
    curve.map((c) => [c.coldMisses, c.capacityMisses]),
    [
      [4, 3],
      [4, 1],
      [4, 0],
      [4, 0],
    ],
  );
});

test('one-pass curve equals per-size lru replays exactly (gets and sets)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ key: fc.integer({ min: 0, max: 30 }), op: fc.constantFrom(OP_GET, OP_GET, OP_GET, OP_SET) }), {
        maxLength: 300,
      }),
      fc.boolean(),
      fc.boolean(),
      (requests, withOps, withSizes) => {
        // With a size column the capacity still counts entries, but byte hits use real sizes.
        const trace = traceOf(
          requests.map((r) => r.key),
          {
            ...(withOps && { ops: requests.map((r) => r.op) }),
            ...(withSizes && { sizes: requests.map((r) => 1 + ((r.key * 37) % 100)) }),
          },
        );
        assert.equal(exactCurveBlocker(trace, 'entries', null), null);
        const capacities = Array.from({ length: 34 }, (_, i) => i + 1);
        const curve = lruCurveCounts(trace, capacities);
        capacities.forEach((capacity, i) => {
          assertSameCounts(curve[i]!, replay(trace, { policy: lru, capacity, unit: 'entries', seed: 1 }), `capacity ${capacity}`);
        });
      },
    ),
    { numRuns: 200 },
  );
});

test('packing the tree keeps the curve exact on a long trace', () => {
  // 30,000 requests over 500 keys: the tree (4096 slots) is packed several times over.
  const trace = generateTrace('zipf:alpha=0.8,keys=500,requests=30_000,seed=7');
  const capacities = [1, 10, 50, 100, 250, 499, 500, 1000];
  const curve = lruCurveCounts(trace, capacities);
  capacities.forEach((capacity, i) => {
    assertSameCounts(curve[i]!, replay(trace, { policy: lru, capacity, unit: 'entries', seed: 1 }), `capacity ${capacity}`);
  });
});

test('the curve refuses the cases it cannot model exactly', () => {
  const keys = ['a', 'b', 'a'];
  const withDelete = traceOf(['a', 'b', 'b', 'a'], { ops: [OP_GET, OP_GET, OP_DELETE, OP_GET] });
  assert.equal(exactCurveBlocker(withDelete, 'entries', null), 'deletes');
  assert.equal(exactCurveBlocker(traceOf(keys), 'entries', 60), 'ttl');
  assert.equal(exactCurveBlocker(traceOf(keys, { sizes: [1, 2, 1] }), 'bytes', null), 'byte-capacity');
  assert.equal(exactCurveBlocker(traceOf(keys, { sizes: [1, 2, 1] }), 'entries', null), null);
});

test('a delete is why: the stack model would be wrong', () => {
  // Capacity 2: a b c, delete c, then a. LRU evicted a when c came, so a misses; the stack
  // without c has a at depth 2 (b, a) and would call it a hit.
  const trace = traceOf(['a', 'b', 'c', 'c', 'a'], { ops: [OP_GET, OP_GET, OP_GET, OP_DELETE, OP_GET] });
  assert.equal(replay(trace, { policy: lru, capacity: 2, unit: 'entries', seed: 1 }).hits, 0);
});

test('byte curve equals byte-capacity lru replays when all objects have one size', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), fc.integer({ min: 1, max: 9 }), (keys, objectSize) => {
      const trace = traceOf(keys, { sizes: keys.map(() => objectSize) });
      const capacities = [...new Set(Array.from({ length: 25 }, (_, i) => (i + 1) * objectSize + (i % 3)))].sort((a, b) => a - b);
      const curve = lruByteCurve(trace, capacities);
      capacities.forEach((capacity, i) => {
        const expected = replay(trace, { policy: lru, capacity, unit: 'bytes', seed: 1 });
        assert.equal(curve.hits[i], expected.hits, `capacity ${capacity}`);
        assert.equal(curve.byteHits[i], expected.bytesHit);
      });
    }),
    { numRuns: 100 },
  );
});
