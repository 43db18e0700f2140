/**
 * Redis's memory per key, as redis-lru:memory=redis counts it, against a real redis-server's
 * used_memory; and the memory model's hit rate at maxmemory against the server's own, on
 * the clock the replay ran on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { jemallocSize, redisKeyBytes, tableBytes } from '../../src/policies/internal/redis-memory.js';
import type { RunResult } from '../../src/model/result.js';
import { cli } from '../helpers/cli.js';
import { startRedis } from '../helpers/redis-server.js';

test('jemalloc size classes: 8, 16-byte steps to 128, then four per doubling', () => {
  const classes = [...new Set(Array.from({ length: 1100 }, (_, i) => jemallocSize(i + 1)))];
  assert.deepEqual(classes.slice(0, 14), [8, 16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]);
  assert.deepEqual(classes.slice(-4), [768, 896, 1024, 1280]);
  assert.equal(jemallocSize(16385), 20480);
});

/** used_memory once the dict's incremental rehash has finished (two equal readings in a row). */
async function settledUsedMemory(client: Redis): Promise<number> {
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const now = Number(/used_memory:(\d+)/.exec(await client.info('memory'))![1]);
    if (now === last) return now;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  return last;
}

test('what a string key costs in used_memory equals the model, for embedded and raw values and short and long keys', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const client = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await client.connect();
  t.after(() => {
    client.disconnect();
  });
  // Load the script once, so its own first-run allocations are in the baseline.
  const fill = "for i = 1, tonumber(ARGV[1]) do redis.call('SET', ARGV[2] .. i, string.rep('x', tonumber(ARGV[3]))) end return 1";
  await client.eval(fill, 0, '1', 'warm:', '1');
  const keys = 10_000;
  for (const prefix of ['cachebench:', 'a-much-longer-prefix-of-forty-bytes-xx:']) {
    for (const value of [10, 44, 45, 100, 1000, 5000]) {
      await client.flushall();
      const before = await settledUsedMemory(client);
      await client.eval(fill, 0, String(keys), prefix, String(value));
      const after = await settledUsedMemory(client);
      let predicted = tableBytes(16_384);
      for (let i = 1; i <= keys; i++) predicted += redisKeyBytes(Buffer.byteLength(`${prefix}${i}`), value);
      // Within a byte a key: the script cache and client buffers move by a few hundred bytes.
      assert.ok(Math.abs(after - before - predicted) < keys, `${prefix} ${value} B: measured ${after - before}, model ${predicted}`);
    }
  }
});

for (const policy of ['allkeys-lru', 'allkeys-lfu']) {
  test(`${policy}: the memory model at maxmemory bytes is within 2 points of Redis at three maxmemory settings`, async (t) => {
    const server = await startRedis(t);
    if (!server) return;
    for (const maxmemory of ['3mb', '6mb', '12mb']) {
      const run = await cli(
        'replay',
        'zipf:alpha=0.9,keys=40000,requests=100000,sizes=50..2000',
        '--redis',
        server.url,
        '--maxmemory',
        maxmemory,
        '--policy',
        policy,
        '--flush',
        '--format',
        'json',
      );
      assert.equal(run.code, 0, run.stderr);
      const result = JSON.parse(run.stdout) as RunResult;
      const comparison = result.server!;
      assert.ok(comparison.kind === 'redis');
      assert.ok(comparison.real.evictedKeys > 0, `${maxmemory} evicts`);
      const model = comparison.memoryModel!;
      assert.match(model.policy, /memory=redis,key-prefix=11,baseline=\d+/);
      assert.ok(Math.abs(model.differencePoints) < 2, `${policy} at ${maxmemory}: ${model.differencePoints.toFixed(2)} points`);
    }
  });
}
