import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latencyOf } from '../../src/engine/cost.js';
import type { ReplayCounts } from '../../src/engine/replay.js';

function counts(hits: number, misses: number, missCosts?: number[]): ReplayCounts {
  return {
    requests: hits + misses,
    hits,
    misses,
    expiredMisses: 0,
    uncacheable: 0,
    bytesRequested: 0,
    bytesHit: 0,
    writes: 0,
    deletes: 0,
    finalEntries: 0,
    finalBytes: 0,
    missCostSum: missCosts ? missCosts.reduce((a, b) => a + b, 0) : 0,
    costSum: missCosts ? missCosts.reduce((a, b) => a + b, 0) + hits * 0.001 : 0,
    ...(missCosts && { missCosts: Float64Array.from(missCosts).sort() }),
  };
}

test('expected latency is lookup + miss ratio x miss cost, with percentiles from the two-point mix', () => {
  const stats = latencyOf(counts(90, 10), { lookupCost: 0.0001, missCost: 0.005 });
  assert.ok(Math.abs(stats.mean - 0.0006) < 1e-12);
  assert.equal(stats.p50, 0.0001); // rank 50 is a hit
  assert.ok(Math.abs(stats.p95 - 0.0051) < 1e-12); // rank 95 falls among the 10 misses
  assert.equal(stats.noCache, 0.005);
  assert.ok(Math.abs(stats.speedup - 0.005 / 0.0006) < 1e-9);
  assert.equal(stats.slowerThanNoCache, false);
});

test('a cache whose lookups cost more than the misses they save is flagged', () => {
  const stats = latencyOf(counts(50, 50), { lookupCost: 0.01, missCost: 0.005 });
  assert.equal(stats.slowerThanNoCache, true);
  assert.ok(stats.speedup < 1);
});

test('per-request costs give exact percentiles over the misses', () => {
  // 96 hits at 1ms lookup; 4 misses costing 10, 20, 30, 40 ms. p99 = rank 99 = 3rd miss.
  const stats = latencyOf(counts(96, 4, [0.04, 0.01, 0.03, 0.02]), { lookupCost: 0.001, missCost: 0.005 });
  assert.ok(Math.abs(stats.p99 - 0.031) < 1e-12);
  assert.ok(Math.abs(stats.mean - (0.001 + 0.1 / 100)) < 1e-12);
});

test('the far tail: p99.9 and max are nearest ranks too, max the slowest request', () => {
  // 96 hits, 4 misses of 10..40 ms: p99.9 = rank 100 = the slowest, as is max.
  const few = latencyOf(counts(96, 4, [0.04, 0.01, 0.03, 0.02]), { lookupCost: 0.001, missCost: 0.005 });
  assert.ok(Math.abs(few.p999 - 0.041) < 1e-12);
  assert.ok(Math.abs(few.max - 0.041) < 1e-12);
  // 999 hits and 1 miss in 1,000: p99.9 (rank 999) is still a hit, max is the miss.
  const rare = latencyOf(counts(999, 1), { lookupCost: 0.0001, missCost: 0.005 });
  assert.equal(rare.p99, 0.0001);
  assert.equal(rare.p999, 0.0001);
  assert.ok(Math.abs(rare.max - 0.0051) < 1e-12);
  // Every lookup hits: the tail is the lookup.
  assert.equal(latencyOf(counts(10, 0), { lookupCost: 0.0001, missCost: 0.005 }).max, 0.0001);
});
