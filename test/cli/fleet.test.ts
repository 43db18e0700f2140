/** `--instances`, `--invalidation`, `--outage`, `--restart`, `--origin-limit` and per-class `--ttl`, end to end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult } from '../../src/model/result.js';
import { assertOneLineFailure, cli } from '../helpers/cli.js';
import { simulate } from '../../src/api/simulate.js';
import { generateTrace } from '../../src/trace/spec.js';

const WRITES = 'zipf:alpha=1,keys=3000,requests=60000,rate=500,writes=0.05,seed=2';
const TIERS = 'lru:200@0.05ms,lru:2000@1ms';

async function run(...argv: string[]): Promise<{ result: RunResult; text: string }> {
  const out = await cli('run', ...argv, '--format', 'json');
  assert.equal(out.code, 0, out.stderr);
  return { result: JSON.parse(out.stdout) as RunResult, text: out.stdout };
}

test('a fleet compares instance counts and invalidations; per-instance figures add up; threads change no byte', async () => {
  const argv = [WRITES, '--tiers', TIERS, '--ttl', '30s', '--instances', '1,4', '--invalidation', 'pubsub:delay=50ms,ttl-only'];
  const { result } = await run(...argv);
  assert.deepEqual(
    result.rows.map((row) => [row.fleet!.instances, row.fleet!.invalidation]),
    [
      [1, 'pubsub:delay=50ms'],
      [1, 'ttl-only'],
      [4, 'pubsub:delay=50ms'],
      [4, 'ttl-only'],
    ],
  );
  for (const row of result.rows) {
    const fleet = row.fleet!;
    assert.equal(fleet.perInstance.length, fleet.instances);
    assert.equal(
      fleet.perInstance.reduce((sum, instance) => sum + instance.gets, 0),
      row.requests,
    );
    assert.equal(
      fleet.perInstance.reduce((sum, instance) => sum + instance.l1Hits, 0),
      row.tiers![0]!.hits,
    );
    assert.equal(
      fleet.perInstance.reduce((sum, instance) => sum + instance.staleReads, 0),
      row.freshness!.staleReads,
    );
  }
  const [one, oneTtl, four, fourTtl] = result.rows;
  // One instance: the broadcast has no one to tell.
  assert.equal(one!.hits, oneTtl!.hits);
  assert.equal(one!.freshness!.staleReads, oneTtl!.freshness!.staleReads);
  // Four instances, round robin: each L1 sees a quarter of the requests and hits less; without a broadcast, more reads are stale.
  assert.ok(four!.fleet!.l1HitRate < one!.fleet!.l1HitRate);
  assert.ok(fourTtl!.freshness!.staleReads > four!.freshness!.staleReads);
  assert.ok(fourTtl!.freshness!.staleAge!.p99Ms > four!.freshness!.staleAge!.p99Ms);
  // The same grid through the library on two threads and on one: the same rows, byte for byte.
  const trace = generateTrace(WRITES);
  const options = {
    tiers: [
      { policy: 'lru', capacity: 200, lookupCostMs: 0.05 },
      { policy: 'lru', capacity: 2000, lookupCostMs: 1 },
    ],
    ttlsMs: [30_000],
    instances: [1, 4],
    balance: 'random' as const,
    invalidation: [{ kind: 'pubsub' as const, delayMs: 50 }, 'ttl-only' as const],
  };
  const inline = await simulate(trace, { ...options, parallel: 'never' });
  const threads = await simulate(trace, { ...options, parallel: 'always', workers: 2 });
  assert.equal(JSON.stringify(threads), JSON.stringify(inline));
});

test('an outage, a restart and an origin limit: rows carry each incident and the limit; reports say them', async () => {
  const argv = [WRITES, '--tiers', TIERS, '--instances', '2', '--outage', 'L2@40s+10s', '--restart', 'L1@80s', '--origin-limit', '200/s'];
  const { result } = await run(...argv, '--interval', '10s');
  const row = result.rows[0]!;
  assert.deepEqual(result.options.incidents, ['outage L2@40s+10s', 'restart L1@80s']);
  assert.equal(result.options.originLimit, '200/s');
  assert.deepEqual(
    row.incidents!.map((incident) => [incident.kind, incident.tier, incident.atSeconds, incident.durationSeconds]),
    [
      ['outage', 'L2', 40, 10],
      ['restart', 'L1', 80, 0],
    ],
  );
  const [outage, restart] = row.incidents!;
  assert.ok(outage!.hitRateDuring! < outage!.steadyHitRate!, 'the outage costs hit rate');
  assert.ok(restart!.hitRateDuring! < restart!.steadyHitRate!, 'a cold L1 hits less');
  assert.ok(row.originLoad!.peakPerSecond <= 200, 'no second starts more fetches than the limit');
  assert.ok(row.originLimit!.shed > 0, 'the outage pushes the origin past 200/s');
  // The hit rate over time carries the origin's load; the seconds of the outage are the busiest.
  const perSecond = row.intervals!.map((stats) => stats.originPerSecond!);
  assert.equal(perSecond.indexOf(Math.max(...perSecond)), 4);

  const markdown = await cli('run', ...argv, '--format', 'md');
  assert.equal(markdown.code, 0, markdown.stderr);
  assert.match(markdown.stdout, /## Fleet, incidents and origin/);
  assert.match(markdown.stdout, /outage L2@40s\+10s: L1–L2 hit rate [\d.]+% before, [\d.]+% during/);
  assert.match(markdown.stdout, /\| configuration \| instance \| gets \| L1 hit rate \| stale reads \|/);
  const table = await cli('run', ...argv);
  assert.match(table.stdout, /origin limit 200\/s: [\d,]+ gets shed/);
  const html = await cli('run', ...argv, '--interval', '10s', '--format', 'html');
  assert.equal(html.code, 0, html.stderr);
  assert.match(html.stdout, /<section id="fleet-section"><h2>Fleet, incidents and origin<\/h2>/);
  const charts = JSON.parse(/<script type="application\/json" id="chart-data">(.*?)<\/script>/s.exec(html.stdout)![1]!) as {
    originTimeline: { format: string; series: { values: number[] }[] } | null;
  };
  assert.equal(charts.originTimeline!.format, 'count');
  assert.deepEqual(charts.originTimeline!.series[0]!.values, perSecond);
});

test('per-class TTLs from --ttl, beside a plain one', async () => {
  const { result } = await run('traces/sample.csv', '-p', 'lru', '-m', '500', '--ttl', '60s;user:1*=5s,*=60s');
  assert.deepEqual(
    result.rows.map((row) => [row.ttl, row.ttlClasses ?? null]),
    [
      [60, null],
      [60, 'user:1*=5s,*=1m'],
    ],
  );
  // Keys starting user:1 now expire after 5 s: more expired misses, fewer hits.
  assert.ok(result.rows[1]!.expiredMisses > result.rows[0]!.expiredMisses);
  assert.ok(result.rows[1]!.hits < result.rows[0]!.hits);
});

test('fleet and incident flags that cannot apply are one-line usage errors naming the flag', async () => {
  const cases: [string[], RegExp][] = [
    [[WRITES, '--balance', 'key-hash'], /--balance.*give instances too/],
    [[WRITES, '--instances', '2', '--balance', 'sticky'], /--balance.*unknown balance 'sticky'/],
    [[WRITES, '--instances', '0'], /--instances/],
    [[WRITES, '--tiers', TIERS, '--outage', 'L3@1s+1s'], /--outage.*no tier L3/],
    [['zipf:alpha=1,keys=100,requests=1000', '--outage', 'L1@1s+1s'], /--outage.*no time column/],
    [[WRITES, '--origin-limit', '5/m'], /--origin-limit.*500\/s/],
    [[WRITES, '--instances', '2', '--stampede', 'coalesce'], /--stampede.*more than one instance/],
    [['zipf:alpha=1,keys=100,requests=1000', '--ttl', 'user:*=5m,*=60s'], /--ttl.*no time column/],
    [[WRITES, '--ttl', '*=60s,user:*=5m'], /--ttl.*put it last/],
    [[WRITES, '--invalidation', 'gossip', '--instances', '2'], /--invalidation.*unknown invalidation/],
  ];
  for (const [argv, message] of cases) assertOneLineFailure(await cli('run', ...argv), message);
});
