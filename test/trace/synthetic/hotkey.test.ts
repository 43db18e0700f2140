/** The hotkey spec: exact arrival times, the background share, seeding, and one-line errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../src/errors.js';
import { generateTrace, isSyntheticSpec } from '../../../src/trace/spec.js';

test('hotkey is a synthetic spec: evenly spaced requests with ttl and cost columns', () => {
  assert.ok(isSyntheticSpec('hotkey:rate=10,duration=1s'));
  const trace = generateTrace('hotkey:rate=4,duration=2s,ttl=10s,cost=50ms');
  assert.equal(trace.length, 8);
  assert.deepEqual([...trace.times!], [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75]);
  assert.deepEqual([...trace.keys], [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.ok(trace.ttls!.every((ttl) => ttl === 10));
  assert.ok(trace.costs!.every((cost) => cost === 0.05));
  assert.deepEqual(trace.keyNames?.toArray(), ['hot']);
});

test('background keys take their share of the requests, uniformly, and the seed fixes them', () => {
  const spec = 'hotkey:rate=1000,duration=20s,keys=50,background=0.25';
  const trace = generateTrace(spec);
  const hot = trace.keys.filter((id) => id === 0).length;
  // 20000 requests, a quarter to the background: standard deviation ~61; allow 5 of them.
  assert.ok(Math.abs(hot - 15000) < 310, `hot requests ${hot}`);
  assert.equal(trace.keySpace, 51);
  assert.deepEqual(generateTrace(spec).keys, trace.keys);
  assert.notDeepEqual(generateTrace(`${spec},seed=2`).keys, trace.keys);
});

test('bad hotkey specs are one-line usage errors naming the spec', () => {
  for (const bad of [
    'hotkey:duration=1s',
    'hotkey:rate=10',
    'hotkey:rate=0,duration=1s',
    'hotkey:rate=1,duration=1s,keys=0,background=0.5',
    'hotkey:rate=1,duration=1s,color=red',
    'hotkey:rate=1,duration=1s,ttl=0',
  ]) {
    assert.throws(
      () => generateTrace(bad),
      (error: unknown) => error instanceof UsageError && error.message.startsWith(`trace spec '${bad}'`),
      bad,
    );
  }
});
