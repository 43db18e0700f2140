/**
 * The grid: policies x TTLs x capacities (or a chain of tiers per TTL), each cell one job of
 * the replay core (jobs.ts), run by the executor and turned into rows by rows.ts.
 * Pure: no console I/O; progress goes through a callback.
 */
import type { PolicySpec } from '../policies/index.js';
import type { ResultRow, RunOptions, RunResult } from '../model/result.js';
import type { Trace } from '../trace/trace.js';
import type { CostModel } from './cost.js';
import { executeJobs, type ExecutorOptions } from './executor.js';
import { cacheJob, DEFAULT_FLUSH_INTERVAL, replaySettings, runJob, type Job, type JobModes, type ReplaySettings } from './jobs.js';
import { resultOf, rowOf } from './rows.js';
import type { WritePolicy } from './time/freshness.js';
import { stampedeLabel, type StampedeConfig } from './time/stampede.js';
import { tierLabel, type TierSpec } from './time/tiers.js';
import type { IntervalSpec } from './intervals.js';
import type { WarmupSpec } from './warmup.js';
import type { ByteUnitStyle } from '../units.js';

/** The time-aware features; any of them makes the grid's jobs time-aware. */
export interface TimedOptions {
  /** Replace the policy x size grid by this L1 > L2 > ... chain. */
  readonly tiers?: readonly TierSpec[];
  /** With tiers in a sweep: the tier whose capacity takes each size of the grid. */
  readonly sweptTier?: number;
  /** What a set does, one per row variant (several are compared side by side). */
  readonly writePolicies?: readonly WritePolicy[];
  /** Seconds between write-behind flushes. */
  readonly flushInterval?: number;
  /** How concurrent misses behave, one per row variant. */
  readonly stampedes?: readonly StampedeConfig[];
}

/** Every write policy x stampede combination the grid compares, in the order given (an empty mode list is one "unset"). */
export function modeCombinations(timed: TimedOptions): JobModes[] {
  const writes: (WritePolicy | undefined)[] = timed.writePolicies?.length ? [...timed.writePolicies] : [undefined];
  const stampedes: (StampedeConfig | undefined)[] = timed.stampedes?.length ? [...timed.stampedes] : [undefined];
  return writes.flatMap((writePolicy) =>
    stampedes.map((stampede) => ({ ...(writePolicy && { writePolicy }), ...(stampede && { stampede }) })),
  );
}

export interface GridConfig {
  readonly policies: readonly PolicySpec[];
  readonly capacities: readonly number[];
  readonly unit: 'entries' | 'bytes';
  readonly byteUnits?: ByteUnitStyle;
  /** TTLs in seconds; null = no TTL. */
  readonly ttls: readonly (number | null)[];
  readonly cost: CostModel;
  readonly seed: number;
  /** TTL jitter fraction applied to every TTL in `ttls`. */
  readonly ttlJitter?: number;
  readonly timed?: TimedOptions;
  /** Hit rate over time: count every row per interval too. */
  readonly interval?: IntervalSpec;
  /** Leave the first requests out of every count. */
  readonly warmup?: WarmupSpec;
  readonly command?: string;
  /** Progress over the whole grid: requests replayed so far and in total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The settings every job of this grid shares. */
export function settingsOf(config: GridConfig): ReplaySettings {
  return replaySettings({
    unit: config.unit,
    seed: config.seed,
    ...config.cost,
    ...(config.ttlJitter !== undefined && { ttlJitter: config.ttlJitter }),
    ...(config.timed?.flushInterval !== undefined && { flushInterval: config.timed.flushInterval }),
    ...(config.interval !== undefined && { interval: config.interval }),
    ...(config.warmup !== undefined && { warmup: config.warmup }),
  });
}

/**
 * The grid's jobs in row order: policy, then write policy, then stampede mode, then TTL,
 * then size. With tiers, one chain per mode and TTL (per mode, TTL and size when a tier is
 * swept).
 */
export function gridJobs(config: GridConfig): Job[] {
  const timed = config.timed ?? {};
  const combinations = modeCombinations(timed);
  const jobs: Job[] = [];
  const tiers = timed.tiers;
  if (tiers !== undefined) {
    const swept = timed.sweptTier;
    for (const modes of combinations) {
      for (const ttl of config.ttls) {
        if (swept === undefined) {
          jobs.push({ tiers, capacity: tiers.reduce((sum, t) => sum + t.capacity, 0), ttl, tiered: true, ...modes });
          continue;
        }
        const label = tiers.map((tier, t) => (t === swept ? tierLabel(tier, '*') : tierLabel(tier))).join(' > ');
        for (const capacity of config.capacities) {
          jobs.push({
            tiers: tiers.map((tier, t) => (t === swept ? { ...tier, capacity } : tier)),
            capacity,
            ttl,
            tiered: true,
            label,
            ...modes,
          });
        }
      }
    }
    return jobs;
  }
  for (const policy of config.policies) {
    for (const modes of combinations) {
      for (const ttl of config.ttls) {
        for (const capacity of config.capacities) jobs.push(cacheJob(policy, capacity, ttl, config.cost.lookupCost, modes));
      }
    }
  }
  return jobs;
}

/** The options part of the result object. */
export function runOptionsOf(config: GridConfig): RunOptions {
  const timed = config.timed;
  const tiers = timed?.tiers;
  const swept = tiers !== undefined && timed?.sweptTier !== undefined;
  return {
    policies: tiers ? tiers.map((t) => t.policy.name) : config.policies.map((p) => p.name),
    capacities: tiers && !swept ? tiers.map((t) => t.capacity) : [...config.capacities],
    unit: config.unit,
    ...(config.byteUnits !== undefined && { byteUnits: config.byteUnits }),
    ttls: [...config.ttls],
    lookupCostMs: config.cost.lookupCost * 1e3,
    missCostMs: config.cost.missCost * 1e3,
    seed: config.seed,
    ...(config.ttlJitter !== undefined && { ttlJitter: config.ttlJitter }),
    ...(timed?.writePolicies !== undefined && { writePolicies: [...timed.writePolicies] }),
    ...(timed?.writePolicies?.includes('write-behind') === true && {
      flushIntervalMs: (timed.flushInterval ?? DEFAULT_FLUSH_INTERVAL) * 1e3,
    }),
    ...(timed?.stampedes !== undefined && { stampedes: timed.stampedes.map(stampedeLabel) }),
    ...(tiers !== undefined && {
      tiers: tiers.map((tier, t) => (swept && t === timed.sweptTier ? tierLabel(tier, '*') : tierLabel(tier))),
    }),
    ...(config.interval !== undefined && { interval: { unit: config.interval.unit, size: config.interval.size } }),
    ...(config.warmup !== undefined && { warmup: { unit: config.warmup.unit, size: config.warmup.size } }),
  };
}

/** The whole grid in this thread, job after job: the reference the executor is held to. */
export function runGrid(trace: Trace, config: GridConfig): RunResult {
  const jobs = gridJobs(config);
  const settings = settingsOf(config);
  const total = jobs.length * trace.length;
  const rows: ResultRow[] = jobs.map((job, index) => {
    const progress =
      config.onProgress &&
      ((done: number): void => {
        config.onProgress!(index * trace.length + done, total);
      });
    return rowOf(job, runJob(trace, job, settings, progress), settings);
  });
  return resultOf(trace, config.command ?? 'run', runOptionsOf(config), rows);
}

/** The grid through the executor (inline or on worker threads): the same result, byte for byte. */
export async function runGridParallel(trace: Trace, config: GridConfig & Omit<ExecutorOptions, 'onProgress'>): Promise<RunResult> {
  const jobs = gridJobs(config);
  const settings = settingsOf(config);
  const counts = await executeJobs(trace, jobs, settings, {
    ...(config.workers !== undefined && { workers: config.workers }),
    ...(config.mode !== undefined && { mode: config.mode }),
    ...(config.pool !== undefined && { pool: config.pool }),
    ...(config.signal !== undefined && { signal: config.signal }),
    ...(config.onProgress !== undefined && { onProgress: config.onProgress }),
  });
  const rows = jobs.map((job, i) => rowOf(job, counts[i]!, settings));
  return resultOf(trace, config.command ?? 'run', runOptionsOf(config), rows);
}
