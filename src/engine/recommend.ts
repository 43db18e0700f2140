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
 * The two targets can fail: the outcome is then an explicit null capacity with a reason.
 * The most specific criterion asked for is the primary one (memory cost, then latency, then
 * hit rate, then tolerance); it also picks the best policy across all curves.
 */
import type { BestChoice, Recommendation, RecommendationCriterion, ResultRow } from '../report/model.js';
import { capacityLabel, integer, ms, percent, ttlLabel } from '../report/format.js';

export interface RecommendOptions {
  /** Fraction of hit rate, e.g. 0.01 for one point. */
  readonly tolerance: number;
  readonly targetHitRate?: number;
  readonly targetLatencyMs?: number;
  /** Milliseconds of mean latency per entry (or per byte in byte mode) held. */
  readonly memoryCostMs?: number;
  readonly unit: 'entries' | 'bytes';
}

export interface CurvePoint {
  readonly capacity: number;
  readonly hitRate: number;
  readonly meanLatencyMs: number;
}

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

export interface Pick {
  readonly capacity: number | null;
  readonly hitRate: number | null;
  readonly meanLatencyMs: number | null;
  readonly reason: string;
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
    const key = `${row.policy}\u0000${row.ttl}`;
    let curve = curves.get(key);
    if (!curve) curves.set(key, (curve = { policy: row.policy, ttl: row.ttl, points: [] }));
    curve.points.push({ capacity: row.capacity, hitRate: row.hitRate, meanLatencyMs: row.latency.mean });
  }
  for (const curve of curves.values()) curve.points.sort((a, b) => a.capacity - b.capacity);
  return [...curves.values()];
}

/** Applies one criterion to one curve. */
export function pickSize(
  points: readonly CurvePoint[],
  criterion: RecommendationCriterion,
  threshold: number,
  unit: 'entries' | 'bytes',
  context: RecommendContext = {},
): Pick {
  if (points.length === 0) return { capacity: null, hitRate: null, meanLatencyMs: null, reason: 'no sizes were simulated' };
  const size = (capacity: number): string => sizeLabel(capacity, unit);
  const best = points.reduce((a, b) => (b.hitRate > a.hitRate + EPSILON ? b : a));
  const found = (point: CurvePoint, reason: string): Pick => ({
    capacity: point.capacity,
    hitRate: point.hitRate,
    meanLatencyMs: point.meanLatencyMs,
    reason,
  });
  const none = (reason: string): Pick => ({ capacity: null, hitRate: null, meanLatencyMs: null, reason });
  switch (criterion) {
    case 'tolerance': {
      const point = points.find((p) => p.hitRate >= best.hitRate - threshold - EPSILON)!;
      const last = points[points.length - 1]!;
      const beforeLast = points[points.length - 2];
      const belowCeiling = context.ceiling === undefined || best.hitRate < context.ceiling - Math.max(threshold, EPSILON);
      const rising = beforeLast !== undefined && best === last && last.hitRate - beforeLast.hitRate > threshold && belowCeiling;
      const within =
        point === best ? 'reaching the best hit rate in range' : `within ${points_(threshold)} of the best in range (${percent(best.hitRate)} at ${size(best.capacity)})`;
      return found(
        point,
        `${size(point.capacity)}: the smallest size ${within}, ${percent(point.hitRate)} hit rate` +
          (rising ? '; the curve is still rising at the largest size, so try a wider range' : ''),
      );
    }
    case 'target-hit-rate': {
      const point = points.find((p) => p.hitRate >= threshold - EPSILON);
      if (!point) return none(`no size in range reaches a ${percent(threshold)} hit rate (best: ${percent(best.hitRate)} at ${size(best.capacity)})`);
      return found(point, `${size(point.capacity)}: the smallest size reaching a ${percent(threshold)} hit rate (${percent(point.hitRate)})`);
    }
    case 'target-latency': {
      const point = points.find((p) => p.meanLatencyMs <= threshold + EPSILON);
      const fastest = points.reduce((a, b) => (b.meanLatencyMs < a.meanLatencyMs - EPSILON ? b : a));
      if (!point) return none(`no size in range brings mean latency down to ${ms(threshold)} (best: ${ms(fastest.meanLatencyMs)} at ${size(fastest.capacity)})`);
      return found(point, `${size(point.capacity)}: the smallest size with mean latency at or below ${ms(threshold)} (${ms(point.meanLatencyMs)})`);
    }
    case 'memory-cost': {
      const total = (p: CurvePoint): number => p.meanLatencyMs + threshold * p.capacity;
      const point = points.reduce((a, b) => (total(b) < total(a) - EPSILON ? b : a));
      return found(
        point,
        `${size(point.capacity)}: the lowest mean latency + memory cost, ${ms(point.meanLatencyMs)} + ${ms(threshold * point.capacity)} ` +
          `(${ms(threshold)} x ${size(point.capacity)}) = ${ms(total(point))}`,
      );
    }
  }
}

/** Every criterion for every curve; the last criterion asked for is marked primary. */
export function recommend(curves: readonly Curve[], options: RecommendOptions, context: RecommendContext = {}): Recommendation[] {
  const criteria = criteriaOf(options);
  const recommendations: Recommendation[] = [];
  for (const curve of curves) {
    // A TTL caps the hit rate below the no-TTL ceiling, so the ceiling says nothing there.
    const curveContext = curve.ttl === null ? context : {};
    criteria.forEach(({ criterion, threshold }, index) => {
      const pick = pickSize(curve.points, criterion, threshold, options.unit, curveContext);
      recommendations.push({
        policy: curve.policy,
        ttl: curve.ttl,
        criterion,
        threshold,
        capacity: pick.capacity,
        hitRate: pick.hitRate,
        meanLatencyMs: pick.meanLatencyMs,
        primary: index === criteria.length - 1,
        reason: pick.reason,
        bestPolicyAtSize: pick.capacity === null ? null : bestAt(curves, curve, pick.capacity),
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
  const label = (curve: Curve): string => (curve.ttl === null ? curve.policy : `${curve.policy} with TTL ${ttlLabel(curve.ttl)}`);
  const size = (capacity: number): string => sizeLabel(capacity, options.unit);
  let qualifying: typeof all;
  let why: string;
  switch (criterion) {
    case 'tolerance': {
      const top = Math.max(...all.map(({ point }) => point.hitRate));
      qualifying = all.filter(({ point }) => point.hitRate >= top - threshold - EPSILON);
      why = `within ${points_(threshold)} of the best hit rate of any policy (${percent(top)})`;
      break;
    }
    case 'target-hit-rate':
      qualifying = all.filter(({ point }) => point.hitRate >= threshold - EPSILON);
      why = `reaching a ${percent(threshold)} hit rate`;
      break;
    case 'target-latency':
      qualifying = all.filter(({ point }) => point.meanLatencyMs <= threshold + EPSILON);
      why = `with mean latency at or below ${ms(threshold)}`;
      break;
    case 'memory-cost': {
      const total = (p: CurvePoint): number => p.meanLatencyMs + threshold * p.capacity;
      const winner = all.reduce((a, b) => (total(b.point) < total(a.point) - EPSILON ? b : a));
      return {
        policy: winner.curve.policy,
        ttl: winner.curve.ttl,
        capacity: winner.point.capacity,
        hitRate: winner.point.hitRate,
        meanLatencyMs: winner.point.meanLatencyMs,
        reason: `${label(winner.curve)} at ${size(winner.point.capacity)} has the lowest mean latency + memory cost of all (${ms(total(winner.point))})`,
      };
    }
  }
  if (qualifying.length === 0) return null;
  const smallest = Math.min(...qualifying.map(({ point }) => point.capacity));
  const atSize = all.filter(({ point }) => point.capacity === smallest);
  const winner = atSize.reduce((a, b) => (b.point.hitRate > a.point.hitRate + EPSILON ? b : a));
  return {
    policy: winner.curve.policy,
    ttl: winner.curve.ttl,
    capacity: smallest,
    hitRate: winner.point.hitRate,
    meanLatencyMs: winner.point.meanLatencyMs,
    reason: `${size(smallest)} is the smallest size ${why}; ${label(winner.curve)} does best there with ${percent(winner.point.hitRate)}`,
  };
}

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

function sizeLabel(capacity: number, unit: 'entries' | 'bytes'): string {
  return unit === 'bytes' ? capacityLabel(capacity, unit) : `${integer(capacity)} entries`;
}

/** A tolerance in points of hit rate: 0.01 -> "1 point". */
function points_(fraction: number): string {
  const value = Number((fraction * 100).toPrecision(4));
  return `${value} point${value === 1 ? '' : 's'}`;
}
