/**
 * The point of `replay`: on a seeded Zipf trace the real server's hit rate is what the
 * simulator predicts for its sampled approximation at the equivalent entry count. Redis
 * samples with its own unseeded random numbers, so the runs are compared within 3 points,
 * not exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterpartSpec, simulateAtEntries } from '../../src/redis/compare.js';
import { replayOnRedis, type RedisEvictionPolicy } from '../../src/redis/replay.js';
import { parseRedisUrl } from '../../src/redis/url.js';
import { generateTrace } from '../../src/trace/index.js';
import { startRedis } from '../helpers/redis-server.js';

const TRACE = 'zipf:alpha=0.9,keys=1e4,requests=3e4,seed=7';

for (const [policy, counterpart] of [
  ['allkeys-lru', 'redis-lru'],
  ['allkeys-lfu', 'redis-lfu'],
] as [RedisEvictionPolicy, string][]) {
  test(`${policy}: the replayed hit rate is within 3 points of simulated ${counterpart} at the equivalent entry count`, async (t) => {
    const server = await startRedis(t);
    if (!server) return;
    const trace = generateTrace(TRACE);
    const m = await replayOnRedis(trace, {
      target: parseRedisUrl(server.url),
      // The empty server uses about 1mb; the rest holds a few thousand 100-byte values,
      // a fraction of the 10,000 keys, so eviction decides the hit rate.
      maxmemory: 1536 * 1024,
      policy,
      prefix: 'cachebench:',
      flush: false,
      valueSize: 100,
      pipeline: 256,
      timeout: 5,
    });
    assert.ok(m.evictedKeys > 1000, `the cache was full and evicting (${m.evictedKeys} evictions)`);
    assert.equal(m.keyspaceHits + m.keyspaceMisses, trace.length);
    const entries = m.equivalentEntries!;
    assert.ok(entries > 500 && entries < 8000, `equivalent entries ${entries}`);

    const spec = counterpartSpec(policy, m.server);
    assert.match(spec.name, new RegExp(`^${counterpart}:samples=${m.server.maxmemorySamples}`));
    const simulated = simulateAtEntries({ trace, sentAt: m.sentAt, policy: spec, entries, seed: 1 });
    const real = m.keyspaceHits / (m.keyspaceHits + m.keyspaceMisses);
    const predicted = simulated.hits / simulated.requests;
    const points = (real - predicted) * 100;
    assert.ok(
      Math.abs(points) <= 3,
      `real ${(real * 100).toFixed(2)}% vs simulated ${(predicted * 100).toFixed(2)}%: ${points.toFixed(2)} points`,
    );
  });
}
