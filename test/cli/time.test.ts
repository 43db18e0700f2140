/** The time-aware flags of `run`, end to end through main() with captured output. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult } from '../../src/model/result.js';
import { simulate } from '../../src/api/simulate.js';
import { UsageError } from '../../src/errors.js';
import { timedTrace } from '../helpers/timed-trace.js';
import { cli } from '../helpers/cli.js';

const HOT = 'hotkey:rate=1024,duration=40s,ttl=8s';

async function json(...argv: string[]): Promise<RunResult> {
  const run = await cli('run', ...argv, '--format', 'json');
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as RunResult;
}

test('--stampede coalesce on the hot key: 5 origin fetches (cold start + 4 expiries), p50/p95/p99 from the simulation', async () => {
  const result = await json(HOT, '-p', 'lru', '-m', '10', '--miss-cost', '31.25ms', '--lookup-cost', '0', '--stampede', 'coalesce');
  const row = result.rows[0]!;
  assert.deepEqual(result.options.stampedes, ['coalesce']);
  assert.deepEqual(row.stampede, {
    mode: 'coalesce',
    originFetches: 5,
    peakConcurrentFetches: 1,
    coalescedWaits: 155,
    earlyRefreshes: 0,
    staleServes: 0,
    // Each of the 5 episodes: the leader waits 32/1024 s, the k-th waiter (32 - k)/1024 s.
    originWaits: { requests: 160, p50: 15.625, p90: 28.3203125, p99: 31.25, max: 31.25 },
  });
  assert.equal(row.misses, 160);
  assert.equal(row.latency.p99, 0);
  const none = (await json(HOT, '-p', 'lru', '-m', '10', '--miss-cost', '31.25ms', '--stampede', 'none')).rows[0]!;
  assert.equal(none.stampede!.peakConcurrentFetches, 32);
});

test('the table shows the stampede columns only when --stampede is on', async () => {
  const plain = await cli('run', HOT, '-p', 'lru', '-m', '10');
  assert.equal(plain.code, 0);
  assert.doesNotMatch(plain.stdout, /origin fetches|stale reads|L1 hit rate/);
  const stampede = await cli('run', HOT, '-p', 'lru', '-m', '10', '--stampede', 'xfetch:beta=2');
  assert.match(stampede.stdout, /stampede xfetch:beta=2/);
  assert.match(stampede.stdout, /origin fetches/);
  assert.match(stampede.stdout, /peak fetches/);
});

test('--tiers replaces the policy x size grid and reports per-tier hit rates that add up', async () => {
  const result = await json('hotkey:rate=100,duration=60s,keys=500,background=0.9', '--tiers', 'lru:20@0.05ms,lru:200@1ms');
  assert.equal(result.rows.length, 1);
  const row = result.rows[0]!;
  assert.equal(row.policy, 'lru:20@0.05ms > lru:200@1ms');
  const [l1, l2] = row.tiers!;
  assert.equal(l1!.lookups, row.requests);
  assert.equal(l2!.lookups, row.requests - l1!.hits);
  assert.equal(row.hits, l1!.hits + l2!.hits);
  assert.deepEqual(result.options.tiers, ['lru:20@0.05ms', 'lru:200@1ms']);
  const table = await cli('run', 'hotkey:rate=100,duration=60s,keys=500,background=0.9', '--tiers', 'lru:20@0.05ms,lru:200@1ms');
  assert.match(table.stdout, /L1 hit rate.*L2 hit rate/);
});

test('--write-policy adds freshness to every row; --ttl jitter is recorded', async () => {
  const result = await json(
    HOT,
    '-p',
    'lru,ttl',
    '-m',
    '10',
    '--write-policy',
    'write-behind',
    '--flush-interval',
    '500ms',
    '--ttl',
    '5s~10%',
  );
  assert.deepEqual(result.options.writePolicies, ['write-behind']);
  assert.equal(result.options.flushIntervalMs, 500);
  assert.equal(result.options.ttlJitter, 0.1);
  for (const row of result.rows) {
    assert.equal(row.freshness!.staleReads, 0); // no writes in this trace
    assert.equal(row.ttlJitter, 0.1);
    assert.equal(row.coldMisses! + row.expiredMisses + row.capacityMisses!, row.misses);
  }
});

test('same inputs and seed give byte-identical JSON with every feature on', async () => {
  const argv = [HOT, '-p', 'lru', '-m', '10', '--ttl', '4s~20%', '--stampede', 'xfetch', '--write-policy', 'invalidate'];
  const first = await cli('run', ...argv, '-f', 'json');
  const second = await cli('run', ...argv, '-f', 'json');
  assert.equal(first.stdout, second.stdout);
});

const bad: [string[], RegExp][] = [
  [['--write-policy', 'lazy'], /--write-policy: unknown write policy 'lazy'/],
  [['--flush-interval', '1s'], /--flush-interval: only applies with the write-behind write policy/],
  [['--stampede', 'herd'], /--stampede: unknown stampede mode 'herd'/],
  [['--tiers', 'lru:10@1ms', '-m', '10'], /--tiers: .*drop --maxsize/],
  [['--tiers', 'lru:10'], /--tiers: 'lru:10' needs a size and a lookup latency/],
  [['--ttl', '10s~5%,20s~10%'], /--ttl: give one jitter for all TTLs/],
  [['--stampede', 'coalesce', '-p', 'lru,belady'], /--policies: 'belady' is an offline bound/],
  [['--tiers', 'belady:10@1ms'], /--tiers: 'belady' needs the future/],
  [['--ttl', '10s~150%'], /--ttl: jitter '150%' must be at least 0 and below 100%/],
];
for (const [argv, message] of bad) {
  test(`exit 2, one line, for ${argv.join(' ')}`, async () => {
    const run = await cli('run', HOT, ...argv);
    assert.equal(run.code, 2);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1);
  });
}

test('the stampede model needs timestamps', async () => {
  const { times: _times, ...untimed } = timedTrace([{ key: 'a', time: 0 }]);
  await assert.rejects(
    simulate(untimed, { policies: ['lru'], stampede: 'coalesce' }),
    (error: unknown) => error instanceof UsageError && error.where === 'stampede',
  );
});
