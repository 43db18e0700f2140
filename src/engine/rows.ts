/**
 * The one place result rows are built: a job and its counts in, a ResultRow out. Plain and
 * time-aware jobs, sampled estimates and one-pass curves all come through here, so a row of
 * `run`, `sweep`, `gate` and the real-server comparison has one shape.
 */
import type { IntervalStats, LatencyMs, OriginWaits, ResultRow, RunOptions, RunResult } from '../model/result.js';
import type { IntervalCounts, IntervalSpec } from './intervals.js';
import { SCHEMA_VERSION } from '../model/result.js';
import { summarizeTrace } from '../trace/summary.js';
import type { Trace } from '../trace/trace.js';
import { VERSION } from '../version.js';
import { latencyOf, type LatencyStats } from './cost.js';
import { isTimedCounts, jobLabel, type Job, type JobCounts, type ReplaySettings } from './jobs.js';
import type { ReplayCounts } from './replay.js';
import { latencyFromSamples } from './time/simulate.js';
import { stampedeLabel } from './time/stampede.js';

/** The row of one job. Latency comes from the cost model, or from the simulator's own samples. */
export function rowOf(job: Job, counts: JobCounts, settings: ReplaySettings): ResultRow {
  const base = countsRow(jobLabel(job), job.ttl, job.capacity, counts, settings);
  const jitter = settings.ttlJitter > 0 && job.ttl !== null ? { ttlJitter: settings.ttlJitter } : {};
  if (!isTimedCounts(counts)) return { ...base, ...jitter };
  const latency = latencyFromSamples(counts);
  const requests = counts.requests;
  return {
    ...base,
    latency: latencyMs({
      ...latency,
      speedup: latency.mean > 0 ? latency.noCache / latency.mean : Infinity,
      slowerThanNoCache: latency.mean > latency.noCache,
    }),
    ...jitter,
    ...(counts.originLoad && { originLoad: counts.originLoad }),
    ...(job.writePolicy !== undefined && {
      freshness: {
        writePolicy: job.writePolicy,
        staleReads: counts.staleReads,
        staleReadRate: requests ? counts.staleReads / requests : 0,
        ...(job.writePolicy === 'write-behind' && {
          writesCoalesced: counts.writesCoalesced,
          longestPendingMs: counts.longestPending * 1e3,
          flushes: counts.flushes,
        }),
      },
    }),
    ...(job.stampede !== undefined && {
      stampede: {
        mode: stampedeLabel(job.stampede),
        originFetches: counts.originFetches,
        peakConcurrentFetches: counts.peakConcurrentFetches,
        coalescedWaits: counts.coalescedWaits,
        earlyRefreshes: counts.earlyRefreshes,
        staleServes: counts.staleServes,
        originWaits: originWaits(counts.missLatencies),
      },
    }),
    ...(job.tiered && {
      tiers: job.tiers.map((tier, t) => {
        const { lookups, hits } = counts.tiers[t]!;
        return {
          policy: tier.policy.name,
          capacity: tier.capacity,
          lookupMs: tier.lookupCost * 1e3,
          lookups,
          hits,
          hitRate: lookups ? hits / lookups : 0,
          shareOfRequests: requests ? hits / requests : 0,
        };
      }),
    }),
  };
}

/**
 * The latency of the requests that waited on the origin (their own fetch or one in flight),
 * from the simulator's sorted miss latencies: the distribution the all-request percentiles
 * hide when most requests hit.
 */
function originWaits(sorted: Float64Array): OriginWaits {
  const n = sorted.length;
  const rank = (p: number): number => (n === 0 ? 0 : sorted[Math.max(1, Math.ceil(p * n)) - 1]! * 1e3);
  return { requests: n, p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: rank(1) };
}

/** The counts part of a row, priced with the cost model of the settings (a real server's counts too). */
export function countsRow(policy: string, ttl: number | null, capacity: number, counts: ReplayCounts, settings: ReplaySettings): ResultRow {
  const latency = latencyOf(counts, { lookupCost: settings.lookupCost, missCost: settings.missCost });
  return {
    policy,
    ttl,
    capacity,
    requests: counts.requests,
    hits: counts.hits,
    misses: counts.misses,
    expiredMisses: counts.expiredMisses,
    ...(counts.coldMisses !== undefined && { coldMisses: counts.coldMisses }),
    ...(counts.capacityMisses !== undefined && { capacityMisses: counts.capacityMisses }),
    uncacheable: counts.uncacheable,
    writes: counts.writes,
    deletes: counts.deletes,
    hitRate: counts.requests ? counts.hits / counts.requests : 0,
    byteHitRate: counts.bytesRequested ? counts.bytesHit / counts.bytesRequested : 0,
    finalEntries: counts.finalEntries,
    finalBytes: counts.finalBytes,
    latency: latencyMs(latency),
    ...(counts.intervals && settings.interval && { intervals: intervalsOf(counts.intervals, settings.interval) }),
  };
}

/** Per interval: where it starts (request number, or seconds from the first request), lookups, hits, hit rate. */
function intervalsOf(counts: IntervalCounts, spec: IntervalSpec): IntervalStats[] {
  return Array.from(counts.lookups, (lookups, k) => {
    const hits = counts.hits[k]!;
    return { from: k * spec.size, lookups, hits, hitRate: lookups > 0 ? hits / lookups : null };
  });
}

/** The engine's latency figures (seconds) as the result carries them (milliseconds). */
function latencyMs(latency: LatencyStats): LatencyMs {
  return {
    mean: latency.mean * 1e3,
    p50: latency.p50 * 1e3,
    p95: latency.p95 * 1e3,
    p99: latency.p99 * 1e3,
    p999: latency.p999 * 1e3,
    max: latency.max * 1e3,
    noCache: latency.noCache * 1e3,
    speedup: latency.speedup,
    slowerThanNoCache: latency.slowerThanNoCache,
  };
}

/** The result object around finished rows: the trace's summary, the options, the rows. */
export function resultOf(trace: Trace, command: string, options: RunOptions, rows: ResultRow[]): RunResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'cachebench', version: VERSION },
    command,
    trace: summarizeTrace(trace),
    options,
    rows,
  };
}
