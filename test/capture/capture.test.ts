/**
 * Capture against real servers the tests start on free loopback ports: the trace recorded
 * through Redis's MONITOR and memcached's watch is exactly the traffic the test sent, with
 * sizes and TTLs; sampling keeps whole keys, by the hash; anonymizing hides every key and
 * keeps their identity; the bounds and the errors are what the CLI promises.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { captureTrace, checkCaptureOptions } from '../../src/capture/capture.js';
import { keySampler } from '../../src/capture/sample.js';
import { loadTrace } from '../../src/index.js';
import { OP_NAMES, type Trace } from '../../src/trace/trace.js';
import { spawnCli, ROOT } from '../helpers/cli.js';
import { startMemcached } from '../helpers/memcached-server.js';
import { freePort, startRedis } from '../helpers/redis-server.js';
import { tempDir } from '../helpers/temp-files.js';

const files = tempDir('capture');

function rows(trace: Trace): string[] {
  const names = trace.keyNames!;
  return Array.from(trace.keys, (id, i) => {
    const ttl = trace.ttls?.[i];
    return `${names.get(id)} ${OP_NAMES[trace.ops?.[i] ?? 0] ?? '?'} ${trace.sizes?.[i] ?? '-'} ${ttl === undefined || Number.isNaN(ttl) ? '-' : ttl}`;
  });
}

async function client(url: string): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0 });
  await redis.connect();
  return redis;
}

/** Starts a capture and resolves once the server streams to it (with the capture, wrapped: awaiting it would wait for its end). */
async function capturing(url: string, options: Parameters<typeof captureTrace>[1]): Promise<{ done: ReturnType<typeof captureTrace> }> {
  let started!: () => void;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const done = captureTrace(url, {
    ...options,
    onStart: () => {
      started();
    },
  });
  await Promise.race([ready, done]);
  return { done };
}

test('redis: MONITOR capture records the traffic as it was sent, multi-key commands expanded, other commands left out', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const capture = await capturing(server.url, { requests: 9, durationMs: 20_000 });
  const redis = await client(server.url);
  await redis.set('user:1', 'alice', 'EX', 60);
  await redis.get('user:1');
  await redis.ping();
  await redis.mget('user:1', 'user:2');
  await redis.set('user:2', 'bob');
  await redis.setex('session', 30, 'xyz');
  await redis.expire('user:2', 5);
  await redis.del('user:1', 'session');
  await redis.get('user:2');
  const captured = await capture.done;
  redis.disconnect();
  assert.equal(captured.stoppedBy, 'requests');
  assert.deepEqual(rows(captured.trace), [
    'user:1 set 5 60',
    'user:1 get 5 -',
    'user:1 get 5 -',
    'user:2 get 3 -',
    'user:2 set 3 Infinity',
    'session set 3 30',
    'user:1 delete 5 -',
    'session delete 3 -',
    'user:2 get 3 -',
  ]);
});

test('redis: --sample keeps exactly the keys the hash keeps, with every one of their requests; --anonymize hides every key', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const keys = Array.from({ length: 200 }, (_, i) => `item:${i}`);
  const kept = keys.filter(keySampler(0.25, 3));
  assert.ok(kept.length > 20 && kept.length < 80, `${kept.length} of 200 kept`);
  const capture = await capturing(server.url, { sample: 0.25, seed: 3, requests: kept.length * 3, durationMs: 20_000 });
  const redis = await client(server.url);
  for (let round = 0; round < 3; round++) for (const key of keys) await redis.get(key);
  const captured = await capture.done;
  assert.equal(captured.trace.length, kept.length * 3);
  assert.deepEqual([...new Set(captured.trace.keyNames)].sort(), [...kept].sort());

  const anonymous = await capturing(server.url, { anonymize: true, requests: 6, durationMs: 20_000 });
  for (const key of ['alpha', 'beta', 'alpha', 'gamma', 'beta', 'alpha']) await redis.get(key);
  const hidden = await anonymous.done;
  redis.disconnect();
  const names = Array.from(hidden.trace.keys, (id) => hidden.trace.keyNames!.get(id));
  assert.ok(
    names.every((name) => !['alpha', 'beta', 'gamma'].includes(name) && /^[\w-]{16}$/.test(name)),
    names.join(' '),
  );
  // The same key keeps the same name, so the trace's reuse pattern is intact.
  assert.deepEqual(Array.from(hidden.trace.keys), [0, 1, 0, 2, 1, 0]);
});

test('cachebench capture writes the CSV atomically and says what it cost and what it recorded', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const out = join(files.dir, 'captured.csv');
  const redis = await client(server.url);
  const traffic = new AbortController();
  const sending = (async () => {
    for (let i = 0; !traffic.signal.aborted; i++) {
      await redis.set(`k${i % 10}`, 'v'.repeat(1 + (i % 5)));
      await redis.get(`k${(i * 7) % 10}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  // Spawned, not spawnSync: the traffic above must go on while the capture runs.
  const child = spawn(
    process.execPath,
    [`${ROOT}bin/cachebench.cjs`, 'capture', server.url, '--requests', '40', '--out', out, '--duration', '20s'],
    {
      cwd: ROOT,
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number>((resolve) =>
    child.on('exit', (status) => {
      resolve(status ?? -1);
    }),
  );
  const run = { code, stderr };
  traffic.abort();
  await sending;
  redis.disconnect();
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /MONITOR streams every command to this client/);
  assert.match(run.stderr, /captured 40 requests over \d+ keys from redis:\/\/127\.0\.0\.1:\d+ in [\d.]+s \(stopped by requests/);
  const trace = await loadTrace(out);
  assert.equal(trace.length, 40);
  assert.ok(readFileSync(out, 'utf8').startsWith('key,time,size,op,ttl\n'));
});

test("memcached: watch capture records the clients' gets and stores, not the lookups memcached makes for its own stores", async (t) => {
  const server = await startMemcached(t);
  if (!server) return;
  const deletions = server.version[0]! > 1 || server.version[1]! > 6 || (server.version[1] === 6 && server.version[2]! >= 20);
  const capture = await capturing(server.url, { requests: 6, durationMs: 20_000 });
  await server.send(
    'set a 0 60 3\r\nabc\r\nget a\r\nget b\r\nadd a 0 0 1\r\nz\r\nset b 0 0 5\r\nhello\r\ndelete a\r\nget b\r\n',
    /DELETED\r\n.*END\r\n/s,
  );
  const captured = await capture.done;
  assert.deepEqual(rows(captured.trace), [
    'a set 3 60',
    'a get 3 -',
    'b get 5 -',
    'b set 5 Infinity',
    // Before 1.6.20 memcached streams no deletions: the delete's own lookup reads as a get.
    deletions ? 'a delete 3 -' : 'a get 3 -',
    'b get 5 -',
  ]);
});

test('bounds and bad sources are one-line errors before anything is sent', async () => {
  assert.throws(() => {
    checkCaptureOptions({ durationMs: 2 * 3_600_000 });
  }, /durationMs: must be more than 0 and at most 1 hour/);
  assert.throws(() => {
    checkCaptureOptions({ sample: 0 });
  }, /sample: must be more than 0 and at most 1/);
  assert.throws(() => {
    checkCaptureOptions({ requests: 1e9 });
  }, /requests: must be a whole number from 1 to 1e\+8/);
  const port = await freePort();
  await assert.rejects(
    captureTrace(`redis://127.0.0.1:${port}`, { durationMs: 1000 }),
    /cannot reach redis:\/\/127\.0\.0\.1:\d+: connection refused/,
  );
  const cli = spawnCli('capture', `memcached://127.0.0.1:${port}`, '--duration', '1s');
  assert.equal(cli.code, 2);
  assert.match(
    cli.stderr,
    /\ncachebench: capture: cannot reach memcached:\/\/127\.0\.0\.1:\d+: connection refused \(is the server running there\?\)\n$/,
  );
  const scheme = spawnCli('capture', 'http://127.0.0.1:80', '--duration', '1s');
  assert.equal(scheme.code, 2);
  assert.match(
    scheme.stderr,
    /^cachebench: capture: 'http:\/\/127\.0\.0\.1:80' is not a server URL to capture from \(use redis:\/\/host:port, rediss:\/\/host:port, memcached:\/\/host:port\)\n$/,
  );
  assert.match(
    spawnCli('capture', 'redis://127.0.0.1:1', '--duration', '3h').stderr,
    /^cachebench: --duration: must be more than 0 and at most 1 hour/,
  );
});
