/**
 * Property-based invariants for every registered policy (the registry is iterated, so a new
 * policy is covered the moment it gets its row), plus a few parameter variants:
 * - occupancy never exceeds capacity, in entries and in bytes, after any get/set/delete;
 * - `size` and `bytes` agree with what `has` reports as resident;
 * - on count-based traces no policy gets more hits than Belady (with bypass, the bound for
 *   every policy; without, the bound for every policy that always admits);
 * - a fixed seed replays identically.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { POLICIES, createPolicy, mayDecline, parsePolicySpec } from '../../src/policies/index.js';
import { OP_DELETE, OP_GET, OP_SET, TraceBuilder, type Trace } from '../../src/trace/trace.js';

const VARIANTS = [
  'clock:bits=2',
  'clock:initial=1',
  's3-fifo:threshold=1',
  's3-fifo:small=0.3,ghost=0.2',
  'two-q:ain=0.5,aout=1',
  'slru:protected=0',
  'slru:protected=1',
  'belady:bypass=true',
];
const SPECS = [...POLICIES.map((p) => p.name), ...VARIANTS];

interface Request {
  key: number;
  size: number;
  op: number;
}

const KEYS = 24;

/** Skewed keys so hits, ghosts and promotions all happen; some sets and deletes. */
const requestArb = fc
  .record({
    a: fc.integer({ min: 0, max: KEYS - 1 }),
    b: fc.integer({ min: 0, max: KEYS - 1 }),
    size: fc.integer({ min: 1, max: 9 }),
    op: fc.integer({ min: 0, max: 19 }),
  })
  .map(({ a, b, size, op }): Request => ({
    key: Math.floor((a * b) / (KEYS - 1)),
    size,
    op: op < 16 ? OP_GET : op < 18 ? OP_SET : OP_DELETE,
  }));

function traceOf(requests: readonly Request[], bytes: boolean, withOps: boolean): Trace {
  const builder = new TraceBuilder(requests.length);
  for (const r of requests) builder.push(r.key, bytes ? r.size : undefined, undefined, withOps ? r.op : undefined);
  return builder.build('property', KEYS);
}

/** Drives a policy exactly as the engine does and checks the invariants after every request. */
function drive(spec: string, trace: Trace, capacity: number, unit: 'entries' | 'bytes', seed = 1): string {
  const policy = createPolicy(parsePolicySpec(spec), { capacity, unit, keySpace: trace.keySpace, seed, trace });
  const lastSize = new Float64Array(trace.keySpace);
  let sequence = '';
  for (let i = 0; i < trace.length; i++) {
    const id = trace.keys[i]!;
    if (trace.ops?.[i] === OP_DELETE) {
      const was = policy.has(id);
      assert.equal(policy.delete(id), was, `${spec}: delete(${id}) disagrees with has()`);
      assert.equal(policy.has(id), false, `${spec}: ${id} still resident after delete`);
      sequence += 'D';
    } else {
      const size = unit === 'bytes' ? trace.sizes![i]! : 1;
      lastSize[id] = size;
      sequence += policy.access(id, size, i) ? 'H' : 'M';
    }
    let residents = 0;
    let residentBytes = 0;
    for (let key = 0; key < trace.keySpace; key++) {
      if (policy.has(key)) {
        residents++;
        residentBytes += lastSize[key]!;
      }
    }
    const where = `${spec} at ${capacity} ${unit}, request ${i}`;
    // A memory model (memcached) holds pages, not bytes of values: its own test checks its pages.
    if (parsePolicySpec(spec).definition.unit !== 'bytes') assert.ok(policy.bytes <= capacity, `${where}: ${policy.bytes} bytes resident`);
    assert.equal(policy.size, residents, `${where}: size ${policy.size} but ${residents} resident`);
    assert.equal(policy.bytes, residentBytes, `${where}: bytes ${policy.bytes} but ${residentBytes} resident`);
    if (unit === 'entries') assert.equal(policy.bytes, policy.size, `${where}: bytes != size counting entries`);
  }
  return sequence;
}

function hits(sequence: string): number {
  let n = 0;
  for (const c of sequence) if (c === 'H') n++;
  return n;
}

const requestsArb = fc.array(requestArb, { minLength: 1, maxLength: 250, size: 'max' });

/** Policies that model memory (memcached) run at byte capacity only. */
function bytesOnly(spec: string): boolean {
  return parsePolicySpec(spec).definition.unit === 'bytes';
}

for (const spec of SPECS) {
  test(`${spec}: occupancy and residency bookkeeping hold (entries and bytes, with sets and deletes)`, () => {
    fc.assert(
      fc.property(requestsArb, fc.integer({ min: 1, max: 12 }), fc.boolean(), (requests, capacity, countBytes) => {
        const bytes = countBytes || bytesOnly(spec);
        const trace = traceOf(requests, bytes, true);
        drive(spec, trace, bytes ? capacity * 3 : capacity, bytes ? 'bytes' : 'entries');
      }),
      { numRuns: 60, seed: 1 },
    );
  });

  // Belady bounds count-based replays; a memory model (memcached) has no such bound.
  if (bytesOnly(spec)) continue;
  test(`${spec}: never more hits than belady on count-based traces; a fixed seed replays identically`, () => {
    fc.assert(
      fc.property(requestsArb, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 1000 }), (requests, capacity, seed) => {
        const trace = traceOf(requests, false, false);
        const sequence = drive(spec, trace, capacity, 'entries', seed);
        assert.equal(drive(spec, trace, capacity, 'entries', seed), sequence, `${spec}: two runs with seed ${seed} differ`);
        const bound = hits(drive('belady:bypass=true', trace, capacity, 'entries'));
        assert.ok(hits(sequence) <= bound, `${spec}: ${hits(sequence)} hits > belady:bypass=true ${bound}`);
        // A policy that may decline to store a missed object is bounded by bypass Belady only.
        if (!mayDecline(parsePolicySpec(spec))) {
          const demand = hits(drive('belady', trace, capacity, 'entries'));
          assert.ok(hits(sequence) <= demand, `${spec}: ${hits(sequence)} hits > belady ${demand}`);
        }
      }),
      { numRuns: 60, seed: 2 },
    );
  });
}
