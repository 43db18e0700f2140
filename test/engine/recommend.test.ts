import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestChoice, recommend, type Curve, type CurvePoint, type RecommendContext } from '../../src/engine/recommend.js';
import type { RecommendationCriterion } from '../../src/model/result.js';
import { bestChoiceText, recommendationText } from '../../src/report/words.js';

/** One criterion on one curve, as the sweep recommends it, with its worded reason. */
function pickSize(
  points: CurvePoint[],
  criterion: RecommendationCriterion,
  threshold: number,
  unit: 'entries' | 'bytes',
  context: RecommendContext = {},
) {
  const options = {
    minGain: criterion === 'diminishing-returns' ? threshold : 0.01,
    ...(criterion === 'tolerance' && { tolerance: threshold }),
    ...(criterion === 'target-hit-rate' && { targetHitRate: threshold }),
    ...(criterion === 'target-latency' && { targetLatencyMs: threshold }),
    ...(criterion === 'memory-cost' && { memoryCostMs: threshold }),
  };
  const rec = recommend([{ policy: 'p', ttl: null, points }], options, context).find((r) => r.criterion === criterion)!;
  return { capacity: rec.capacity, hitRate: rec.hitRate, meanLatencyMs: rec.meanLatencyMs, reason: recommendationText(rec, unit) };
}

/** Points with the latency the default cost model gives: 0.1ms lookup + miss ratio x 5ms. */
function curve(capacities: number[], hitRates: number[]): CurvePoint[] {
  return capacities.map((capacity, i) => ({ capacity, hitRate: hitRates[i]!, meanLatencyMs: 0.1 + (1 - hitRates[i]!) * 5 }));
}

const SIZES = [16, 32, 64, 128, 256, 512, 1024];

test('plateau: the smallest size within one point of the best', () => {
  const points = curve(SIZES, [0.2, 0.5, 0.795, 0.8, 0.805, 0.81, 0.81]);
  // Best 81%; 79.5% at 64 is 1.5 points short, 80% at 128 is within 1 point.
  const pick = pickSize(points, 'tolerance', 0.01, 'entries');
  assert.equal(pick.capacity, 128);
  assert.equal(pick.hitRate, 0.8);
  assert.match(pick.reason, /128 entries: the smallest size within 1 point of the best in range \(81\.00% at 512 entries\)/);
  // Zero tolerance: the first size reaching the best itself.
  assert.equal(pickSize(points, 'tolerance', 0, 'entries').capacity, 512);
});

test('cliff after a flat stretch: the whole curve is searched', () => {
  // Flat at ~31% up to 256 (a working set that does not fit), then a cliff to 90% at 512.
  // A knee or marginal-gain rule stops in the flat stretch; the global search must not.
  const points = curve(SIZES, [0.3, 0.305, 0.31, 0.31, 0.31, 0.9, 0.905]);
  assert.equal(pickSize(points, 'tolerance', 0.01, 'entries').capacity, 512);
  assert.equal(pickSize(points, 'target-hit-rate', 0.85, 'entries').capacity, 512);
  // 0.1 + 0.1 x 5 = 0.6ms at 512; nothing before the cliff gets below 3.5ms.
  assert.equal(pickSize(points, 'target-latency', 1, 'entries').capacity, 512);
});

test('a target no size meets is an explicit none', () => {
  const points = curve(SIZES, [0.3, 0.305, 0.31, 0.31, 0.31, 0.9, 0.905]);
  const pick = pickSize(points, 'target-hit-rate', 0.95, 'entries');
  assert.equal(pick.capacity, null);
  assert.equal(pick.hitRate, null);
  assert.match(pick.reason, /no size in range reaches a 95\.00% hit rate \(best: 90\.50% at 1,024 entries\)/);
  const latency = pickSize(points, 'target-latency', 0.5, 'entries');
  assert.equal(latency.capacity, null);
  assert.match(latency.reason, /no size in range brings mean latency down to 0\.5ms/);
});

test('memory cost trades latency against size', () => {
  const points: CurvePoint[] = [
    { capacity: 100, hitRate: 0.42, meanLatencyMs: 3.0 },
    { capacity: 1000, hitRate: 0.72, meanLatencyMs: 1.5 },
    { capacity: 10000, hitRate: 0.78, meanLatencyMs: 1.2 },
  ];
  // 0.0001ms per entry: 3.01, 1.6, 2.2 -> 1,000.
  const mid = pickSize(points, 'memory-cost', 0.0001, 'entries');
  assert.equal(mid.capacity, 1000);
  assert.match(mid.reason, /1\.5ms \+ 0\.1ms .* = 1\.6ms/);
  // Free memory: the lowest latency. Dear memory (0.01ms per entry): 4, 11.5, 101.2 -> 100.
  assert.equal(pickSize(points, 'memory-cost', 0, 'entries').capacity, 10000);
  assert.equal(pickSize(points, 'memory-cost', 0.01, 'entries').capacity, 100);
});

test('a curve still rising at the largest size says so', () => {
  const pick = pickSize(curve([16, 32, 64], [0.1, 0.2, 0.4]), 'tolerance', 0.01, 'entries');
  assert.equal(pick.capacity, 64);
  assert.match(pick.reason, /still rising/);
});

test('every criterion per curve, the most specific one primary; the best policy overall', () => {
  const curves: Curve[] = [
    { policy: 'lru', ttl: null, points: curve([10, 20, 40], [0.5, 0.7, 0.8]) },
    { policy: 'fifo', ttl: null, points: curve([10, 20, 40], [0.6, 0.79, 0.8]) },
  ];
  const options = { minGain: 0.01, tolerance: 0.01, targetHitRate: 0.75 };
  const recommendations = recommend(curves, options);
  assert.deepEqual(
    recommendations.map((r) => [r.policy, r.criterion, r.capacity, r.primary]),
    [
      ['lru', 'diminishing-returns', null, false],
      ['lru', 'tolerance', 40, false],
      ['lru', 'target-hit-rate', 40, true],
      ['fifo', 'diminishing-returns', null, false],
      ['fifo', 'tolerance', 20, false],
      ['fifo', 'target-hit-rate', 20, true],
    ],
  );
  // At lru's 40 both reach 80%: a tie names the policy itself. At fifo's 20 fifo leads.
  assert.deepEqual(recommendations[2]!.bestPolicyAtSize, { policy: 'lru', hitRate: 0.8 });
  assert.deepEqual(recommendations[5]!.bestPolicyAtSize, { policy: 'fifo', hitRate: 0.79 });
  // fifo's tolerance pick is 20, where lru trails it.
  assert.deepEqual(recommendations[4]!.bestPolicyAtSize, { policy: 'fifo', hitRate: 0.79 });
  // Cut lru's curve at 20 (best 70%, so 20 is its pick within 5 points): fifo's 79% leads there.
  const lruAt20 = recommend([{ ...curves[0]!, points: curves[0]!.points.slice(0, 2) }, curves[1]!], { minGain: 0.01, tolerance: 0.05 });
  assert.deepEqual(lruAt20[1]!.bestPolicyAtSize, { policy: 'fifo', hitRate: 0.79 });
  // ... and fifo tied at 40 (both 80%) names itself, not lru listed first.
  assert.deepEqual(recommend(curves, { minGain: 0.01, tolerance: 0 })[3]!.bestPolicyAtSize, { policy: 'fifo', hitRate: 0.8 });
  // The smallest size where any policy reaches 75% is 20, where fifo (79%) beats lru (70%).
  const best = bestChoice(curves, options)!;
  assert.deepEqual([best.policy, best.capacity, best.hitRate], ['fifo', 20, 0.79]);
  assert.equal(bestChoice(curves, { ...options, targetHitRate: 0.99 }), null);
  // Tolerance: best anywhere is 80%; fifo is within a point at 20.
  assert.equal(bestChoice(curves, { minGain: 0.01, tolerance: 0.01 })!.capacity, 20);
});

test('diminishing returns, plateau: the size past which no doubling gains a point', () => {
  // Gains per doubling: 30, 29.5, 0.5, 0.5, 0.5, 0 points. The last worthwhile doubling ends at 64.
  const points = curve(SIZES, [0.2, 0.5, 0.795, 0.8, 0.805, 0.81, 0.81]);
  const pick = pickSize(points, 'diminishing-returns', 0.01, 'entries');
  assert.equal(pick.capacity, 64);
  assert.match(
    pick.reason,
    /^64 entries: past it no doubling gains 1 point or more \(at most 0\.5 points per doubling\); 79\.50% hit rate$/,
  );
  // A lower bar accepts the half-point doublings too.
  assert.equal(pickSize(points, 'diminishing-returns', 0.004, 'entries').capacity, 512);
});

test('diminishing returns, cliff: a jump after a flat stretch is found, not stopped short of', () => {
  const points = curve(SIZES, [0.3, 0.305, 0.31, 0.31, 0.31, 0.9, 0.905]);
  const pick = pickSize(points, 'diminishing-returns', 0.01, 'entries');
  assert.equal(pick.capacity, 512);
  assert.match(pick.reason, /at most 0\.5 points per doubling/);
});

test('diminishing returns, a tail that never flattens: no size, said plainly, with what to do instead', () => {
  const points = curve(SIZES, [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4]);
  const pick = pickSize(points, 'diminishing-returns', 0.01, 'entries');
  assert.equal(pick.capacity, null);
  assert.match(
    pick.reason,
    /^the curve never flattens: the doubling to 1,024 entries \(40\.00%\) still gains 5 points, and the range ends there; widen it, or decide with a target hit rate, a target latency or a memory cost$/,
  );
  // Even when the range ends with every key cached: "cache everything" is no answer.
  assert.equal(pickSize(points, 'diminishing-returns', 0.01, 'entries', { ceiling: 0.4 }).capacity, null);
  // A plateau after the pick is a flattening, wherever it sits.
  const plateau = pickSize(curve([16, 32, 64, 128], [0.1, 0.3, 0.4, 0.4]), 'diminishing-returns', 0.01, 'entries', { ceiling: 0.4 });
  assert.equal(plateau.capacity, 64);
  assert.match(plateau.reason, /past it no doubling gains 1 point or more \(at most 0 points per doubling\)/);
  // The best choice is never "everything": it says the curve is still rising.
  const best = bestChoice([{ policy: 'lru', ttl: null, points }], { minGain: 0.01 })!;
  assert.equal(best.stillRising, true);
  assert.ok(Math.abs(best.marginalGain! - 0.05) < 1e-12);
});

test('diminishing returns on uneven sizes counts gain per doubling, not per step', () => {
  // 16 -> 256 is four doublings for 4 points: 1 point each, worth it; 256 -> 1024 two for 1 point.
  const points = curve([16, 256, 1024], [0.5, 0.54, 0.55]);
  assert.equal(pickSize(points, 'diminishing-returns', 0.01, 'entries').capacity, 256);
  assert.equal(pickSize(points, 'diminishing-returns', 0.011, 'entries').capacity, 16);
});

test('an offline bound is drawn, never recommended, never the best nor the one doing better', () => {
  const curves: Curve[] = [
    { policy: 'lru', ttl: null, points: curve([10, 20, 40], [0.5, 0.7, 0.72]) },
    { policy: 'belady', ttl: null, points: curve([10, 20, 40], [0.7, 0.8, 0.81]) },
  ];
  const recommendations = recommend(curves, { minGain: 0.05, targetHitRate: 0.75 });
  assert.deepEqual(
    recommendations.map((r) => r.policy),
    ['lru', 'lru'],
  );
  assert.deepEqual(recommendations[0]!.bestPolicyAtSize, { policy: 'lru', hitRate: 0.7 });
  // belady reaches 75% at 20; lru never does: nothing deployable meets the target.
  assert.equal(bestChoice(curves, { minGain: 0.01, targetHitRate: 0.75 }), null);
  assert.equal(bestChoice(curves, { minGain: 0.01 })!.policy, 'lru');
});

test('ties are ties: within a tenth of a point, the simpler policy wins and the others are named', () => {
  const curves: Curve[] = [
    { policy: 'arc', ttl: null, points: curve([10, 20, 40], [0.5, 0.8, 0.8005]) },
    { policy: 'lfu', ttl: null, points: curve([10, 20, 40], [0.6, 0.7999, 0.8]) },
    { policy: 'fifo', ttl: null, points: curve([10, 20, 40], [0.3, 0.7, 0.79]) },
  ];
  const best = bestChoice(curves, { minGain: 0.01 })!;
  // At 20 arc (80%) and lfu (79.99%) tie; lfu is listed before arc in the policy table.
  assert.deepEqual([best.policy, best.capacity], ['lfu', 20]);
  assert.deepEqual(best.tiedWith, [{ policy: 'arc', ttl: null, hitRate: 0.8, meanLatencyMs: 0.1 + (1 - 0.8) * 5 }]);
  assert.match(bestChoiceText(best, 'entries'), /; arc \(80\.00%\) ties with it \(within 0\.1 points\), and lfu is the simpler policy$/);
  // At its own pick a tied rival is not "doing better there".
  const lfu = recommend(curves, { minGain: 0.01 }).find((r) => r.policy === 'lfu')!;
  assert.deepEqual(lfu.bestPolicyAtSize, { policy: 'lfu', hitRate: 0.7999 });
  // A clear lead is no tie.
  const clear = bestChoice([curves[0]!, { ...curves[1]!, points: curve([10, 20, 40], [0.6, 0.78, 0.8]) }], { minGain: 0.01 })!;
  assert.deepEqual([clear.policy, clear.tiedWith], ['arc', []]);
});

test('a curve that reached the infinite-cache ceiling is not called rising', () => {
  // The jump into the last size is the whole working set fitting: 90% is all there is.
  const points = curve([16, 32, 64], [0.1, 0.5, 0.9]);
  assert.match(pickSize(points, 'tolerance', 0.01, 'entries').reason, /still rising/);
  assert.doesNotMatch(pickSize(points, 'tolerance', 0.01, 'entries', { ceiling: 0.9 }).reason, /still rising/);
  assert.match(pickSize(points, 'tolerance', 0.01, 'entries', { ceiling: 0.95 }).reason, /still rising/);
});

test('a staleness budget picks the best hit rate within it; ties go to less memory, the shorter TTL, the simpler policy', async () => {
  const { ttlChoice } = await import('../../src/engine/recommend.js');
  const { sampleResult } = await import('../helpers/result.js');
  const template = sampleResult().rows[0]!;
  const row = (policy: string, ttl: number | null, capacity: number, hitRate: number, staleReadRate: number) => ({
    ...template,
    policy,
    ttl,
    capacity,
    hitRate,
    freshness: { writePolicy: 'ttl-only', staleReads: 0, staleReadRate },
  });
  const rows = [
    row('lru', 60, 100, 0.9, 0.05), // best hit rate, over budget
    row('lru', 10, 100, 0.8, 0.009),
    row('lfu', 10, 100, 0.8004, 0.01), // ties lru at 10s (within 0.1 point): lru is simpler
    row('lru', 5, 100, 0.8, 0.002), // ties too, shorter TTL: fresher
    row('lru', 10, 400, 0.8008, 0.008), // ties too, but more memory
    row('belady', 10, 50, 0.95, 0), // a bound is never the pick
  ];
  assert.deepEqual(ttlChoice(rows, 0.01).pick, {
    policy: 'lru',
    writePolicy: 'ttl-only',
    ttl: 5,
    capacity: 100,
    hitRate: 0.8,
    staleReadRate: 0.002,
  });
  assert.deepEqual(ttlChoice(rows, 0.06).pick?.ttl, 60);
  assert.deepEqual(ttlChoice(rows, 0.001), { budget: 0.001, pick: null });
});

test('--max-stale in a sweep: ttl-only is simulated, the pick stays within the budget, a trace without sets is refused', async () => {
  const { sweep } = await import('../../src/api/simulate.js');
  const { TraceBuilder, OP_GET, OP_SET } = await import('../../src/trace/trace.js');
  const builder = new TraceBuilder(4000);
  for (let i = 0; i < 4000; i++) builder.push((i * 7) % 40, undefined, i * 0.01, i % 10 === 0 ? OP_SET : OP_GET);
  const trace = builder.build(
    'writes',
    40,
    Array.from({ length: 40 }, (_, k) => `k${k}`),
  );
  const result = await sweep(trace, {
    policies: ['lru'],
    capacities: [10, 40],
    ttlsMs: [100, 1000, 10_000],
    recommend: { maxStale: 0.05 },
    parallel: 'never',
  });
  assert.deepEqual(result.options.writePolicies, ['ttl-only']);
  const pick = result.ttlChoice!.pick!;
  const row = result.rows.find((r) => r.ttl === pick.ttl && r.capacity === pick.capacity)!;
  assert.ok(row.freshness!.staleReadRate <= 0.05);
  for (const other of result.rows) if (other.freshness!.staleReadRate <= 0.05) assert.ok(other.hitRate <= pick.hitRate + 0.001);
  await assert.rejects(
    sweep((await import('../helpers/trace.js')).traceOf(['a', 'b', 'a'], { times: [0, 1, 2] }), { recommend: { maxStale: 0.01 } }),
    /has no sets, so nothing it reads can be stale/,
  );
});
