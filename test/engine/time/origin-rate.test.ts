/** Origin fetches per second of trace time, on every time-aware row of a trace with times. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../../src/index.js';
import { parseRows, timedTrace } from '../../helpers/timed-trace.js';

// a, b, c miss in second 0, d in second 1 (a hits), a hits in 2, e misses in 5.
const TRACE = timedTrace(parseRows('get a@0 get b@0 get c@0.5 get a@1 get d@1.9 get a@2 get e@5'));

test('origin fetches are counted per second from the first request to the last, quiet seconds as zeros', async () => {
  const result = await simulate(TRACE, { policies: ['lru'], capacities: [10], writePolicy: 'invalidate' });
  // Buckets [3, 1, 0, 0, 0, 1]: peak 3, p99 the top of six, mean 5/6.
  assert.deepEqual(result.rows[0]!.originLoad, { seconds: 6, peakPerSecond: 3, p99PerSecond: 3, meanPerSecond: 5 / 6 });
});

test('a warm-up leaves its fetches out and starts the span where counting starts', async () => {
  const result = await simulate(TRACE, { policies: ['lru'], capacities: [10], writePolicy: 'invalidate', warmup: { requests: 3 } });
  // Counting from a@1: buckets [1, 0, 0, 0, 1] for seconds 1 to 5.
  assert.deepEqual(result.rows[0]!.originLoad, { seconds: 5, peakPerSecond: 1, p99PerSecond: 1, meanPerSecond: 2 / 5 });
});

test('under the stampede model every fetch started is counted once: mean x seconds = origin fetches', async () => {
  const rows = parseRows(Array.from({ length: 400 }, (_, i) => `get k${(i * 37) % 23}@${(i / 40).toFixed(3)}`).join(' ')).map((row) => ({
    ...row,
    cost: 0.3,
  }));
  const trace = timedTrace(rows);
  const result = await simulate(trace, { policies: ['lru'], capacities: [8], ttlsMs: [1000], stampede: ['none', 'coalesce'] });
  for (const row of result.rows) {
    const load = row.originLoad!;
    assert.equal(Math.round(load.meanPerSecond * load.seconds), row.stampede!.originFetches, row.stampede!.mode);
    assert.ok(load.peakPerSecond >= load.p99PerSecond && load.p99PerSecond >= load.meanPerSecond);
  }
  const [none, coalesce] = result.rows;
  assert.ok(coalesce!.originLoad!.peakPerSecond <= none!.originLoad!.peakPerSecond, 'coalescing never raises the peak');
});

test('a plain replay, or a trace without times, has no origin rate', async () => {
  const plain = await simulate(TRACE, { policies: ['lru'], capacities: [10] });
  assert.equal(plain.rows[0]!.originLoad, undefined);
});
