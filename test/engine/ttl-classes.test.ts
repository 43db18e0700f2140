/** Per-class TTLs: the rules, their resolution per key, and the replays that read them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate, sweep } from '../../src/api/simulate.js';
import { fallbackTtl, keyTtlsOf, parseTtlClasses, ttlClassesLabel } from '../../src/engine/ttl-classes.js';
import { generateTrace } from '../../src/trace/spec.js';
import { UsageError } from '../../src/errors.js';
import { timedTrace } from '../helpers/timed-trace.js';

test('rules parse in order, a glob or a prefix each, the first match winning', () => {
  const classes = parseTtlClasses('user:*=5m,session:=30s,config:?=off,*=60s');
  assert.equal(ttlClassesLabel(classes), 'user:*=5m,session:=30s,config:?=off,*=1m');
  assert.equal(fallbackTtl(classes), 60);
  const trace = timedTrace(['user:1', 'session:abc', 'config:x', 'config:xy', 'other'].map((key, time) => ({ key, time })));
  assert.deepEqual([...keyTtlsOf(trace, classes)], [300, 30, Infinity, 60, 60]);
  // Without a catch-all, unmatched keys have no TTL.
  assert.deepEqual([...keyTtlsOf(trace, parseTtlClasses('user:*=5m'))], [300, Infinity, Infinity, Infinity, Infinity]);
  for (const bad of ['user:*', '=5m', 'user:*=0s', '*=60s,user:*=5m', 'a*=1s,a*=2s'])
    assert.throws(() => parseTtlClasses(bad), UsageError, bad);
});

test('each class expires on its own TTL, and a row reports the rules it ran with', async () => {
  const rows = ['user:1', 'config:1'].flatMap((key) => [0, 10, 20].map((time) => ({ key, time: time + (key === 'user:1' ? 0 : 1) })));
  const trace = timedTrace(rows.sort((a, b) => a.time - b.time));
  const result = await simulate(trace, {
    policies: ['lru'],
    capacities: [10],
    ttlClasses: [
      [
        { pattern: 'user:*', ttlMs: 5000 },
        { pattern: '*', ttlMs: 3_600_000 },
      ],
    ],
  });
  assert.equal(result.rows.length, 1, 'no no-TTL row beside the classes');
  const [row] = result.rows;
  // user:1 expires between reads (2 expired misses), config:1 hits twice.
  assert.equal(row!.hits, 2);
  assert.equal(row!.expiredMisses, 2);
  assert.equal(row!.ttl, 3600);
  assert.equal(row!.ttlClasses, 'user:*=5s,*=1h');
  assert.deepEqual(result.options.ttlClasses, ['user:*=5s,*=1h']);
});

test('one catch-all rule is the plain TTL, on threads as inline', async () => {
  const trace = generateTrace('zipf:alpha=0.9,keys=3000,requests=60000,rate=200,writes=0.05,seed=4');
  const options = { policies: ['lru', 's3-fifo'], capacities: [200, 800], seed: 3 };
  const plain = await simulate(trace, { ...options, ttlsMs: [30_000], parallel: 'never' });
  const classes = [[{ pattern: '*', ttlMs: 30_000 }]];
  const inline = await simulate(trace, { ...options, ttlClasses: classes, parallel: 'never' });
  const threads = await simulate(trace, { ...options, ttlClasses: classes, parallel: 'always', workers: 2 });
  assert.deepEqual(
    inline.rows.map((row) => [row.hits, row.expiredMisses]),
    plain.rows.map((row) => [row.hits, row.expiredMisses]),
  );
  assert.deepEqual(threads.rows, inline.rows);
  // A sweep replays such a curve: the one-pass LRU model has no expiry.
  const swept = await sweep(trace, { policies: ['lru'], capacities: [100, 200], ttlClasses: classes });
  assert.equal(swept.curves![0]!.blocker, 'ttl');
});
