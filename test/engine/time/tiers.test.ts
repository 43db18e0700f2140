/** Two tiers checked by hand: L1 lru:2 in front of L2 lru:3, inclusive fill, invalidation of both. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { latencyFromSamples, simulateTimed } from '../../../src/engine/time/simulate.js';
import { parseTiers, type TierSpec } from '../../../src/engine/time/tiers.js';
import { UsageError } from '../../../src/errors.js';
import type { Trace } from '../../../src/trace/trace.js';
import { timedTrace } from '../../helpers/timed-trace.js';

function run(trace: Trace, writePolicy: 'write-through' | 'invalidate' = 'write-through') {
  return simulateTimed(trace, {
    tiers: parseTiers('lru:2@0.05ms,lru:3@1ms').tiers as TierSpec[],
    unit: 'entries',
    seed: 1,
    defaultMissCost: 0.005,
    writePolicy,
    flushInterval: 1,
  });
}

const KEYS = 'a b a c b a d c a a';
const trace = (keys: string) => timedTrace(keys.split(' ').map((key, time) => ({ key, time })));

test('overall hits = L1 hits + L2 hits on L1 misses, on a hand-traced run', () => {
  //  #  key  L1 (LRU first)  L2 (LRU first)  outcome
  //  1  a    {a}             {a}             origin; filled into both
  //  2  b    {a,b}           {a,b}           origin
  //  3  a    {b,a}           {a,b}           L1 hit (L2 not consulted)
  //  4  c    {a,c}           {a,b,c}         origin; L1 evicts b
  //  5  b    {c,b}           {a,c,b}         L2 hit, copied into L1 (evicts a)
  //  6  a    {b,a}           {c,b,a}         L2 hit (L1 evicts c)
  //  7  d    {a,d}           {b,a,d}         origin; L1 evicts b, L2 evicts c
  //  8  c    {d,c}           {a,d,c}         origin: c left L2 at 7
  //  9  a    {c,a}           {d,c,a}         L2 hit
  // 10  a    {c,a}           {d,c,a}         L1 hit
  const counts = run(trace(KEYS));
  assert.deepEqual(counts.tiers, [
    { lookups: 10, hits: 2 },
    { lookups: 8, hits: 3 },
  ]);
  assert.equal(counts.hits, 5);
  assert.equal(counts.originFetches, 5);
  // End-to-end latency: 2 x 0.05ms + 3 x (0.05 + 1)ms + 5 x (0.05 + 1 + 5)ms = 33.5ms over 10.
  assert.ok(Math.abs(counts.latencySum / counts.requests - 0.00335) < 1e-12);
  // Sorted latencies: 2 x 0.05ms, 3 x 1.05ms, 5 x 6.05ms. p50 = rank 5 (an L2 hit), p95 = rank 10.
  const latency = latencyFromSamples(counts);
  assert.ok(Math.abs(latency.p50 - 0.00105) < 1e-12);
  assert.ok(Math.abs(latency.p95 - 0.00605) < 1e-12);
  assert.ok(Math.abs(latency.p99 - 0.00605) < 1e-12);
});

test('a delete, or a set under invalidate, reaches both tiers', () => {
  // After the run above a is in L1 and L2. Deleting it and reading it again must go to the
  // origin: had L2 kept it, the read would be an L2 hit.
  const rows = [...trace(KEYS).keys].map((_, time) => ({ key: KEYS.split(' ')[time]!, time }));
  const withDelete = timedTrace([...rows, { key: 'a', time: 10, op: 'delete' }, { key: 'a', time: 11 }]);
  const counts = run(withDelete);
  assert.deepEqual(counts.tiers, [
    { lookups: 11, hits: 2 },
    { lookups: 9, hits: 3 },
  ]);
  const withSet = timedTrace([...rows, { key: 'a', time: 10, op: 'set' }, { key: 'a', time: 11 }]);
  const invalidated = run(withSet, 'invalidate');
  assert.equal(invalidated.hits, 5);
  assert.equal(invalidated.staleReads, 0);
  // Under write-through the set writes a into both tiers instead: the read hits L1.
  assert.deepEqual(run(withSet).tiers[0], { lookups: 11, hits: 3 });
});

test('--tiers parsing: policy specs with parameters, units, and one-line errors', () => {
  const { unit, tiers } = parseTiers('lru:1000@0.05ms, lru-cache:1e5@1ms');
  assert.equal(unit, 'entries');
  assert.deepEqual(
    tiers.map((t) => [t.policy.name, t.capacity, t.lookupCost]),
    [
      ['lru', 1000, 0.00005],
      ['lru-cache', 100000, 0.001],
    ],
  );
  assert.equal(parseTiers('lru:64MB@0.1ms,fifo:1GB@1ms').unit, 'bytes');
  // Policy parameters are comma-separated too: a tier runs until the piece with '@'.
  const withParams = parseTiers('s3-fifo:small=0.2,ghost=0.5:500@0.05ms,lru:1e4@1ms').tiers;
  assert.deepEqual(
    withParams.map((t) => [t.policy.name, t.capacity]),
    [
      ['s3-fifo:small=0.2,ghost=0.5', 500],
      ['lru', 10000],
    ],
  );
  for (const bad of ['lru:1000', 'lru@1ms', 'nope:10@1ms', 'lru:10@1ms,lru:1MB@1ms', '']) {
    assert.throws(() => parseTiers(bad), UsageError, bad);
  }
});

test('on any trace: L2 sees exactly the L1 misses, hits add up, every miss is one origin fetch, nothing is stale', () => {
  const request = fc.record({ key: fc.integer({ min: 0, max: 15 }), op: fc.constantFrom('get', 'get', 'get', 'set', 'delete') });
  fc.assert(
    fc.property(
      fc.array(request, { minLength: 1, maxLength: 120 }),
      fc.constantFrom<'write-through' | 'invalidate'>('write-through', 'invalidate'),
      (rows, writePolicy) => {
        const trace = timedTrace(rows.map((r, time) => ({ key: String(r.key), time, op: r.op as 'get' })));
        const counts = run(trace, writePolicy);
        const [l1, l2] = counts.tiers;
        assert.equal(l1!.lookups, counts.requests);
        assert.equal(l2!.lookups, l1!.lookups - l1!.hits);
        assert.equal(counts.hits, l1!.hits + l2!.hits);
        assert.equal(counts.originFetches, counts.misses);
        assert.equal(counts.staleReads, 0);
      },
    ),
    { numRuns: 80 },
  );
});
