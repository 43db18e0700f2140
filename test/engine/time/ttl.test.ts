/**
 * TTL in the plain replay: exactly the expected entries expire, the ttl policy's purge is
 * classified right, misses split into cold / expired / capacity, a TTL longer than the trace
 * changes nothing, and jitter is seeded and bounded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { replay, type ReplayConfig } from '../../../src/engine/replay.js';
import { parsePolicySpec } from '../../../src/policies/index.js';
import type { Trace } from '../../../src/trace/trace.js';
import { parseRows, timedTrace } from '../../helpers/timed-trace.js';

function run(trace: Trace, policy: string, capacity: number, extra: Partial<ReplayConfig> = {}) {
  return replay(trace, { policy: parsePolicySpec(policy), capacity, unit: 'entries', seed: 1, ...extra });
}

// Capacity 2, TTL 10s. Reads do not extend a TTL; an entry is live while now < expiry.
const HAND_TIMED = timedTrace(parseRows('get a@0 get b@1 get a@5 get a@10 get b@10.5 get c@12 get a@13 get b@14 get a@30'));

test('lru with a TTL: the hand-timed trace expires exactly a@10, b (evicted after expiring) and a@30', () => {
  // a@0 cold (a expires 10) | b@1 cold (b expires 11) | a@5 hit | a@10: 10 <= 10, expired miss,
  // a re-inserted until 20 | b@10.5 hit (live until 11) | c@12 cold; LRU order a(10) b(10.5): a is
  // evicted while live | a@13: a's insertion lives until 20, so a capacity miss; evicts b (LRU)
  // | b@14: b's insertion expired at 11: an expiry miss, though LRU evicted it | a@30: expired.
  const counts = run(HAND_TIMED, 'lru', 2, { ttl: 10 });
  assert.equal(counts.hits, 2);
  assert.equal(counts.misses, 7);
  assert.equal(counts.coldMisses, 3);
  assert.equal(counts.expiredMisses, 3);
  assert.equal(counts.capacityMisses, 1);
});

test('the ttl policy purges b before evicting a live entry, and the later miss on b is still an expiry miss', () => {
  // Same trace. c@12: the ttl policy purges b (expired at 11) instead of evicting a, so a@13
  // hits. b@14 is absent because of the purge, not found expired by the engine; its last
  // insertion expired at 11, so it counts as expired all the same. a@30 expired (20 <= 30).
  const counts = run(HAND_TIMED, 'ttl', 2, { ttl: 10 });
  assert.equal(counts.hits, 3);
  assert.equal(counts.coldMisses, 3);
  assert.equal(counts.expiredMisses, 3);
  assert.equal(counts.capacityMisses, 0);
});

test('a per-request ttl column wins over --ttl, and a delete makes the next miss cold', () => {
  // a@0 with its own ttl 2 expires at 2, so a@3 is an expired miss although --ttl is 100.
  // b is deleted at 4, so b@5 is cold again (nothing valid could be kept).
  const trace = timedTrace([
    { key: 'a', time: 0, ttl: 2 },
    { key: 'b', time: 1 },
    { key: 'a', time: 3 },
    { key: 'b', time: 4, op: 'delete' },
    { key: 'b', time: 5 },
  ]);
  const counts = run(trace, 'lru', 10, { ttl: 100 });
  assert.deepEqual([counts.hits, counts.coldMisses, counts.expiredMisses, counts.capacityMisses], [0, 3, 1, 0]);
});

test('without a TTL every non-cold miss is a capacity miss', () => {
  const counts = run(HAND_TIMED, 'lru', 2);
  // a@0 M b@1 M a@5 H a@10 H b@10.5 H | c@12 M, evicts a | a@13 M, evicts b | b@14 M, evicts c
  // | a@30 H: 4 hits; a, b, c cold; a@13 and b@14 capacity.
  assert.deepEqual([counts.hits, counts.coldMisses, counts.expiredMisses, counts.capacityMisses], [4, 3, 0, 2]);
});

test('a TTL longer than the trace gives the same counts as no TTL, for every policy', () => {
  const request = fc.record({
    key: fc.integer({ min: 0, max: 12 }),
    gap: fc.double({ min: 0, max: 3, noNaN: true }),
    op: fc.constantFrom('get', 'get', 'get', 'set', 'delete'),
  });
  fc.assert(
    fc.property(fc.array(request, { minLength: 1, maxLength: 120 }), fc.integer({ min: 1, max: 8 }), (rows, capacity) => {
      let time = 0;
      const trace = timedTrace(rows.map((r) => ({ key: String(r.key), time: (time += r.gap), op: r.op as 'get' })));
      for (const policy of ['lru', 'fifo', 'lfu', 'ttl', 'lru-cache']) {
        const plain = run(trace, policy, capacity);
        const long = run(trace, policy, capacity, { ttl: time + 1 });
        assert.deepEqual(
          [long.hits, long.misses, long.expiredMisses, long.coldMisses, long.capacityMisses, long.finalEntries],
          [plain.hits, plain.misses, 0, plain.coldMisses, plain.capacityMisses, plain.finalEntries],
          policy,
        );
      }
    }),
    { numRuns: 60 },
  );
});

test('TTL jitter is seeded and stays within ttl x (1 +/- j)', () => {
  // 300 keys written at t=0 with TTL 100 and jitter 10%: every TTL is in [90, 110).
  // Group A is read again at 89.9 (all must hit), group B at 110 (all must have expired), group
  // C at 100 (some each way; with 100 keys both sides are certain in practice).
  const rows = [];
  for (const group of ['A', 'B', 'C']) for (let k = 0; k < 100; k++) rows.push({ key: `${group}${k}`, time: 0 });
  for (const [group, at] of [
    ['A', 89.9],
    ['B', 110],
    ['C', 100],
  ] as const) {
    for (let k = 0; k < 100; k++) rows.push({ key: `${group}${k}`, time: at });
  }
  const trace = timedTrace(rows);
  const jittered = (seed: number) => run(trace, 'lru', 1000, { ttl: 100, ttlJitter: 0.1, seed });
  const first = jittered(7);
  assert.equal(first.coldMisses, 300);
  // Hits come only from A (100) and the part of C still live at 100.
  assert.ok(first.hits > 100 && first.hits < 200, `hits ${first.hits}`);
  assert.equal(first.expiredMisses, 300 - first.hits);
  assert.deepEqual(jittered(7), first);
  // Without jitter C is exactly at its expiry (100 <= 100): all of B and C expire.
  assert.equal(run(trace, 'lru', 1000, { ttl: 100 }).hits, 100);
  // Another seed spreads differently (a fixed seed pair, so this is deterministic).
  assert.notEqual(jittered(8).hits, first.hits);
});
