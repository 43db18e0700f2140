/**
 * recordTrace() on the caches Node services use. The differential check: a service drives a
 * real lru-cache through the recorder, counting its own misses; replaying the recorded trace
 * through cachebench's lru at the same max gives exactly those misses. The rest pins down
 * what is recorded (has-then-get is one lookup, sizes, sampling) and that the file appears
 * only whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { LRUCache } from 'lru-cache';
import { loadTrace, recordTrace, simulate } from '../../src/index.js';
import { generateTrace } from '../../src/trace/spec.js';
import { keySampler } from '../../src/capture/sample.js';
import { tempDir } from '../helpers/temp-files.js';

const files = tempDir('record');

test('a trace recorded from a real lru-cache replays to the misses that cache had', async () => {
  const workload = generateTrace('zipf:alpha=0.8,keys=2000,requests=20000,seed=5');
  const max = 200;
  const out = join(files.dir, 'lru.csv');
  const recording = recordTrace(new LRUCache<number, string>({ max }), { out, size: (value: unknown) => (value as string).length });
  const cache = recording.target;
  let misses = 0;
  for (const id of workload.keys) {
    if (cache.get(id) === undefined) {
      misses++;
      cache.set(id, 'v'.repeat(1 + (id % 9)));
    }
  }
  assert.equal(existsSync(out), false, 'the file appears only when the recording is closed');
  await recording.close();
  const trace = await loadTrace(out);
  assert.equal(trace.length, workload.length + misses);
  const result = await simulate(trace, { policies: ['lru', 'lru-cache'], capacities: [max] });
  for (const row of result.rows) assert.equal(row.misses, misses, row.policy);
  // Sizes: a set records its value's length; a get that hits, the same.
  assert.ok(trace.sizes!.every((size) => (size >= 1 && size <= 9) || size === 1));
});

test('has then get of the same key is one lookup; set chains return the wrapper; peek is not an access', async () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const recording = recordTrace(new LRUCache<string, string>({ max: 10 }), { out: stream });
  const cache = recording.target;
  assert.ok(cache instanceof LRUCache);
  assert.equal(cache.set('a', '1'), cache, 'set returns the wrapped cache for chaining');
  if (cache.has('a')) cache.get('a');
  cache.has('b');
  cache.peek('a');
  cache.delete('a');
  cache.get('a');
  await recording.close();
  const rows = text.trim().split('\n');
  assert.equal(rows[0], 'key,time,op');
  assert.deepEqual(
    rows.slice(1).map((row) =>
      row
        .split(',')
        .filter((_, i) => i !== 1)
        .join(' '),
    ),
    ['a set', 'a get', 'b get', 'a delete', 'a get'],
  );
  assert.equal(recording.recorded, 5);
});

test('a Map and a memoised function are recorded too; sampling keeps whole keys by the capture hash', async () => {
  const out = join(files.dir, 'sampled.csv');
  const recording = recordTrace(new Map<string, number>(), { out, sample: 0.3, seed: 2 });
  const map = recording.target;
  const keys = Array.from({ length: 300 }, (_, i) => `user:${i}`);
  for (let round = 0; round < 2; round++) for (const key of keys) if (map.get(key) === undefined) map.set(key, round);
  await recording.close();
  const kept = keys.filter(keySampler(0.3, 2));
  const trace = await loadTrace(out);
  // Round one: a get and a set per kept key; round two: a get.
  assert.equal(trace.length, kept.length * 3);
  assert.deepEqual([...new Set(trace.keyNames)].sort(), [...kept].sort());

  const calls = join(files.dir, 'calls.csv');
  const fetchUser = async (id: number, _options?: { fresh: boolean }): Promise<string> => Promise.resolve(`user ${id}`);
  const memo = recordTrace(fetchUser, { out: calls, key: (id: number) => `user:${id}` });
  assert.equal(await memo.target(7), 'user 7');
  await memo.target(8);
  await memo.target(7, { fresh: true });
  await memo.close();
  assert.deepEqual(
    readFileSync(calls, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => row.split(',')[0]),
    ['user:7', 'user:8', 'user:7'],
  );
});
