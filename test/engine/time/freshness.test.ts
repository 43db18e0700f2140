/**
 * Writes and freshness through the timed simulator: invalidate and write-through never serve
 * an old version, ttl-only does until the entry expires, write-behind coalesces writes that
 * land in one flush interval; and with write-through and no stampede the timed simulator
 * agrees with the plain replay.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { replay } from '../../../src/engine/replay.js';
import type { WritePolicy } from '../../../src/engine/time/freshness.js';
import { simulateTimed, type TimedConfig } from '../../../src/engine/time/simulate.js';
import { parsePolicySpec } from '../../../src/policies/index.js';
import type { Trace } from '../../../src/trace/trace.js';
import { parseRows, timedTrace } from '../../helpers/timed-trace.js';

function simulate(trace: Trace, writePolicy: WritePolicy, extra: Partial<TimedConfig> = {}, policy = 'lru', capacity = 10) {
  return simulateTimed(trace, {
    tiers: [{ policy: parsePolicySpec(policy), capacity, lookupCost: 0 }],
    unit: 'entries',
    seed: 1,
    defaultMissCost: 0.005,
    writePolicy,
    flushInterval: 1,
    ...extra,
  });
}

const WRITES = timedTrace(parseRows('get a@0 get a@1 set a@2 get a@3 get a@4 set a@5 get a@6'));

test('invalidate removes the key on a write: the next get fetches the new version, never a stale one', () => {
  // a@0 miss (v0) | a@1 hit | set a@2 -> v1, a dropped | a@3 miss, fetches v1 | a@4 hit v1 |
  // set a@5 -> v2, dropped | a@6 miss, v2.
  const counts = simulate(WRITES, 'invalidate');
  assert.equal(counts.hits, 2);
  assert.equal(counts.staleReads, 0);
  assert.equal(counts.writes, 2);
  // The misses after an invalidation are cold: nothing valid could have been kept.
  assert.equal(counts.coldMisses, 3);
});

test('write-through updates the cached value on a write: every later get hits the latest version', () => {
  const counts = simulate(WRITES, 'write-through');
  assert.equal(counts.hits, 4); // a@1, a@3, a@4, a@6
  assert.equal(counts.staleReads, 0);
});

test('ttl-only leaves the old value cached until it expires: exactly 2 stale reads', () => {
  // TTL 3.5: a@0 miss, v0 cached until 3.5 | a@1 hit v0, latest 0: fresh | set a@2: origin v1,
  // cache still v0 | a@3 hit v0 < 1: stale (1) | a@4: 3.5 <= 4 expired, miss, fetches v1, cached
  // until 7.5 | set a@5: origin v2, cache v1 | a@6 hit v1 < 2: stale (2).
  const counts = simulate(WRITES, 'ttl-only', { ttl: 3.5 });
  assert.equal(counts.hits, 3);
  assert.equal(counts.staleReads, 2);
  assert.equal(counts.expiredMisses, 1);
  // Without a TTL the stale copy is never replaced: a@3, a@4 and a@6 are all stale.
  assert.equal(simulate(WRITES, 'ttl-only').staleReads, 3);
});

test('write-behind coalesces writes within one flush and reports the longest pending write', () => {
  // Flushes every 1s from the first request (t=0): at 1, 2, 3, ...
  // set a@0.1 pending since 0.1 | set a@0.2, set a@0.5: coalesced (2) | flush at 1: a waited 0.9 |
  // set a@1.2 pending again | flush at 2: waited 0.8 | get a@2.5 hits the cached v4: fresh.
  const trace = timedTrace(parseRows('get a@0 set a@0.1 set a@0.2 set a@0.5 set a@1.2 get b@1.5 get a@2.5'));
  const counts = simulate(trace, 'write-behind');
  assert.equal(counts.writesCoalesced, 2);
  assert.equal(counts.flushes, 2);
  assert.ok(Math.abs(counts.longestPending - 0.9) < 1e-12);
  assert.equal(counts.staleReads, 0);
  assert.equal(counts.hits, 1);
});

test('write-behind: a get that misses a key with a pending write reads the older origin value', () => {
  // set c@0.1 caches v1, origin still v0 until the flush at 1 | delete c@0.2 drops it from the
  // cache | get c@0.3 misses and reads v0 from the origin: stale | get c@1.5, after the flush:
  // hits the v0 it cached at 0.3, still older than v1: stale again.
  const trace = timedTrace(parseRows('get x@0 set c@0.1 delete c@0.2 get c@0.3 get c@1.5'));
  const counts = simulate(trace, 'write-behind');
  assert.equal(counts.staleReads, 2);
  assert.equal(counts.longestPending, 0.9);
});

// The plain loop (engine/loops/templates.ts) inlines the expiry, jitter and miss split that the
// timed simulator writes out: this pins the two copies equal.
test('single tier, write-through, no stampede: the timed simulator matches the plain replay, jitter included', () => {
  const request = fc.record({
    key: fc.integer({ min: 0, max: 10 }),
    gap: fc.double({ min: 0, max: 2, noNaN: true }),
    op: fc.constantFrom('get', 'get', 'get', 'set', 'delete'),
  });
  fc.assert(
    fc.property(
      fc.array(request, { minLength: 1, maxLength: 100 }),
      fc.integer({ min: 1, max: 6 }),
      fc.constantFrom(undefined, 1, 4),
      fc.constantFrom(0, 0.3),
      (rows, capacity, ttl, jitter) => {
        let time = 0;
        const trace = timedTrace(rows.map((r) => ({ key: String(r.key), time: (time += r.gap), op: r.op as 'get' })));
        for (const policy of ['lru', 'fifo', 'lfu', 'ttl']) {
          const extra = ttl === undefined ? {} : { ttl, ...(jitter > 0 && { ttlJitter: jitter }) };
          const plain = replay(trace, { policy: parsePolicySpec(policy), capacity, unit: 'entries', seed: 1, ...extra });
          const timed = simulate(trace, 'write-through', extra, policy, capacity);
          const pick = (c: typeof plain) => [
            c.hits,
            c.misses,
            c.expiredMisses,
            c.coldMisses,
            c.capacityMisses,
            c.writes,
            c.deletes,
            c.finalEntries,
          ];
          assert.deepEqual(pick(timed), pick(plain), policy);
        }
      },
    ),
    { numRuns: 60 },
  );
});
