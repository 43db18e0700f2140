/** Outages, restarts and the origin's limit, worked by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latencyFromSamples, simulateTimed, type TimedConfig } from '../../../src/engine/time/simulate.js';
import { OriginLimiter, parseOriginLimit, parseOutages, parseRestarts } from '../../../src/engine/time/incidents.js';
import { parseTiers, type TierSpec } from '../../../src/engine/time/tiers.js';
import { UsageError } from '../../../src/errors.js';
import { timedConfig, timedTrace } from '../../helpers/timed-trace.js';

const config = (extra: Partial<TimedConfig>): TimedConfig => timedConfig('lru:1@0.05ms,lru:10@1ms', extra);

// a and b alternate once a second for a minute: L1 (one entry) always misses, the L2 holds
// both, so after the first two requests every one is an L2 hit.
const ALTERNATING = timedTrace(Array.from({ length: 60 }, (_, time) => ({ key: time % 2 === 0 ? 'a' : 'b', time })));

test('an L2 outage sends its requests to the origin, and the L2 comes back with what it held', () => {
  const counts = simulateTimed(ALTERNATING, config({ incidents: parseOutages('L2@20s+10s') }));
  // Requests at 20..29 skip the L2: 10 more origin fetches than the 2 cold ones, no L2 lookups.
  assert.equal(counts.originFetches, 12);
  assert.deepEqual(counts.tiers[1], { lookups: 50, hits: 48 });
  const [outage] = counts.incidents!;
  // Steady: the 20 s before it (18 of 20 hit); during: none; the next ten seconds after it all hit.
  assert.equal(outage!.steadyHitRate, 0.9);
  assert.equal(outage!.hitRateDuring, 0);
  assert.equal(outage!.recoverySeconds, 0);
  assert.equal(outage!.originPeakPerSecond, 1);
  // The skipped L2 made those misses cheaper: 0.05 + 5 ms, not 0.05 + 1 + 5 ms. p50 is an L2 hit.
  const latency = latencyFromSamples(counts);
  assert.ok(Math.abs(latency.p50 - 0.00105) < 1e-12);
  assert.ok(Math.abs(latency.max - 0.00605) < 1e-12);
});

test('a restart empties the tier; recovery is counted from the restart to ten seconds back at steady', () => {
  const counts = simulateTimed(ALTERNATING, config({ incidents: [...parseOutages('L2@20s+10s'), ...parseRestarts('L2@40s')] }));
  // a@40 and b@41 miss the cold L2: two more fetches.
  assert.equal(counts.originFetches, 14);
  const restart = counts.incidents![1]!;
  // Steady since the outage ended (30..39): every request hit. From 40, the window 40..49
  // holds the two misses, 41..50 one, and 42..51 none: back 2 s after the restart.
  assert.equal(restart.steadyHitRate, 1);
  assert.equal(restart.recoverySeconds, 2);
});

test('an outage while a key is written leaves the returning L2 stale', () => {
  const rows = [
    { key: 'a', time: 0 },
    { key: 'a', time: 1 },
    { key: 'a', time: 15, op: 'set' as const },
    { key: 'a', time: 25 },
  ];
  const counts = simulateTimed(
    timedTrace(rows),
    config({ tiers: parseTiers('lru:10@1ms').tiers as TierSpec[], incidents: parseOutages('L1@10s+10s') }),
  );
  // The write at 15 reached the origin only; the cache came back holding version 0.
  assert.equal(counts.staleReads, 1);
  assert.equal(counts.staleAges![0], 10);
});

test('an origin limit sheds or queues the fetches over it, at most that many starting in a second', () => {
  // Ten cold keys in the first second, one every 100 ms.
  const burst = timedTrace(Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, time: i / 10 })));
  const shed = simulateTimed(burst, config({ originLimit: parseOriginLimit('4/s') }));
  assert.equal(shed.originFetches, 4);
  assert.equal(shed.originLimit!.shed, 6);
  assert.equal(shed.hits, 0);
  assert.equal(shed.originLoad!.peakPerSecond, 4);

  const queued = simulateTimed(burst, config({ originLimit: parseOriginLimit('4/s:queue') }));
  assert.equal(queued.originFetches, 10);
  assert.equal(queued.originLimit!.shed, 0);
  // k4..k7 start at 1 s (waits 0.6, 0.5, 0.4, 0.3), k8 and k9 at 2 s (1.2 and 1.1).
  assert.equal(queued.originLimit!.delayed, 6);
  assert.ok(Math.abs(queued.originLimit!.delaySum - 4.1) < 1e-9);
  assert.ok(Math.abs(queued.originLimit!.longestDelay - 1.2) < 1e-9);
  assert.equal(queued.originLoad!.peakPerSecond, 4);
});

test('the limiter keeps queued fetches in order across seconds', () => {
  const limiter = new OriginLimiter({ perSecond: 2, excess: 'queue' });
  assert.deepEqual(
    [0, 0.1, 0.2, 0.3, 0.4, 1.5, 3.2].map((now) => limiter.admit(now)),
    [0, 0.1, 1, 1, 2, 2, 3.2],
  );
});

test('incident and limit text parse and refuse what they cannot mean', () => {
  assert.deepEqual(parseOutages('L2@10m+30s'), [{ kind: 'outage', tier: 1, at: 600, duration: 30 }]);
  assert.deepEqual(parseRestarts('l1@1h'), [{ kind: 'restart', tier: 0, at: 3600, duration: 0 }]);
  assert.deepEqual(parseOriginLimit('500/s:queue'), { perSecond: 500, excess: 'queue' });
  for (const bad of ['L2@10m', 'L0@1m+1s', 'X2@1m+1s', 'L2@1m+0s', 'L2@1m+30s,,L2@2m+1s'])
    assert.throws(() => parseOutages(bad), UsageError, bad);
  for (const bad of ['500', '500/m', 'many/s', '500/s:drop']) assert.throws(() => parseOriginLimit(bad), UsageError, bad);
});

test('a restart of the only tier, with one instance, starts it cold', () => {
  const counts = simulateTimed(
    ALTERNATING,
    config({ tiers: parseTiers('lru:10@1ms').tiers as TierSpec[], incidents: parseRestarts('L1@30s') }),
  );
  // Cold start (a@0, b@1) and again after the restart (a@30, b@31).
  assert.equal(counts.originFetches, 4);
  assert.equal(counts.incidents![0]!.recoverySeconds, 2);
});
