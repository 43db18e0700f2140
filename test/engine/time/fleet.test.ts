/**
 * Fleets: the laws (key-hash instances are independent caches over the hash partitions; one
 * instance is today's tier chain) and invalidation across instances worked by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { simulateTimed } from '../../../src/engine/time/simulate.js';
import { keyHashInstance, parseInvalidation, type FleetConfig, type Invalidation } from '../../../src/engine/time/fleet.js';
import { replay } from '../../../src/engine/replay.js';
import { parsePolicySpec } from '../../../src/policies/index.js';
import { OP_SET, TraceBuilder, type Trace } from '../../../src/trace/trace.js';
import { UsageError } from '../../../src/errors.js';
import { parseRows, timedConfig, timedTrace } from '../../helpers/timed-trace.js';

const config = timedConfig;

/** A trace of the given key ids at times 0, 1, 2, ... (sets where `sets` says). */
function idTrace(keys: readonly number[], keySpace: number, sets?: readonly boolean[]): Trace {
  const builder = new TraceBuilder(keys.length);
  keys.forEach((id, i) => builder.push(id, undefined, i, sets === undefined ? undefined : sets[i] ? OP_SET : 0));
  return builder.build('test', keySpace);
}

test('key-hash: N instances of size S hit exactly as N independent caches over the hash partitions', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 400 }),
      fc.integer({ min: 2, max: 5 }),
      fc.integer({ min: 1, max: 8 }),
      (keys, instances, size) => {
        const trace = idTrace(keys, 41);
        const fleet: FleetConfig = { instances, balance: 'key-hash', invalidation: { kind: 'pubsub', delay: 0 } };
        const counts = simulateTimed(trace, config(`lru:${size}@0.1ms`, { fleet }));
        for (let j = 0; j < instances; j++) {
          const part = keys.filter((id) => keyHashInstance(id, instances) === j);
          const alone = replay(idTrace(part, 41), { policy: parsePolicySpec('lru'), capacity: size, unit: 'entries', seed: 1 });
          assert.equal(counts.instances![j]!.gets, part.length);
          assert.equal(counts.instances![j]!.hits, alone.hits);
        }
        assert.equal(
          counts.hits,
          counts.instances!.reduce((sum, instance) => sum + instance.hits, 0),
        );
      },
    ),
    { numRuns: 60 },
  );
});

test('one instance is the tier chain of --tiers, writes, TTLs and all', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.boolean()), { minLength: 1, maxLength: 300 }),
      fc.constantFrom<Invalidation>({ kind: 'pubsub', delay: 0 }, { kind: 'pubsub', delay: 2 }, { kind: 'ttl-only' }),
      fc.constantFrom('write-through' as const, 'invalidate' as const),
      (rows, invalidation, writePolicy) => {
        const trace = idTrace(
          rows.map(([id]) => id),
          31,
          rows.map(([, set]) => set),
        );
        const base = config('lru:3@0.05ms,lru:10@1ms', { ttl: 20, writePolicy });
        const chain = simulateTimed(trace, base);
        const fleet = simulateTimed(trace, { ...base, fleet: { instances: 1, balance: 'random', invalidation } });
        assert.deepEqual(fleet, chain);
      },
    ),
    { numRuns: 60 },
  );
});

// Two instances, round robin over every request: 0 gets a@0, 1 gets a@1, 0 sets a@2, 1 gets
// a@2.001, 0 gets a@3, 1 gets a@4. Each instance has its own L1; the L2 is shared.
const WRITES = timedTrace(parseRows('get a@0 get a@1 set a@2 get a@2.001 get a@3 get a@4'));

function invalidationRun(invalidation: string) {
  return simulateTimed(
    WRITES,
    config('lru:10@0.05ms,lru:10@1ms', {
      fleet: { instances: 2, balance: 'round-robin', invalidation: parseInvalidation(invalidation) },
    }),
  );
}

test('pubsub with no delay: the other L1 drops the key at the write, so nothing stale is read', () => {
  const counts = invalidationRun('pubsub');
  // a@2.001 on instance 1 misses its L1 and hits the fresh L2; a@3 hits instance 0's rewritten L1.
  assert.equal(counts.staleReads, 0);
  assert.deepEqual(
    counts.instances!.map((instance) => instance.hits),
    [1, 1],
  );
  assert.deepEqual(counts.tiers, [
    { lookups: 5, hits: 2 },
    { lookups: 3, hits: 2 },
  ]);
});

test('pubsub with a 5 ms delay: the read 1 ms after the write is stale, the one after the broadcast is not', () => {
  const counts = invalidationRun('pubsub:delay=5ms');
  assert.equal(counts.staleReads, 1);
  assert.deepEqual(
    counts.instances!.map((instance) => instance.staleReads),
    [0, 1],
  );
  assert.equal(counts.staleAges!.length, 1);
  assert.ok(Math.abs(counts.staleAges![0]! - 0.001) < 1e-9);
});

test('ttl-only: the other L1 keeps serving the old value; none: the writer serves it too', () => {
  const ttlOnly = invalidationRun('ttl-only');
  assert.deepEqual(
    ttlOnly.instances!.map((instance) => instance.staleReads),
    [0, 2],
  );
  assert.deepEqual(
    [...ttlOnly.staleAges!].map((age) => Number(age.toFixed(6))),
    [0.001, 2],
  );
  const none = invalidationRun('none');
  // Instance 0 wrote a, but only the L2 took the write: its own L1 still holds the old value at a@3.
  assert.deepEqual(
    none.instances!.map((instance) => instance.staleReads),
    [1, 2],
  );
});

test('invalidation text parses and refuses what it cannot mean', () => {
  assert.deepEqual(parseInvalidation('pubsub:delay=5ms'), { kind: 'pubsub', delay: 0.005 });
  assert.deepEqual(parseInvalidation('ttl-only'), { kind: 'ttl-only' });
  assert.throws(() => parseInvalidation('gossip'), UsageError);
  assert.throws(() => parseInvalidation('pubsub:lag=5ms'), UsageError);
  assert.throws(() => parseInvalidation('none:delay=1s'), UsageError);
});
