/**
 * The recommended cache size, read off a hit-rate curve (algorithms.md §14).
 *
 * Criteria, each a global search over every simulated size (curves can be flat for a while
 * and then jump at a cliff, so stopping at the first knee or at a marginal-gain threshold
 * would pick too small a cache):
 *   tolerance        the smallest size within `tolerance` (a fraction: 0.01 = one point of
 *                    hit rate) of the best hit rate anywhere in range
 *   target-hit-rate  the smallest size whose hit rate reaches the target
 *   target-latency   the smallest size whose mean latency (ms) is at or below the target
 *   memory-cost      the size minimising mean latency + memoryCost x size, where memoryCost is
 *                    the latency-equivalent (ms per request) of holding one entry, or one byte
 *                    with byte capacity: 0.0001ms per entry says "10,000 more entries are worth
 *                    it only if they cut mean latency by at least 1ms"
 * The two targets can fail: the outcome is then an explicit null capacity. Results are data
 * (src/model/result.ts); src/report/words.ts puts them into sentences.
 * The most specific criterion asked for is the primary one (memory cost, then latency, then
 * hit rate, then tolerance); it also picks the best policy across all curves.
 */
import type { BestChoice, CurvePointRef, Recommendation, RecommendationCriterion, ResultRow } from '../model/result.js';

export interface RecommendOptions {
  /** Fraction of hit rate, e.g. 0.01 for one point. */
  readonly tolerance: number;
  readonly targetHitRate?: number;
  readonly targetLatencyMs?: number;
  /** Milliseconds of mean latency per entry (or per byte in byte mode) held. */
  readonly memoryCostMs?: number;
}

export type CurvePoint = CurvePointRef;

export interface Curve {
  readonly policy: string;
  readonly ttl: number | null;
  /** Ascending capacities. */
  readonly points: readonly CurvePoint[];
}

export interface RecommendContext {
  /**
   * The hit rate of an infinite cache without TTL: every lookup but the first of each key.
   * Tells a curve that is still climbing from one that has reached everything there is.
   */
  readonly ceiling?: number;
}

/** What one criterion picks on one curve. */
export interface Pick {
  /** Null when no size in range qualifies (a target out of reach). */
  readonly point: CurvePoint | null;
  readonly bestInRange: CurvePoint;
  readonly fastestInRange: CurvePoint;
  readonly stillRising: boolean;
  readonly memoryCostMs: number | null;
  readonly totalCostMs: number | null;
}

/** Floating-point slack so a hit rate equal to the threshold by arithmetic counts as meeting it. */
const EPSILON = 1e-12;

/** The criteria to evaluate, most specific (primary) last. */
export function criteriaOf(options: RecommendOptions): { criterion: RecommendationCriterion; threshold: number }[] {
  const list: { criterion: RecommendationCriterion; threshold: number }[] = [{ criterion: 'tolerance', threshold: options.tolerance }];
  if (options.targetHitRate !== undefined) list.push({ criterion: 'target-hit-rate', threshold: options.targetHitRate });
  if (options.targetLatencyMs !== undefined) list.push({ criterion: 'target-latency', threshold: options.targetLatencyMs });
  if (options.memoryCostMs !== undefined) list.push({ criterion: 'memory-cost', threshold: options.memoryCostMs });
  return list;
}

/** Groups result rows into one curve per policy x TTL, in first-seen order. */
export function curvesOf(rows: readonly ResultRow[]): Curve[] {
  const curves = new Map<string, { policy: string; ttl: number | null; points: CurvePoint[] }>();
  for (const row of rows) {
    const key = `${row.policy}\u0000${String(row.ttl)}`;
    let curve = curves.get(key);
    if (!curve) curves.set(key, (curve = { policy: row.policy, ttl: row.ttl, points: [] }));
    curve.points.push({ capacity: row.capacity, hitRate: row.hitRate, meanLatencyMs: row.latency.mean });
  }
  for (const curve of curves.values()) curve.points.sort((a, b) => a.capacity - b.capacity);
  return [...curves.values()];
}

/** Applies one criterion to one (non-empty) curve. */
export function pickSize(
  points: readonly CurvePoint[],
  criterion: RecommendationCriterion,
  threshold: number,
  context: RecommendContext = {},
): Pick {
  if (points.length === 0) throw new Error('pickSize needs at least one point');
  const best = points.reduce((a, b) => (b.hitRate > a.hitRate + EPSILON ? b : a));
  const fastest = points.reduce((a, b) => (b.meanLatencyMs < a.meanLatencyMs - EPSILON ? b : a));
  const base = { bestInRange: best, fastestInRange: fastest, stillRising: false, memoryCostMs: null, totalCostMs: null };
  switch (criterion) {
    case 'tolerance': {
      const point = points.find((p) => p.hitRate >= best.hitRate - threshold - EPSILON) ?? best;
      const last = points[points.length - 1]!;
      const beforeLast = points[points.length - 2];
      const belowCeiling = context.ceiling === undefined || best.hitRate < context.ceiling - Math.max(threshold, EPSILON);
      const stillRising = beforeLast !== undefined && best === last && last.hitRate - beforeLast.hitRate > threshold && belowCeiling;
      return { ...base, point, stillRising };
    }
    case 'target-hit-rate':
      return { ...base, point: points.find((p) => p.hitRate >= threshold - EPSILON) ?? null };
    case 'target-latency':
      return { ...base, point: points.find((p) => p.meanLatencyMs <= threshold + EPSILON) ?? null };
    case 'memory-cost': {
      const total = (p: CurvePoint): number => p.meanLatencyMs + threshold * p.capacity;
      const point = points.reduce((a, b) => (total(b) < total(a) - EPSILON ? b : a));
      return { ...base, point, memoryCostMs: threshold * point.capacity, totalCostMs: total(point) };
    }
  }
}

/** Every criterion for every curve; the last criterion asked for is marked primary. */
export function recommend(curves: readonly Curve[], options: RecommendOptions, context: RecommendContext = {}): Recommendation[] {
  const criteria = criteriaOf(options);
  const recommendations: Recommendation[] = [];
  for (const curve of curves) {
    if (curve.points.length === 0) continue;
    // A TTL caps the hit rate below the no-TTL ceiling, so the ceiling says nothing there.
    const curveContext = curve.ttl === null ? context : {};
    criteria.forEach(({ criterion, threshold }, index) => {
      const pick = pickSize(curve.points, criterion, threshold, curveContext);
      recommendations.push({
        policy: curve.policy,
        ttl: curve.ttl,
        criterion,
        threshold,
        capacity: pick.point?.capacity ?? null,
        hitRate: pick.point?.hitRate ?? null,
        meanLatencyMs: pick.point?.meanLatencyMs ?? null,
        primary: index === criteria.length - 1,
        bestInRange: pick.bestInRange,
        fastestInRange: pick.fastestInRange,
        stillRising: pick.stillRising,
        memoryCostMs: pick.memoryCostMs,
        totalCostMs: pick.totalCostMs,
        bestPolicyAtSize: pick.point === null ? null : bestAt(curves, curve, pick.point.capacity),
      });
    });
  }
  return recommendations;
}

/**
 * The best policy (and TTL) overall under the primary criterion, searching every point of every
 * curve: the smallest size at which any curve qualifies, and the curve doing best there; for
 * memory cost the global minimum of latency + memory. Null when nothing qualifies.
 */
export function bestChoice(curves: readonly Curve[], options: RecommendOptions): BestChoice | null {
  const { criterion, threshold } = criteriaOf(options).at(-1)!;
  const all = curves.flatMap((curve) => curve.points.map((point) => ({ curve, point })));
  if (all.length === 0) return null;
  const choice = (winner: (typeof all)[number], capacity: number, extra: Pick_<BestChoice, 'topHitRate' | 'totalCostMs'>): BestChoice => ({
    policy: winner.curve.policy,
    ttl: winner.curve.ttl,
    capacity,
    hitRate: winner.point.hitRate,
    meanLatencyMs: winner.point.meanLatencyMs,
    criterion,
    threshold,
    ...extra,
  });
  let qualifying: typeof all;
  let topHitRate: number | null = null;
  switch (criterion) {
    case 'tolerance': {
      const top = Math.max(...all.map(({ point }) => point.hitRate));
      qualifying = all.filter(({ point }) => point.hitRate >= top - threshold - EPSILON);
      topHitRate = top;
      break;
    }
    case 'target-hit-rate':
      qualifying = all.filter(({ point }) => point.hitRate >= threshold - EPSILON);
      break;
    case 'target-latency':
      qualifying = all.filter(({ point }) => point.meanLatencyMs <= threshold + EPSILON);
      break;
    case 'memory-cost': {
      const total = (p: CurvePoint): number => p.meanLatencyMs + threshold * p.capacity;
      const winner = all.reduce((a, b) => (total(b.point) < total(a.point) - EPSILON ? b : a));
      return choice(winner, winner.point.capacity, { topHitRate: null, totalCostMs: total(winner.point) });
    }
  }
  if (qualifying.length === 0) return null;
  const smallest = Math.min(...qualifying.map(({ point }) => point.capacity));
  const atSize = all.filter(({ point }) => point.capacity === smallest);
  const winner = atSize.reduce((a, b) => (b.point.hitRate > a.point.hitRate + EPSILON ? b : a));
  return choice(winner, smallest, { topHitRate, totalCostMs: null });
}

type Pick_<T, K extends keyof T> = { [P in K]: T[P] };

/** The curve (of `own`'s TTL) with the highest hit rate at `capacity`; `own`, then the first listed, wins ties. */
function bestAt(curves: readonly Curve[], own: Curve, capacity: number): { policy: string; hitRate: number } | null {
  const ownPoint = own.points.find((p) => p.capacity === capacity);
  let best: { policy: string; hitRate: number } | null = ownPoint ? { policy: own.policy, hitRate: ownPoint.hitRate } : null;
  for (const curve of curves) {
    if (curve.ttl !== own.ttl) continue;
    const point = curve.points.find((p) => p.capacity === capacity);
    if (point && (best === null || point.hitRate > best.hitRate + EPSILON)) best = { policy: curve.policy, hitRate: point.hitRate };
  }
  return best;
}
