/**
 * The sweep: hit-rate curves for policies x TTLs over many sizes, and the recommended size.
 *
 * Each curve takes the cheapest route that stays faithful:
 *   mattson  `lru` where the one-pass stack-distance curve equals per-size replays exactly
 *   replay   every other policy, and `lru` where the curve would not be exact (TTL, deletes,
 *            byte capacity, a cost column): one replay per size, on worker threads
 *   shards   with sampling, `lru` through SHARDS on the sampled keys
 *   minisim  with sampling, every other policy replayed on the sampled keys at size x rate
 * With tiers, a write policy or a stampede mode every curve is replayed size by size through
 * the time-aware simulator (with tiers, the tier written `*` takes each size).
 * Every replay is a job of the one replay core (jobs.ts), run by the executor; rows come out
 * in the same policy -> TTL -> size order as `run`, so every renderer works.
 */
import { CancelledError, UsageError } from '../errors.js';
import type { CurveBlocker, CurveMethod, ResultRow, RowModes, RunResult, Sampling, TraceSummary } from '../model/result.js';
import { modeFields } from '../model/modes.js';
import { OP_DELETE, OP_GET, type Trace, type TraceChunk } from '../trace/trace.js';
import { executeJobs, executorOptionsOf, type ExecutorOptions } from './executor.js';
import { gridJobs, runOptionsOf, settingsOf, type GridConfig } from './grid.js';
import { cacheJob, jobCost, jobLabel, jobModes, toWire, type Job, type JobCounts, type ReplaySettings } from './jobs.js';
import { ColumnHashes, computeSlice, gatherSlices, workFingerprint, type Slice, type SliceResults, type Work } from './slices.js';
import { exactCurveBlocker, lruCurveCounts, stackDistances, StackDistanceCounter } from './lru-curve.js';
import { replayStream, type ChunkSource } from './stream.js';
import { bestChoice, curvesOf, recommend, ttlChoice, type CurvePoint, type RecommendOptions } from './recommend.js';
import { curveKey, refineTargets } from './refine.js';
import type { ReplayCounts } from './replay.js';
import { resultOf, resultWith, rowOf } from './rows.js';
import {
  KeySampler,
  miniCapacity,
  rateForKeys,
  samplingMask,
  sampleTrace,
  scaleSampledCounts,
  shardsCountsOf,
  traceTotals,
  TraceTotalsCounter,
  type TraceTotals,
} from './shards.js';
import { summarizeTrace, TraceSummarizer } from '../trace/summary.js';

export interface SweepConfig extends GridConfig, Omit<ExecutorOptions, 'onProgress'> {
  /** Every unit's results from the slices of a sharded sweep (slices.ts), in place of computing them. */
  readonly fromSlices?: readonly SliceResults[];
  /**
   * Fraction of keys to keep (0 < rate < 1), or at most this many keys (fixed-size SHARDS);
   * undefined or 1 = the whole trace. Not with time-aware modes.
   */
  readonly sample?: number | { readonly keys: number };
  readonly recommend: RecommendOptions;
}

type Method = CurveMethod['method'];

/** One curve: its jobs (one per size) and, for a one-pass curve, the counts it computes itself. */
interface Plan extends RowModes {
  readonly policy: string;
  readonly ttl: number | null;
  readonly method: Method;
  readonly blocker: CurveBlocker | null;
  /** One job per size, in size order; a one-pass curve's jobs only label its rows. */
  readonly jobs: readonly Job[];
  readonly onePass: boolean;
}

export async function runSweep(trace: Trace, config: SweepConfig): Promise<RunResult> {
  return (await sweepOrSlice(trace, config)).result!;
}

/** The K-th of N slices of the sweep's work, computed here: a part of a sharded sweep. */
export async function runSweepSlice(trace: Trace, config: SweepConfig, slice: Slice): Promise<SliceResults> {
  return (await sweepOrSlice(trace, config, slice)).slice!;
}

/** A one-pass curve reads the trace once, at about the cost of replaying it through one LRU twice. */
const ONE_PASS_COST = 2;

async function sweepOrSlice(
  trace: Trace,
  config: SweepConfig,
  slicing?: Slice,
): Promise<{ readonly result?: RunResult; readonly slice?: SliceResults }> {
  const rate = sampleRate(config, trace.keySpace);
  if (rate !== undefined) {
    if (slicing !== undefined || config.fromSlices !== undefined) {
      // Its estimates' bands resample the keys after the main pass; a sample is small enough for one machine.
      throw new UsageError('a sampled sweep is not split into shards: drop --shard or --sample', 'shard');
    }
    return { result: await sampledSweep(samplesOf(trace, config), config) };
  }
  const settings = settingsOf(config);
  const plans = curvePlansOf(config, (ttl) => exactCurveBlocker(trace, config.unit, ttl), undefined);
  const replayed = plans.filter((plan) => !plan.onePass).flatMap((plan) => plan.jobs);

  // The work as units (slices.ts): each one-pass curve, then each replay job.
  const curvePlans = plans.filter((plan) => plan.onePass);
  const work: Work = {
    costs: [...curvePlans.map(() => trace.length * ONE_PASS_COST), ...replayed.map((job) => jobCost(job, trace.length))],
    // Hashing every column costs a pass over the trace: only a sharded sweep or a merge asks.
    get fingerprint() {
      return workFingerprint(trace, sweepDescription(settings, curvePlans, replayed));
    },
    compute: (units) => computeSweepUnits(trace, config, units, curvePlans, replayed),
  };
  if (slicing !== undefined) return { slice: await computeSlice(work, slicing) };
  const values =
    config.fromSlices === undefined
      ? await work.compute(work.costs.map((_, unit) => unit))
      : gatherSlices(config.fromSlices, work.fingerprint, work.costs.length);
  const curveCounts = new Map<Plan, ReplayCounts[]>(curvePlans.map((plan, k) => [plan, values[k] as ReplayCounts[]]));
  const counts = values.slice(curvePlans.length) as JobCounts[];

  const rows: ResultRow[] = [];
  let next = 0;
  for (const plan of plans) {
    const curve = curveCounts.get(plan);
    plan.jobs.forEach((job, i) => rows.push(rowOf(job, curve ? curve[i]! : counts[next++]!, settings)));
  }
  const result = sweepResult(resultOf(trace, config.command ?? 'sweep', runOptionsOf(config), rows), config, plans, {
    ceiling: infiniteCacheHitRate(trace),
    refine: (recommendations) =>
      hasTarget(config.recommend)
        ? refineTargets(trace, plans, recommendations, settings, config.capacities)
        : { recommendations, points: new Map<string, CurvePoint[]>() },
    sampling: null,
  });
  return { result };
}

/**
 * The sampling rate under hash salt `k` (0: the main one), or undefined for the whole
 * trace: the rate asked for, or the one whose mask keeps the key budget (fixed-size).
 */
function sampleRate(config: SweepConfig, keySpace: number, k = 0): number | undefined {
  const sample = config.sample;
  if (sample === undefined) return undefined;
  const rate = typeof sample === 'number' ? sample : rateForKeys(keySpace, sample.keys, saltedSeed(config, k));
  return rate < 1 ? rate : undefined;
}

/**
 * What a sampled sweep reads of its trace: the full trace's exact totals and shape, and the
 * requests of the sampled keys under the main hash salt and under RESAMPLES others (for the
 * estimates' bands). A trace in memory is sampled from its columns; a streamed one as it is
 * read, so only the samples are ever held.
 */
interface SampleSet {
  /** The trace, or a streamed trace's shape. */
  readonly shape: Trace;
  readonly summary: TraceSummary;
  readonly totals: TraceTotals;
  /** Hit rate of an unbounded cache over the full trace. */
  readonly ceiling: number;
  readonly deletes: boolean;
  /** Index 0: the main sample; then one per extra salt. */
  readonly samples: readonly Sample[];
}

/** The requests of the keys one hash salt keeps, and the share of the keys it keeps. */
interface Sample {
  readonly trace: Trace;
  readonly rate: number;
}

/** The rate of each sample, main first (a key budget gives each salt its own). */
function sampleRates(config: SweepConfig, keySpace: number): number[] {
  return Array.from({ length: RESAMPLES + 1 }, (_, k) => sampleRate(config, keySpace, k) ?? 1);
}

/** The hash salt of sample `k` (0: the main one). */
function saltedSeed(config: SweepConfig, k: number): number {
  return config.seed + k * 0x9e37;
}

function samplesOf(trace: Trace, config: SweepConfig): SampleSet {
  return {
    shape: trace,
    summary: summarizeTrace(trace),
    totals: traceTotals(trace, config.cost.missCost),
    ceiling: infiniteCacheHitRate(trace),
    deletes: trace.ops?.includes(OP_DELETE) ?? false,
    samples: sampleRates(config, trace.keySpace).map((rate, k) => ({
      trace: sampleTrace(trace, samplingMask(trace.keySpace, rate, saltedSeed(config, k)), rate),
      rate,
    })),
  };
}

/** The samples of a streamed trace, gathered in one read (only the sampled requests are kept). */
function streamedSamplesOf(source: ChunkSource, config: SweepConfig, onProgress?: (done: number, total: number) => void): SampleSet {
  const shape = source.shape;
  const summarizer = new TraceSummarizer(shape);
  const totals = new TraceTotalsCounter(config.cost.missCost);
  const infinite = new InfiniteCacheCounter(shape.keySpace);
  const rates = sampleRates(config, shape.keySpace);
  const samplers = rates.map((rate, k) => new KeySampler(shape, samplingMask(shape.keySpace, rate, saltedSeed(config, k))));
  let deletes = false;
  for (const chunk of source.chunks()) {
    if (config.signal?.aborted === true) throw new CancelledError();
    summarizer.observe(chunk);
    totals.observe(chunk);
    infinite.observe(chunk);
    if (!deletes && chunk.ops?.includes(OP_DELETE) === true) deletes = true;
    for (const sampler of samplers) sampler.observe(chunk);
    onProgress?.(chunk.start + chunk.length, shape.length);
  }
  return {
    shape,
    summary: summarizer.summary(),
    totals: totals.totals(),
    ceiling: infinite.hitRate(),
    deletes,
    samples: samplers.map((sampler, k) => ({ trace: sampler.trace(rates[k]!), rate: rates[k]! })),
  };
}

/**
 * The sampled sweep: SHARDS for the one-pass LRU curves and MiniSim (every other policy at
 * size x rate) on the main sample, scaled to the full trace's totals; the same again on the
 * other samples gives each row its band.
 */
async function sampledSweep(set: SampleSet, config: SweepConfig): Promise<RunResult> {
  const { totals, samples, shape } = set;
  const { trace: sampled, rate } = samples[0]!;
  if (traceTotals(sampled).lookups === 0 && totals.lookups > 0) {
    // Scaling up nothing would claim every lookup hits (the SHARDS adjustment fills the gap).
    throw new UsageError(`rate ${rate} keeps no looked-up key of this trace; raise it`, 'sample');
  }
  const settings = settingsOf(config);
  const plans = curvePlansOf(config, (ttl) => exactCurveBlocker(shape, config.unit, ttl, set.deletes), rate);
  const replayed = plans.filter((plan) => !plan.onePass).flatMap((plan) => plan.jobs);
  const onePass = plans.filter((plan) => plan.onePass).length;
  const total = (onePass + replayed.length) * samples.reduce((sum, sample) => sum + sample.trace.length, 0);
  let done = 0;
  /** Every row's counts from one sample: scaled SHARDS curves and scaled MiniSim replays (at size x its rate). */
  const rowsOf = async ({ trace: sample, rate: sampleRate }: Sample): Promise<ResultRow[]> => {
    const miniJobs = replayed.map((job) =>
      cacheJob(job.tiers[0]!.policy, miniCapacity(job.capacity, sampleRate), job.ttl, config.cost.lookupCost),
    );
    const curveProgress =
      config.onProgress &&
      ((read: number): void => {
        config.onProgress!(done + read, total);
      });
    const curve =
      onePass > 0 ? shardsCountsOf(stackDistances(sample, undefined, curveProgress), config.capacities, sampleRate, totals) : undefined;
    const counts = await executeJobs(sample, miniJobs, settings, {
      ...executorOptionsOf(config),
      ...(config.onProgress && {
        onProgress: (jobsDone: number) => {
          config.onProgress!(done + onePass * sample.length + jobsDone, total);
        },
      }),
    });
    done += (onePass + miniJobs.length) * sample.length;
    const rows: ResultRow[] = [];
    let next = 0;
    for (const plan of plans) {
      plan.jobs.forEach((job, i) => {
        if (plan.onePass) {
          rows.push(rowOf(job, curve![i]!, settings));
          return;
        }
        const replayCounts = counts[next++]!;
        const row = rowOf(job, scaleSampledCounts(replayCounts, sampleRate, totals), settings);
        // Per-request costs: the sample's own latency distribution is the estimate.
        rows.push(shape.costs ? { ...row, latency: rowOf(job, replayCounts, settings).latency } : row);
      });
    }
    return rows;
  };
  const rows = await rowsOf(samples[0]!);
  // The same estimates under other hash salts: each row's band, and the sizes it makes unreliable.
  const others: number[][] = [];
  for (const sample of samples.slice(1)) {
    if (config.signal?.aborted) throw new CancelledError();
    others.push((await rowsOf(sample)).map((row) => row.hitRate));
  }
  const meanSize = config.unit === 'bytes' ? totals.bytesRequested / Math.max(1, totals.lookups) : 1;
  rows.forEach((row, i) => {
    const rates = [row.hitRate, ...others.map((hitRates) => hitRates[i]!)];
    const low = Math.min(...rates);
    const high = Math.max(...rates);
    // A sampled cache of a handful of entries estimates badly however the samples agree.
    const tiny = (row.capacity * rate) / meanSize < MIN_SAMPLED_ENTRIES;
    rows[i] = { ...row, estimate: { low, high, samples: rates.length, unreliable: tiny || high - low > UNRELIABLE_SPREAD } };
  });
  return sweepResult(resultWith(set.summary, config.command ?? 'sweep', runOptionsOf(config), rows), config, plans, {
    ceiling: set.ceiling,
    refine: (recommendations) => ({ recommendations, points: new Map<string, CurvePoint[]>() }),
    sampling: samplingOf(shape.keySpace, sampled, rate, totals, plans),
  });
}

/** The curves of a sweep in row order (policy, then modes, then TTL), each with its jobs in size order. */
function curvePlansOf(config: SweepConfig, blockerOf: (ttl: number | null) => CurveBlocker | null, rate: number | undefined): Plan[] {
  const timed = config.timed !== undefined;
  const plans: Plan[] = [];
  const perSize = config.capacities.length;
  const all = gridJobs(config);
  for (let start = 0; start < all.length; start += perSize) {
    const jobs = all.slice(start, start + perSize);
    const first = jobs[0]!;
    const policy = first.tiers[0]!.policy;
    const onePassModel = !timed && policy.definition.curve === 'lru-stack';
    const blocker: CurveBlocker | null = timed
      ? 'time-aware'
      : config.interval !== undefined
        ? 'intervals'
        : config.warmup !== undefined
          ? 'warmup'
          : onePassModel
            ? first.ttlClasses !== undefined
              ? 'ttl'
              : blockerOf(first.ttl)
            : 'no-one-pass-model';
    const onePass = blocker === null;
    const method: Method = onePass ? (rate === undefined ? 'mattson' : 'shards') : rate === undefined ? 'replay' : 'minisim';
    plans.push({ policy: jobLabel(first), ...jobModes(first), ttl: first.ttl, method, blocker, jobs, onePass });
  }
  return plans;
}

/** What the end of a sweep needs beyond its rows: the ceiling on hit rate, how targets are refined, the sampling note. */
interface SweepEnding {
  /** The hit rate of an unbounded cache, which no recommendation can pass. */
  readonly ceiling: number;
  readonly refine: (recommendations: ReturnType<typeof recommend>) => {
    recommendations: ReturnType<typeof recommend>;
    points: Map<string, CurvePoint[]>;
  };
  readonly sampling: Sampling | null;
}

/** The sweep's result around its rows: curves, recommendations, the best choice. */
function sweepResult(base: RunResult, config: SweepConfig, plans: readonly Plan[], ending: SweepEnding): RunResult {
  const rows = base.rows;
  // Unreliable estimates are drawn and listed, but nothing is recommended from them.
  const curves = curvesOf(rows.filter((row) => row.estimate?.unreliable !== true));
  const recommendations = recommend(curves, config.recommend, { ceiling: ending.ceiling });
  // Targets are bisected between grid points with extra replays, except on estimates.
  const refined = ending.refine(recommendations);
  // The best choice under a target sees the refined sizes too.
  const withRefined = curves.map((curve) => {
    const extra = refined.points.get(curveKey(curve));
    return extra === undefined ? curve : { ...curve, points: [...curve.points, ...extra].sort((a, b) => a.capacity - b.capacity) };
  });
  return {
    ...base,
    sampling: ending.sampling,
    curves: plans.map((plan) => ({
      policy: plan.policy,
      ...modeFields(plan),
      ttl: plan.ttl,
      method: plan.method,
      blocker: plan.blocker,
    })),
    recommendations: refined.recommendations,
    best: bestChoice(withRefined, config.recommend),
    ...(config.recommend.maxStale !== undefined && { ttlChoice: ttlChoice(rows, config.recommend.maxStale) }),
  };
}

/**
 * The results of some of the sweep's units, in the order asked: a curve unit's counts at
 * every size (one read of the trace), a job unit's counts. Progress counts requests read.
 */
async function computeSweepUnits(
  trace: Trace,
  config: SweepConfig,
  units: readonly number[],
  curvePlans: readonly Plan[],
  toRun: readonly Job[],
): Promise<unknown[]> {
  const curves = units.filter((unit) => unit < curvePlans.length);
  const jobs = units.filter((unit) => unit >= curvePlans.length).map((unit) => toRun[unit - curvePlans.length]!);
  const curveWork = curves.length * trace.length;
  const total = curveWork + jobs.length * trace.length;
  const onProgress = config.onProgress;
  const values: unknown[] = curves.map((_, k) => {
    if (config.signal?.aborted) throw new CancelledError();
    const progress =
      onProgress &&
      ((done: number): void => {
        onProgress(k * trace.length + done, total);
      });
    return lruCurveCounts(trace, config.capacities, progress);
  });
  const counts = await executeJobs(trace, jobs, settingsOf(config), {
    ...executorOptionsOf(config),
    ...(onProgress && {
      onProgress: (done: number) => {
        onProgress(curveWork + done, total);
      },
    }),
  });
  return [...values, ...counts];
}

/** Extra hash salts a sampled sweep is run under, so each estimate has a band. */
export const RESAMPLES = 3;
/** An estimate whose samples spread over more than this (two points of hit rate) is unreliable. */
export const UNRELIABLE_SPREAD = 0.02;
/** So is one whose cache, scaled to the sample, holds fewer entries than this. */
export const MIN_SAMPLED_ENTRIES = 8;

/**
 * Every row's hit rate under RESAMPLES other samples of the keys (other hash salts), in row
 * order: the main sample's SHARDS curves and MiniSim jobs (`miniJobs`), on other keys.
 */
function hasTarget(options: RecommendOptions): boolean {
  return options.targetHitRate !== undefined || options.targetLatencyMs !== undefined;
}

/** Skew beyond which the note warns: the sample's share of lookups is off by more than this. */
const SKEW_WARNING = 0.1;

function samplingOf(totalKeys: number, sampled: Trace, rate: number, totals: TraceTotals, plans: readonly { method: Method }[]): Sampling {
  const expectedLookups = rate * totals.lookups;
  const sampledLookups = traceTotals(sampled).lookups;
  const skew = expectedLookups > 0 ? sampledLookups / expectedLookups - 1 : 0;
  return {
    rate,
    methods: [...new Set(plans.map((plan) => plan.method as 'shards' | 'minisim'))],
    estimates: true,
    sampledKeys: sampled.keySpace,
    totalKeys,
    sampledLookups,
    expectedLookups,
    skew,
    skewed: Math.abs(skew) > SKEW_WARNING,
  };
}

/** Hit rate of an unbounded cache without TTL: each key's first lookup misses, the rest hit. */
export function infiniteCacheHitRate(trace: Trace): number {
  const counter = new InfiniteCacheCounter(trace.keySpace);
  counter.observe(trace);
  return counter.hitRate();
}

/** `infiniteCacheHitRate` gathered chunk by chunk. */
class InfiniteCacheCounter {
  private readonly seen: Uint8Array;
  private lookups = 0;
  private cold = 0;

  constructor(keySpace: number) {
    this.seen = new Uint8Array(keySpace);
  }

  observe(chunk: Pick<TraceChunk, 'keys' | 'ops' | 'length'>): void {
    const { keys, ops } = chunk;
    const seen = this.seen;
    for (let i = 0; i < chunk.length; i++) {
      const id = keys[i]!;
      const op = ops === undefined ? OP_GET : ops[i]!;
      if (op === OP_DELETE) continue;
      if (op === OP_GET) {
        this.lookups++;
        if (seen[id] === 0) this.cold++;
      }
      seen[id] = 1;
    }
  }

  hitRate(): number {
    return this.lookups === 0 ? 0 : (this.lookups - this.cold) / this.lookups;
  }
}

/** Whether any chunk of `source` passes `test` (reading stops at the first that does). */
function someChunk(source: ChunkSource, test: (chunk: TraceChunk) => boolean): boolean {
  for (const chunk of source.chunks()) if (test(chunk)) return true;
  return false;
}

/**
 * The sweep over a streamed trace (stream.ts): one read for every curve - the one-pass LRU
 * curves counted as the chunks pass, every other curve's sizes replayed on every core - and
 * the result the sweep of the trace in memory gives, byte for byte. A trace with an op
 * column is read once more first, to learn whether it deletes (which makes the LRU curve a
 * replay). With `fromSlices` (a sharded sweep's parts) the read replays nothing: it gives the
 * summary and checks the parts are of this trace. Not with a target (whose sizes are
 * bisected with replays).
 */
export async function runSweepStreamed(source: ChunkSource, config: StreamedSweepConfig): Promise<RunResult> {
  // Sampled as it is read: only the sampled keys' requests are kept, for each hash salt.
  if (sampleRate(config, source.shape.keySpace) !== undefined) {
    if (config.fromSlices !== undefined)
      throw new UsageError('a sampled sweep is not split into shards: drop --shard or --sample', 'shard');
    return sampledSweep(streamedSamplesOf(source, config, config.onProgress), config);
  }
  return (await streamedSweepOrSlice(source, config)).result!;
}

/** The K-th of N slices of a sweep over a streamed trace: its curves and sizes over one read, which also fingerprints it. */
export async function runSweepStreamedSlice(source: ChunkSource, config: StreamedSweepConfig, slice: Slice): Promise<SliceResults> {
  if (sampleRate(config, source.shape.keySpace) !== undefined) {
    throw new UsageError('a sampled sweep is not split into shards: drop --shard or --sample', 'shard');
  }
  return (await streamedSweepOrSlice(source, config, slice)).slice!;
}

export type StreamedSweepConfig = SweepConfig & { readonly threads?: number };

async function streamedSweepOrSlice(
  source: ChunkSource,
  config: StreamedSweepConfig,
  slicing?: Slice,
): Promise<{ readonly result?: RunResult; readonly slice?: SliceResults }> {
  if (hasTarget(config.recommend)) {
    throw new UsageError(
      'a target is met by bisecting sizes with extra replays, which a streamed sweep does not make; give the sizes to try',
      config.recommend.targetHitRate !== undefined ? 'recommend.targetHitRate' : 'recommend.targetLatencyMs',
    );
  }
  const shape = source.shape;
  // Whether the trace deletes decides only a one-pass curve's blocker: the op column is read
  // for it (once, up to the first delete) only when the grid has such a curve.
  let deletes: boolean | undefined;
  const hasDeletes = (): boolean => (deletes ??= shape.ops !== undefined && someChunk(source, (chunk) => chunk.ops!.includes(OP_DELETE)));
  const plans = curvePlansOf(config, (ttl) => exactCurveBlocker(shape, config.unit, ttl, hasDeletes()), undefined);
  const settings = settingsOf(config);
  const curvePlans = plans.filter((plan) => plan.onePass);
  const replayed = plans.filter((plan) => !plan.onePass).flatMap((plan) => plan.jobs);
  // The units of work are those of the sweep in memory, so that parts of either merge with either.
  const costs = [...curvePlans.map(() => shape.length * ONE_PASS_COST), ...replayed.map((job) => jobCost(job, shape.length))];
  const columns = new ColumnHashes();
  const fingerprint = (): string => columns.fingerprint(shape, sweepDescription(settings, curvePlans, replayed));
  // One read for the given units: the curves among them counted as the chunks pass, the rest replayed.
  const pass = async (units: readonly number[]) => {
    const counters = new Map(
      units
        .filter((unit) => unit < curvePlans.length)
        .map((unit) => [unit, new StackDistanceCounter(shape.keySpace, shape.sizes !== undefined)] as const),
    );
    const jobs = units.filter((unit) => unit >= curvePlans.length).map((unit) => replayed[unit - curvePlans.length]!);
    const infinite = new InfiniteCacheCounter(shape.keySpace);
    const streamed = await replayStream(source, jobs, settings, {
      ...(config.onProgress !== undefined && { onProgress: config.onProgress }),
      ...(config.signal !== undefined && { signal: config.signal }),
      ...(config.threads !== undefined && { threads: config.threads }),
      observe: (chunk) => {
        infinite.observe(chunk);
        columns.update(chunk);
        for (const counter of counters.values()) counter.advance(chunk);
      },
    });
    const lastSizes = streamed.facts.lastSizes();
    const values: unknown[] = [
      ...[...counters.values()].map((counter) => counter.countsAt(config.capacities, lastSizes)),
      ...streamed.counts,
    ];
    return { values, summary: streamed.summary, ceiling: infinite.hitRate() };
  };
  if (slicing !== undefined) {
    // The fingerprint is read after compute, by which time the pass has hashed every column.
    const work: Work = {
      costs,
      get fingerprint() {
        return fingerprint();
      },
      compute: async (units) => (await pass(units)).values,
    };
    return { slice: await computeSlice(work, slicing) };
  }
  // Merging parts replays nothing: the read gives the summary and checks the parts are of this trace.
  const { values, summary, ceiling } = await pass(config.fromSlices !== undefined ? [] : costs.map((_, unit) => unit));
  const all = config.fromSlices === undefined ? values : gatherSlices(config.fromSlices, fingerprint(), costs.length);
  const rows: ResultRow[] = [];
  let next = curvePlans.length;
  for (const plan of plans) {
    const curve = plan.onePass ? (all[curvePlans.indexOf(plan)] as ReplayCounts[]) : undefined;
    plan.jobs.forEach((job, i) => rows.push(rowOf(job, curve === undefined ? (all[next++] as JobCounts) : curve[i]!, settings)));
  }
  return {
    result: sweepResult(resultWith(summary, config.command ?? 'sweep', runOptionsOf(config), rows), config, plans, {
      ceiling,
      refine: (recommendations) => ({ recommendations, points: new Map<string, CurvePoint[]>() }),
      sampling: null,
    }),
  };
}

/** What a sweep's fingerprint describes besides the trace: the same for a loaded and a streamed sweep. */
function sweepDescription(settings: ReplaySettings, curvePlans: readonly Plan[], replayed: readonly Job[]): unknown {
  return { grid: 'sweep', settings, curves: curvePlans.map((plan) => plan.jobs.map(toWire)), jobs: replayed.map(toWire) };
}
