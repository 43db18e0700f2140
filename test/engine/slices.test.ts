/** Slicing a grid's work: the split is deterministic and balanced, and unit results cross a part file exactly. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { assignSlices, decodeUnit, encodeUnit, parseSlice, unitsOfSlice } from '../../src/engine/slices.js';
import { loadTrace, simulate, simulateShard, sweep, sweepShard } from '../../src/index.js';

test('every unit goes to exactly one slice, and no slice carries more than the least loaded one plus the costliest unit', () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0.1, max: 1000, noNaN: true }), { maxLength: 60 }),
      fc.integer({ min: 1, max: 8 }),
      (costs, count) => {
        const owner = assignSlices(costs, count);
        const load = new Array<number>(count).fill(0);
        owner.forEach((slice, unit) => (load[slice]! += costs[unit]!));
        const all = Array.from({ length: count }, (_, s) => unitsOfSlice(costs, { index: s + 1, count }))
          .flat()
          .sort((a, b) => a - b);
        assert.deepEqual(
          all,
          costs.map((_, unit) => unit),
        );
        const biggest = Math.max(0, ...costs);
        assert.ok(Math.max(...load) <= Math.min(...load) + biggest + 1e-9, `loads ${load.join(', ')}`);
        assert.deepEqual(assignSlices(costs, count), owner);
      },
    ),
  );
});

test('a unit result survives encoding to JSON exactly: typed arrays, infinities, NaN and -0', () => {
  const value = {
    hits: 3,
    longest: Infinity,
    low: -Infinity,
    odd: NaN,
    zero: -0,
    costs: new Float64Array([0.1, 1e-300, 5]),
    keys: new Uint32Array([1, 2, 4294967295]),
    nested: [{ a: new Uint8Array([7]) }],
  };
  const back = decodeUnit(JSON.parse(JSON.stringify(encodeUnit(value)))) as typeof value;
  assert.deepEqual(back, value);
  assert.ok(Object.is(back.zero, -0));
  assert.ok(back.costs instanceof Float64Array);
});

test('parseSlice reads K/N', () => {
  assert.deepEqual(parseSlice('2/5'), { index: 2, count: 5 });
  assert.throws(() => parseSlice('0/5'), /K must be from 1 to N/);
  assert.throws(() => parseSlice('1/0'), /N must be from 1/);
});

test('the library: simulate/sweep with fromShards equal the unsharded calls, with timed modes and per-class TTLs too', async () => {
  const trace = await loadTrace('zipf:alpha=0.8,keys=3000,requests=30000,rate=500,writes=0.1,seed=5');
  const options = {
    policies: ['lru', 'fifo', 'sieve'],
    capacities: [100, 1000],
    ttlsMs: [null, 5000],
    writePolicy: ['write-through' as const, 'invalidate' as const],
    instances: [1, 3],
    workers: 1,
  };
  const parts = await Promise.all([1, 2, 3, 4].map((index) => simulateShard(trace, options, { index, count: 4 })));
  assert.deepEqual(await simulate(trace, { ...options, fromShards: parts.reverse() }), await simulate(trace, options));
  const sweepOptions = { policies: ['lru', 'arc'], capacities: [64, 256, 1024], recommend: { targetHitRate: 0.5 } };
  const sweepParts = await Promise.all(['1/2', '2/2'].map((shard) => sweepShard(trace, sweepOptions, shard)));
  assert.deepEqual(await sweep(trace, { ...sweepOptions, fromShards: sweepParts }), await sweep(trace, sweepOptions));
  // A part of other options is refused.
  const other = await simulateShard(trace, { ...options, capacities: [100, 999] }, '1/4');
  await assert.rejects(simulate(trace, { ...options, fromShards: [other, ...parts.slice(0, 3)] }), /slice of other work/);
});
