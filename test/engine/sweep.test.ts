import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGrid } from '../../src/engine/grid.js';
import { infiniteCacheHitRate, runSweep, type SweepConfig } from '../../src/engine/sweep.js';
import { traceOf } from '../helpers/trace.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import { OP_DELETE, OP_GET, TraceBuilder } from '../../src/trace/trace.js';
import { generateTrace } from '../../src/trace/spec.js';

function sweepConfig(overrides: Partial<SweepConfig> = {}): SweepConfig {
  return {
    policies: ['lru', 'fifo', 'lfu'].map((name) => parsePolicySpec(name)),
    capacities: [8, 32, 128, 512],
    unit: 'entries',
    ttls: [null],
    cost: { lookupCost: 0.0001, missCost: 0.005 },
    seed: 1,
    recommend: { minGain: 0.01 },
    mode: 'never',
    ...overrides,
  };
}

test('an unsampled sweep gives exactly the rows of run, lru by the one-pass curve', async () => {
  const trace = generateTrace('zipf:alpha=0.9,keys=1_000,requests=20_000,seed=4');
  const sweep = await runSweep(trace, sweepConfig());
  const run = runGrid(trace, sweepConfig());
  assert.deepEqual(sweep.rows, run.rows);
  assert.equal(sweep.command, 'sweep');
  assert.equal(sweep.sampling, null);
  assert.deepEqual(
    sweep.curves!.map((c) => [c.policy, c.method]),
    [
      ['lru', 'mattson'],
      ['fifo', 'replay'],
      ['lfu', 'replay'],
    ],
  );
  // One diminishing-returns recommendation per policy, each primary, each at a simulated size.
  assert.equal(sweep.recommendations!.length, 3);
  for (const r of sweep.recommendations!) {
    assert.equal(r.criterion, 'diminishing-returns');
    assert.ok(r.primary);
    // Up to 512 of 1,000 keys every curve still gains more than a point per doubling: no size, said so.
    if (r.capacity === null) {
      assert.equal(r.stillRising, true);
      continue;
    }
    assert.ok(sweep.options.capacities.includes(r.capacity));
    const row = sweep.rows.find((x) => x.policy === r.policy && x.capacity === r.capacity)!;
    assert.equal(r.hitRate, row.hitRate);
  }
  assert.ok(sweep.best);
});

test('lru falls back to replays when the curve would not be exact, and says why', async () => {
  const builder = new TraceBuilder();
  for (let i = 0; i < 400; i++) builder.push(i % 37, undefined, i, i % 11 === 0 ? OP_DELETE : OP_GET);
  const trace = builder.build('deletes', 37);
  const sweep = await runSweep(trace, sweepConfig({ policies: [parsePolicySpec('lru')], capacities: [4, 16, 36] }));
  assert.equal(sweep.curves![0]!.method, 'replay');
  assert.equal(sweep.curves![0]!.blocker, 'deletes');
  assert.deepEqual(sweep.rows, runGrid(trace, sweepConfig({ policies: [parsePolicySpec('lru')], capacities: [4, 16, 36] })).rows);
});

test('a sampled sweep is labelled as estimates and stays near the exact curve', async () => {
  const trace = generateTrace('zipf:alpha=0.6,keys=100_000,requests=200_000,seed=8');
  const capacities = [1_000, 10_000, 50_000];
  const exact = await runSweep(trace, sweepConfig({ capacities }));
  const sampled = await runSweep(trace, sweepConfig({ capacities, sample: 0.2 }));
  assert.deepEqual(sampled.sampling!.methods, ['shards', 'minisim']);
  assert.equal(sampled.sampling!.rate, 0.2);
  assert.equal(sampled.sampling!.estimates, true);
  assert.deepEqual(
    sampled.curves!.map((c) => c.method),
    ['shards', 'minisim', 'minisim'],
  );
  sampled.rows.forEach((row, i) => {
    const truth = exact.rows[i]!;
    assert.equal(row.requests, truth.requests);
    // Mini-caches of 200+ entries on a mild Zipf: a few points at most.
    assert.ok(Math.abs(row.hitRate - truth.hitRate) < 0.04, `${row.policy}@${row.capacity}: ${row.hitRate} vs ${truth.hitRate}`);
  });
});

test('infinite-cache hit rate: every lookup but the first of each key', () => {
  // a b a c b a: cold a, b, c; hits a, b, a -> 3 of 6.
  assert.equal(infiniteCacheHitRate(traceOf(['a', 'b', 'a', 'c', 'b', 'a'])), 0.5);
  // A set stores the key, so the get after it can hit; sets are not lookups: 1 of 2.
  assert.equal(infiniteCacheHitRate(traceOf(['a', 'a', 'b'], { ops: [1, 0, 0] })), 0.5);
});

test('a sample that keeps no key is a usage error, not a 100% hit rate', async () => {
  const trace = traceOf(['a', 'b', 'a', 'b']);
  await assert.rejects(runSweep(trace, sweepConfig({ capacities: [1, 2], sample: 1e-7 })), /sample: rate 1e-7 keeps no looked-up key/);
});

test('progress moves during the one-pass curves too, never backwards, and ends at the total', async () => {
  // 6e5 requests: the curve reports every 2^18 requests, so at least twice before it ends.
  const trace = generateTrace('zipf:alpha=0.9,keys=5_000,requests=600_000,seed=4');
  for (const sample of [undefined, 0.5]) {
    const reports: [number, number][] = [];
    await runSweep(
      trace,
      sweepConfig({
        policies: [parsePolicySpec('lru'), parsePolicySpec('fifo')],
        capacities: [64, 512],
        ...(sample && { sample }),
        onProgress: (done, total) => reports.push([done, total]),
      }),
    );
    const total = reports[0]![1];
    // The curve reads the whole trace once and fifo replays it once per size (two sizes);
    // under sampling the same three passes go over each of the four samples (about half of
    // the trace each at rate 0.5), and nothing over the full trace.
    if (sample === undefined) assert.equal(total, 3 * trace.length);
    else {
      const sampled = total / 3;
      assert.ok(Number.isInteger(sampled) && sampled > 1.6 * trace.length && sampled < 2.4 * trace.length, `sampled ${sampled}`);
    }
    assert.equal(reports.at(-1)![0], total, 'ends at the total');
    assert.ok(reports.every(([, t]) => t === total));
    assert.ok(
      reports.every(([done], i) => i === 0 || done >= reports[i - 1]![0]),
      'monotonic',
    );
    assert.ok(reports.filter(([done]) => done < trace.length).length >= 2, 'reports inside the curve');
    assert.equal(reports.at(-1)![0], total);
  }
});

test('a sampled sweep gives each estimate a band over four samples, marks the unreliable ones and recommends none of them', async () => {
  const trace = generateTrace('zipf:alpha=0.9,keys=20000,requests=200000,seed=2');
  const config = sweepConfig({
    policies: ['lru', 'lfu'].map((name) => parsePolicySpec(name)),
    capacities: [16, 256, 4096, 16384],
    sample: 0.05,
  });
  const sampled = await runSweep(trace, { ...config, recommend: { minGain: 0.01, targetHitRate: 0.05 } });
  for (const row of sampled.rows) {
    const band = row.estimate!;
    assert.equal(band.samples, 4);
    assert.ok(band.low <= row.hitRate && row.hitRate <= band.high, `${row.policy}@${row.capacity}`);
    // 16 entries x 5% is under one entry of sampled cache: unreliable whatever the samples say.
    if (row.capacity === 16) assert.equal(band.unreliable, true);
    if (!band.unreliable) assert.ok(band.high - band.low <= 0.02);
  }
  // The 5% target is met at 16 entries by the estimate, but that size is unreliable: never the answer.
  for (const rec of sampled.recommendations!) assert.notEqual(rec.capacity, 16);
  assert.notEqual(sampled.best!.capacity, 16);
  // The same seed gives the same bands, inline or on threads; an exact sweep has none.
  const again = await runSweep(trace, { ...config, mode: 'always', workers: 2, recommend: { minGain: 0.01, targetHitRate: 0.05 } });
  assert.equal(JSON.stringify(again), JSON.stringify(sampled));
  const { sample: _sample, ...unsampled } = config;
  const exact = await runSweep(trace, unsampled);
  assert.ok(exact.rows.every((row) => row.estimate === undefined));
});
