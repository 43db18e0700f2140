/** W-TinyLFU: hand-worked admission decisions, aging inside the policy, jitter, invariants. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createPolicy, parsePolicySpec } from '../../src/policies/index.js';
import { WTinyLfuPolicy } from '../../src/policies/w-tinylfu.js';
import { UsageError } from '../../src/errors.js';
import { traceOf } from '../helpers/trace.js';
import { checkPolicyInvariants } from '../helpers/policy-checks.js';

function build(keys: readonly string[], capacity: number, spec = 'w-tinylfu', seed = 1): { policy: WTinyLfuPolicy; ids: Uint32Array } {
  const trace = traceOf(keys);
  const policy = createPolicy(parsePolicySpec(spec), { capacity, unit: 'entries', keySpace: trace.keySpace, seed, trace });
  assert.ok(policy instanceof WTinyLfuPolicy);
  return { policy, ids: trace.keys };
}

test('w-tinylfu: ties and lower frequencies are rejected, a more frequent candidate is admitted', () => {
  // Capacity 3: main = floor(3 x 0.99) = 2, window = 1, protected = floor(2 x 0.8) = 1.
  // f() counts every access so far, including the current one. Regions: W, P(robation), Pr(otected).
  //  1 a  M  W=[a]
  //  2 b  M  W=[b], a -> P=[a] (3 entries not exceeded: nothing is filtered before the cache fills)
  //  3 c  M  W=[c], b -> P=[b a]
  //  4 d  M  W=[d], candidate c (f=1) vs victim a (f=1): a tie rejects c. P=[b a]
  //  5 c  M  W=[c], candidate d (f=1) vs a (f=1): tie, d rejected
  //  6 a  H  probation hit: Pr=[a], P=[b]
  //  7 e  M  W=[e], candidate c (f=2) vs b (f=1): c admitted, b evicted. P=[c]
  //  8 b  M  W=[b], candidate e (f=1) vs c (f=2): lower frequency, e rejected
  //  9 c  H  probation hit: Pr=[c a] is over 1, so a is demoted: Pr=[c], P=[a]
  // 10 e  M  W=[e], candidate b (f=2) vs a (f=2): tie, b rejected
  // 11 b  M  W=[b], candidate e (f=2) vs a (f=2): tie, e rejected
  // 12 a  H  probation hit: Pr=[a], c demoted: P=[c]
  const keys = [...'abcdcaebceba'];
  const { policy, ids } = build(keys, 3);
  assert.deepEqual([policy.maxWindow, policy.maxProtected], [1, 1]);
  const hits = Array.from(ids, (id, i) => (policy.access(id, 1, i) ? 'H' : 'M')).join('');
  assert.equal(hits, 'MMMMMHMMHMMH');
  // The derivation assumes estimates equal true counts. Counters only grow (12 additions, no
  // reset at 40), so final estimates equal to the final counts mean no collision ever mattered.
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((id) => policy.sketch.frequency(id)),
    [3, 3, 3, 1, 2],
  );
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((id) => policy.regionOf(id)),
    ['protected', 'window', 'probation', 'absent', 'absent'],
  );
  // LRU on the same trace: MMMMHMMMMHHM.
});

test('w-tinylfu ages its sketch: after 10 x table length additions every estimate halves', () => {
  // Capacity 3 -> a 4-word table, period 40. Key x is accessed 12 times, then 27 other keys once:
  // 39 counted additions, no reset yet. The 40th addition halves the sketch.
  const keys = [...Array(12).fill('x'), ...Array.from({ length: 28 }, (_, i) => `k${i}`)];
  const { policy, ids } = build(keys, 3);
  for (let i = 0; i < 39; i++) policy.access(ids[i]!, 1, i);
  const before = policy.sketch.frequency(0);
  assert.ok(before >= 12);
  assert.deepEqual([policy.sketch.resets, policy.sketch.additions], [0, 39]);
  policy.access(ids[39]!, 1, 39);
  assert.equal(policy.sketch.resets, 1);
  assert.equal(policy.sketch.frequency(0), Math.floor(before / 2));
});

test('jitter admits a warm rejected candidate about 1 time in 128, and only with f >= 6', () => {
  const admitRate = (spec: string, candidateCount: number): number => {
    const { policy } = build(['candidate', 'victim'], 64, spec);
    for (let i = 0; i < candidateCount; i++) policy.sketch.increment(0);
    for (let i = 0; i < 9; i++) policy.sketch.increment(1);
    assert.deepEqual([policy.sketch.frequency(0), policy.sketch.frequency(1)], [candidateCount, 9]);
    const admit = (policy as unknown as { admit(candidate: number, victim: number): boolean }).admit.bind(policy);
    let admitted = 0;
    for (let i = 0; i < 12800; i++) if (admit(0, 1)) admitted++;
    return admitted;
  };
  // Binomial(12800, 1/128): mean 100, standard deviation about 10.
  const warm = admitRate('w-tinylfu', 7);
  assert.ok(warm > 60 && warm < 140, `admitted ${warm}`);
  assert.equal(admitRate('w-tinylfu', 5), 0);
  assert.equal(admitRate('w-tinylfu:jitter=false', 7), 0);
});

test('w-tinylfu keeps a hot set through a scan that flushes LRU', () => {
  // Capacity 100: 20 hot keys seen 5 times each, then 500 one-time keys, then the hot keys again.
  // Scan keys (f=1) lose every admission against hot keys (f=5), so the hot set survives.
  const hot = Array.from({ length: 20 }, (_, i) => `h${i}`);
  const keys = [...hot, ...hot, ...hot, ...hot, ...hot, ...Array.from({ length: 500 }, (_, i) => `s${i}`), ...hot];
  const { policy, ids } = build(keys, 100, 'w-tinylfu:jitter=false');
  const hits = Array.from(ids, (id, i) => policy.access(id, 1, i));
  assert.equal(hits.slice(-20).filter(Boolean).length, 20);
});

test('w-tinylfu invariants: occupancy, accounting, determinism', () => {
  checkPolicyInvariants('w-tinylfu');
  checkPolicyInvariants('w-tinylfu:window=0.3,protected=0.5,doorkeeper=true', 60);
});

test('w-tinylfu keeps its regions within their shares (entries)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 400, size: 'max' }),
      fc.integer({ min: 1, max: 60 }),
      fc.constantFrom('w-tinylfu', 'w-tinylfu:window=0.2,protected=0.5'),
      (keys, capacity, spec) => {
        const { policy, ids } = build(keys.map(String), capacity, spec);
        const keySpace = new Set(keys).size;
        const count = (region: string): number =>
          Array.from({ length: keySpace }, (_, id) => policy.regionOf(id)).filter((r) => r === region).length;
        ids.forEach((id, i) => {
          policy.access(id, 1, i);
          assert.ok(count('window') <= policy.maxWindow);
          assert.ok(count('protected') <= policy.maxProtected);
          // The accessed key is resident afterwards: a miss enters the window, and the candidate
          // pushed out of it is always an older key.
          assert.equal(policy.regionOf(id) === 'absent', false);
        });
      },
    ),
    { numRuns: 100 },
  );
});

test('w-tinylfu parameters are validated', () => {
  assert.throws(() => parsePolicySpec('w-tinylfu:window=1'), UsageError);
  assert.throws(() => parsePolicySpec('w-tinylfu:protected=0'), UsageError);
  assert.throws(() => parsePolicySpec('w-tinylfu:jitter=maybe'), UsageError);
  assert.deepEqual(parsePolicySpec('w-tinylfu:window=0.2,doorkeeper=on').params, {
    window: 0.2,
    protected: 0.8,
    jitter: true,
    doorkeeper: true,
  });
  const trace = traceOf(['a']);
  const context = { capacity: 10, unit: 'entries' as const, keySpace: 1, seed: 1, trace };
  assert.throws(() => new WTinyLfuPolicy(context, { window: 0, protected: 0.8, jitter: true, doorkeeper: false }), RangeError);
});
