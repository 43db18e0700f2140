/**
 * The latency model: every lookup pays `lookupCost`; a miss also pays its miss cost (the
 * time to compute or fetch the value), either `--miss-cost` or the request's `cost` column.
 * Without a cache every request pays only its miss cost. Times are seconds.
 */
import type { ReplayCounts } from './replay.js';

export interface CostModel {
  /** Seconds per cache lookup, paid on hits and misses alike. */
  readonly lookupCost: number;
  /** Seconds per miss, for requests without their own `cost`. */
  readonly missCost: number;
}

export interface LatencyStats {
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  /** The slowest request. */
  readonly max: number;
  /** Mean latency with no cache at all. */
  readonly noCache: number;
  /** noCache / mean; below 1 means the cache makes things slower. */
  readonly speedup: number;
  readonly slowerThanNoCache: boolean;
}

export function latencyOf(counts: ReplayCounts, model: CostModel): LatencyStats {
  const n = counts.requests;
  if (n === 0) {
    return { mean: 0, p50: 0, p95: 0, p99: 0, p999: 0, max: 0, noCache: 0, speedup: 1, slowerThanNoCache: false };
  }
  const perRequestCosts = counts.missCosts !== undefined;
  const totalMissCost = perRequestCosts ? counts.missCostSum : counts.misses * model.missCost;
  const noCache = perRequestCosts ? counts.costSum / n : model.missCost;
  const mean = model.lookupCost + totalMissCost / n;

  // Latencies sorted ascending: `hits` lookups at lookupCost, then each miss (sorted by cost).
  // Nearest-rank percentile: the ceil(p * n)-th smallest.
  const percentile = (p: number): number => {
    const rank = Math.max(1, Math.ceil(p * n));
    if (rank <= counts.hits) return model.lookupCost;
    const missRank = rank - counts.hits - 1;
    const missCost = perRequestCosts ? counts.missCosts[missRank]! : model.missCost;
    return model.lookupCost + missCost;
  };

  return {
    mean,
    p50: percentile(0.5),
    p95: percentile(0.95),
    p99: percentile(0.99),
    p999: percentile(0.999),
    max: percentile(1),
    noCache,
    speedup: mean > 0 ? noCache / mean : Infinity,
    slowerThanNoCache: mean > noCache,
  };
}
