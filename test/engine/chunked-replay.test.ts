/**
 * A replay advanced chunk by chunk over a trace's shape (as a streamed trace is replayed)
 * against the same replay over the whole trace in memory: every online policy, on random
 * traces with and without sizes, times, sets, deletes, TTLs and costs, cut at random places,
 * with warm-ups and intervals, must give identical counts - miss costs, intervals and final
 * bytes included. A chunk that restarted time at 0, lost the TTL state or the warm-up
 * boundary between chunks, or counted cold keys per chunk would show up as a difference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { replay, ReplayRun, type ReplayConfig } from '../../src/engine/replay.js';
import { StreamedFacts } from '../../src/engine/trace-facts.js';
import { POLICIES, parsePolicySpec } from '../../src/policies/index.js';
import { chunkOf, shapeOf } from '../../src/trace/chunks.js';
import { OP_DELETE, OP_GET, OP_SET, type Trace } from '../../src/trace/trace.js';
import { traceFromRequests } from '../helpers/trace.js';

const SPECS = [...POLICIES.filter((p) => p.offline !== true).map((p) => p.name), 's3-fifo:threshold=1'];
const KEYS = 30;

const requestArb = fc.record({
  key: fc.integer({ min: 0, max: KEYS - 1 }),
  size: fc.integer({ min: 1, max: 12 }),
  op: fc.integer({ min: 0, max: 19 }),
  gap: fc.integer({ min: 0, max: 3 }),
  ttl: fc.integer({ min: -4, max: 20 }),
  cost: fc.integer({ min: -2, max: 9 }),
});
const columnsArb = fc.record({ sizes: fc.boolean(), times: fc.boolean(), ops: fc.boolean(), ttls: fc.boolean(), costs: fc.boolean() });

type Request = typeof requestArb extends fc.Arbitrary<infer R> ? R : never;
type Columns = typeof columnsArb extends fc.Arbitrary<infer C> ? C : never;

function buildTrace(requests: readonly Request[], columns: Columns): Trace {
  const decoded = requests.map((r) => ({
    key: r.key,
    size: r.size,
    gap: r.gap,
    op: r.op < 15 ? OP_GET : r.op < 18 ? OP_SET : OP_DELETE,
    ttl: r.ttl < 0 ? NaN : r.ttl,
    cost: r.cost < 0 ? NaN : r.cost / 1000,
  }));
  return traceFromRequests(decoded, columns, KEYS, 'chunked');
}

/** The replay over `trace` cut at `cuts` (sorted request indices), as the stream replays it. */
function chunkedReplay(trace: Trace, config: ReplayConfig, cuts: readonly number[]): ReturnType<typeof replay> {
  const facts = new StreamedFacts(trace.keySpace, trace.sizes !== undefined, [config.warmup ?? 0]);
  const run = new ReplayRun(shapeOf(trace), config, facts);
  const bounds = [0, ...cuts.filter((cut) => cut > 0 && cut < trace.length), trace.length];
  for (let b = 1; b < bounds.length; b++) {
    // Each chunk is a copy, as a stream's reused buffers are: nothing may keep a view of one.
    const view = chunkOf(trace, bounds[b - 1]!, bounds[b]!);
    const chunk = { ...view, keys: view.keys.slice(), ...(view.sizes && { sizes: view.sizes.slice() }) };
    facts.observe(chunk);
    run.advance(chunk);
  }
  return run.finish();
}

for (const spec of SPECS) {
  const bytesOnly = parsePolicySpec(spec).definition.unit === 'bytes';
  test(`${spec}: replayed chunk by chunk, any trace gives the counts of the whole replay`, () => {
    fc.assert(
      fc.property(
        fc.array(requestArb, { minLength: 1, maxLength: 250, size: 'max' }),
        columnsArb,
        fc.integer({ min: 1, max: 16 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        fc.array(fc.integer({ min: 0, max: 250 }), { maxLength: 8 }),
        fc.record({ warmup: fc.integer({ min: 0, max: 100 }), interval: fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined }) }),
        (requests, columns, capacity, countEntries, ttl, cuts, { warmup, interval }) => {
          const trace = buildTrace(requests, columns);
          const bytes = columns.sizes && !countEntries;
          if (bytesOnly && !bytes) return;
          const config: ReplayConfig = {
            policy: parsePolicySpec(spec),
            capacity: bytes ? capacity * 4 : capacity,
            unit: bytes ? 'bytes' : 'entries',
            seed: 5,
            defaultMissCost: 0.002,
            ...(ttl !== undefined && { ttl, ttlJitter: 0.2 }),
            warmup: Math.min(warmup, trace.length),
            ...(interval !== undefined && { interval: { unit: 'requests' as const, size: interval } }),
          };
          const sorted = [...new Set(cuts)].sort((a, b) => a - b);
          assert.deepEqual(chunkedReplay(trace, config, sorted), replay(trace, config));
        },
      ),
      { numRuns: 30, seed: 21 },
    );
  });
}

test('chunks must come in order: one out of place is refused rather than miscounted', () => {
  const trace = buildTrace(
    [0, 1, 2, 1].map((key) => ({ key, size: 1, op: 0, gap: 1, ttl: -1, cost: -1 })),
    { sizes: false, times: false, ops: false, ttls: false, costs: false },
  );
  const run = new ReplayRun(
    shapeOf(trace),
    { policy: parsePolicySpec('lru'), capacity: 2, unit: 'entries', seed: 1 },
    new StreamedFacts(KEYS, false),
  );
  run.advance(chunkOf(trace, 0, 2));
  assert.throws(() => {
    run.advance(chunkOf(trace, 3, 4));
  }, /chunk at 3 given after 2 requests/);
  assert.throws(() => run.finish(), /finished after 2 of 4 requests/);
});
