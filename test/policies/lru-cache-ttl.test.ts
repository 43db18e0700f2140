/**
 * The `lru-cache` policy expires as the real npm package does: the package, driven with an
 * injected clock (its `perf` option), still serves an entry whose age equals its TTL
 * (`now - start > ttl` is stale), where libCacheSim, cachetools and our `lru` expire it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LRUCache } from 'lru-cache';
import { replay } from '../../src/engine/replay.js';
import { simulateTimed } from '../../src/engine/time/simulate.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import { Rng } from '../../src/trace/synthetic/rng.js';
import { traceOf } from '../helpers/trace.js';

/** Hits of the real package over `keys` at whole-second `times`, with a TTL of `ttl` seconds. */
function packageHits(keys: readonly number[], times: readonly number[], max: number, ttl: number): number {
  let clock = 0;
  // The package reads a start time of 0 as "no TTL", which its real clock never is: start at 1s.
  const cache = new LRUCache<number, number>({ max, ttl: ttl * 1000, ttlResolution: 0, perf: { now: () => 1000 + clock } });
  let hits = 0;
  keys.forEach((key, i) => {
    clock = times[i]! * 1000;
    if (cache.get(key) !== undefined) hits++;
    else cache.set(key, 1);
  });
  return hits;
}

test('an entry read at exactly its TTL: the package serves it, so lru-cache hits and lru misses', () => {
  const trace = traceOf(['a', 'a', 'a'], { times: [0, 5, 11] });
  const run = (policy: string) => replay(trace, { policy: parsePolicySpec(policy), capacity: 10, unit: 'entries', seed: 1, ttl: 5 });
  assert.equal(packageHits([0, 0, 0], [0, 5, 11], 10, 5), 1);
  assert.equal(run('lru-cache').hits, 1);
  assert.equal(run('lru-cache').expiredMisses, 1);
  assert.equal(run('lru').hits, 0);
  assert.equal(run('lru').expiredMisses, 2);
});

test('on random traces with many reads at exactly the TTL, lru-cache counts what the package counts', () => {
  for (const seed of [1, 2, 3, 4]) {
    const rng = new Rng(seed, 7);
    const n = 4000;
    const keys = Array.from({ length: n }, () => Math.floor(rng.nextFloat() * 60));
    // Whole seconds, several requests per second: ages equal to the TTL are common.
    const times = Array.from({ length: n }, (_, i) => Math.floor(i / 4));
    const trace = traceOf(keys, { times });
    for (const [max, ttl] of [
      [20, 5],
      [40, 3],
      [100, 10],
    ] as const) {
      const expected = packageHits(keys, times, max, ttl);
      const ours = replay(trace, { policy: parsePolicySpec('lru-cache'), capacity: max, unit: 'entries', seed: 1, ttl });
      assert.equal(ours.hits, expected, `seed ${seed}, max ${max}, ttl ${ttl}`);
      // The time-aware simulator applies the same rule.
      const timed = simulateTimed(trace, {
        tiers: [{ policy: parsePolicySpec('lru-cache'), capacity: max, lookupCost: 0 }],
        unit: 'entries',
        seed: 1,
        ttl,
        defaultMissCost: 0,
        writePolicy: 'write-through',
        flushInterval: 1,
      });
      assert.equal(timed.hits, expected, `time-aware, seed ${seed}, max ${max}, ttl ${ttl}`);
    }
  }
});
