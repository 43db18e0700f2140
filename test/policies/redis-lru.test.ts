/** redis-lru: the eviction pool's rules and stale snapshots, exact-LRU conditions, sampling, invariants. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createPolicy, parsePolicySpec } from '../../src/policies/index.js';
import { RedisLruPolicy } from '../../src/policies/redis-lru.js';
import { UsageError } from '../../src/errors.js';
import { traceOf } from '../helpers/trace.js';
import { checkPolicyInvariants } from '../helpers/policy-checks.js';

function run(
  spec: string,
  keys: readonly (string | number)[],
  capacity: number,
  options: { seed?: number; times?: number[]; sizes?: number[] } = {},
) {
  const trace = traceOf(keys);
  const unit = options.sizes ? ('bytes' as const) : ('entries' as const);
  const policy = createPolicy(parsePolicySpec(spec), { capacity, unit, keySpace: trace.keySpace, seed: options.seed ?? 1, trace });
  const hits = Array.from(trace.keys, (id, i) => (policy.access(id, options.sizes?.[i] ?? 1, options.times?.[i] ?? i) ? 'H' : 'M')).join(
    '',
  );
  return { policy, hits };
}

// Ids in first-seen order: E0 B1 W2 X3 Y4 Z5. Logical clock: request n (1-based) happens at tick n.
const STALE_TRACE = [...'EBWWWXYBZW'];

test('the persistent pool keeps stale idle times: a key hit after sampling can be evicted first', () => {
  // Capacity 4, samples 4 (every key is sampled), clock=0 (one tick per request, no ties).
  //  1-6  E B W W W X: E@1 B@2 W@5 X@6 fill the cache.
  //  7 Y  miss; samples score idle = 7 - last access: E6 B5 W2 X1. The pool (16 slots, ascending)
  //       becomes [X1 W2 B5 E6]; E, rightmost, is evicted and its slot cleared: [X1 W2 B5].
  //  8 B  hit: B@8, but the pool still holds B's snapshot B5.
  //  9 Z  miss; fresh samples B1 W4 X3 Y2 are filed before equal scores: [B1 X1 Y2 W2 X3 W4 B5].
  //       The rightmost entry is the stale B5 and B still exists, so B is evicted, although W
  //       (last access 5) is the least recently used key.
  // 10 W  hits, where LRU (which evicted W at 9) misses.
  const pooled = run('redis-lru:samples=4,clock=0', STALE_TRACE, 4);
  assert.equal(pooled.hits, 'MMMHHMMHMH');
  assert.ok(pooled.policy instanceof RedisLruPolicy);
  const { keys, scores } = pooled.policy.poolSnapshot();
  // After request 10 (a hit, no eviction) the pool is still as left by request 9's eviction.
  assert.deepEqual(keys.slice(0, 7), [1, 3, 4, 2, 3, 2, -1]);
  assert.deepEqual(scores.slice(0, 7), [1, 1, 2, 2, 3, 4, 0]);
  // With a one-slot pool nothing survives an eviction, so each eviction takes the largest fresh
  // idle time: W at 9, exactly as LRU.
  assert.equal(run('redis-lru:samples=4,clock=0,pool=1', STALE_TRACE, 4).hits, 'MMMHHMMHMM');
  assert.equal(run('lru', STALE_TRACE, 4).hits, 'MMMHHMMHMM');
});

test('a full pool keeps the largest scores whatever the sampling order', () => {
  // Pool of 2, requests 1-7 of the trace above: the samples E6 B5 W2 X1 arrive in a seeded
  // random order. A sample below slot 0 of a full pool is dropped; one above shifts slot 0 out.
  // Either way the pool ends as [B5 E6]; E is evicted, leaving [B5, empty].
  for (let seed = 1; seed <= 20; seed++) {
    const { policy } = run('redis-lru:samples=4,clock=0,pool=2', STALE_TRACE.slice(0, 7), 4, { seed });
    assert.ok(policy instanceof RedisLruPolicy);
    assert.deepEqual(policy.poolSnapshot(), { keys: [1, -1], scores: [5, 0] }, `seed ${seed}`);
    assert.equal(policy.has(0), false);
  }
});

test('redis-lru equals exact LRU when samples >= entries, the pool has one slot and timestamps are distinct', () => {
  // Why these three conditions: (1) sampling every resident key sees the true LRU key; (2) a
  // one-slot pool is empty after each eviction, so no stale idle time from an earlier round can
  // outrank the fresh ones (the test above shows a 16-slot pool doing exactly that); (3) distinct
  // clock values mean no two keys tie on idle time, so sample order cannot matter. A logical
  // clock (clock=0) gives (3) always; the 1 s clock gives it when requests are a second or more apart.
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 300, size: 'max' }),
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 0, max: 5 }),
      fc.constantFrom('clock=0', 'clock=1'),
      fc.integer({ min: 1, max: 1000 }),
      (keys, capacity, extraSamples, clock, seed) => {
        const spec = `redis-lru:samples=${capacity + extraSamples},pool=1,${clock}`;
        // Request i at i seconds: distinct at 1 s resolution.
        assert.equal(run(spec, keys, capacity, { seed }).hits, run('lru', keys, capacity).hits);
      },
    ),
    { numRuns: 200 },
  );
});

test('redis-lru equals exact LRU with byte capacities under the same conditions', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 25 }), { maxLength: 300, size: 'max' }),
      fc.integer({ min: 1, max: 60 }),
      (keys, capacity) => {
        const sizes = keys.map((key) => 1 + ((key * 13) % 9));
        const spec = `redis-lru:samples=64,pool=1,clock=0`;
        assert.equal(run(spec, keys, capacity, { sizes }).hits, run('lru', keys, capacity, { sizes }).hits);
      },
    ),
    { numRuns: 150 },
  );
});

test('at 1 s resolution, requests within one second tie and the pool breaks the tie by sample order', () => {
  // Capacity 2, all requests at time 0: a and b both have idle 0 when c arrives. Which one is
  // evicted depends on the seeded sample order, and both outcomes occur across seeds.
  const victims = new Set<number>();
  for (let seed = 1; seed <= 30; seed++) {
    const { policy } = run('redis-lru:samples=2,pool=1', ['a', 'b', 'c'], 2, { seed, times: [0, 0, 0] });
    victims.add(policy.has(0) ? 1 : 0);
  }
  assert.deepEqual([...victims].sort(), [0, 1]);
});

test('sampling is uniform over resident keys', () => {
  // One sample, one slot: the victim is a uniformly drawn resident key. Over 4000 seeds each of
  // the four keys is evicted about 1000 times (binomial standard deviation about 27).
  const counts = [0, 0, 0, 0];
  for (let seed = 1; seed <= 4000; seed++) {
    const { policy } = run('redis-lru:samples=1,pool=1', ['a', 'b', 'c', 'd', 'e'], 4, { seed });
    for (let id = 0; id < 4; id++) if (!policy.has(id)) counts[id]!++;
  }
  assert.equal(
    counts.reduce((a, b) => a + b),
    4000,
  );
  for (const count of counts) assert.ok(count > 850 && count < 1150, `victim counts ${counts.join(',')}`);
});

test('redis-lru invariants: occupancy, accounting, determinism', () => {
  checkPolicyInvariants('redis-lru');
  checkPolicyInvariants('redis-lru:clock=0,samples=3,pool=4', 60);
});

test('redis-lru parameters are validated', () => {
  assert.throws(() => parsePolicySpec('redis-lru:samples=0'), UsageError);
  assert.throws(() => parsePolicySpec('redis-lru:samples=2.5'), UsageError);
  assert.throws(() => parsePolicySpec('redis-lru:clock=-1'), UsageError);
  assert.throws(() => parsePolicySpec('redis-lru:pool=0'), UsageError);
  assert.deepEqual(parsePolicySpec('redis-lru:samples=10').params, {
    samples: 10,
    pool: 16,
    clock: 1,
    memory: 'values',
    'key-prefix': 0,
    baseline: 1_100_000,
  });
  assert.throws(() => parsePolicySpec('redis-lru:memory=jemalloc'), UsageError);
  const trace = traceOf(['a']);
  assert.throws(
    () => new RedisLruPolicy({ capacity: 4, unit: 'entries', keySpace: 1, seed: 1, trace }, { samples: 0, pool: 16, clock: 1 }),
    UsageError,
  );
});
