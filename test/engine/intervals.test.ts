/**
 * Hit rate over time. The strongest check: the hits of the first k intervals equal the hits
 * of replaying only the requests before the k-th boundary, for the plain loops, the general
 * loop (TTL, sets, deletes) and the time-aware simulator, on random traces. So an interval
 * that lost, doubled or shifted requests shows up.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { intervalBounds, intervalCount } from '../../src/engine/intervals.js';
import { runJob, cacheJob, replaySettings, type Job } from '../../src/engine/jobs.js';
import { simulate, sweep } from '../../src/api/simulate.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import { OP_DELETE, OP_GET, OP_SET, TraceBuilder, type Trace } from '../../src/trace/trace.js';
import { UsageError } from '../../src/errors.js';
import { traceOf } from '../helpers/trace.js';
import { generateTrace } from '../../src/trace/spec.js';

/** The first `k` requests of a trace, every column cut alike. */
function prefix(trace: Trace, k: number): Trace {
  const cut = <T extends { subarray(start: number, end: number): T }>(column: T | undefined): T | undefined => column?.subarray(0, k);
  const columns = {
    keys: trace.keys.subarray(0, k),
    sizes: cut(trace.sizes),
    times: cut(trace.times),
    ops: cut(trace.ops),
    ttls: cut(trace.ttls),
    costs: cut(trace.costs),
  };
  const defined = Object.fromEntries(Object.entries(columns).filter(([, value]) => value !== undefined));
  return { ...trace, ...defined, length: k };
}

test('time intervals start at the first request, keep empty intervals, and close the last one', () => {
  const trace = traceOf(['a', 'b', 'c', 'd', 'e', 'f'], { times: [0, 1, 2, 5, 9, 10] });
  const spec = { unit: 'seconds', size: 3 } as const;
  // [0,3) a b c · [3,6) d · [6,9) nothing · [9,10] e f
  assert.equal(intervalCount(trace, spec), 4);
  assert.deepEqual([...intervalBounds(trace, spec)], [3, 4, 4, 6]);
  const requests = { unit: 'requests', size: 4 } as const;
  assert.deepEqual([...intervalBounds(trace, requests)], [4, 6]);
});

const rowsArb = fc.array(
  fc.record({ key: fc.integer({ min: 0, max: 11 }), op: fc.integer({ min: 0, max: 9 }), gap: fc.integer({ min: 0, max: 3 }) }),
  { minLength: 1, maxLength: 120 },
);

function randomTrace(rows: readonly { key: number; op: number; gap: number }[], withOps: boolean): Trace {
  const builder = new TraceBuilder(rows.length);
  let time = 0;
  for (const row of rows) {
    time += row.gap;
    const op = !withOps ? undefined : row.op === 0 ? OP_DELETE : row.op <= 2 ? OP_SET : OP_GET;
    builder.push(row.key, undefined, time, op);
  }
  return builder.build(
    'random',
    12,
    Array.from({ length: 12 }, (_, i) => `k${i}`),
  );
}

const JOBS: { name: string; job: Job; ops: boolean }[] = [
  { name: 'plain lru', job: cacheJob(parsePolicySpec('lru'), 3, null, 0), ops: false },
  { name: 'plain s3-fifo', job: cacheJob(parsePolicySpec('s3-fifo'), 4, null, 0), ops: false },
  { name: 'general loop: lfu with a TTL and sets', job: cacheJob(parsePolicySpec('lfu'), 3, 4, 0), ops: true },
  {
    name: 'time-aware: two tiers',
    job: {
      tiers: [
        { policy: parsePolicySpec('lru'), capacity: 2, lookupCost: 0 },
        { policy: parsePolicySpec('fifo'), capacity: 5, lookupCost: 0 },
      ],
      capacity: 7,
      ttl: null,
      tiered: true,
    },
    ops: true,
  },
];

for (const { name, job, ops } of JOBS) {
  test(`${name}: the first k intervals hit exactly as a replay of the requests before their end`, () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 1, max: 30 }), fc.boolean(), (rows, size, byTime) => {
        const trace = randomTrace(rows, ops);
        const interval = byTime ? ({ unit: 'seconds', size: Math.max(1, size / 4) } as const) : ({ unit: 'requests', size } as const);
        const settings = replaySettings({ unit: 'entries', seed: 1, interval });
        const whole = runJob(trace, job, settings);
        const intervals = whole.intervals!;
        const bounds = intervalBounds(trace, interval);
        assert.equal(intervals.hits.length, bounds.length);
        let hits = 0;
        let lookups = 0;
        bounds.forEach((end, k) => {
          hits += intervals.hits[k]!;
          lookups += intervals.lookups[k]!;
          const part = runJob(prefix(trace, end), job, replaySettings({ unit: 'entries', seed: 1 }));
          assert.equal(hits, part.hits, `hits before ${end}`);
          assert.equal(lookups, part.requests, `lookups before ${end}`);
        });
        assert.equal(hits, whole.hits);
        assert.equal(lookups, whole.requests);
      }),
      { numRuns: 60 },
    );
  });
}

test('rows carry their intervals, numbered from the start; the rest of the row is unchanged, on any thread count', async () => {
  const trace = generateTrace('zipf:alpha=0.9,keys=300,requests=5000');
  const options = { policies: ['lru', 'arc'], capacities: [32, 128] };
  const plain = await simulate(trace, { ...options, parallel: 'never' });
  const inline = await simulate(trace, { ...options, intervalRequests: 1000, parallel: 'never' });
  const threaded = await simulate(trace, { ...options, intervalRequests: 1000, parallel: 'always', workers: 2 });
  assert.equal(JSON.stringify(threaded), JSON.stringify(inline));
  assert.deepEqual(inline.options.interval, { unit: 'requests', size: 1000 });
  inline.rows.forEach((row, i) => {
    const { intervals, ...rest } = row;
    assert.deepEqual(rest, plain.rows[i]);
    assert.deepEqual(
      intervals!.map((stats) => stats.from),
      [0, 1000, 2000, 3000, 4000],
    );
    assert.equal(
      intervals!.reduce((sum, stats) => sum + stats.hits, 0),
      row.hits,
    );
    for (const stats of intervals!) assert.equal(stats.hitRate, stats.hits / stats.lookups);
  });
  // A cold start: the first interval of a cache that fits the working set hits least.
  const lru = inline.rows.find((row) => row.policy === 'lru' && row.capacity === 128)!;
  assert.ok(lru.intervals![0]!.hitRate! < lru.intervals![1]!.hitRate!);
});

test('a sweep with intervals replays each size (the one-pass curve has no time) and gives the same hit counts', async () => {
  const keys = Array.from({ length: 4000 }, (_, i) => `k${(i * 31) % 500}`);
  const trace = traceOf(keys);
  const plain = await sweep(trace, { policies: ['lru'], capacities: [16, 64, 256], parallel: 'never' });
  const timed = await sweep(trace, { policies: ['lru'], capacities: [16, 64, 256], intervalRequests: 500, parallel: 'never' });
  assert.equal(plain.curves![0]!.method, 'mattson');
  assert.deepEqual(timed.curves![0], { policy: 'lru', ttl: null, method: 'replay', blocker: 'intervals' });
  assert.deepEqual(
    timed.rows.map((row) => row.hits),
    plain.rows.map((row) => row.hits),
  );
});

test('intervals the trace cannot honour are usage errors naming the option', async () => {
  const untimed = traceOf(['a', 'b', 'a']);
  const rejects = async (options: Parameters<typeof simulate>[1], where: string, message: RegExp): Promise<void> => {
    await assert.rejects(simulate(untimed, options), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.equal(error.where, where);
      assert.match(error.message, message);
      return true;
    });
  };
  await rejects({ intervalMs: 60_000 }, 'intervalMs', /no time column/);
  await rejects({ intervalRequests: 0 }, 'intervalRequests', /whole number/);
  await rejects({ intervalRequests: 1, intervalMs: 1 }, 'intervalMs', /not both/);
  const long = traceOf(Array.from({ length: 20_001 }, (_, i) => i % 7));
  await assert.rejects(simulate(long, { intervalRequests: 1 }), /into 20,001 intervals; at most 10,000/);
  await assert.rejects(sweep(long, { intervalRequests: 100, sample: 0.5 }), /not with sample/);
});

for (const { name, job, ops } of JOBS) {
  test(`${name}: a warm-up leaves out exactly the counts of the requests before it`, () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 0, max: 120 }), (rows, cut) => {
        const trace = randomTrace(rows, ops);
        const at = Math.min(cut, trace.length);
        const settings = replaySettings({ unit: 'entries', seed: 1 });
        const whole = runJob(trace, job, settings);
        const warm = runJob(trace, job, replaySettings({ unit: 'entries', seed: 1, warmup: { unit: 'requests', size: at } }));
        const before = runJob(prefix(trace, at), job, settings);
        for (const field of [
          'requests',
          'hits',
          'misses',
          'expiredMisses',
          'uncacheable',
          'writes',
          'deletes',
          'bytesRequested',
          'bytesHit',
        ] as const)
          assert.equal(warm[field], whole[field] - before[field], field);
        // Cold misses after a warm-up are the keys first requested after it, for a plain replay exactly.
        if (!ops) {
          const firstSeen = new Set<number>();
          let fresh = 0;
          trace.keys.forEach((key, i) => {
            if (!firstSeen.has(key)) {
              firstSeen.add(key);
              if (i >= at) fresh++;
            }
          });
          assert.equal(warm.coldMisses, fresh);
        }
        assert.equal(warm.finalEntries, whole.finalEntries);
      }),
      { numRuns: 60 },
    );
  });
}

test('a warm-up by share or by trace time ends where it says; one that leaves nothing is a usage error', async () => {
  const trace = traceOf(['a', 'b', 'a', 'c', 'a', 'b', 'a', 'c', 'a', 'b'], { times: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
  const full = await simulate(trace, { policies: ['lru'], capacities: [2], parallel: 'never' });
  const share = await simulate(trace, { policies: ['lru'], capacities: [2], warmup: { share: 0.3 }, parallel: 'never' });
  const time = await simulate(trace, { policies: ['lru'], capacities: [2], warmup: { ms: 2500 }, parallel: 'never' });
  assert.equal(share.rows[0]!.requests, 7);
  assert.equal(time.rows[0]!.requests, 7); // t = 0, 1, 2 are before 2.5 s
  assert.deepEqual(share.options.warmup, { unit: 'share', size: 0.3 });
  assert.equal(full.options.warmup, undefined);
  await assert.rejects(simulate(trace, { warmup: { requests: 10 } }), /warmup.*|leaves none of the 10 requests/);
  await assert.rejects(simulate(traceOf(['a', 'b']), { warmup: { ms: 1000 } }), /no time column/);
  await assert.rejects(sweep(trace, { warmup: { requests: 1 }, sample: 0.5 }), /not with sample/);
});
