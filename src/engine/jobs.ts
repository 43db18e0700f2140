/**
 * The one job type of the replay core, and the one function that runs a job.
 *
 * A job is one cell of a grid: the cache (one policy at one capacity, or a chain of tiers),
 * a TTL, and optionally what a `set` does (write policy) and how concurrent misses behave
 * (stampede). Every command is a list of jobs run by the executor (executor.ts), inline or
 * on worker threads; every result row is built from a job and its counts by rows.ts.
 *
 * A plain job (one cache, no write policy, no stampede, no tier statistics asked for) runs
 * through the hot loops of replay.ts; any other job through the time-aware simulator
 * (time/simulate.ts). The two agree wherever both apply (test/engine/time/ holds them equal),
 * so which one runs is a question of speed only.
 */
import { parsePolicySpec, type PolicySpec } from '../policies/index.js';
import type { Trace } from '../trace/trace.js';
import { replay, type ReplayConfig, type ReplayCounts } from './replay.js';
import type { WritePolicy } from './time/freshness.js';
import { simulateTimed, type TimedCounts } from './time/simulate.js';
import { stampedeLabel, type StampedeConfig } from './time/stampede.js';
import type { RowModes } from '../model/result.js';
import { tiersLabel, type TierSpec } from './time/tiers.js';
import type { IntervalSpec } from './intervals.js';
import { warmupEnd, type WarmupSpec } from './warmup.js';
import { keyTtlsOf, ttlClassesLabel, type TtlClasses } from './ttl-classes.js';
import { invalidationLabel, type FleetConfig } from './time/fleet.js';
import type { Incident, OriginLimit } from './time/incidents.js';

export interface Job {
  /** The caches, closest first; one entry for a single cache (its lookup cost is the grid's). */
  readonly tiers: readonly TierSpec[];
  /** The row's capacity: the cache's size, or for tiers the total (or the swept tier's size). */
  readonly capacity: number;
  /** Default TTL in seconds, or null for none; a request's own `ttl` wins. */
  readonly ttl: number | null;
  readonly writePolicy?: WritePolicy;
  readonly stampede?: StampedeConfig;
  /** The row reports per-tier statistics (the user asked for tiers, even a single one). */
  readonly tiered: boolean;
  /** The row's policy label when not the default (a swept tier chain shows its swept size as `*`). */
  readonly label?: string;
  /** Per-class TTLs in place of one default TTL (`ttl` is then their `*` rule's, for the row). */
  readonly ttlClasses?: TtlClasses;
  /** The classes resolved to one TTL per key, in shared memory: filled in where the trace has its key text. */
  readonly keyTtls?: Float64Array;
  /** Many instances, each with its own L1 (the first tier). */
  readonly fleet?: FleetConfig;
  /** Outages and restarts of tiers. */
  readonly incidents?: readonly Incident[];
  /** The origin's limit on fetches per second. */
  readonly originLimit?: OriginLimit;
}

/** Settings shared by every job of a grid. Durations are seconds, as everywhere in the engine. */
export interface ReplaySettings {
  readonly unit: 'entries' | 'bytes';
  readonly seed: number;
  /** Seconds per lookup of a single cache (tiers carry their own). */
  readonly lookupCost: number;
  /** Seconds per miss, for requests whose `cost` column is empty (or without one). */
  readonly missCost: number;
  /** TTL jitter j in [0, 1): each write's TTL becomes ttl x (1 + j(2U - 1)); 0 = none. */
  readonly ttlJitter: number;
  /** Seconds between write-behind flushes. */
  readonly flushInterval: number;
  /** Count hit rate over time too, every so many requests or seconds. */
  readonly interval?: IntervalSpec;
  /** Leave the first requests out of every count (resolved against each trace a job runs on). */
  readonly warmup?: WarmupSpec;
}

/** Default write-behind flush interval, seconds. */
export const DEFAULT_FLUSH_INTERVAL = 1;

/** Settings with the defaults filled in: no jitter, the default flush interval, free lookups and misses. */
export function replaySettings(given: Pick<ReplaySettings, 'unit' | 'seed'> & Partial<ReplaySettings>): ReplaySettings {
  return { lookupCost: 0, missCost: 0, ttlJitter: 0, flushInterval: DEFAULT_FLUSH_INTERVAL, ...given };
}

/** The counts of one job: a plain replay's, or the time-aware simulator's (which has `tiers`). */
export type JobCounts = ReplayCounts | TimedCounts;

export function isTimedCounts(counts: JobCounts): counts is TimedCounts {
  return 'tierHitLatencies' in counts;
}

/** A job on one cache, as most grids are made of. */
export function cacheJob(policy: PolicySpec, capacity: number, ttl: number | null, lookupCost: number, modes: JobModes = {}): Job {
  return { tiers: [{ policy, capacity, lookupCost }], capacity, ttl, tiered: false, ...modes };
}

export interface JobModes {
  readonly writePolicy?: WritePolicy;
  readonly stampede?: StampedeConfig;
  readonly fleet?: FleetConfig;
}

/** Whether the job needs the time-aware simulator. */
export function isTimedJob(job: Job): boolean {
  return (
    job.tiered ||
    job.tiers.length > 1 ||
    job.writePolicy !== undefined ||
    job.stampede !== undefined ||
    job.fleet !== undefined ||
    job.incidents !== undefined ||
    job.originLimit !== undefined
  );
}

/** The job with its per-class TTLs resolved against the trace (done where the trace has its key text). */
export function withKeyTtls(trace: Trace, job: Job): Job {
  return job.ttlClasses === undefined || job.keyTtls !== undefined ? job : { ...job, keyTtls: keyTtlsOf(trace, job.ttlClasses) };
}

/** The row's policy label: the policy spec, or the tier chain as typed (`lru:1000@0.05ms > ...`). */
export function jobLabel(job: Job): string {
  return job.label ?? (job.tiered ? tiersLabel(job.tiers) : job.tiers[0]!.policy.name);
}

/** The modes of a job as a row reports them (`xfetch:beta=2`, not the parsed config). */
export function jobModes(job: Job): RowModes {
  return {
    ...(job.writePolicy !== undefined && { writePolicy: job.writePolicy }),
    ...(job.stampede !== undefined && { stampede: stampedeLabel(job.stampede) }),
    ...(job.fleet !== undefined && { instances: job.fleet.instances, invalidation: invalidationLabel(job.fleet.invalidation) }),
    ...(job.ttlClasses !== undefined && { ttlClasses: ttlClassesLabel(job.ttlClasses) }),
  };
}

/** Runs one job over the whole trace. `onProgress` gets the requests done so far. */
export function runJob(trace: Trace, given: Job, settings: ReplaySettings, onProgress?: (done: number, total: number) => void): JobCounts {
  const job = withKeyTtls(trace, given);
  if (!isTimedJob(job)) return replay(trace, replayConfigOf(trace, job, settings, onProgress));
  const { ttl, keyTtls, jitter, progress } = sharedConfig(trace, job, settings, onProgress);
  return simulateTimed(trace, {
    tiers: job.tiers,
    unit: settings.unit,
    seed: settings.seed,
    defaultMissCost: settings.missCost,
    writePolicy: job.writePolicy ?? 'write-through',
    flushInterval: settings.flushInterval,
    ...(job.stampede && { stampede: job.stampede }),
    ...(job.fleet && { fleet: job.fleet }),
    ...(job.incidents && { incidents: job.incidents }),
    ...(job.originLimit && { originLimit: job.originLimit }),
    ...ttl,
    ...keyTtls,
    ...jitter,
    ...progress,
  });
}

/**
 * The replay of a plain job (not `isTimedJob`) over `trace` - the trace or, streamed, its
 * shape - with its per-class TTLs already resolved (`withKeyTtls`).
 */
export function replayConfigOf(
  trace: Trace,
  job: Job,
  settings: ReplaySettings,
  onProgress?: (done: number, total: number) => void,
): ReplayConfig {
  const { ttl, keyTtls, jitter, progress } = sharedConfig(trace, job, settings, onProgress);
  const cache = job.tiers[0]!;
  return {
    policy: cache.policy,
    capacity: cache.capacity,
    unit: settings.unit,
    seed: settings.seed,
    defaultMissCost: settings.missCost,
    ...ttl,
    ...keyTtls,
    ...jitter,
    ...progress,
  };
}

/** What the plain replay and the time-aware simulator are configured with alike. */
function sharedConfig(trace: Trace, job: Job, settings: ReplaySettings, onProgress?: (done: number, total: number) => void) {
  return {
    ttl: job.ttl === null || job.keyTtls !== undefined ? {} : { ttl: job.ttl },
    keyTtls: job.keyTtls === undefined ? {} : { keyTtls: job.keyTtls },
    jitter: settings.ttlJitter > 0 ? { ttlJitter: settings.ttlJitter } : {},
    progress: {
      ...(onProgress && { onProgress }),
      ...(settings.interval && { interval: settings.interval }),
      ...(settings.warmup && { warmup: warmupEnd(trace, settings.warmup) }),
    },
  };
}

/**
 * A job as it crosses to a worker thread: plain data. Policy specs travel as their canonical
 * text and are parsed again on the other side, since a parsed spec holds functions.
 */
export interface WireJob {
  readonly tiers: readonly { readonly policy: string; readonly capacity: number; readonly lookupCost: number }[];
  readonly capacity: number;
  readonly ttl: number | null;
  readonly writePolicy?: WritePolicy;
  readonly stampede?: StampedeConfig;
  readonly tiered: boolean;
  readonly label?: string;
  readonly ttlClasses?: TtlClasses;
  readonly keyTtls?: Float64Array;
  readonly fleet?: FleetConfig;
  readonly incidents?: readonly Incident[];
  readonly originLimit?: OriginLimit;
}

export function toWire(job: Job): WireJob {
  return { ...job, tiers: job.tiers.map((tier) => ({ policy: tier.policy.name, capacity: tier.capacity, lookupCost: tier.lookupCost })) };
}

export function fromWire(wire: WireJob, specs: Map<string, PolicySpec> = new Map()): Job {
  const specOf = (text: string): PolicySpec => {
    let spec = specs.get(text);
    if (spec === undefined) specs.set(text, (spec = parsePolicySpec(text)));
    return spec;
  };
  return { ...wire, tiers: wire.tiers.map((tier) => ({ ...tier, policy: specOf(tier.policy) })) };
}

/**
 * Relative cost of a job, to order the executor's queue (only the order matters): requests x
 * the policy's cost hint per request (from its definition) summed over the tiers, x 1.5 with
 * a TTL (the general loop instead of the plain one), x 3 in the time-aware simulator. Within
 * a policy a smaller cache misses and evicts more, so it counts as a little costlier.
 */
export function jobCost(job: Job, requests: number): number {
  const perRequest = job.tiers.reduce((sum, tier) => sum + (tier.policy.definition.costHint ?? 1), 0);
  const mode = isTimedJob(job) ? 3 : job.ttl === null ? 1 : 1.5;
  return requests * perRequest * mode * (1 + 1 / (1 + Math.log1p(Math.max(0, job.capacity))));
}

/** The group a job is kept with on one thread (its policies' code is warmed up once). */
export function jobGroup(job: Job): string {
  return job.tiers.map((tier) => tier.policy.name).join(' > ');
}
