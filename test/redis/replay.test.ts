/**
 * Replay against real redis-server processes (each test starts its own on a free loopback
 * port): exact counts where Redis has no choice to make, the safety guard, clean-up, and
 * every way a server can fail us.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { UsageError } from '../../src/errors.js';
import { simulateAtEntries } from '../../src/redis/compare.js';
import { RedisReplayError } from '../../src/redis/errors.js';
import { checkReplayOptions, replayOnRedis, type RedisReplayOptions } from '../../src/redis/replay.js';
import { parseRedisUrl } from '../../src/redis/url.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import { generateTrace } from '../../src/trace/index.js';
import { OP_DELETE, OP_GET, OP_SET } from '../../src/trace/trace.js';
import { freePort, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { traceOf } from '../helpers/trace.js';

function optionsFor(url: string, overrides: Partial<RedisReplayOptions> = {}): RedisReplayOptions {
  return {
    target: parseRedisUrl(url),
    maxmemory: 64 * 1024 * 1024,
    policy: 'allkeys-lru',
    prefix: 'cachebench:',
    flush: false,
    valueSize: 100,
    pipeline: 64,
    timeout: 5,
    ...overrides,
  };
}

/** A plain client for the test to look at the server behind the replay's back. */
function admin(t: TestContext, server: RedisServer, db = 0): Redis {
  const client = new Redis({
    port: server.port,
    host: '127.0.0.1',
    db,
    lazyConnect: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  t.after(() => {
    client.disconnect();
  });
  return client;
}

test('when everything fits, Redis has no choice: each distinct key misses once and every repeat hits', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const trace = generateTrace('zipf:alpha=0.8,keys=2000,requests=10000,seed=3');
  const distinct = new Set(trace.keys).size;
  const m = await replayOnRedis(trace, optionsFor(server.url));

  // 64mb holds 2000 keys of 100 bytes many times over: no eviction, so the first request of
  // each key is a miss (it is then written) and every later one a hit.
  assert.equal(m.keyspaceMisses, distinct);
  assert.equal(m.keyspaceHits, trace.length - distinct);
  assert.equal(m.hits, m.keyspaceHits, 'the client saw exactly what INFO counted');
  assert.equal(m.evictedKeys, 0);
  assert.equal(m.residentKeys, distinct);
  assert.ok(m.equivalentEntries! > distinct, 'maxmemory would hold more keys than the trace has');
  // The simulation at that size agrees exactly: no evictions there either.
  const simulated = simulateAtEntries({ trace, sentAt: m.sentAt, policy: parsePolicySpec('lru'), entries: m.equivalentEntries!, seed: 1 });
  assert.equal(simulated.misses, distinct);
  // A value of 100 bytes plus key, dict entry and objects: more than 100, far less than 1000.
  assert.ok(m.bytesPerKey! > 100 && m.bytesPerKey! < 1000, `bytes per key ${m.bytesPerKey}`);
  assert.equal(m.latency.batches, Math.ceil(trace.length / 64));

  // Afterwards: our keys are gone and the server's settings are back.
  const redis = admin(t, server);
  assert.equal(await redis.dbsize(), 0);
  assert.deepEqual(await redis.config('GET', 'maxmemory'), ['maxmemory', '0']);
  assert.deepEqual(await redis.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'noeviction']);
});

test('set and delete rows are writes and deletes, not lookups; values have the trace size', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  // set a (write), get a (hit), delete a, get a (miss, rewritten), get b (miss), get b (hit)
  const trace = traceOf(['a', 'a', 'a', 'a', 'b', 'b'], {
    ops: [OP_SET, OP_GET, OP_DELETE, OP_GET, OP_GET, OP_GET],
    sizes: [10, 10, 10, 7, 3, 3],
  });
  const m = await replayOnRedis(trace, optionsFor(server.url, { keepKeys: true, prefix: 'cb-test:' }));
  assert.deepEqual(
    {
      lookups: m.lookups,
      hits: m.hits,
      writes: m.writes,
      deletes: m.deletes,
      keyspaceHits: m.keyspaceHits,
      keyspaceMisses: m.keyspaceMisses,
    },
    { lookups: 4, hits: 2, writes: 1, deletes: 1, keyspaceHits: 2, keyspaceMisses: 2 },
  );
  assert.equal(m.keysRemoved, null);
  const redis = admin(t, server);
  assert.deepEqual((await redis.keys('*')).sort(), ['cb-test:a', 'cb-test:b'], 'every key carries the prefix');
  assert.equal(await redis.strlen('cb-test:a'), 7, 'rewritten on the miss with that request size');
  assert.equal(await redis.strlen('cb-test:b'), 3);
});

test('a TTL is sent with every write (PX)', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const trace = traceOf(['x', 'y', 'x']);
  await replayOnRedis(trace, optionsFor(server.url, { ttl: 600, keepKeys: true, policy: 'volatile-ttl' }));
  const redis = admin(t, server);
  for (const key of ['cachebench:x', 'cachebench:y']) {
    const pttl = await redis.pttl(key);
    assert.ok(pttl > 590_000 && pttl <= 600_000, `${key} expires in ${pttl}ms`);
  }
});

test('refuses a database that holds keys, touching nothing, unless --flush', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const redis = admin(t, server);
  await redis.set('someone:else', 'precious');
  const trace = traceOf(['a', 'b', 'a']);

  await assert.rejects(replayOnRedis(trace, optionsFor(server.url)), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /database 0 holds 1 key; refusing to replay into it.*flush deletes them first/);
    assert.ok(!error.message.includes('\n'));
    return true;
  });
  assert.equal(await redis.get('someone:else'), 'precious');
  assert.deepEqual(await redis.config('GET', 'maxmemory'), ['maxmemory', '0'], 'settings untouched');

  const m = await replayOnRedis(trace, optionsFor(server.url, { flush: true }));
  assert.equal(m.keyspaceMisses, 2);
  assert.equal(await redis.exists('someone:else'), 0, '--flush emptied the database first');
});

test('keys in another database are refused even with --flush, since eviction is server-wide', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const other = admin(t, server, 3);
  await other.set('elsewhere', '1');
  await assert.rejects(replayOnRedis(traceOf(['a']), optionsFor(server.url, { flush: true })), /other databases hold keys \(db3: 1 key\)/);
  assert.equal(await other.get('elsewhere'), '1');
});

test('a maxmemory below what the empty server uses is a usage error, and settings are restored', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  await assert.rejects(
    replayOnRedis(traceOf(['a']), optionsFor(server.url, { maxmemory: 10_000 })),
    (error: unknown) =>
      error instanceof UsageError && error.where === 'maxmemory' && /is not more than the empty server already uses/.test(error.message),
  );
  const redis = admin(t, server);
  assert.deepEqual(await redis.config('GET', 'maxmemory'), ['maxmemory', '0']);
  assert.deepEqual(await redis.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'noeviction']);
});

test('volatile-ttl without any TTL is refused before connecting', () => {
  assert.throws(
    () => {
      checkReplayOptions(traceOf(['a']), { policy: 'volatile-ttl', pipeline: 1, prefix: 'p:', valueSize: 100 });
    },
    (error: unknown) => error instanceof UsageError && error.where === 'ttl' && /no ttl column: give every write one/.test(error.message),
  );
  assert.throws(() => {
    checkReplayOptions(traceOf(['a']), { policy: 'allkeys-lru', pipeline: 1, prefix: '', valueSize: 100 });
  }, /prefix: must not be empty/);
});

test('connection refused: one line, nothing replayed', async () => {
  const port = await freePort();
  await assert.rejects(replayOnRedis(traceOf(['a', 'b']), optionsFor(`redis://127.0.0.1:${port}`)), (error: unknown) => {
    assert.ok(error instanceof RedisReplayError);
    assert.match(
      error.message,
      new RegExp(`^redis://127\\.0\\.0\\.1:${port}: connection refused .*; nothing was replayed \\(0 of 2 requests\\)$`),
    );
    assert.equal(error.progress.done, 0);
    return true;
  });
});

test('authentication failures: no password, and a wrong one', async (t) => {
  const server = await startRedis(t, ['--requirepass', 'sekret']);
  if (!server) return;
  const trace = traceOf(['a']);
  await assert.rejects(
    replayOnRedis(trace, optionsFor(server.url)),
    /authentication failed: NOAUTH .*redis:\/\/:PASSWORD@host:port.*nothing was replayed/,
  );
  await assert.rejects(replayOnRedis(trace, optionsFor(`redis://:wrong@127.0.0.1:${server.port}`)), (error: unknown) => {
    assert.ok(error instanceof RedisReplayError);
    assert.match(error.message, /^redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: authentication failed: WRONGPASS/);
    assert.doesNotMatch(error.message, /wrong/);
    return true;
  });
  // The right password works.
  const m = await replayOnRedis(trace, optionsFor(`redis://:sekret@127.0.0.1:${server.port}`));
  assert.equal(m.keyspaceMisses, 1);
});

test('a server killed mid-run: stops at once, says how far it got', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const trace = generateTrace('zipf:alpha=0.9,keys=5000,requests=50000,seed=2');
  let killed = false;
  const options = optionsFor(server.url, {
    pipeline: 100,
    onProgress: (done) => {
      // After the third batch has been answered, the server disappears.
      if (done === 300 && !killed) {
        killed = true;
        server.process.kill('SIGKILL');
      }
    },
  });
  await assert.rejects(replayOnRedis(trace, options), (error: unknown) => {
    assert.ok(error instanceof RedisReplayError);
    assert.ok(error.progress.done >= 300 && error.progress.done < trace.length, `stopped at ${error.progress.done}`);
    assert.equal(error.progress.lookups, error.progress.done);
    assert.match(
      error.message,
      /: lost the connection.*; replayed [\d,]+ of 50,000 requests \([\d.]+%\) before stopping: [\d,]+ lookups, [\d,]+ hits/,
    );
    assert.ok(!error.message.includes('\n'));
    return true;
  });
});

/**
 * A replay whose server stops (SIGSTOP) after the first batch of 100, and with `resumeAfterMs`
 * resumes that much later: slow, not gone. Rejects with the replay's error.
 */
async function stalledReplay(
  t: TestContext,
  resumeAfterMs?: number,
): Promise<{ server: RedisServer; error: RedisReplayError } | undefined> {
  const server = await startRedis(t);
  if (!server) return undefined;
  t.after(() => void server.process.kill('SIGCONT'));
  const trace = generateTrace('zipf:alpha=0.9,keys=1000,requests=2000,seed=2');
  const options = optionsFor(server.url, {
    pipeline: 100,
    timeout: 0.3,
    maxmemory: 32 * 1024 * 1024,
    onProgress: (done) => {
      if (done !== 100) return;
      server.process.kill('SIGSTOP');
      if (resumeAfterMs !== undefined) setTimeout(() => void server.process.kill('SIGCONT'), resumeAfterMs);
    },
  });
  const error = await replayOnRedis(trace, options).then(
    () => assert.fail('the replay should have timed out'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof RedisReplayError);
  return { server, error };
}

test('a server that stops answering times out instead of hanging, and says which settings to restore by hand', async (t) => {
  const stalled = await stalledReplay(t);
  if (!stalled) return;
  assert.match(
    stalled.error.message,
    /did not answer in time \(command timed out\); its settings could not be restored either: run CONFIG SET maxmemory 0 and CONFIG SET maxmemory-policy noeviction; replayed 100 of 2,000 requests/,
  );
});

test('after a timeout the settings are restored and the keys removed over a fresh connection', async (t) => {
  const stalled = await stalledReplay(t, 1000);
  if (!stalled) return;
  assert.match(stalled.error.message, /did not answer in time \(command timed out\); replayed 100 of 2,000 requests/);
  const redis = admin(t, stalled.server);
  assert.equal(await redis.dbsize(), 0);
  assert.deepEqual(await redis.config('GET', 'maxmemory'), ['maxmemory', '0']);
  assert.deepEqual(await redis.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'noeviction']);
});

test('a database the server does not have is an error, not a replay into database 0', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const trace = generateTrace('zipf:alpha=0.9,keys=100,requests=200');
  await assert.rejects(replayOnRedis(trace, optionsFor(`${server.url}/99`)), (error: unknown) => {
    assert.ok(error instanceof RedisReplayError);
    assert.match(error.message, /\/99: database 99 does not exist on this server: it has 16, \/0 to \/15/);
    return true;
  });
  assert.equal(await admin(t, server).dbsize(), 0);
  // An existing one is used: the keys land in database 3, not 0.
  await replayOnRedis(trace, optionsFor(`${server.url}/3`, { keepKeys: true }));
  assert.equal(await admin(t, server).dbsize(), 0);
  assert.ok((await admin(t, server, 3).dbsize()) > 0);
});

test('interrupted between batches: stops, and still restores the settings and removes its keys', async (t) => {
  const server = await startRedis(t);
  if (!server) return;
  const interrupt = new AbortController();
  const trace = generateTrace('zipf:alpha=0.9,keys=1000,requests=2000,seed=2');
  const options = optionsFor(server.url, {
    pipeline: 100,
    maxmemory: 32 * 1024 * 1024,
    signal: interrupt.signal,
    onProgress: (done) => {
      if (done === 200) interrupt.abort();
    },
  });
  await assert.rejects(replayOnRedis(trace, options), (error: unknown) => {
    assert.ok(error instanceof RedisReplayError);
    assert.match(error.message, /: interrupted; replayed 200 of 2,000 requests/);
    return true;
  });
  const redis = admin(t, server);
  assert.equal(await redis.dbsize(), 0);
  assert.deepEqual(await redis.config('GET', 'maxmemory'), ['maxmemory', '0']);
  assert.deepEqual(await redis.config('GET', 'maxmemory-policy'), ['maxmemory-policy', 'noeviction']);
});

test('a server that forbids CONFIG is refused before --flush deletes anything', async (t) => {
  const server = await startRedis(t, ['--rename-command', 'CONFIG', '']);
  if (!server) return;
  const redis = admin(t, server);
  await redis.set('theirs', 'kept');
  await assert.rejects(
    replayOnRedis(traceOf(['a']), optionsFor(server.url, { flush: true })),
    /: the server does not allow CONFIG .*; nothing was replayed/,
  );
  assert.equal(await redis.get('theirs'), 'kept');
});
