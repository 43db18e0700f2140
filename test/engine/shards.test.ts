import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lruCurveCounts } from '../../src/engine/lru-curve.js';
import { replay } from '../../src/engine/replay.js';
import {
  miniCapacity,
  rateForKeys,
  samplingMask,
  sampleTrace,
  scaleSampledCounts,
  shardsLruCounts,
  traceTotals,
} from '../../src/engine/shards.js';
import { sweep } from '../../src/api/simulate.js';
import { parseSizes } from '../../src/engine/sizes.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import { traceOf } from '../helpers/trace.js';
import { generateTrace } from '../../src/trace/spec.js';

test('SHARDS at rate 0.1 tracks the exact LRU curve of a 1e6-request Zipf trace', () => {
  // Sampling error comes mostly from whether the few hottest keys land in the sample; with
  // alpha 0.7 over 1e6 keys no single key carries more than ~0.5% of requests. (At alpha 0.9
  // over 1e5 keys the hottest carries 3% and single samples stray by up to ~0.05.)
  const trace = generateTrace('zipf:alpha=0.7,keys=1_000_000,requests=1_000_000,seed=1');
  const capacities = parseSizes('16..1e6', 'entries', '--maxsize', { points: 16 });
  const exact = lruCurveCounts(trace, capacities);
  const rate = 0.1;
  const estimate = shardsLruCounts(trace, capacities, rate, samplingMask(trace.keySpace, rate, 1), traceTotals(trace));
  const errors = capacities.map((_, i) => Math.abs(estimate[i]!.hits - exact[i]!.hits) / trace.length);
  for (const [i, error] of errors.entries()) assert.ok(error < 0.02, `size ${capacities[i]}: error ${error}`);
  const mean = errors.reduce((a, b) => a + b) / errors.length;
  assert.ok(mean < 0.01, `mean absolute error ${mean}`);
  // Estimates keep the full trace's exact request count.
  assert.equal(estimate[0]!.requests, exact[0]!.requests);
});

test('SHARDS estimates byte hit rate from the sampled bytes when the trace has sizes', () => {
  const trace = generateTrace('zipf:alpha=0.7,keys=200_000,requests=400_000,sizes=100..10000,seed=4');
  const capacities = [1000, 10_000, 100_000];
  const exact = lruCurveCounts(trace, capacities);
  const rate = 0.1;
  const estimate = shardsLruCounts(trace, capacities, rate, samplingMask(trace.keySpace, rate, 1), traceTotals(trace));
  capacities.forEach((capacity, i) => {
    const exactRate = exact[i]!.bytesHit / exact[i]!.bytesRequested;
    const estimatedRate = estimate[i]!.bytesHit / estimate[i]!.bytesRequested;
    // The exact byte hit rate differs from the hit rate (sizes vary), and the estimate tracks it.
    assert.notEqual(exact[i]!.bytesHit, exact[i]!.hits);
    assert.ok(Math.abs(estimatedRate - exactRate) < 0.03, `size ${capacity}: ${estimatedRate} vs ${exactRate}`);
  });
  assert.equal(estimate[0]!.bytesRequested, exact[0]!.bytesRequested);
});

test('the sample keeps keys, not requests: every request of a kept key survives', () => {
  const trace = generateTrace('zipf:alpha=0.8,keys=2_000,requests=20_000,seed=2');
  const mask = samplingMask(trace.keySpace, 0.25, 9);
  const kept = mask.reduce((a, b) => a + b, 0);
  // A binomial(keys, 0.25) count: within 4 standard deviations of a quarter of the keys.
  const sd = Math.sqrt(trace.keySpace * 0.25 * 0.75);
  assert.ok(Math.abs(kept - trace.keySpace / 4) < 4 * sd, `kept ${kept} of ${trace.keySpace} keys`);
  const sampled = sampleTrace(trace, mask, 0.25);
  let expected = 0;
  const keptAndRequested = new Set<number>();
  for (let i = 0; i < trace.length; i++) {
    expected += mask[trace.keys[i]!]!;
    if (mask[trace.keys[i]!]) keptAndRequested.add(trace.keys[i]!);
  }
  assert.equal(sampled.length, expected);
  // Ids are re-interned densely over the kept keys that occur.
  assert.equal(sampled.keySpace, keptAndRequested.size);
  assert.equal(Math.max(...sampled.keys) + 1, sampled.keySpace);
  // Same seed, same sample; another seed, another sample.
  assert.deepEqual(samplingMask(trace.keySpace, 0.25, 9), mask);
  assert.notDeepEqual(samplingMask(trace.keySpace, 0.25, 10), mask);
});

test('MiniSim scales misses by 1/R and keeps exact totals', () => {
  // A sampled replay with 30 misses out of 100 lookups at R = 0.1 stands for 300 misses.
  const totals = { lookups: 1000, writes: 7, deletes: 3, bytesRequested: 1000, costSum: 0 };
  const sampled = replay(traceOf([1, 2, 1, 2, 3]), { policy: parsePolicySpec('lru'), capacity: 2, unit: 'entries', seed: 1 });
  // 1 2 1 2 3 at capacity 2: misses 1, 2, 3; hits on the second 1 and 2.
  assert.deepEqual([sampled.hits, sampled.misses], [2, 3]);
  const scaled = scaleSampledCounts(sampled, 0.1, totals);
  assert.deepEqual([scaled.requests, scaled.misses, scaled.hits, scaled.writes, scaled.deletes], [1000, 30, 970, 7, 3]);
  assert.equal(miniCapacity(1000, 0.01), 10);
  assert.equal(miniCapacity(16, 0.01), 1);
});

test('fixed-size SHARDS: a key budget keeps exactly that many keys, however long the trace, and tracks the exact curve', async () => {
  // The rate follows from the budget: the mask keeps the budget's keys exactly (hash ties aside).
  for (const [keySpace, keys, seed] of [
    [100_000, 20_000, 1],
    [5_000, 64, 7],
    [1_000, 999, 3],
  ] as const) {
    const rate = rateForKeys(keySpace, keys, seed);
    const kept = samplingMask(keySpace, rate, seed).reduce((sum, bit) => sum + bit, 0);
    assert.ok(kept <= keys && kept >= keys - 2, `${kept} of a budget of ${keys}`);
  }
  assert.equal(rateForKeys(500, 500, 1), 1, 'a budget of every key samples nothing away');

  // The same key space, five times the requests: the sample holds the same number of keys.
  const capacities = [1000, 3000, 10_000, 30_000];
  const short = generateTrace('zipf:alpha=0.9,keys=1e5,requests=2e5,seed=3');
  const long = generateTrace('zipf:alpha=0.9,keys=1e5,requests=1e6,seed=3');
  const budget = { keys: 20_000 };
  const sampledKeys = async (trace: typeof long): Promise<number> =>
    (await sweep(trace, { policies: ['lru'], capacities, sample: budget })).sampling!.sampledKeys;
  assert.ok((await sampledKeys(short)) <= budget.keys);
  assert.ok((await sampledKeys(long)) <= budget.keys);

  // Its error against the exact curve, over three hash salts (measured: mean 0.002-0.006).
  const exact = await sweep(long, { policies: ['lru'], capacities });
  for (const seed of [1, 2, 3]) {
    const estimate = await sweep(long, { policies: ['lru'], capacities, sample: budget, seed });
    const errors = estimate.rows.map((row, i) => Math.abs(row.hitRate - exact.rows[i]!.hitRate));
    const mean = errors.reduce((a, b) => a + b) / errors.length;
    assert.ok(mean < 0.01, `seed ${seed}: mean absolute error ${mean}`);
    estimate.rows.forEach((row, i) => {
      if (row.estimate?.unreliable !== true) assert.ok(errors[i]! < 0.02, `seed ${seed}, size ${row.capacity}: error ${errors[i]}`);
    });
  }
});
