/**
 * The grid: policies x TTLs x capacities (or a chain of tiers per TTL), each cell one job of
 * the replay core (jobs.ts), run by the executor and turned into rows by rows.ts.
 * Pure: no console I/O; progress goes through a callback.
 */
import type { PolicySpec } from '../policies/index.js';
import type { ResultRow, RunOptions, RunResult, TraceSummary } from '../model/result.js';
import type { Trace } from '../trace/trace.js';
import type { CostModel } from './cost.js';
import { executeJobs, executorOptionsOf, type ExecutorOptions } from './executor.js';
import {
  cacheJob,
  DEFAULT_FLUSH_INTERVAL,
  jobCost,
  replaySettings,
  runJob,
  toWire,
  type Job,
  type JobCounts,
  type JobModes,
  type ReplaySettings,
} from './jobs.js';
import { ColumnHashes, computeSlice, gatherSlices, workFingerprint, type Slice, type SliceResults, type Work } from './slices.js';
import { resultOf, resultWith, rowOf } from './rows.js';
import { replayStream, type ChunkSource, type StreamOptions } from './stream.js';
import type { WritePolicy } from './time/freshness.js';
import { stampedeLabel, type StampedeConfig } from './time/stampede.js';
import { tierLabel, type TierSpec } from './time/tiers.js';
import type { IntervalSpec } from './intervals.js';
import type { WarmupSpec } from './warmup.js';
import type { ByteUnitStyle } from '../units.js';
import { fallbackTtl, ttlClassesLabel, type TtlClasses } from './ttl-classes.js';
import { invalidationLabel, type FleetConfig } from './time/fleet.js';
import { incidentLabel, originLimitLabel, type Incident, type OriginLimit } from './time/incidents.js';

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
  /** Instances (each with its own L1) and invalidation, one per row variant. */
  readonly fleets?: readonly FleetConfig[];
  /** Outages and restarts, the same for every row. */
  readonly incidents?: readonly Incident[];
  readonly originLimit?: OriginLimit;
}

/** Every fleet x write policy x stampede combination the grid compares, in the order given (an empty mode list is one "unset"). */
export function modeCombinations(timed: TimedOptions): JobModes[] {
  const fleets: (FleetConfig | undefined)[] = timed.fleets?.length ? [...timed.fleets] : [undefined];
  const writes: (WritePolicy | undefined)[] = timed.writePolicies?.length ? [...timed.writePolicies] : [undefined];
  const stampedes: (StampedeConfig | undefined)[] = timed.stampedes?.length ? [...timed.stampedes] : [undefined];
  return fleets.flatMap((fleet) =>
    writes.flatMap((writePolicy) =>
      stampedes.map((stampede) => ({ ...(fleet && { fleet }), ...(writePolicy && { writePolicy }), ...(stampede && { stampede }) })),
    ),
  );
}

/** The TTL settings of the grid, in order: each plain TTL, then each set of per-class TTLs. */
export function ttlSettings(config: Pick<GridConfig, 'ttls' | 'ttlClasses'>): Pick<Job, 'ttl' | 'ttlClasses'>[] {
  return [
    ...config.ttls.map((ttl) => ({ ttl })),
    ...(config.ttlClasses ?? []).map((ttlClasses) => ({ ttl: fallbackTtl(ttlClasses), ttlClasses })),
  ];
}

/** What every job of the grid shares beyond the settings: the incidents and the origin's limit. */
function scenarioOf(timed: TimedOptions): Pick<Job, 'incidents' | 'originLimit'> {
  return {
    ...(timed.incidents?.length && { incidents: timed.incidents }),
    ...(timed.originLimit && { originLimit: timed.originLimit }),
  };
}

export interface GridConfig {
  readonly policies: readonly PolicySpec[];
  readonly capacities: readonly number[];
  readonly unit: 'entries' | 'bytes';
  readonly byteUnits?: ByteUnitStyle;
  /** TTLs in seconds; null = no TTL. */
  readonly ttls: readonly (number | null)[];
  /** Sets of per-class TTLs, each one more value of the TTL dimension after `ttls`. */
  readonly ttlClasses?: readonly TtlClasses[];
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
  const ttls = ttlSettings(config);
  const scenario = scenarioOf(timed);
  if (tiers !== undefined) {
    const swept = timed.sweptTier;
    for (const modes of combinations) {
      for (const ttl of ttls) {
        if (swept === undefined) {
          jobs.push({ tiers, capacity: tiers.reduce((sum, t) => sum + t.capacity, 0), ...ttl, tiered: true, ...modes, ...scenario });
          continue;
        }
        const label = tiers.map((tier, t) => (t === swept ? tierLabel(tier, '*') : tierLabel(tier))).join(' > ');
        for (const capacity of config.capacities) {
          jobs.push({
            tiers: tiers.map((tier, t) => (t === swept ? { ...tier, capacity } : tier)),
            capacity,
            ...ttl,
            tiered: true,
            label,
            ...modes,
            ...scenario,
          });
        }
      }
    }
    return jobs;
  }
  for (const policy of config.policies) {
    for (const modes of combinations) {
      for (const ttl of ttls) {
        for (const capacity of config.capacities) {
          jobs.push({ ...cacheJob(policy, capacity, ttl.ttl, config.cost.lookupCost, modes), ...ttl, ...scenario });
        }
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
    ...(config.ttlClasses !== undefined && { ttlClasses: config.ttlClasses.map(ttlClassesLabel) }),
    lookupCostMs: config.cost.lookupCost * 1e3,
    missCostMs: config.cost.missCost * 1e3,
    seed: config.seed,
    ...(config.ttlJitter !== undefined && { ttlJitter: config.ttlJitter }),
    ...(timed?.writePolicies !== undefined && { writePolicies: [...timed.writePolicies] }),
    ...(timed?.writePolicies?.includes('write-behind') === true && {
      flushIntervalMs: (timed.flushInterval ?? DEFAULT_FLUSH_INTERVAL) * 1e3,
    }),
    ...(timed?.stampedes !== undefined && { stampedes: timed.stampedes.map(stampedeLabel) }),
    ...(timed?.fleets !== undefined && {
      fleets: timed.fleets.map((fleet) => ({
        instances: fleet.instances,
        balance: fleet.balance,
        invalidation: invalidationLabel(fleet.invalidation),
      })),
    }),
    ...(timed?.incidents !== undefined && { incidents: timed.incidents.map(incidentLabel) }),
    ...(timed?.originLimit !== undefined && { originLimit: originLimitLabel(timed.originLimit) }),
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

export type ParallelGridConfig = GridConfig &
  Omit<ExecutorOptions, 'onProgress'> & {
    /** Every job's counts from the slices of a sharded run (slices.ts), in place of replaying. */
    readonly fromSlices?: readonly SliceResults[];
  };

/** The grid through the executor (inline or on worker threads): the same result, byte for byte. */
export async function runGridParallel(trace: Trace, config: ParallelGridConfig): Promise<RunResult> {
  const work = gridWork(trace, config);
  const counts = (
    config.fromSlices === undefined
      ? await work.compute(work.jobs.map((_, i) => i))
      : gatherSlices(config.fromSlices, work.fingerprint, work.jobs.length)
  ) as JobCounts[];
  const rows = work.jobs.map((job, i) => rowOf(job, counts[i]!, work.settings));
  return resultOf(trace, config.command ?? 'run', runOptionsOf(config), rows);
}

/** The K-th of N slices of the grid's jobs, computed here: a part of a sharded run. */
export async function runGridSlice(trace: Trace, config: ParallelGridConfig, slice: Slice): Promise<SliceResults> {
  return computeSlice(gridWork(trace, config), slice);
}

/** The grid as units of work (slices.ts): one per job, in row order. */
function gridWork(trace: Trace, config: ParallelGridConfig): Work & { readonly jobs: Job[]; readonly settings: ReplaySettings } {
  const jobs = gridJobs(config);
  const settings = settingsOf(config);
  return {
    jobs,
    settings,
    costs: jobs.map((job) => jobCost(job, trace.length)),
    // Hashing every column costs a pass over the trace: only a sharded run or a merge asks.
    get fingerprint() {
      return workFingerprint(trace, gridDescription(jobs, settings));
    },
    compute: (units) =>
      executeJobs(
        trace,
        units.map((unit) => jobs[unit]!),
        settings,
        { ...executorOptionsOf(config), ...(config.onProgress !== undefined && { onProgress: config.onProgress }) },
      ),
  };
}

/**
 * The grid over a streamed trace (stream.ts): every cell advances over one read of it, and
 * the result is the one `runGrid` gives for the same trace in memory. With `fromSlices` (the
 * parts of a sharded run) the read replays nothing: it gives the trace's summary and checks
 * the parts were made from this very trace.
 */
export async function runGridStreamed(
  source: ChunkSource,
  config: StreamedGridConfig & { readonly fromSlices?: readonly SliceResults[] },
): Promise<RunResult> {
  const jobs = gridJobs(config);
  const settings = settingsOf(config);
  let counts: JobCounts[];
  let summary: TraceSummary;
  if (config.fromSlices === undefined) {
    ({ counts, summary } = await replayStream(source, jobs, settings, streamOptionsOf(config)));
  } else {
    const columns = new ColumnHashes();
    ({ summary } = await replayStream(source, [], settings, {
      ...streamOptionsOf(config),
      observe: (chunk) => {
        columns.update(chunk);
      },
    }));
    counts = gatherSlices(
      config.fromSlices,
      columns.fingerprint(source.shape, gridDescription(jobs, settings)),
      jobs.length,
    ) as JobCounts[];
  }
  const rows = jobs.map((job, i) => rowOf(job, counts[i]!, settings));
  return resultWith(summary, config.command ?? 'run', runOptionsOf(config), rows);
}

/** The K-th of N slices of the grid over a streamed trace: its cells advance over one read, which also fingerprints it. */
export async function runGridStreamedSlice(source: ChunkSource, config: StreamedGridConfig, slice: Slice): Promise<SliceResults> {
  const jobs = gridJobs(config);
  const settings = settingsOf(config);
  const columns = new ColumnHashes();
  return computeSlice(
    {
      costs: jobs.map((job) => jobCost(job, source.shape.length)),
      // Read after compute, by which time the pass has hashed every column.
      get fingerprint() {
        return columns.fingerprint(source.shape, gridDescription(jobs, settings));
      },
      compute: async (units) =>
        (
          await replayStream(
            source,
            units.map((unit) => jobs[unit]!),
            settings,
            {
              ...streamOptionsOf(config),
              observe: (chunk) => {
                columns.update(chunk);
              },
            },
          )
        ).counts,
    },
    slice,
  );
}

export type StreamedGridConfig = GridConfig & { readonly signal?: AbortSignal; readonly threads?: number };

function streamOptionsOf(config: StreamedGridConfig): StreamOptions {
  return {
    ...(config.onProgress !== undefined && { onProgress: config.onProgress }),
    ...(config.signal !== undefined && { signal: config.signal }),
    ...(config.threads !== undefined && { threads: config.threads }),
  };
}

/** What a grid's fingerprint describes besides the trace: the same for a loaded and a streamed run. */
function gridDescription(jobs: readonly Job[], settings: ReplaySettings): unknown {
  return { grid: 'run', settings, jobs: jobs.map(toWire) };
}
