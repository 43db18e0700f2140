/**
 * `cachebench replay` end to end against real redis-server processes: the JSON report, and
 * every failure as one line on stderr with exit code 2 and nothing on stdout.
 */
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { info } from '../../src/redis/replay.js';
import type { RunResult } from '../../src/model/result.js';
import { spawn } from 'node:child_process';
import { assertOneLineFailure, cli, ROOT, spawnCli } from '../helpers/cli.js';
import { freePort, startRedis } from '../helpers/redis-server.js';
import { tempDir } from '../helpers/temp-files.js';

const SMALL = 'zipf:alpha=0.9,keys=2000,requests=5000,seed=1';

test('--format json: the real counts beside the simulation, and the difference between them', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const run = await cli('replay', SMALL, '--redis', server.url, '--maxmemory', '1500kb', '--format', 'json');
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as RunResult;
  assert.equal(result.command, 'replay');
  const comparison = result.server!;
  assert.ok(comparison.kind === 'redis');
  assert.equal(comparison.server.url, server.url);
  assert.equal(comparison.server.maxmemory, 1500 * 1024);
  assert.equal(comparison.server.policy, 'allkeys-lru');
  assert.equal(comparison.real.lookups, 5000);
  assert.equal(comparison.real.keyspaceHits + comparison.real.keyspaceMisses, 5000);
  assert.equal(comparison.real.clientHits, comparison.real.keyspaceHits);
  // Two rows of the common model: the server's own counts, and the simulated counterpart
  // (tuned with the server's own maxmemory-samples) at the memory-equivalent entry count.
  const [real, simulated] = result.rows;
  assert.deepEqual([real!.policy, real!.source, real!.capacity], ['redis:allkeys-lru', 'server', 1500 * 1024]);
  assert.deepEqual([real!.hits, real!.misses], [comparison.real.keyspaceHits, comparison.real.keyspaceMisses]);
  assert.equal(simulated!.policy, `redis-lru:samples=${comparison.server.maxmemorySamples}`);
  assert.equal(simulated!.source, 'simulation');
  assert.equal(simulated!.equivalentEntries, comparison.memory.equivalentEntries);
  assert.equal(simulated!.requests, 5000);
  assert.ok(Math.abs(comparison.differencePoints! - (real!.hitRate - simulated!.hitRate) * 100) < 1e-9);
  assert.deepEqual(result.options.capacities, [1500 * 1024]);
});

test('replay results go through --format, --out and the gates like run: csv, md, and asserts on both rows', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const files = tempDir('replay-out');
  const base = ['replay', SMALL, '--redis', server.url, '--maxmemory', '1500kb', '--simulate', 'lru'];
  const csv = await cli(...base, '--format', 'csv');
  assert.equal(csv.code, 0, csv.stderr);
  const lines = csv.stdout.trim().split('\r\n');
  assert.equal(lines.length, 4);
  assert.match(lines[1]!, /^redis:allkeys-lru,/);
  assert.match(lines[2]!, /^lru,/);
  assert.match(lines[3]!, /^"redis-lru:samples=5,memory=redis,key-prefix=11,baseline=\d+",/);

  const md = await cli(...base, '--out', join(files.dir, 'replay.md'));
  assert.equal(md.code, 0, md.stderr);
  const report = readFileSync(join(files.dir, 'replay.md'), 'utf8');
  assert.match(report, /^# cachebench replay: /);
  assert.match(report, /## Real server/);
  assert.match(report, /difference: [+-]\d+\.\d\d points \(real minus simulated\)/);

  const pass = await cli(...base, '--assert', 'redis:allkeys-lru@*.hitRate>=0.01', '--assert', 'lru@*.hitRate>=0.01');
  assert.equal(pass.code, 0, pass.stderr);
  assert.match(pass.stderr, /all 2 gates passed/);
  const fail = await cli(...base, '--assert', 'redis:allkeys-lru@*.hitRate>=0.999');
  assert.equal(fail.code, 1);
  assert.match(fail.stderr, /1 gate failed/);
});

test('the table names both sides and says how the entry count was derived', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const run = spawnCli('replay', SMALL, '--redis', server.url, '--maxmemory', '1500kb', '--simulate', 'fifo', '--pipeline', '50');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /redis allkeys-lru \(INFO stats\)/);
  assert.match(run.stdout, /simulated fifo/);
  assert.match(run.stdout, /difference: [+-]\d+\.\d\d points \(real minus simulated\)/);
  assert.match(run.stdout, /memory: used_memory .* B per key, so 1\.465mb holds [\d,]+ entries/);
  assert.match(run.stdout, /latency \(client side, per pipeline batch of 50 requests, 100 batches\)/);
  assert.equal(run.stderr, '', 'no progress bar when stderr is not a terminal');
});

test('a bad URL is refused before anything else', async () => {
  assertOneLineFailure(
    await cli('replay', SMALL, '--redis', 'localhost', '--maxmemory', '64mb'),
    /^cachebench: --redis: 'localhost' is not a Redis URL/,
  );
  assertOneLineFailure(
    await cli('replay', SMALL, '--redis', 'redis://h', '--maxmemory', '64XB'),
    /--maxmemory: '64XB' is not a byte size \(use e\.g\. 512KB, 64MB, 1GiB; MB = MiB = 1024\*1024 as in redis\.conf\)/,
  );
  assertOneLineFailure(
    await cli('replay', SMALL, '--redis', 'redis://h', '--maxmemory', '1mb', '--simulate', 'nope'),
    /--simulate: unknown policy 'nope'/,
  );
  assertOneLineFailure(
    await cli('replay', SMALL, '--redis', 'redis://h', '--maxmemory', '1mb', '--policy', 'volatile-ttl'),
    /--ttl: volatile-ttl evicts only keys that have a TTL/,
  );
  assertOneLineFailure(
    await cli('replay', SMALL, '--redis', 'redis://h', '--maxmemory', '1mb', '--pipeline', '0'),
    /--pipeline: '0' is not a positive whole number/,
  );
  // Redis stores no value over 512MiB: a huge --value-size is refused, not replayed as empty strings.
  assertOneLineFailure(
    await cli('replay', 'zipf:alpha=1,keys=10,requests=20', '--redis', 'redis://h', '--maxmemory', '1mb', '--value-size', '1e12'),
    /^cachebench: --value-size: 1000000000000 bytes is not a value Redis can store \(0 to 512MiB, its proto-max-bulk-len\)\n$/,
  );
});

test('connection refused: exit 2, one line, nothing replayed', async () => {
  const port = await freePort();
  const run = await cli('replay', SMALL, '--redis', `redis://127.0.0.1:${port}`, '--maxmemory', '64mb', '--simulate', 'lru');
  assertOneLineFailure(
    run,
    new RegExp(`^cachebench: redis://127\\.0\\.0\\.1:${port}: connection refused .*; nothing was replayed \\(0 of 5,000 requests\\)`),
  );
});

test('authentication failure: exit 2, one line, the password not echoed', async (t) => {
  const server = await startRedis(t, ['--requirepass', 'sekret']);
  if (!server) return;
  const run = await cli('replay', SMALL, '--redis', `redis://:guess@127.0.0.1:${server.port}`, '--maxmemory', '64mb', '--simulate', 'lru');
  assertOneLineFailure(run, /^cachebench: redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: authentication failed: WRONGPASS/);
  assert.doesNotMatch(run.stderr, /guess/);
});

test('a server holding keys is refused with the way out named', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const redis = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
  t.after(() => {
    redis.disconnect();
  });
  await redis.set('theirs', '1');
  const run = await cli('replay', SMALL, '--redis', server.url, '--maxmemory', '64mb', '--simulate', 'lru');
  assertOneLineFailure(
    run,
    /^cachebench: --flush: .*database 0 holds 1 key; refusing to replay into it, since eviction would delete them \(flush deletes them first/,
  );
  assert.equal(await redis.get('theirs'), '1');
});

test('the server killed mid-run: exit 2 with what had been replayed', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  // Long enough that it cannot finish before the kill; the test kills the server once it
  // has seen lookups arrive, then the CLI must notice and stop.
  const running = cli(
    'replay',
    'zipf:alpha=0.9,keys=1e5,requests=1e6,seed=1',
    '--redis',
    server.url,
    '--maxmemory',
    '64mb',
    '--simulate',
    'lru',
    '--pipeline',
    '64',
  );
  const watcher = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
  watcher.on('error', () => undefined);
  t.after(() => {
    watcher.disconnect();
  });
  for (;;) {
    const stats = info(await watcher.info('stats'));
    if (Number(stats.get('keyspace_misses') ?? 0) >= 1000) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await server.kill();
  const run = await running;
  assertOneLineFailure(
    run,
    /: lost the connection.*; replayed [\d,]+ of 1,000,000 requests \([\d.]+%\) before stopping: [\d,]+ lookups, [\d,]+ hits, hit rate so far [\d.]+%/,
  );
});

test('a CSV trace: its size and ttl columns become the values written and their PX', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const files = tempDir('replay');
  // a: miss (written, 10 bytes, ttl 60s); b: miss (20 bytes, no ttl); a: hit; c: miss (5 bytes, ttl 1s)
  const csv = files.write('sized.csv', 'key,size,ttl\na,10,60\nb,20,\na,10,60\nc,5,1\n');
  const run = await cli('replay', csv, '--redis', server.url, '--maxmemory', '8mb', '--keep-keys', '--simulate', 'lru', '--format', 'json');
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as RunResult;
  const comparison = result.server!;
  assert.ok(comparison.kind === 'redis');
  assert.deepEqual([comparison.real.keyspaceHits, comparison.real.keyspaceMisses], [1, 3]);
  assert.equal(result.server!.server.valueSize, null, "the trace's sizes were used");
  assert.equal(result.rows[1]!.hits, 1);
  // Bytes are counted on the client: 45 looked up (10 + 20 + 10 + 5), 10 of them hit.
  assert.equal(result.rows[0]!.byteHitRate, 10 / 45);

  const redis = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
  t.after(() => {
    redis.disconnect();
  });
  assert.equal(await redis.strlen('cachebench:a'), 10);
  assert.equal(await redis.strlen('cachebench:b'), 20);
  const ttlA = await redis.pttl('cachebench:a');
  assert.ok(ttlA > 50_000 && ttlA <= 60_000, `a expires in ${ttlA}ms`);
  assert.equal(await redis.pttl('cachebench:b'), -1, 'no ttl given, none set');

  assertOneLineFailure(
    await cli('replay', csv, '--redis', server.url, '--maxmemory', '8mb', '--value-size', '5', '--simulate', 'lru'),
    /--value-size: .*sized\.csv has a size column/,
  );
});

test('an interrupted replay exits 130 like any interrupted command, saying how far it got, settings restored', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const child = spawn(
    process.execPath,
    [
      `${ROOT}bin/cachebench.cjs`,
      'replay',
      'zipf:alpha=0.9,keys=1e5,requests=5e6',
      '--redis',
      server.url,
      '--maxmemory',
      '8mb',
      '--pipeline',
      '64',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      resolve(code);
    }),
  );
  // Wait until the replay has written keys, then interrupt it.
  const redis = new Redis({ port: server.port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
  t.after(() => {
    redis.disconnect();
  });
  for (let i = 0; i < 400 && (await redis.dbsize()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  child.kill('SIGINT');
  assert.equal(await ended, 130);
  assert.match(stderr, /^cachebench: redis:\/\/127\.0\.0\.1:\d+: interrupted; replayed [\d,]+ of 5,000,000 requests/);
  assert.equal(await redis.dbsize(), 0, 'its keys were removed');
  assert.equal(((await redis.config('GET', 'maxmemory')) as string[])[1], '0', 'maxmemory was restored');
});
