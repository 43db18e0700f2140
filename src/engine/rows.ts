/**
 * The one place result rows are built: a job and its counts in, a ResultRow out. Plain and
 * time-aware jobs, sampled estimates and one-pass curves all come through here, so a row of
 * `run`, `sweep`, `gate` and the real-server comparison has one shape.
 */
import type {
  FleetStats,
  InstanceStats,
  IntervalStats,
  LatencyMs,
  OriginWaits,
  ResultRow,
  RunOptions,
  RunResult,
  StalenessAges,
  TraceSummary,
} from '../model/result.js';
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
import { ttlClassesLabel } from './ttl-classes.js';
import { invalidationLabel, type FleetConfig } from './time/fleet.js';
import { incidentLabel, originLimitLabel } from './time/incidents.js';
import type { TimedCounts } from './time/simulate.js';

/** The row of one job. Latency comes from the cost model, or from the simulator's own samples. */
export function rowOf(job: Job, counts: JobCounts, settings: ReplaySettings): ResultRow {
  const base = {
    ...countsRow(jobLabel(job), job.ttl, job.capacity, counts, settings),
    ...(job.ttlClasses !== undefined && { ttlClasses: ttlClassesLabel(job.ttlClasses) }),
  };
  const jitter = settings.ttlJitter > 0 && (job.ttl !== null || job.ttlClasses !== undefined) ? { ttlJitter: settings.ttlJitter } : {};
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
    ...((job.writePolicy !== undefined || job.fleet !== undefined) && {
      freshness: {
        writePolicy: job.writePolicy ?? 'write-through',
        staleReads: counts.staleReads,
        staleReadRate: requests ? counts.staleReads / requests : 0,
        ...(job.writePolicy === 'write-behind' && {
          writesCoalesced: counts.writesCoalesced,
          longestPendingMs: counts.longestPending * 1e3,
          flushes: counts.flushes,
        }),
        ...(counts.staleAges !== undefined && counts.staleAges.length > 0 && { staleAge: staleAgeOf(counts.staleAges) }),
      },
    }),
    ...(job.fleet !== undefined && { fleet: fleetOf(job.fleet, counts) }),
    ...(job.originLimit !== undefined &&
      counts.originLimit !== undefined && {
        originLimit: {
          limit: originLimitLabel(job.originLimit),
          shed: counts.originLimit.shed,
          delayed: counts.originLimit.delayed,
          meanDelayMs: counts.originLimit.delayed ? (counts.originLimit.delaySum / counts.originLimit.delayed) * 1e3 : 0,
          longestDelayMs: counts.originLimit.longestDelay * 1e3,
        },
      }),
    ...(job.incidents !== undefined &&
      counts.incidents !== undefined && {
        incidents: job.incidents.map((incident, k) => ({
          incident: incidentLabel(incident),
          kind: incident.kind,
          tier: `L${incident.tier + 1}`,
          atSeconds: incident.at,
          durationSeconds: incident.duration,
          ...counts.incidents![k]!,
        })),
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

/** The fleet's figures: L1 over all gets, the shared tiers over what reached them, per instance. */
function fleetOf(fleet: FleetConfig, counts: TimedCounts): FleetStats {
  const [l1, ...below] = counts.tiers;
  const sharedLookups = below[0]?.lookups ?? 0;
  const sharedHits = below.reduce((sum, tier) => sum + tier.hits, 0);
  const perInstance: InstanceStats[] = (counts.instances ?? [{ gets: counts.requests, hits: l1!.hits, staleReads: counts.staleReads }]).map(
    (instance) => ({
      gets: instance.gets,
      l1Hits: instance.hits,
      l1HitRate: instance.gets ? instance.hits / instance.gets : 0,
      staleReads: instance.staleReads,
    }),
  );
  return {
    instances: fleet.instances,
    balance: fleet.balance,
    invalidation: invalidationLabel(fleet.invalidation),
    l1HitRate: counts.requests ? l1!.hits / counts.requests : 0,
    sharedHitRate: below.length === 0 ? null : sharedLookups ? sharedHits / sharedLookups : 0,
    originFetches: counts.originFetches,
    staleReads: counts.staleReads,
    perInstance,
  };
}

/** The nearest-rank p-th percentile of sorted seconds, in ms; 0 for none. */
function nearestRankMs(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  return n === 0 ? 0 : sorted[Math.max(1, Math.ceil(p * n)) - 1]! * 1e3;
}

/** Nearest-rank percentiles of the sorted staleness ages (seconds), in ms. */
function staleAgeOf(sorted: Float64Array): StalenessAges {
  const rank = (p: number): number => nearestRankMs(sorted, p);
  return { p50Ms: rank(0.5), p90Ms: rank(0.9), p99Ms: rank(0.99), maxMs: rank(1) };
}

/**
 * The latency of the requests that waited on the origin (their own fetch or one in flight),
 * from the simulator's sorted miss latencies: the distribution the all-request percentiles
 * hide when most requests hit.
 */
function originWaits(sorted: Float64Array): OriginWaits {
  const rank = (p: number): number => nearestRankMs(sorted, p);
  return { requests: sorted.length, p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: rank(1) };
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
  const origin = counts.originFetches;
  return Array.from(counts.lookups, (lookups, k) => {
    const hits = counts.hits[k]!;
    return {
      from: k * spec.size,
      lookups,
      hits,
      hitRate: lookups > 0 ? hits / lookups : null,
      ...(origin !== undefined && { originFetches: origin[k]! }),
      ...(origin !== undefined && spec.unit === 'seconds' && { originPerSecond: origin[k]! / spec.size }),
    };
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
  return resultWith(summarizeTrace(trace), command, options, rows);
}

/** The result object around finished rows, given the trace's summary (a streamed trace's is gathered as it is read). */
export function resultWith(summary: TraceSummary, command: string, options: RunOptions, rows: ResultRow[]): RunResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'cachebench', version: VERSION },
    command,
    trace: summary,
    options,
    rows,
  };
}
