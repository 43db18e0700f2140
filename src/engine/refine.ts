/**
 * Targets met exactly, not on the sweep's grid: after the sweep, a target recommendation
 * (hit rate or latency) that landed on a grid point with a failing point below it is
 * bisected between the two with extra replays, down to the smallest size that meets the
 * target to within 1% of the size (or one entry). A doubling grid otherwise recommends up to
 * twice the memory the target needs.
 *
 * Bisection assumes the curve is monotone between the two points: exact for stack policies
 * (LRU, and any cache at a larger size holding a superset), close for the rest. The refined
 * size always met the target in its own replay; only "smallest" leans on monotonicity.
 */
import type { Recommendation, RowModes } from '../model/result.js';
import { modesKey } from '../model/modes.js';
import type { Trace } from '../trace/trace.js';
import { runJob, type Job, type ReplaySettings } from './jobs.js';
import { EPSILON, type CurvePoint } from './recommend.js';
import { rowOf } from './rows.js';

/** Stop bisecting when the bracket is this fraction of the size wide. */
export const REFINE_PRECISION = 0.01;

/** A curve's jobs, one per grid size, in size order: what the refinement replays at other sizes. */
export interface CurveJobs extends RowModes {
  readonly policy: string;
  readonly ttl: number | null;
  readonly jobs: readonly Job[];
}

/** The recommendations with targets refined, and the points measured on the way (per curve, by `policy ttl`). */
export interface Refined {
  readonly recommendations: Recommendation[];
  readonly points: Map<string, CurvePoint[]>;
}

export function curveKey(curve: RowModes & { readonly policy: string; readonly ttl: number | null }): string {
  return `${curve.policy}\u0000${modesKey(curve)}\u0000${String(curve.ttl)}`;
}

export function refineTargets(
  trace: Trace,
  curves: readonly CurveJobs[],
  recommendations: readonly Recommendation[],
  settings: ReplaySettings,
  grid: readonly number[],
): Refined {
  const points = new Map<string, CurvePoint[]>();
  const jobsOf = new Map(curves.map((curve) => [curveKey(curve), curve.jobs]));
  const refined = recommendations.map((rec) => {
    if ((rec.criterion !== 'target-hit-rate' && rec.criterion !== 'target-latency') || rec.capacity === null) return rec;
    const jobs = jobsOf.get(curveKey(rec));
    const at = grid.indexOf(rec.capacity);
    // Only a single cache can be resized here; a grid's first size has nothing below it.
    if (jobs === undefined || at <= 0 || !resizable(jobs[at]!)) return rec;
    const meets = (point: CurvePoint): boolean =>
      rec.criterion === 'target-hit-rate' ? point.hitRate >= rec.threshold - EPSILON : point.meanLatencyMs <= rec.threshold + EPSILON;
    const measured = points.get(curveKey(rec)) ?? [];
    points.set(curveKey(rec), measured);
    const measure = (capacity: number): CurvePoint => {
      const known = measured.find((point) => point.capacity === capacity);
      if (known) return known;
      const job = resized(jobs[at]!, capacity);
      const row = rowOf(job, runJob(trace, job, settings), settings);
      const point = { capacity, hitRate: row.hitRate, meanLatencyMs: row.latency.mean };
      measured.push(point);
      return point;
    };
    let low = grid[at - 1]!;
    let high = rec.capacity;
    let best: CurvePoint = { capacity: high, hitRate: rec.hitRate!, meanLatencyMs: rec.meanLatencyMs! };
    while (high - low > Math.max(1, high * REFINE_PRECISION)) {
      const middle = Math.floor((low + high) / 2);
      const point = measure(middle);
      if (meets(point)) [high, best] = [middle, point];
      else low = middle;
    }
    if (best.capacity === rec.capacity) return { ...rec, refined: true };
    // Other policies were not replayed at the refined size, so none can be named as doing better there.
    return {
      ...rec,
      capacity: best.capacity,
      hitRate: best.hitRate,
      meanLatencyMs: best.meanLatencyMs,
      bestPolicyAtSize: null,
      refined: true,
    };
  });
  for (const list of points.values()) list.sort((a, b) => a.capacity - b.capacity);
  return { recommendations: refined, points };
}

function resizable(job: Job): boolean {
  return job.tiers.length === 1 && !job.tiered && job.label === undefined;
}

function resized(job: Job, capacity: number): Job {
  return { ...job, capacity, tiers: [{ ...job.tiers[0]!, capacity }] };
}
