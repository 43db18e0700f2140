/**
 * The optimised replay (plain-trace loops copied per policy class, and the general loop)
 * against a deliberately simple reference loop written here from the documented semantics:
 * every registered policy, on random traces with and without sizes, times, sets, deletes,
 * TTLs and costs, must give identical counts, down to the cold / expired / capacity split. A copied loop that lost a request, counted a
 * set as a lookup or skipped an expiry would show up as a difference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { replay, type ReplayCounts } from '../../src/engine/replay.js';
import { isPlainReplay } from '../../src/engine/plain-replay.js';
import { classOf, copyFor } from '../../src/engine/per-class.js';
import { POLICIES, createPolicy, parsePolicySpec, type Policy } from '../../src/policies/index.js';
import { generateTrace } from '../../src/trace/spec.js';
import { OP_DELETE, OP_GET, OP_SET, type Trace } from '../../src/trace/trace.js';
import { traceFromRequests, type TestColumns } from '../helpers/trace.js';

const SPECS = [...POLICIES.map((p) => p.name), 'clock:bits=2', 's3-fifo:threshold=1', 'two-q:ain=0.5,aout=1'];
const KEYS = 40;

interface Request {
  key: number;
  size: number;
  op: number;
  gap: number;
  ttl: number;
  cost: number;
}

const requestArb = fc
  .record({
    a: fc.integer({ min: 0, max: KEYS - 1 }),
    b: fc.integer({ min: 0, max: KEYS - 1 }),
    size: fc.integer({ min: 1, max: 12 }),
    op: fc.integer({ min: 0, max: 19 }),
    gap: fc.integer({ min: 0, max: 3 }),
    ttl: fc.integer({ min: -4, max: 20 }),
    cost: fc.integer({ min: -2, max: 9 }),
  })
  .map(({ a, b, size, op, gap, ttl, cost }): Request => ({
    key: Math.floor((a * b) / (KEYS - 1)),
    size,
    op: op < 15 ? OP_GET : op < 18 ? OP_SET : OP_DELETE,
    gap,
    // Negative draws mean "no value in this row" (NaN), as an empty CSV cell does.
    ttl: ttl < 0 ? NaN : ttl,
    cost: cost < 0 ? NaN : cost / 1000,
  }));

type Columns = TestColumns;

function buildTrace(requests: readonly Request[], columns: Columns): Trace {
  return traceFromRequests(requests, columns, KEYS, 'equivalence');
}

interface Setup {
  capacity: number;
  unit: 'entries' | 'bytes';
  ttl?: number;
  defaultMissCost: number;
}

/**
 * The replay semantics, one request at a time with no specialisation: a delete removes the
 * key; with a TTL, a resident entry past its expiry is removed (an expired miss) and a write
 * or fresh insertion re-arms the expiry (the row's ttl, else the default); sets are writes,
 * gets are lookups counted as hits or misses, with sizes, uncacheable misses and costs.
 */
/** Counting entries, the bytes held are the resident keys' sizes as their last requests gave them. */
function residentBytesOf(trace: Trace, policy: Policy): number {
  const last = new Map<number, number>();
  for (let i = 0; i < trace.length; i++) last.set(trace.keys[i]!, trace.sizes![i]!);
  let bytes = 0;
  for (const [id, size] of last) if (policy.has(id)) bytes += size;
  return bytes;
}

function referenceReplay(trace: Trace, spec: string, setup: Setup): ReplayCounts {
  const withTtl = setup.ttl !== undefined || trace.ttls !== undefined;
  const expiry = withTtl ? new Float64Array(trace.keySpace).fill(Infinity) : undefined;
  const servesAtTtl = parsePolicySpec(spec).definition.servesAtTtl === true;
  const policy = createPolicy(parsePolicySpec(spec), {
    capacity: setup.capacity,
    unit: setup.unit,
    keySpace: trace.keySpace,
    seed: 7,
    trace,
    ...(expiry && { expiry }),
  });
  // 1 once the key was stored (or tried to be), 0 again after a delete: a miss on 0 is cold.
  const stored = new Uint8Array(trace.keySpace);
  let requests = 0;
  let hits = 0;
  let expiredMisses = 0;
  let coldMisses = 0;
  let uncacheable = 0;
  let bytesRequested = 0;
  let bytesHit = 0;
  let writes = 0;
  let deletes = 0;
  let missCostSum = 0;
  let costSum = 0;
  const missCosts: number[] = [];
  for (let i = 0; i < trace.length; i++) {
    const id = trace.keys[i]!;
    const op = trace.ops ? trace.ops[i]! : OP_GET;
    if (op === OP_DELETE) {
      policy.delete(id);
      stored[id] = 0;
      deletes++;
      continue;
    }
    const size = setup.unit === 'bytes' && trace.sizes ? trace.sizes[i]! : 1;
    // Byte hit rate counts real object sizes, whatever unit the capacity is in.
    const bytes = trace.sizes ? trace.sizes[i]! : 1;
    const now = trace.times ? trace.times[i]! : i;
    // Expired: the key's last insertion has expired by now, found resident or already purged.
    let expired = false;
    if (expiry) {
      // lru-cache keeps serving an entry whose age equals its TTL (the package's rule).
      expired = servesAtTtl ? expiry[id]! < now : expiry[id]! <= now;
      if (expired && policy.has(id)) policy.delete(id);
      if (op === OP_SET || !policy.has(id)) {
        const own = trace.ttls ? trace.ttls[i]! : NaN;
        expiry[id] = now + (Number.isNaN(own) ? (setup.ttl ?? Infinity) : own);
      }
    }
    const hit = policy.access(id, size, now);
    if (op === OP_SET) {
      stored[id] = 1;
      writes++;
      continue;
    }
    requests++;
    bytesRequested += bytes;
    const cost = trace.costs ? (Number.isNaN(trace.costs[i]!) ? setup.defaultMissCost : trace.costs[i]!) : 0;
    costSum += cost;
    if (hit) {
      hits++;
      bytesHit += bytes;
    } else {
      if (stored[id] === 0) coldMisses++;
      else if (expired) expiredMisses++;
      stored[id] = 1;
      if (size > setup.capacity) uncacheable++;
      if (trace.costs) {
        missCostSum += cost;
        missCosts.push(cost);
      }
    }
  }
  return {
    requests,
    hits,
    misses: requests - hits,
    expiredMisses,
    coldMisses,
    capacityMisses: requests - hits - coldMisses - expiredMisses,
    uncacheable,
    bytesRequested,
    bytesHit,
    writes,
    deletes,
    finalEntries: policy.size,
    finalBytes: setup.unit === 'entries' && trace.sizes ? residentBytesOf(trace, policy) : policy.bytes,
    missCostSum,
    costSum,
    ...(trace.costs && { missCosts: Float64Array.from(missCosts).sort() }),
  };
}

function engineReplay(trace: Trace, spec: string, setup: Setup): ReplayCounts {
  return replay(trace, {
    policy: parsePolicySpec(spec),
    capacity: setup.capacity,
    unit: setup.unit,
    ...(setup.ttl !== undefined && { ttl: setup.ttl }),
    seed: 7,
    defaultMissCost: setup.defaultMissCost,
  });
}

const requestsArb = fc.array(requestArb, { minLength: 1, maxLength: 300, size: 'max' });
const capacityArb = fc.integer({ min: 1, max: 16 });

for (const spec of SPECS) {
  // A memory model (memcached) counts bytes only: its cells in entries are left out.
  const bytesOnly = parsePolicySpec(spec).definition.unit === 'bytes';
  test(`${spec}: plain traces (gets only) give the reference counts, counting entries or bytes, with or without times`, () => {
    fc.assert(
      fc.property(requestsArb, capacityArb, fc.boolean(), fc.boolean(), (requests, capacity, bytes, times) => {
        const trace = buildTrace(requests, { sizes: bytes, times, ops: false, ttls: false, costs: false });
        assert.ok(isPlainReplay(trace, undefined));
        if (bytesOnly && !bytes) return;
        const setup: Setup = { capacity: bytes ? capacity * 4 : capacity, unit: bytes ? 'bytes' : 'entries', defaultMissCost: 0 };
        assert.deepEqual(engineReplay(trace, spec, setup), referenceReplay(trace, spec, setup));
      }),
      { numRuns: 40, seed: 11 },
    );
  });

  test(`${spec}: traces with sets, deletes, TTLs and costs give the reference counts`, () => {
    fc.assert(
      fc.property(
        requestsArb,
        capacityArb,
        fc.record({ sizes: fc.boolean(), times: fc.boolean(), ops: fc.boolean(), ttls: fc.boolean(), costs: fc.boolean() }),
        fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        fc.boolean(),
        (requests, capacity, columns, ttl, countEntries) => {
          const trace = buildTrace(requests, columns);
          const bytes = columns.sizes && !countEntries;
          if (bytesOnly && !bytes) return;
          const setup: Setup = {
            capacity: bytes ? capacity * 4 : capacity,
            unit: bytes ? 'bytes' : 'entries',
            ...(ttl !== undefined && { ttl }),
            defaultMissCost: 0.005,
          };
          assert.deepEqual(engineReplay(trace, spec, setup), referenceReplay(trace, spec, setup));
        },
      ),
      { numRuns: 40, seed: 12 },
    );
  });
}

test('an entry larger than the whole cache is an uncacheable miss on the plain path too', () => {
  // Capacity 0 entries: nothing fits, so every one of the 5 gets is a miss and uncacheable.
  const trace = buildTrace(
    [0, 1, 0, 2, 0].map((key) => ({ key, size: 1, op: OP_GET, gap: 1, ttl: NaN, cost: NaN })),
    { sizes: false, times: false, ops: false, ttls: false, costs: false },
  );
  const counts = engineReplay(trace, 'lru', { capacity: 0, unit: 'entries', defaultMissCost: 0 });
  assert.equal(counts.hits, 0);
  assert.equal(counts.uncacheable, 5);
});

test('a trace with any optional column other than sizes and times is not plain', () => {
  const requests = [{ key: 0, size: 1, op: OP_SET, gap: 1, ttl: 5, cost: 0.001 }];
  const none = { sizes: true, times: true, ops: false, ttls: false, costs: false };
  assert.equal(isPlainReplay(buildTrace(requests, none), undefined), true);
  assert.equal(isPlainReplay(buildTrace(requests, none), 30), false, 'a default TTL');
  assert.equal(isPlainReplay(buildTrace(requests, { ...none, ops: true }), undefined), false);
  assert.equal(isPlainReplay(buildTrace(requests, { ...none, ttls: true }), undefined), false);
  assert.equal(isPlainReplay(buildTrace(requests, { ...none, costs: true }), undefined), false);
});

test('each class gets its own copy of a loop, made once, computing what the template computes', () => {
  function sumBelow(values: Int32Array, limit: number): number {
    let sum = 0;
    for (let i = 0; i < values.length; i++) if (values[i]! < limit) sum += values[i]!;
    return sum;
  }
  // Two distinct classes to key copies by; they need no members.
  // eslint-disable-next-line @typescript-eslint/no-extraneous-class
  class A {}
  // eslint-disable-next-line @typescript-eslint/no-extraneous-class
  class B {}
  const forA = copyFor(sumBelow, A);
  const forB = copyFor(sumBelow, B);
  assert.notEqual(forA, sumBelow);
  assert.notEqual(forA, forB);
  assert.equal(copyFor(sumBelow, A), forA, 'the copy is cached per class');
  assert.equal(classOf(new A()), A);
  const values = Int32Array.from([5, -3, 12, 7, 0, 9]);
  assert.equal(forA(values, 8), 5 - 3 + 7 + 0);
  assert.equal(forB(values, 8), sumBelow(values, 8));
});

test('with code generation from strings disabled, replay falls back to the shared loops and counts the same', () => {
  const replayModule = new URL('../../src/engine/replay.js', import.meta.url).href;
  const policies = new URL('../../src/policies/index.js', import.meta.url).href;
  const spec = new URL('../../src/trace/spec.js', import.meta.url).href;
  // Plain (gets only) and general (a TTL) replays of the same trace, in a process that
  // refuses new Function; the expected hits come from this process, which allows it.
  const script = `
    const { replay } = await import(${JSON.stringify(replayModule)});
    const { parsePolicySpec } = await import(${JSON.stringify(policies)});
    const { generateTrace } = await import(${JSON.stringify(spec)});
    const trace = generateTrace('zipf:alpha=0.9,keys=500,requests=5000,seed=3');
    const run = (ttl) => ['lru', 'arc'].map((name) => replay(trace, { policy: parsePolicySpec(name), capacity: 50, unit: 'entries', seed: 1, ...(ttl && { ttl }) }).hits);
    process.stdout.write(JSON.stringify([run(undefined), run(1000)]));
  `;
  const output = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  const trace = generateTrace('zipf:alpha=0.9,keys=500,requests=5000,seed=3');
  const expected = [undefined, 1000].map((ttl) =>
    ['lru', 'arc'].map(
      (name) => replay(trace, { policy: parsePolicySpec(name), capacity: 50, unit: 'entries', seed: 1, ...(ttl && { ttl }) }).hits,
    ),
  );
  assert.deepEqual(JSON.parse(output), expected);
});
