import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { runGrid, runGridParallel, settingsOf, type GridConfig } from '../../src/engine/grid.js';
import {
  executeJobs,
  MIN_PARALLEL_WORK,
  MIN_PARALLEL_WORK_WITH_POOL,
  sharedTrace,
  startWorkerPool,
  WorkerPool,
} from '../../src/engine/executor.js';
import { cacheJob } from '../../src/engine/jobs.js';
import { CancelledError } from '../../src/errors.js';
import { renderJson } from '../../src/report/json.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import { OP_DELETE, OP_GET, OP_SET, TraceBuilder, type Trace } from '../../src/trace/trace.js';
import { Rng } from '../../src/trace/synthetic/rng.js';
import { generateTrace } from '../../src/trace/spec.js';

/** Gets, sets and deletes over 60 keys with times, sizes and per-request costs. */
function mixedTrace(length: number, seed: number): Trace {
  const rng = new Rng(seed);
  const random = (): number => rng.nextFloat();
  const builder = new TraceBuilder(length);
  for (let i = 0; i < length; i++) {
    const u = random();
    const op = u < 0.8 ? OP_GET : u < 0.95 ? OP_SET : OP_DELETE;
    const id = Math.floor(random() ** 2 * 60);
    builder.push(id, 1 + Math.floor(random() * 100), i * 0.5, op, undefined, random() < 0.5 ? 0.002 + random() * 0.01 : undefined);
  }
  return builder.build('mixed', 60);
}

function config(): GridConfig {
  return {
    policies: ['lru', 'fifo', 'lfu', 'ttl', 'lru-cache'].map((name) => parsePolicySpec(name)),
    capacities: [2, 5, 13, 40],
    unit: 'entries',
    ttls: [null, 7],
    cost: { lookupCost: 0.0001, missCost: 0.005 },
    seed: 3,
  };
}

test('the parallel grid equals the serial grid, byte for byte', async () => {
  const trace = mixedTrace(5000, 11);
  const serial = runGrid(trace, config());
  const parallel = await runGridParallel(trace, { ...config(), workers: 2, mode: 'always' });
  assert.deepEqual(parallel, serial);
  assert.equal(renderJson(parallel), renderJson(serial));
  // In-process fallback gives the same too.
  assert.deepEqual(await runGridParallel(trace, { ...config(), mode: 'never' }), serial);
});

test('byte capacity on workers matches too, and progress reaches the total', async () => {
  const trace = mixedTrace(3000, 5);
  const byteConfig: GridConfig = { ...config(), capacities: [100, 1000, 5000], unit: 'bytes', ttls: [null] };
  const serial = runGrid(trace, byteConfig);
  let last = 0;
  let total = 0;
  const parallel = await runGridParallel(trace, {
    ...byteConfig,
    workers: 3,
    mode: 'always',
    onProgress: (done, all) => {
      assert.ok(done >= last, 'progress never goes back');
      last = done;
      total = all;
    },
  });
  assert.deepEqual(parallel, serial);
  assert.equal(total, 5 * 3 * trace.length);
  assert.equal(last, total);
});

test('the shared trace lives in SharedArrayBuffers and is copied once', () => {
  const trace = mixedTrace(100, 1);
  const shared = sharedTrace(trace);
  assert.ok(shared.keys.buffer instanceof SharedArrayBuffer);
  assert.ok(shared.costs!.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(Array.from(shared.keys), Array.from(trace.keys));
  assert.equal(sharedTrace(trace), shared);
});

test('a failing job rejects instead of hanging', async () => {
  const trace = mixedTrace(100, 1);
  // lru-cache refuses a zero capacity in its constructor; the engine never validates it.
  const jobs = [cacheJob(parsePolicySpec('lru-cache'), 0, null, 0), cacheJob(parsePolicySpec('lru'), 2, null, 0)];
  await assert.rejects(executeJobs(trace, jobs, settingsOf(config()), { workers: 2, mode: 'always' }));
});

test('the time-aware modes run on the worker pool too, equal to the serial grid', async () => {
  const trace = mixedTrace(3000, 9);
  const timed: GridConfig = {
    ...config(),
    policies: config().policies.slice(0, 3),
    timed: {
      writePolicies: ['invalidate', 'ttl-only'],
      stampedes: [
        { mode: 'coalesce', beta: 1 },
        { mode: 'none', beta: 1 },
      ],
    },
  };
  const serial = runGrid(trace, timed);
  assert.equal(renderJson(await runGridParallel(trace, { ...timed, workers: 2, mode: 'always' })), renderJson(serial));
  assert.ok(serial.rows.every((row) => row.freshness !== undefined && row.stampede !== undefined));
});

test('an aborted signal stops a grid on threads and in process with a CancelledError', async () => {
  const trace = mixedTrace(200_000, 3);
  for (const mode of ['always', 'never'] as const) {
    const controller = new AbortController();
    const running = runGridParallel(trace, {
      ...config(),
      workers: 2,
      mode,
      signal: controller.signal,
      onProgress: () => {
        controller.abort();
      },
    });
    await assert.rejects(running, CancelledError);
  }
  const done = new AbortController();
  done.abort();
  await assert.rejects(runGridParallel(trace, { ...config(), signal: done.signal }), CancelledError);
});

test('TTL jitter reaches the workers: the parallel grid equals the serial one', async () => {
  const trace = mixedTrace(2000, 5);
  const jittered = { ...config(), ttlJitter: 0.3 };
  const serial = runGrid(trace, jittered);
  assert.equal(renderJson(await runGridParallel(trace, { ...jittered, workers: 2, mode: 'always' })), renderJson(serial));
  // The jitter changed something, so the comparison above is not vacuous.
  assert.notDeepEqual(serial.rows, runGrid(trace, config()).rows);
});

test('a failing job among many rejects with its message, whichever thread ran it', async () => {
  const trace = mixedTrace(200, 4);
  // Many cheap jobs first in the queue's eyes, then the failing one in a group of its own:
  // the calling thread or the worker may claim it depending on timing; both must reject.
  const jobs = [
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((capacity) => cacheJob(parsePolicySpec('lfu'), capacity, null, 0)),
    cacheJob(parsePolicySpec('lru-cache'), 0, null, 0),
    ...[1, 2, 3, 4].map((capacity) => cacheJob(parsePolicySpec('fifo'), capacity, 5, 0)),
  ];
  await assert.rejects(executeJobs(trace, jobs, settingsOf(config()), { workers: 2, mode: 'always' }), /max/);
});

test('workers started ahead (WorkerPool) give the serial grid; unused ones are stopped on close', async () => {
  const trace = mixedTrace(4000, 17);
  const serial = runGrid(trace, config());
  // Three started, two taken (workers: 3 = this thread + 2), one left for close() to stop.
  const pool = new WorkerPool(3);
  try {
    const parallel = await runGridParallel(trace, { ...config(), workers: 3, mode: 'always', pool });
    assert.deepEqual(parallel, serial);
    // The worker nobody took is still idle (taking it makes it ours to end).
    const spare = pool.take(5);
    assert.equal(spare.length, 1);
    await Promise.all(spare.map((worker) => worker.terminate()));
  } finally {
    pool.close();
  }
  // A pool is only started where the grid would go parallel.
  assert.equal(startWorkerPool(1000, 2), undefined);
  assert.equal(startWorkerPool(1e9, 1), undefined);
});

test('an idle pool does not keep the process alive', () => {
  const script = `import('${new URL('../../src/engine/executor.js', import.meta.url).href}').then((m) => { m.startWorkerPool(1e12, 2); })`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 20_000, encoding: 'utf8' });
  assert.equal(child.error, undefined, 'the process exited by itself');
  assert.equal(child.status, 0, child.stderr);
});

test('with workers started ahead, a grid goes parallel from a lower threshold', async () => {
  const trace = generateTrace('zipf:alpha=1,keys=1000,requests=1e5,seed=2');
  const jobsFor = (count: number) =>
    Array.from({ length: count }, (_, i) => cacheJob(parsePolicySpec(i % 2 ? 'lru' : 'fifo'), 10 + i, null, 0));
  const settings = { ...settingsOf(config()), missCost: 0.005 };
  const options = { workers: 2 };
  // 40 x 1e5 = 4 M replays: at MIN_PARALLEL_WORK_WITH_POOL, far below MIN_PARALLEL_WORK.
  assert.ok(40 * trace.length >= MIN_PARALLEL_WORK_WITH_POOL && 40 * trace.length < MIN_PARALLEL_WORK);
  for (const [jobs, parallel] of [
    [40, true],
    [30, false],
  ] as const) {
    const pool = new WorkerPool(1);
    try {
      const counts = await executeJobs(trace, jobsFor(jobs), settings, { ...options, pool });
      assert.deepEqual(counts, await executeJobs(trace, jobsFor(jobs), settings, { ...options, mode: 'never' }));
      // The pool's worker was taken exactly when the grid went parallel.
      const left = pool.take(1);
      assert.equal(left.length, parallel ? 0 : 1, `${jobs} jobs`);
      await Promise.all(left.map((worker) => worker.terminate()));
    } finally {
      pool.close();
    }
  }
});

test('a worker that ends before it is taken is not handed out', async () => {
  const pool = new WorkerPool(2);
  try {
    // Reach in for one idle worker and end it, as a crash would.
    const [doomed] = (pool as unknown as { idle: import('node:worker_threads').Worker[] }).idle;
    await doomed!.terminate();
    await new Promise((resolve) => setImmediate(resolve));
    const taken = pool.take(2);
    assert.equal(taken.length, 1);
    assert.ok(!taken.includes(doomed!));
    await Promise.all(taken.map((worker) => worker.terminate()));
  } finally {
    pool.close();
  }
});
