/**
 * The recommended cache size, read off a hit-rate curve (algorithms.md §14).
 *
 * Criteria, each a global search over every simulated size (curves can be flat for a while
 * and then jump at a cliff, so stopping at the first knee would pick too small a cache):
 *   diminishing-returns (the default)  the size past which no doubling of the cache buys
 *                    `minGain` (0.01 = one point of hit rate) or more: the end of the last
 *                    segment of the curve that still gains that much per doubling, so a cliff
 *                    further on is found. When that segment ends at the largest size no size
 *                    qualifies: the curve never flattens in range (even if the range ends with
 *                    every key cached), which is said, not answered with "all of it"
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
 * hit rate, then tolerance, then diminishing returns); it also picks the best policy across
 * all curves.
 *
 * Offline bounds (belady) are limits, not caches anyone can deploy: they get no
 * recommendation and are never the best choice or the policy that "does better there".
 * Hit rates within TIE of each other are a tie, broken by less memory (the smaller size
 * wins by construction), then by the simpler policy: the one the policy table lists first.
 */
import type {
  BestChoice,
  CurvePointRef,
  Recommendation,
  RecommendationCriterion,
  ResultRow,
  RowModes,
  TtlChoice,
} from '../model/result.js';
import { modeFields, modesKey, modesOf, sameModes } from '../model/modes.js';
import { findPolicy, POLICIES } from '../policies/index.js';
import { WRITE_POLICIES } from './time/freshness.js';
import { STAMPEDE_MODES } from './time/stampede.js';

export interface RecommendOptions {
  /** Diminishing returns: the least gain in hit rate per doubling that is worth it (0.01 = one point). */
  readonly minGain: number;
  /** Fraction of hit rate, e.g. 0.01 for one point; the tolerance criterion runs only when given. */
  readonly tolerance?: number;
  readonly targetHitRate?: number;
  readonly targetLatencyMs?: number;
  /** Milliseconds of mean latency per entry (or per byte in byte mode) held. */
  readonly memoryCostMs?: number;
  /** Staleness budget, a fraction of gets: pick the TTL x size with the best hit rate within it. */
  readonly maxStale?: number;
}

/** A point of a curve; a sampled estimate also carries its band over the samples. */
export interface CurvePoint extends CurvePointRef {
  readonly band?: { readonly low: number; readonly high: number };
}

/** One policy x modes x TTL curve (modes: the write policy and stampede mode its rows ran under, if any). */
export interface Curve extends RowModes {
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
  readonly marginalGain: number | null;
}

/** Hit rates closer than this (a tenth of a point) are a tie. */
export const TIE = 0.001;

/** Floating-point slack so a hit rate equal to the threshold by arithmetic counts as meeting it. */
export const EPSILON = 1e-12;

/** The criteria to evaluate, most specific (primary) last. */
export function criteriaOf(options: RecommendOptions): { criterion: RecommendationCriterion; threshold: number }[] {
  const list: { criterion: RecommendationCriterion; threshold: number }[] = [
    { criterion: 'diminishing-returns', threshold: options.minGain },
  ];
  if (options.tolerance !== undefined) list.push({ criterion: 'tolerance', threshold: options.tolerance });
  if (options.targetHitRate !== undefined) list.push({ criterion: 'target-hit-rate', threshold: options.targetHitRate });
  if (options.targetLatencyMs !== undefined) list.push({ criterion: 'target-latency', threshold: options.targetLatencyMs });
  if (options.memoryCostMs !== undefined) list.push({ criterion: 'memory-cost', threshold: options.memoryCostMs });
  return list;
}

/** Groups result rows into one curve per policy x modes x TTL, in first-seen order. */
export function curvesOf(rows: readonly ResultRow[]): Curve[] {
  const curves = new Map<string, RowModes & { policy: string; ttl: number | null; points: CurvePoint[] }>();
  for (const row of rows) {
    const modes = modesOf(row);
    const key = `${row.policy}\u0000${modesKey(modes)}\u0000${String(row.ttl)}`;
    let curve = curves.get(key);
    if (!curve) curves.set(key, (curve = { policy: row.policy, ...modes, ttl: row.ttl, points: [] }));
    curve.points.push({
      capacity: row.capacity,
      hitRate: row.hitRate,
      meanLatencyMs: row.latency.mean,
      ...(row.estimate && { band: { low: row.estimate.low, high: row.estimate.high } }),
    });
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
  const base = {
    bestInRange: best,
    fastestInRange: fastest,
    stillRising: false,
    memoryCostMs: null,
    totalCostMs: null,
    marginalGain: null,
  };
  switch (criterion) {
    case 'diminishing-returns': {
      const { index, marginalGain, stillRising } = diminishingReturns(points, threshold);
      // Still rising: the point it rises to stands in as the best in range, for the reason's wording.
      return {
        ...base,
        point: stillRising ? null : points[index]!,
        stillRising,
        marginalGain,
        ...(stillRising && { bestInRange: points[index]! }),
      };
    }
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

/**
 * Diminishing returns on ascending points: the gain per doubling of each segment (its rise
 * over log2 of its size ratio); the recommended point ends the last segment gaining at least
 * `minGain`, or is the first point when none does. `marginalGain` is the steepest gain per
 * doubling past it. When that point is the last one the curve never flattens in range: it
 * is still rising, and `marginalGain` is the gain of the doubling into it.
 */
export function diminishingReturns(
  points: readonly CurvePoint[],
  minGain: number,
): { index: number; marginalGain: number | null; stillRising: boolean } {
  const gains = points.slice(1).map((point, i) => (point.hitRate - points[i]!.hitRate) / Math.log2(point.capacity / points[i]!.capacity));
  let last = -1;
  gains.forEach((gain, i) => {
    if (gain >= minGain - EPSILON) last = i;
  });
  const index = last + 1;
  const end = points.length - 1;
  // Gaining that much right up to the largest size is a curve that never flattens in range, even
  // where the range ends with every key cached: "cache everything" is no answer. A curve flat
  // for a doubling after its pick has flattened, whatever the reason.
  if (index > 0 && index === end) return { index, marginalGain: gains[index - 1]!, stillRising: true };
  const after = gains.slice(index);
  return { index, marginalGain: after.length === 0 ? null : Math.max(...after), stillRising: false };
}

/** Whether a curve's policy is an offline bound (belady): a limit, not a cache to deploy. */
export function isOfflineCurve(curve: { readonly policy: string }): boolean {
  return findPolicy(curve.policy.split(':')[0]!)?.offline === true;
}

/** Every criterion for every deployable curve; the last criterion asked for is marked primary. */
export function recommend(curves: readonly Curve[], options: RecommendOptions, context: RecommendContext = {}): Recommendation[] {
  const criteria = criteriaOf(options);
  const recommendations: Recommendation[] = [];
  for (const curve of curves) {
    if (curve.points.length === 0 || isOfflineCurve(curve)) continue;
    // A TTL caps the hit rate below the no-TTL ceiling, so the ceiling says nothing there.
    const curveContext = curve.ttl === null ? context : {};
    criteria.forEach(({ criterion, threshold }, index) => {
      const pick = pickSize(curve.points, criterion, threshold, curveContext);
      recommendations.push({
        policy: curve.policy,
        ...modeFields(curve),
        ttl: curve.ttl,
        criterion,
        threshold,
        capacity: pick.point?.capacity ?? null,
        hitRate: pick.point?.hitRate ?? null,
        meanLatencyMs: pick.point?.meanLatencyMs ?? null,
        primary: index === criteria.length - 1,
        bestInRange: pointRef(pick.bestInRange),
        fastestInRange: pointRef(pick.fastestInRange),
        stillRising: pick.stillRising,
        memoryCostMs: pick.memoryCostMs,
        totalCostMs: pick.totalCostMs,
        marginalGain: pick.marginalGain,
        bestPolicyAtSize: pick.point === null ? null : bestAt(curves, curve, pick.point.capacity),
      });
    });
  }
  return recommendations;
}

/**
 * The best policy (and TTL) overall under the primary criterion, over every point of every
 * deployable curve: the smallest size at which any curve qualifies, and the curve doing best
 * there (ties broken as the module comment says); for diminishing returns the rule applied to
 * the envelope (the best hit rate of any curve at each size); for memory cost the global
 * minimum of latency + memory. Null when nothing qualifies.
 */
export function bestChoice(curves: readonly Curve[], options: RecommendOptions): BestChoice | null {
  const { criterion, threshold } = criteriaOf(options).at(-1)!;
  const deployable = curves.filter((curve) => !isOfflineCurve(curve));
  const all = deployable.flatMap((curve) => curve.points.map((point) => ({ curve, point })));
  if (all.length === 0) return null;
  const base = { criterion, threshold, topHitRate: null, totalCostMs: null, stillRising: false, marginalGain: null };
  let qualifying: typeof all;
  switch (criterion) {
    case 'diminishing-returns': {
      const sizes = [...new Set(all.map(({ point }) => point.capacity))].sort((a, b) => a - b);
      const envelope = sizes.map((capacity) => ({
        capacity,
        hitRate: Math.max(...all.filter(({ point }) => point.capacity === capacity).map(({ point }) => point.hitRate)),
        meanLatencyMs: 0,
      }));
      const { index, marginalGain, stillRising } = diminishingReturns(envelope, threshold);
      return winnerAt(all, sizes[index]!, { ...base, stillRising, marginalGain });
    }
    case 'tolerance': {
      const top = Math.max(...all.map(({ point }) => point.hitRate));
      qualifying = all.filter(({ point }) => point.hitRate >= top - threshold - EPSILON);
      if (qualifying.length === 0) return null;
      return winnerAt(all, Math.min(...qualifying.map(({ point }) => point.capacity)), { ...base, topHitRate: top });
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
      return { ...pointChoice(winner), tiedWith: [], ...base, totalCostMs: total(winner.point) };
    }
  }
  if (qualifying.length === 0) return null;
  return winnerAt(all, Math.min(...qualifying.map(({ point }) => point.capacity)), base);
}

type CurvePointOf = { readonly curve: Curve; readonly point: CurvePoint };

/** Within TIE of each other. */
function closeEnough(a: CurvePoint, b: CurvePoint): boolean {
  return Math.abs(a.hitRate - b.hitRate) <= TIE + EPSILON;
}

/** A tie: within TIE, or, for sampled estimates, bands over the samples that overlap. */
function ties(a: CurvePoint, b: CurvePoint): boolean {
  if (closeEnough(a, b)) return true;
  return a.band !== undefined && b.band !== undefined && a.band.high >= b.band.low && b.band.high >= a.band.low;
}

/** The point as a recommendation reports it (no band). */
function pointRef(point: CurvePoint): CurvePointRef {
  return { capacity: point.capacity, hitRate: point.hitRate, meanLatencyMs: point.meanLatencyMs };
}

function pointChoice({ curve, point }: CurvePointOf): Pick_<BestChoice, 'policy' | 'ttl' | 'capacity' | 'hitRate' | 'meanLatencyMs'> {
  return {
    policy: curve.policy,
    ...modeFields(curve),
    ttl: curve.ttl,
    capacity: point.capacity,
    hitRate: point.hitRate,
    meanLatencyMs: point.meanLatencyMs,
  };
}

/** The curve doing best at `capacity`; curves within TIE of it tie, and the simplest policy of those wins. */
function winnerAt(
  all: readonly CurvePointOf[],
  capacity: number,
  extra: Omit<BestChoice, 'policy' | 'ttl' | 'capacity' | 'hitRate' | 'meanLatencyMs' | 'tiedWith'>,
): BestChoice {
  const atSize = all.filter(({ point }) => point.capacity === capacity);
  const leader = atSize.reduce((a, b) => (b.point.hitRate > a.point.hitRate ? b : a));
  const tied = atSize.filter(({ point }) => ties(point, leader.point));
  const winner = tied.reduce((a, b) => (preferred(b, a) ? b : a));
  return {
    ...pointChoice(winner),
    tiedWith: tied
      .filter((other) => other !== winner)
      .map(({ curve, point }) => ({
        policy: curve.policy,
        ...modeFields(curve),
        ttl: curve.ttl,
        hitRate: point.hitRate,
        meanLatencyMs: point.meanLatencyMs,
        ...(!closeEnough(point, winner.point) && { withinSamplingError: true as const }),
      })),
    ...extra,
  };
}

/**
 * Between two tied points: the simpler policy; for one policy under several modes (which
 * trade latency and origin load, not hit rate), the lower mean latency; then the simpler mode.
 */
function preferred(a: CurvePointOf, b: CurvePointOf): boolean {
  const policy = simplicity(a.curve.policy) - simplicity(b.curve.policy);
  if (policy !== 0) return policy < 0;
  const latency = a.point.meanLatencyMs - b.point.meanLatencyMs;
  if (Math.abs(latency) > EPSILON) return latency < 0;
  return simpler(a.curve, b.curve);
}

/**
 * Whether `a` is the simpler choice than `b`: the simpler policy, then the simpler mode (the
 * mode tables list plain modes first: `none` before coalescing, invalidation first).
 */
function simpler(a: { policy: string } & RowModes, b: { policy: string } & RowModes): boolean {
  const order = [
    simplicity(a.policy) - simplicity(b.policy),
    // Fewer instances, then the invalidation that needs the least: none, TTLs, a broadcast.
    (a.instances ?? 0) - (b.instances ?? 0),
    modeRank(INVALIDATION_SIMPLICITY, a.invalidation) - modeRank(INVALIDATION_SIMPLICITY, b.invalidation),
    modeRank(WRITE_POLICIES, a.writePolicy) - modeRank(WRITE_POLICIES, b.writePolicy),
    modeRank(STAMPEDE_MODES, a.stampede) - modeRank(STAMPEDE_MODES, b.stampede),
  ];
  return (order.find((difference) => difference !== 0) ?? 0) < 0;
}

const INVALIDATION_SIMPLICITY = ['none', 'ttl-only', 'pubsub'];

function modeRank(table: readonly string[], mode: string | undefined): number {
  // `xfetch:beta=2` ranks as xfetch.
  return mode === undefined ? 0 : table.indexOf(mode.split(':')[0]!);
}

/** A policy's place in the policy table, which lists the simple ones first; tier chains and unknowns last. */
function simplicity(policy: string): number {
  const definition = findPolicy(policy.split(':')[0]!);
  const index = definition === undefined ? -1 : POLICIES.indexOf(definition);
  return index < 0 ? POLICIES.length : index;
}

type Pick_<T, K extends keyof T> = { [P in K]: T[P] };

/**
 * The deployable curve (of `own`'s TTL and modes) with the highest hit rate at `capacity`. `own`
 * keeps the title unless another beats it by more than TIE: a tie is not "does better there".
 */
function bestAt(curves: readonly Curve[], own: Curve, capacity: number): { policy: string; hitRate: number } | null {
  const ownPoint = own.points.find((p) => p.capacity === capacity);
  let best: { policy: string; point: CurvePoint } | null = ownPoint ? { policy: own.policy, point: ownPoint } : null;
  for (const curve of curves) {
    if (curve.ttl !== own.ttl || !sameModes(curve, own) || isOfflineCurve(curve)) continue;
    const point = curve.points.find((p) => p.capacity === capacity);
    if (point === undefined) continue;
    // Taking the title from `own` needs more than a tie (a tenth of a point, or the sampling error).
    const beats =
      best === null || (point.hitRate > best.point.hitRate + EPSILON && !(best.policy === own.policy && ties(point, best.point)));
    if (beats) best = { policy: curve.policy, point };
  }
  return best === null ? null : { policy: best.policy, hitRate: best.point.hitRate };
}

/**
 * The TTL x size (and policy) with the best hit rate whose stale-read rate stays within
 * `budget`, over the deployable rows that counted stale reads. Ties (within TIE) go to less
 * memory, then the shorter TTL (fresher), then the simpler policy. No pick when no row fits.
 */
export function ttlChoice(rows: readonly ResultRow[], budget: number): TtlChoice {
  const within = rows.filter(
    (row) => row.freshness !== undefined && row.freshness.staleReadRate <= budget + EPSILON && !isOfflineCurve(row),
  );
  if (within.length === 0) return { budget, pick: null };
  const top = Math.max(...within.map((row) => row.hitRate));
  const ttlOrder = (ttl: number | null): number => (ttl === null ? Infinity : ttl);
  const winner = within
    .filter((row) => row.hitRate >= top - TIE - EPSILON)
    .reduce((a, b) => {
      if (b.capacity !== a.capacity) return b.capacity < a.capacity ? b : a;
      if (b.ttl !== a.ttl) return ttlOrder(b.ttl) < ttlOrder(a.ttl) ? b : a;
      return simpler({ policy: b.policy, ...modesOf(b) }, { policy: a.policy, ...modesOf(a) }) ? b : a;
    });
  return {
    budget,
    pick: {
      policy: winner.policy,
      ...modesOf(winner),
      ttl: winner.ttl,
      capacity: winner.capacity,
      hitRate: winner.hitRate,
      staleReadRate: winner.freshness!.staleReadRate,
    },
  };
}
