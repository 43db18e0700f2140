/** redis-lfu: the logarithmic counter, its decay, eviction by decayed counter, invariants. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicy, parsePolicySpec } from '../../src/policies/index.js';
import { LFU_INIT_VAL, RedisLfuPolicy } from '../../src/policies/redis-lfu.js';
import { UsageError } from '../../src/errors.js';
import { traceOf } from '../helpers/trace.js';
import { checkPolicyInvariants } from '../helpers/policy-checks.js';

function lfu(spec: string, keySpace = 1, seed = 1, capacity = 4): RedisLfuPolicy {
  const trace = traceOf(Array.from({ length: keySpace }, (_, i) => i));
  const policy = createPolicy(parsePolicySpec(spec), { capacity, unit: 'entries', keySpace, seed, trace });
  assert.ok(policy instanceof RedisLfuPolicy);
  return policy;
}

function counterAfter(hits: number, seed: number, spec = 'redis-lfu'): number {
  const policy = lfu(spec, 1, seed);
  policy.access(0, 1, 0);
  for (let i = 0; i < hits; i++) policy.access(0, 1, 0);
  return policy.counterOf(0);
}

test('a new key starts at LFU_INIT_VAL = 5 and its first hit always counts', () => {
  const policy = lfu('redis-lfu');
  policy.access(0, 1, 0);
  assert.equal(policy.counterOf(0), LFU_INIT_VAL);
  // p = 1 / (max(5 - 5, 0) x 10 + 1) = 1: Redis's code subtracts LFU_INIT_VAL first. The
  // redis.conf formula 1/(5 x 10 + 1) would leave the counter at 5 almost always.
  policy.access(0, 1, 0);
  assert.equal(policy.counterOf(0), 6);
});

test('the counter grows logarithmically: about 10 after 100 hits and 18-19 after 1000 (factor 10)', () => {
  // Expected hits to climb from 5 to c: sum over j = 5..c-1 of (10 (j - 5) + 1): 105 to reach
  // 10, 924 to reach 19. Averaged over 20 seeds the counter lands close to those points.
  const mean = (hits: number): number => {
    let sum = 0;
    for (let seed = 1; seed <= 20; seed++) sum += counterAfter(hits, seed);
    return sum / 20;
  };
  const after100 = mean(100);
  const after1000 = mean(1000);
  assert.ok(after100 >= 9 && after100 <= 11, `mean after 100 hits ${after100}`);
  assert.ok(after1000 >= 17.5 && after1000 <= 20.5, `mean after 1000 hits ${after1000}`);
  // Deterministic for a seed.
  assert.equal(counterAfter(1000, 7), counterAfter(1000, 7));
  // log-factor 0 makes every hit count, up to the 8-bit ceiling.
  assert.equal(counterAfter(100, 1, 'redis-lfu:log-factor=0'), 105);
  assert.equal(counterAfter(400, 1, 'redis-lfu:log-factor=0'), 255);
});

test('decay: one step per elapsed decay-time minutes since the last access, before incrementing', () => {
  const policy = lfu('redis-lfu');
  policy.access(0, 1, 0); // 5
  policy.access(0, 1, 0); // 6 (p = 1 at 5)
  // Three minutes later: 6 - 3 = 3, then p = 1 (3 <= 5) -> 4.
  policy.access(0, 1, 180);
  assert.equal(policy.counterOf(0), 4);
  // Eviction sees the decayed value without storing it: 4 at minute 3, 0 at minute 13.
  assert.equal(policy.decayedCounter(0, 180 + 59), 4);
  assert.equal(policy.decayedCounter(0, 780), 0);
  assert.equal(policy.counterOf(0), 4);

  const slow = lfu('redis-lfu:decay-time=2');
  slow.access(0, 1, 0);
  slow.access(0, 1, 0); // 6
  // 3 minutes / 2 = 1 step: 6 - 1 = 5, then p = 1 -> 6.
  slow.access(0, 1, 180);
  assert.equal(slow.counterOf(0), 6);

  const never = lfu('redis-lfu:decay-time=0');
  never.access(0, 1, 0);
  never.access(0, 1, 0); // 6
  assert.equal(never.decayedCounter(0, 1e6), 6);
});

test('eviction takes the lowest decayed counter (pool of one, every key sampled)', () => {
  // log-factor 0: every hit adds one. Capacity 2, ids a0 b1 c2, times in seconds.
  const sequence = (spec: string, keys: string, times: number[]): string => {
    const trace = traceOf([...keys]);
    const policy = createPolicy(parsePolicySpec(spec), { capacity: 2, unit: 'entries', keySpace: trace.keySpace, seed: 1, trace });
    return Array.from(trace.keys, (id, i) => (policy.access(id, 1, times[i]!) ? 'H' : 'M')).join('');
  };
  const spec = 'redis-lfu:log-factor=0,samples=2,pool=1';
  // a=5, a=6, a=7, b=5 | c: scores 255-7 (a) and 255-5 (b): b evicted | b: c(5) evicted over
  // a(7) | a hits (8) | c: b(5) evicted.
  assert.equal(sequence(spec, 'aaabcbac', [0, 0, 0, 0, 0, 0, 0, 0]), 'MHHMMMHM');
  // Same start, but b and c arrive 5 minutes later: a's 7 has decayed to 2 below b's fresh 5,
  // so c evicts a and the final a misses. Without decay, b would go and a would hit.
  const later = [0, 0, 0, 300, 300, 300];
  assert.equal(sequence(spec, 'aaabca', later), 'MHHMMM');
  assert.equal(sequence(`${spec},decay-time=0`, 'aaabca', later), 'MHHMMH');
});

test('redis-lfu invariants: occupancy, accounting, determinism', () => {
  checkPolicyInvariants('redis-lfu');
  checkPolicyInvariants('redis-lfu:samples=10,log-factor=1,decay-time=0', 60);
});

test('redis-lfu parameters are validated', () => {
  assert.throws(() => parsePolicySpec('redis-lfu:log-factor=-1'), UsageError);
  assert.throws(() => parsePolicySpec('redis-lfu:decay-time=0.5'), UsageError);
  assert.throws(() => parsePolicySpec('redis-lfu:factor=3'), UsageError);
  assert.deepEqual(parsePolicySpec('redis-lfu:decay-time=5').params, {
    samples: 5,
    pool: 16,
    'log-factor': 10,
    'decay-time': 5,
    memory: 'values',
    'key-prefix': 0,
    baseline: 1_100_000,
  });
  const trace = traceOf(['a']);
  const context = { capacity: 4, unit: 'entries' as const, keySpace: 1, seed: 1, trace };
  assert.throws(() => new RedisLfuPolicy(context, { samples: 5, pool: 16, logFactor: 1.5, decayTime: 1 }), RangeError);
});
