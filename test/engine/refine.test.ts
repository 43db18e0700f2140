/**
 * Targets between grid points: the sweep bisects to the smallest size meeting the target, to
 * within 1% of the size. LRU is a stack policy (a bigger cache holds a superset), so its hit
 * rate never falls with size and "smallest" can be checked exactly with replays either side.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate, sweep } from '../../src/api/simulate.js';
import { generateTrace } from '../../src/trace/spec.js';

const trace = generateTrace('zipf:alpha=0.9,keys=10000,requests=100000,seed=5');

async function hitRateAt(capacity: number): Promise<number> {
  const result = await simulate(trace, { policies: ['lru'], capacities: [capacity], parallel: 'never' });
  return result.rows[0]!.hitRate;
}

test('a hit-rate target between grid points is bisected to the smallest size meeting it, within 1%', async () => {
  const result = await sweep(trace, {
    policies: ['lru'],
    capacities: [256, 1024, 4096],
    recommend: { targetHitRate: 0.6 },
    parallel: 'never',
  });
  const rec = result.recommendations!.find((r) => r.criterion === 'target-hit-rate')!;
  const grid = result.rows.map((row) => row.hitRate);
  assert.ok(grid[1]! < 0.6 && grid[2]! >= 0.6, `the target lies between 1,024 and 4,096: ${grid.join(', ')}`);
  assert.equal(rec.refined, true);
  assert.ok(rec.capacity! > 1024 && rec.capacity! < 4096, String(rec.capacity));
  // It meets the target, as its own replay says and a fresh one confirms; 1% smaller does not.
  assert.ok(rec.hitRate! >= 0.6);
  assert.equal(await hitRateAt(rec.capacity!), rec.hitRate);
  assert.ok((await hitRateAt(Math.floor(rec.capacity! * 0.99))) < 0.6);
  // The best choice is the refined size, and the rows stay the grid's.
  assert.equal(result.best!.capacity, rec.capacity);
  assert.deepEqual(
    result.rows.map((row) => row.capacity),
    [256, 1024, 4096],
  );
});

test('a latency target is refined the same way; a target met at the first size or not at all is left alone', async () => {
  const latency = await sweep(trace, {
    policies: ['lru', 'fifo'],
    capacities: [256, 1024, 4096],
    recommend: { targetLatencyMs: 2.5 },
    parallel: 'never',
  });
  for (const rec of latency.recommendations!.filter((r) => r.criterion === 'target-latency')) {
    assert.equal(rec.refined, true);
    assert.ok(rec.meanLatencyMs! <= 2.5);
  }
  const easy = await sweep(trace, { policies: ['lru'], capacities: [256, 1024], recommend: { targetHitRate: 0.1 }, parallel: 'never' });
  const first = easy.recommendations!.find((r) => r.criterion === 'target-hit-rate')!;
  assert.deepEqual([first.capacity, first.refined], [256, undefined]);
  const out = await sweep(trace, { policies: ['lru'], capacities: [256, 1024], recommend: { targetHitRate: 0.99 }, parallel: 'never' });
  assert.equal(out.recommendations!.find((r) => r.criterion === 'target-hit-rate')!.capacity, null);
});

test('estimates are not refined: a sampled sweep keeps its grid sizes', async () => {
  const sampled = await sweep(trace, {
    policies: ['lru'],
    capacities: [256, 1024, 4096],
    recommend: { targetHitRate: 0.6 },
    sample: 0.5,
    parallel: 'never',
  });
  const rec = sampled.recommendations!.find((r) => r.criterion === 'target-hit-rate')!;
  assert.equal(rec.refined, undefined);
  assert.ok([256, 1024, 4096].includes(rec.capacity!));
});
