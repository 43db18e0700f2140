import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { evaluateAssertions, parseAssertion } from '../../src/gate/assertion.js';
import type { RunResult } from '../../src/model/result.js';
import { sampleResult } from '../helpers/result.js';
import { simulate } from '../../src/api/simulate.js';
import { generateTrace } from '../../src/trace/spec.js';

function usageError(pattern: RegExp) {
  return (error: unknown) => error instanceof UsageError && error.where === 'asserts' && pattern.test(error.message);
}

test("assertions parse into selector, metric, comparison and a threshold in the metric's unit", () => {
  assert.deepEqual(parseAssertion('lru@1024.hitRate>=0.85'), {
    text: 'lru@1024.hitRate>=0.85',
    policy: 'lru',
    size: '1024',
    ttl: undefined,
    metric: 'hitRate',
    comparison: '>=',
    threshold: 0.85,
  });
  assert.equal(parseAssertion('lru@1024.hitRate >= 85%').threshold, 0.85);
  const latency = parseAssertion('ttl@512.latency.p99<=2ms');
  assert.equal(latency.policy, 'ttl');
  assert.equal(latency.metric, 'latency.p99');
  assert.equal(latency.threshold, 2); // milliseconds
  assert.equal(parseAssertion('lru@1.latency.mean<0.5s').threshold, 500);
  assert.equal(parseAssertion('lru@1.latency.mean<3').threshold, 3); // a bare number is ms
  assert.equal(parseAssertion('lru@1.speedup>2x').threshold, 2);
  assert.equal(parseAssertion('lru@1.misses==0').threshold, 0);
  const full = parseAssertion('s3-fifo:small=0.1@1.5GB/ttl=1.5s.byteHitRate>0.5');
  assert.deepEqual([full.policy, full.size, full.ttl, full.metric], ['s3-fifo:small=0.1', '1.5GB', '1.5s', 'byteHitRate']);
  const wild = parseAssertion('*@*/ttl=*.hitRate>=0.1');
  assert.deepEqual([wild.policy, wild.size, wild.ttl], ['*', '*', '*']);
});

test('malformed assertions are usage errors that quote the assertion', () => {
  assert.throws(() => parseAssertion('lru.hitRate>=0.8'), usageError(/'lru\.hitRate>=0\.8' is not of the form policy@size\.metric>=value/));
  assert.throws(() => parseAssertion('lru@1024.hitrate>=0.8'), usageError(/unknown metric 'hitrate' \(known: hitRate, byteHitRate/));
  assert.throws(() => parseAssertion('lru@1024.hitRate=>0.8'), usageError(/is not of the form/));
  assert.throws(() => parseAssertion('lru@1024.hitRate>=85'), usageError(/'lru@1024\.hitRate>=85': hitRate is a fraction from 0 to 1/));
  assert.throws(() => parseAssertion('lru@1024.latency.p99<=fast'), usageError(/'fast' is not a duration/));
  assert.throws(() => parseAssertion('lru@1024.hitRate>='), usageError(/is not of the form/));
});

test('a threshold that holds passes and one that does not fails, with actual and required values', () => {
  const result = sampleResult(); // lfu at 4 entries: 13 hits of 24 = 54.17%; lru at 4: 11 of 24 = 45.83%
  const [pass, fail] = evaluateAssertions(result, [parseAssertion('lfu@4.hitRate>=0.5'), parseAssertion('lru@4.hitRate>=50%')]);
  assert.equal(pass!.ok, true);
  assert.equal(pass!.actualValue, 13 / 24);
  assert.equal(pass!.actual, '54.17%');
  assert.equal(pass!.required, '>= 50.00%');
  assert.equal(fail!.ok, false);
  assert.equal(fail!.actual, '45.83%');
  assert.equal(fail!.gate, 'lru@4.hitRate>=50%');
  assert.equal(fail!.row, 'lru@4');
});

test('a threshold equal to the value passes >= and <=, and fails > and <', () => {
  const result = sampleResult();
  const verdicts = evaluateAssertions(
    result,
    ['>=', '<=', '>', '<', '=='].map((op) => parseAssertion(`lru@4.hits${op}11`)),
  );
  assert.deepEqual(
    verdicts.map((v) => v.ok),
    [true, true, false, false, true],
  );
});

test('close values are shown with enough digits to tell them apart', () => {
  const base = sampleResult({ policies: ['lru'], capacities: [4] });
  const tweaked: RunResult = { ...base, rows: [{ ...base.rows[0]!, hitRate: 0.84996 }] };
  const [verdict] = evaluateAssertions(tweaked, [parseAssertion('lru@4.hitRate>=0.85')]);
  assert.equal(verdict!.ok, false);
  assert.notEqual(verdict!.actual, verdict!.required.slice(3));
  assert.equal(verdict!.actual, '84.996%');
});

test('wildcards check every matching row and name each one', () => {
  const verdicts = evaluateAssertions(sampleResult(), [parseAssertion('*@4.hitRate>=0.4')]);
  assert.deepEqual(
    verdicts.map((v) => [v.gate, v.ok]),
    [
      ['*@4.hitRate>=0.4 [lru@4]', true],
      ['*@4.hitRate>=0.4 [lfu@4]', true],
      ['*@4.hitRate>=0.4 [fifo@4]', false], // 8 of 24
    ],
  );
  assert.equal(evaluateAssertions(sampleResult(), [parseAssertion('lru@*.misses>=0')]).length, 3);
});

test('a selector that matches no row is a usage error listing what the run has', () => {
  const result = sampleResult();
  assert.throws(
    () => evaluateAssertions(result, [parseAssertion('arc@4.hitRate>=0.5')]),
    usageError(/no policy 'arc' in this run \(policies: lru, lfu, fifo\)/),
  );
  assert.throws(
    () => evaluateAssertions(result, [parseAssertion('lru@1024.hitRate>=0.5')]),
    usageError(/no row with size 1024 \(sizes in this run: 2, 3, 4\)/),
  );
  assert.throws(
    () => evaluateAssertions(result, [parseAssertion('lru@64MB.hitRate>=0.5')]),
    usageError(/'64MB' is not a positive whole number/),
  );
  assert.throws(() => evaluateAssertions(result, [parseAssertion('lru@4/ttl=60s.hitRate>=0.5')]), usageError(/no row with TTL 60s/));
});

test('with several TTLs the selector must say which, and /ttl=off picks the rows without one', () => {
  const result = sampleResult({ policies: ['lru'], capacities: [4], ttls: [null, 5] });
  assert.throws(() => evaluateAssertions(result, [parseAssertion('lru@4.hitRate>=0.1')]), usageError(/several TTLs; add \/ttl=/));
  const [off] = evaluateAssertions(result, [parseAssertion('lru@4/ttl=off.hitRate>=0.1')]);
  assert.equal(off!.row, 'lru@4/ttl=off');
  assert.equal(off!.actualValue, result.rows.find((row) => row.ttl === null)!.hitRate);
  const [five] = evaluateAssertions(result, [parseAssertion('lru@4/ttl=5000ms.hitRate>=0')]);
  assert.equal(five!.row, 'lru@4/ttl=5s');
});

test('a bare policy name selects its parameterised rows; a spec with parameters must match exactly', () => {
  const base = sampleResult({ policies: ['lru'], capacities: [4] });
  const result: RunResult = {
    ...base,
    options: { ...base.options, policies: ['lru:x=1'] },
    rows: [{ ...base.rows[0]!, policy: 'lru:x=1' }],
  };
  assert.equal(evaluateAssertions(result, [parseAssertion('lru@4.hits>=1')])[0]!.row, 'lru:x=1@4');
  assert.throws(() => evaluateAssertions(result, [parseAssertion('lru:x=2@4.hits>=1')]), usageError(/no policy 'lru:x=2'/));
});

test('fleet and per-class TTL rows are told apart by /instances=, /invalidation= and /ttl=<rules>', async () => {
  const trace = generateTrace('mix:zipf(alpha=1,keys=500,prefix=user:)+uniform(keys=50,prefix=cfg:),requests=5000,rate=100,writes=0.05');
  const result = await simulate(trace, {
    policies: ['lru'],
    capacities: [100],
    ttlsMs: [60_000],
    ttlClasses: [
      [
        { pattern: 'cfg:*', ttlMs: 3_600_000 },
        { pattern: '*', ttlMs: 60_000 },
      ],
    ],
    instances: [1, 4],
    invalidation: [{ kind: 'pubsub', delayMs: 5 }, 'ttl-only'],
  });
  assert.equal(result.rows.length, 8);
  const pick = (text: string) => evaluateAssertions(result, [parseAssertion(text)]).map((verdict) => verdict.gate);
  assert.throws(() => pick('lru@100/ttl=60s/instances=4.hitRate>=0'), usageError(/several invalidations; add \/invalidation=/));
  assert.throws(() => pick('lru@100/instances=4/invalidation=pubsub.hitRate>=0'), usageError(/several TTLs/));
  // A plain TTL selects only the plain rows; the rules, however spelled, only theirs.
  assert.equal(pick('lru@100/ttl=60s/instances=4/invalidation=pubsub.hitRate>=0').length, 1);
  assert.equal(pick('lru@100/ttl=cfg:*=60m,*=1m/instances=4/invalidation=pubsub:delay=5ms.hitRate>=0').length, 1);
  assert.equal(pick('lru@100/ttl=*/instances=*/invalidation=*.hitRate>=0').length, 8);
  assert.throws(() => pick('lru@100/ttl=60s/instances=2/invalidation=*.hitRate>=0'), usageError(/no row with instances 2/));
});
