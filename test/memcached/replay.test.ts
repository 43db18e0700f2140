/**
 * `cachebench replay --memcached` against real memcached processes started here: the model's
 * fidelity to memcached 1.6 (within 1 point on four traces at three -m settings), the
 * report, and the safety rules (an occupied server refused, keys removed, one-line errors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult } from '../../src/model/result.js';
import { loadTrace, simulate } from '../../src/index.js';
import { replayOnMemcached } from '../../src/memcached/replay.js';
import { modelSpecFor } from '../../src/memcached/result.js';
import { parseMemcachedAddress } from '../../src/memcached/url.js';
import { assertOneLineFailure, cli } from '../helpers/cli.js';
import { startMemcached } from '../helpers/memcached-server.js';
import { freePort } from '../helpers/redis-server.js';

const SIZES = 'sizes=100..10000';
const TRACES = [
  `zipf:alpha=0.8,keys=12000,requests=50000,${SIZES}`,
  `zipf:alpha=1.0,keys=12000,requests=50000,${SIZES}`,
  `mix: zipf(alpha=0.9,keys=8000)*3 + scan(keys=12000), requests=50000, ${SIZES}`,
  `uniform:keys=12000,requests=50000,${SIZES}`,
];

// Working sets of about 26 MiB of values: -m 20 fills every class's first page and more,
// -m 24 and -m 28 leave part of the trace out.
for (const megabytes of [20, 24, 28]) {
  test(`the memcached model is within 1 point of memcached itself at -m ${megabytes}, on Zipf 0.8 and 1.0, a scan mix and uniform`, async (t) => {
    for (const spec of TRACES) {
      const server = await startMemcached(t, ['-m', String(megabytes)]);
      if (!server) return;
      const trace = await loadTrace(spec);
      const measurement = await replayOnMemcached(trace, {
        target: parseMemcachedAddress(`127.0.0.1:${server.port}`),
        prefix: 'cachebench:',
        flush: false,
        valueSize: 100,
        pipeline: 64,
        timeout: 10,
      });
      assert.equal(measurement.getHits, measurement.hits, 'the server counted the hits the client saw');
      assert.ok(measurement.evictions > 0, `${spec} at -m ${megabytes} evicts`);
      const real = measurement.getHits / (measurement.getHits + measurement.getMisses);
      const model = modelSpecFor(measurement.server, 'cachebench:');
      const simulated = await simulate(trace, { policies: [model], capacities: [megabytes * 1024 * 1024], unit: 'bytes' });
      const points = (real - simulated.rows[0]!.hitRate) * 100;
      assert.ok(Math.abs(points) < 1, `${spec} at -m ${megabytes}: real ${(real * 100).toFixed(2)}% vs model, ${points.toFixed(2)} points`);
    }
  });
}

test('replay --memcached: the server row, the model and lru/slru beside it, and every key removed afterwards', async (t) => {
  const server = await startMemcached(t, ['-m', '8']);
  if (!server) return;
  const spec = 'zipf:alpha=0.9,keys=8000,requests=10000,sizes=500..5000';
  const run = await cli('replay', spec, '--memcached', `127.0.0.1:${server.port}`, '--format', 'json');
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(run.stdout) as RunResult;
  const comparison = result.server!;
  assert.ok(comparison.kind === 'memcached');
  assert.equal(comparison.server.maxbytes, 8 * 1024 * 1024);
  assert.equal(comparison.server.version, server.version.join('.'));
  assert.deepEqual(
    result.rows.map((row) => [row.policy, row.source]),
    [
      ['memcached-server', 'server'],
      ['memcached:key_prefix=11', 'simulation'],
      ['lru', 'simulation'],
      ['slru', 'simulation'],
    ],
  );
  const [real, model] = result.rows;
  assert.equal(real!.hits, comparison.real.clientHits);
  assert.equal(real!.requests, 10000);
  assert.equal(comparison.simulated[0]!.differencePoints, (real!.hitRate - model!.hitRate) * 100);
  assert.ok(comparison.real.evictions > 0);
  // Nothing left behind: every key written was deleted.
  const stats = await server.send('stats\r\n', /END\r\n/);
  assert.match(stats, /STAT curr_items 0\r\n/);

  const table = await cli('replay', spec, '--memcached', `127.0.0.1:${server.port}`);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /memcached \(stats\)/);
  assert.match(table.stdout, /simulated memcached:key_prefix=11 .* points/);
  // The second replay found pages shaped by the first, and says so.
  assert.match(table.stdout, /note: the server had already handed \d+ MiB of pages to slab classes/);
});

test('a memcached holding items is refused unless --flush; --flush empties it first', async (t) => {
  const server = await startMemcached(t, ['-m', '8']);
  if (!server) return;
  await server.send('set someone-else 0 0 5\r\nhello\r\n', /STORED/);
  const spec = 'zipf:alpha=0.9,keys=100,requests=300';
  assertOneLineFailure(
    await cli('replay', spec, '--memcached', `127.0.0.1:${server.port}`),
    /^cachebench: --memcached: memcached:\/\/127\.0\.0\.1:\d+ holds 1 items, .* --flush to flush_all first/,
  );
  assert.match(await server.send('get someone-else\r\n', /END\r\n/), /VALUE someone-else/, 'the refusal touched nothing');
  const run = await cli('replay', spec, '--memcached', `127.0.0.1:${server.port}`, '--flush', '-f', 'json');
  assert.equal(run.code, 0, run.stderr);
  assert.match(await server.send('stats\r\n', /END\r\n/), /STAT curr_items 0\r\n/);
});

test('bad addresses, flags that belong to Redis and unusable keys are one-line errors before anything is sent', async () => {
  const spec = 'zipf:alpha=0.9,keys=100,requests=300';
  assertOneLineFailure(
    await cli('replay', spec, '--memcached', 'host:99999'),
    /--memcached: 'host:99999': port 99999 is not a usable port/,
  );
  assertOneLineFailure(await cli('replay', spec, '--memcached', 'a b'), /--memcached: 'a b' is not a memcached address/);
  assertOneLineFailure(
    await cli('replay', spec, '--memcached', '127.0.0.1:1', '--maxmemory', '64mb'),
    /--maxmemory: memcached's memory is fixed when it starts: start it with -m/,
  );
  assertOneLineFailure(await cli('replay', spec, '--memcached', '127.0.0.1:1', '--redis', 'redis://h'), /name one server/);
  assertOneLineFailure(await cli('replay', spec), /name one server/);
  assertOneLineFailure(
    await cli('replay', spec, '--memcached', '127.0.0.1:1', '--policy', 'allkeys-lfu'),
    /--policy sets a Redis maxmemory-policy/,
  );
  assertOneLineFailure(
    await cli('replay', spec, '--memcached', '127.0.0.1:1', '--prefix', 'has space:'),
    /cannot be a memcached key: keys are 1 to 250 bytes without spaces/,
  );
  const port = await freePort();
  assertOneLineFailure(
    await cli('replay', spec, '--memcached', `127.0.0.1:${port}`),
    /memcached:\/\/127\.0\.0\.1:\d+: connection refused \(is memcached running there\?\); nothing was replayed/,
  );
});

test('a server that stops answering mid-replay is an error saying how far it got, and the keys are still removed', async (t) => {
  const server = await startMemcached(t, ['-m', '8']);
  if (!server) return;
  t.after(() => void server.process.kill('SIGCONT'));
  const trace = await loadTrace('zipf:alpha=0.9,keys=5000,requests=20000');
  let stopped = false;
  await assert.rejects(
    () =>
      replayOnMemcached(trace, {
        target: parseMemcachedAddress(`127.0.0.1:${server.port}`),
        prefix: 'cachebench:',
        flush: false,
        valueSize: 100,
        pipeline: 100,
        timeout: 0.5,
        onProgress: (done) => {
          if (stopped || done < 1000) return;
          stopped = true;
          // Stopped after a batch, resumed once the replay has given up on it.
          server.process.kill('SIGSTOP');
          setTimeout(() => void server.process.kill('SIGCONT'), 800);
        },
      }),
    (error: Error) =>
      /^memcached:\/\/127\.0\.0\.1:\d+: no reply within 0\.5s; replayed [\d,]+ of 20,000 requests/.test(error.message) &&
      !error.message.includes('\n'),
  );
  assert.match(await server.send('stats\r\n', /END\r\n/), /STAT curr_items 0\r\n/, 'the keys were deleted over a fresh connection');
});
