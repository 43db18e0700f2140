import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrate } from '../src/calibrate.js';

test('calibration measures every candidate with plausible per-lookup costs', async () => {
  const results = await calibrate({ timeMs: 20, entries: 1000, policies: ['lru'] });
  assert.deepEqual(
    results.map((r) => r.name),
    ['lru-cache', 'Map (unbounded)', 'cachebench lru'],
  );
  for (const result of results) {
    // A lookup cannot take less than a fraction of a nanosecond nor (in-process) a millisecond.
    assert.ok(result.nanosPerLookup > 0.1 && result.nanosPerLookup < 1e6, `${result.name}: ${result.nanosPerLookup}ns`);
  }
  // An unbounded Map, warmed over the whole key sequence, never misses; bounded caches do.
  assert.equal(results[1]!.hitRate, 1);
  assert.ok(results[0]!.hitRate > 0.3 && results[0]!.hitRate < 1);
  assert.ok(results[2]!.hitRate > 0.3 && results[2]!.hitRate < 1);
  // Our lru and the lru-cache package are both exact LRU over the same key sequence; they
  // differ only in how many batches each ran, so their hit rates agree closely.
  assert.ok(Math.abs(results[2]!.hitRate - results[0]!.hitRate) < 0.02, `${results[2]!.hitRate} vs ${results[0]!.hitRate}`);
});
