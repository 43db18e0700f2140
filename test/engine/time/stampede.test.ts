/**
 * The stampede model on the classic case: one hot key read 1024 times a second with an 8s
 * TTL and a 31.25ms fetch (1/32 s), so exactly 32 requests arrive during one fetch. All these
 * numbers are exact in binary, so no expiry lands a rounding error away from a request.
 *
 * Timeline under coalesce: the first fetch starts at 0 and lands at 1/32; the entry expires
 * 8s later, at 8 + 1/32, which is a request time; that request refetches, landing 1/32 later,
 * and so on: expiries at k x (8 + 1/32) = 8.03125, 16.0625, 24.09375, 32.125 within 40s.
 * So 5 fetch windows (the cold start and 4 expiries), each met by 32 requests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateTimed } from '../../../src/engine/time/simulate.js';
import { parseStampede } from '../../../src/engine/time/stampede.js';
import { parsePolicySpec } from '../../../src/policies/index.js';
import { generateHotKeyTrace, parseHotKeySpec } from '../../../src/trace/synthetic/hotkey.js';
import { UsageError } from '../../../src/errors.js';
import { timedTrace } from '../../helpers/timed-trace.js';

const HOT = generateHotKeyTrace(parseHotKeySpec('hotkey:rate=1024,duration=40s,ttl=8s'));
const FETCH = 1 / 32;

function simulate(stampede: string, seed = 1) {
  return simulateTimed(HOT, {
    tiers: [{ policy: parsePolicySpec('lru'), capacity: 10, lookupCost: 0 }],
    unit: 'entries',
    seed,
    defaultMissCost: FETCH,
    writePolicy: 'write-through',
    flushInterval: 1,
    stampede: parseStampede(stampede),
  });
}

test('the hotkey spec makes evenly spaced reads of one key, each carrying the TTL', () => {
  assert.equal(HOT.length, 40 * 1024);
  assert.equal(HOT.keySpace, 1);
  assert.equal(HOT.times![1024], 1);
  assert.equal(HOT.ttls![5], 8);
});

test('none: every request during a fetch starts its own, so 32 concurrent origin fetches', () => {
  // Duplicate fetches each land and re-arm the TTL, the last 31/1024 s after the first, so the
  // cycle is 8 + 1/32 + 31/1024 s: expiries at 8.06, 16.12, 24.18, 32.25 - still 4 in 40s.
  const counts = simulate('none');
  assert.equal(counts.peakConcurrentFetches, 32);
  assert.equal(counts.originFetches, 5 * 32);
  assert.equal(counts.misses, 5 * 32);
  assert.equal(counts.coalescedWaits, 0);
  // Every miss waits a whole fetch: p99 (rank 40551 of 40960) is still a hit, the max is a fetch.
  assert.equal(counts.missLatencies[counts.missLatencies.length - 1], FETCH);
});

test('coalesce: exactly one origin fetch per expiry; the other 31 requests wait for it', () => {
  const counts = simulate('coalesce');
  assert.equal(counts.originFetches, 5);
  assert.equal(counts.peakConcurrentFetches, 1);
  assert.equal(counts.misses, 5 * 32);
  assert.equal(counts.coalescedWaits, 5 * 31);
  assert.equal(counts.expiredMisses, 4 * 32);
  // The j-th waiter (j = 1..31) waits (32 - j)/1024 s: shorter than the leader's full fetch.
  const sorted = counts.missLatencies;
  assert.equal(sorted[sorted.length - 1], FETCH);
  assert.equal(sorted[sorted.length - 6], 31 / 1024);
});

test('xfetch refreshes ahead of expiry: no miss after the cold start, one refresh per cycle', () => {
  const counts = simulate('xfetch');
  // Only the cold start misses (32 duplicate fetches, as xfetch does not coalesce misses).
  assert.equal(counts.misses, 32);
  assert.equal(counts.coldMisses, 32);
  assert.equal(counts.expiredMisses, 0);
  // A read g before expiry refreshes with probability exp(-g/delta); at 1024 reads/s and
  // delta = 1/32 s the first refresh comes about delta x ln(32) ~ 0.11s early, so each cycle is
  // about 7.92s and 40s holds 4 or 5 refreshes, all started before expiry.
  assert.ok(counts.earlyRefreshes >= 4 && counts.earlyRefreshes <= 5, `early refreshes ${counts.earlyRefreshes}`);
  assert.equal(counts.originFetches, 32 + counts.earlyRefreshes);
  assert.equal(counts.coalescedWaits, 0);
  // Seeded: the same seed gives the same run.
  assert.deepEqual(simulate('xfetch'), counts);
});

test('xfetch early-refresh probability follows exp(-gap / (beta x delta))', () => {
  // a@0 misses; its 1s fetch lands at 1 with a 1000s TTL, so it expires at 1001 and delta = 1.
  // One read at 1001 - gap then refreshes early or not; over many seeds the share that does
  // estimates the probability (blogs that quote 63% at gap = delta have it backwards: it is 37%).
  const trials = 4000;
  for (const [gap, beta] of [
    [1, 1],
    [2, 1],
    [1, 2],
  ] as const) {
    const trace = timedTrace([
      { key: 'a', time: 0, ttl: 1000 },
      { key: 'a', time: 1001 - gap },
    ]);
    let refreshed = 0;
    for (let seed = 0; seed < trials; seed++) {
      const counts = simulateTimed(trace, {
        tiers: [{ policy: parsePolicySpec('lru'), capacity: 1, lookupCost: 0 }],
        unit: 'entries',
        seed,
        defaultMissCost: 1,
        writePolicy: 'write-through',
        flushInterval: 1,
        stampede: { mode: 'xfetch', beta },
      });
      assert.equal(counts.hits, 1);
      refreshed += counts.earlyRefreshes;
    }
    const expected = Math.exp(-gap / beta);
    // 4000 Bernoulli trials: standard error below 0.008; allow 4 of them.
    assert.ok(Math.abs(refreshed / trials - expected) < 0.032, `gap ${gap} beta ${beta}: ${refreshed / trials} vs ${expected}`);
  }
});

test('stale-while-revalidate serves the expired value while one refresh runs', () => {
  const counts = simulate('stale-while-revalidate');
  // Cold start: one fetch, 31 waiters. Each of the 4 expiries: the 32 reads during the refresh
  // get the stale value at cache speed; one fetch each.
  assert.equal(counts.misses, 32);
  assert.equal(counts.coalescedWaits, 31);
  assert.equal(counts.staleServes, 4 * 32);
  assert.equal(counts.originFetches, 5);
  assert.equal(counts.peakConcurrentFetches, 1);
});

test('stampede modes parse, and bad ones are one-line usage errors', () => {
  assert.deepEqual(parseStampede('xfetch:beta=2'), { mode: 'xfetch', beta: 2 });
  assert.deepEqual(parseStampede('swr'), { mode: 'stale-while-revalidate', beta: 1 });
  assert.throws(() => parseStampede('herd'), UsageError);
  assert.throws(() => parseStampede('coalesce:beta=2'), UsageError);
  assert.throws(() => parseStampede('xfetch:beta=0'), UsageError);
});

test('decimal rates do not gain a request from rounding: 1000/s with a 50ms fetch meets exactly 50', () => {
  // i/1000 and start + 0.05 round differently in binary; a fetch landing within a nanosecond of
  // a request has landed for it, so each window holds requests i..i+49 and no more.
  const trace = generateHotKeyTrace(parseHotKeySpec('hotkey:rate=1000,duration=30s,ttl=10s'));
  const counts = simulateTimed(trace, {
    tiers: [{ policy: parsePolicySpec('lru'), capacity: 1, lookupCost: 0 }],
    unit: 'entries',
    seed: 1,
    defaultMissCost: 0.05,
    writePolicy: 'write-through',
    flushInterval: 1,
    stampede: parseStampede('none'),
  });
  assert.equal(counts.peakConcurrentFetches, 50);
  // Windows start at 0, about 10.1 and 20.2 (each duplicate re-arms the TTL): 3 x 50 misses.
  assert.equal(counts.misses, 150);
});
