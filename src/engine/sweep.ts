/**
 * The sweep: hit-rate curves for policies x TTLs over many sizes, and the recommended size.
 *
 * Each curve takes the cheapest route that stays faithful:
 *   mattson  `lru` where the one-pass stack-distance curve equals per-size replays exactly
 *   replay   every other policy, and `lru` where the curve would not be exact (TTL, deletes,
 *            byte capacity, a cost column): one replay per size, on worker threads
 *   shards   with sampling, `lru` through SHARDS on the sampled keys
 *   minisim  with sampling, every other policy replayed on the sampled keys at size x rate
 * Rows come out in the same policy -> TTL -> size order as `run`, so every renderer works.
 */
import { UsageError } from '../errors.js';
import type { CurveBlocker, CurveMethod, ResultRow, RunResult, Sampling } from '../model/result.js';
import { OP_DELETE, OP_GET, type Trace } from '../trace/trace.js';
import { resultOf, toRow, withJitter, type GridConfig } from './grid.js';
import { exactCurveBlocker, lruCurveCounts } from './lru-curve.js';
import { parallelOptionsOf, replayJobs, type ParallelOptions, type ReplayJob } from './parallel.js';
import { bestChoice, curvesOf, recommend, type RecommendOptions } from './recommend.js';
import type { ReplayCounts } from './replay.js';
import { miniCapacity, samplingMask, sampleTrace, scaleSampledCounts, shardsLruCounts, traceTotals, type TraceTotals } from './shards.js';

/** The plain grid settings plus TTL jitter: the time-aware simulator (tiers, stampedes, writes) is `run`'s alone. */
export interface SweepConfig extends Omit<GridConfig, 'timed'>, Pick<ParallelOptions, 'workers' | 'mode' | 'pool'> {
  /** Fraction of keys to keep (0 < rate < 1); undefined or 1 = the whole trace. */
  readonly sample?: number;
  readonly recommend: RecommendOptions;
}

type Method = CurveMethod['method'];

export async function runSweep(trace: Trace, config: SweepConfig): Promise<RunResult> {
  const rate = config.sample !== undefined && config.sample < 1 ? config.sample : undefined;
  const totals = rate === undefined ? undefined : traceTotals(trace, config.cost.missCost);
  const mask = rate === undefined ? undefined : samplingMask(trace.keySpace, rate, config.seed);
  const sampled = rate === undefined ? undefined : sampleTrace(trace, mask!, rate);
  if (sampled !== undefined && traceTotals(sampled).lookups === 0 && totals!.lookups > 0) {
    // Scaling up nothing would claim every lookup hits (the SHARDS adjustment fills the gap).
    throw new UsageError(`rate ${rate} keeps no looked-up key of this trace; raise it`, '--sample');
  }

  interface Plan {
    readonly policy: string;
    readonly ttl: number | null;
    readonly method: Method;
    readonly blocker: CurveBlocker | null;
    /** Curve counts per capacity, for one-pass methods (filled in once every plan is known). */
    counts?: ReplayCounts[];
    /** Index of the first of this curve's replay jobs. */
    readonly firstJob?: number;
  }
  const plans: Plan[] = [];
  const jobs: ReplayJob[] = [];
  for (const policy of config.policies) {
    for (const ttl of config.ttls) {
      const isLru = policy.definition.name === 'lru';
      const blocker = isLru ? exactCurveBlocker(trace, config.unit, ttl) : 'no-one-pass-model';
      if (isLru && blocker === null) {
        plans.push({ policy: policy.name, ttl, method: rate === undefined ? 'mattson' : 'shards', blocker: null });
        continue;
      }
      plans.push({ policy: policy.name, ttl, method: rate === undefined ? 'replay' : 'minisim', blocker, firstJob: jobs.length });
      for (const capacity of config.capacities) {
        jobs.push({ policy, ttl, capacity: rate === undefined ? capacity : miniCapacity(capacity, rate) });
      }
    }
  }

  // Progress counts requests read: each one-pass curve reads the whole trace once (SHARDS
  // too, skipping unsampled keys), then every replay job reads the (sampled) trace.
  const curvePlans = plans.filter((plan) => plan.firstJob === undefined);
  const curveWork = curvePlans.length * trace.length;
  const total = curveWork + jobs.length * (sampled ?? trace).length;
  const onProgress = config.onProgress;
  curvePlans.forEach((plan, k) => {
    const progress = onProgress && ((done: number): void => { onProgress(k * trace.length + done, total); });
    plan.counts =
      rate === undefined
        ? lruCurveCounts(trace, config.capacities, progress)
        : shardsLruCounts(trace, config.capacities, rate, mask!, totals!, progress);
  });
  const replayed = await replayJobs(sampled ?? trace, jobs, {
    ...parallelOptionsOf(config),
    ...(onProgress && { onProgress: (done: number) => { onProgress(curveWork + done, total); } }),
  });

  const rows: ResultRow[] = [];
  const push = (row: ResultRow): void => void rows.push(withJitter(row, config.ttlJitter));
  for (const plan of plans) {
    config.capacities.forEach((capacity, i) => {
      if (plan.counts) {
        push(toRow(plan.policy, plan.ttl, capacity, plan.counts[i]!, config.cost));
        return;
      }
      const counts = replayed[plan.firstJob! + i]!;
      if (rate === undefined) {
        push(toRow(plan.policy, plan.ttl, capacity, counts, config.cost));
        return;
      }
      const row = toRow(plan.policy, plan.ttl, capacity, scaleSampledCounts(counts, rate, totals!), config.cost);
      // Per-request costs: the sample's own latency distribution is the estimate.
      push(trace.costs ? { ...row, latency: toRow(plan.policy, plan.ttl, capacity, counts, config.cost).latency } : row);
    });
  }

  const options: RecommendOptions = config.recommend;
  const curves = curvesOf(rows);
  return {
    ...resultOf(trace, { ...config, command: config.command ?? 'sweep' }, rows),
    sampling: rate === undefined ? null : samplingOf(trace, sampled!, rate, totals!, plans),
    curves: plans.map(({ policy, ttl, method, blocker }) => ({ policy, ttl, method, blocker })),
    recommendations: recommend(curves, options, { ceiling: infiniteCacheHitRate(trace) }),
    best: bestChoice(curves, options),
  };
}

/** Skew beyond which the note warns: the sample's share of lookups is off by more than this. */
const SKEW_WARNING = 0.1;

function samplingOf(trace: Trace, sampled: Trace, rate: number, totals: TraceTotals, plans: readonly { method: Method }[]): Sampling {
  const expectedLookups = rate * totals.lookups;
  const sampledLookups = traceTotals(sampled).lookups;
  const skew = expectedLookups > 0 ? sampledLookups / expectedLookups - 1 : 0;
  return {
    rate,
    methods: [...new Set(plans.map((plan) => plan.method as 'shards' | 'minisim'))],
    estimates: true,
    sampledKeys: sampled.keySpace,
    totalKeys: trace.keySpace,
    sampledLookups,
    expectedLookups,
    skew,
    skewed: Math.abs(skew) > SKEW_WARNING,
  };
}

/** Hit rate of an unbounded cache without TTL: each key's first lookup misses, the rest hit. */
export function infiniteCacheHitRate(trace: Trace): number {
  const seen = new Uint8Array(trace.keySpace);
  const { keys, ops } = trace;
  let lookups = 0;
  let cold = 0;
  for (let i = 0; i < trace.length; i++) {
    const id = keys[i]!;
    const op = ops === undefined ? OP_GET : ops[i]!;
    if (op === OP_DELETE) continue;
    if (op === OP_GET) {
      lookups++;
      if (seen[id] === 0) cold++;
    }
    seen[id] = 1;
  }
  return lookups === 0 ? 0 : (lookups - cold) / lookups;
}
