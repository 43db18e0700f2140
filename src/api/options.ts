/**
 * The options of `simulate()` and `sweep()`, and their validation: the library's edge.
 *
 * Options are typed values, not text. Durations are milliseconds everywhere, and every
 * duration field says so in its name (`lookupCostMs`, `ttlsMs`); rates are fractions (0.9,
 * not 90). What the options ask is checked twice: on its own (`checkSimulateOptions`, before
 * a trace is loaded, so a typo costs milliseconds), then against the trace (byte capacity
 * needs sizes, a TTL needs times). Errors are UsageErrors whose `where` is the option path
 * (`policies[1]`, `tiers[0].policy`, `recommend.targetHitRate`); callers name them in their
 * own terms (the CLI as flags, `gate` as config fields). Nothing here knows a flag.
 */
import { UsageError } from '../errors.js';
import type { CostModel } from '../engine/cost.js';
import type { ShardPart } from './shards.js';
import type { WorkerPool } from '../engine/executor.js';
import type { GridConfig, TimedOptions } from '../engine/grid.js';
import type { RecommendOptions } from '../engine/recommend.js';
import { intervalCount, MAX_INTERVALS, type IntervalSpec } from '../engine/intervals.js';
import { warmupEnd, type WarmupSpec } from '../engine/warmup.js';
import { ttlApplies } from '../engine/replay.js';
import { WRITE_POLICIES, type WritePolicy } from '../engine/time/freshness.js';
import { STAMPEDE_MODES, stampedeLabel, type StampedeConfig, type StampedeMode } from '../engine/time/stampede.js';
import type { TierSpec } from '../engine/time/tiers.js';
import {
  BALANCES,
  DEFAULT_INVALIDATION,
  invalidationLabel,
  MAX_INSTANCES,
  type Balance,
  type FleetConfig,
  type Invalidation,
} from '../engine/time/fleet.js';
import type { Incident, OriginLimit } from '../engine/time/incidents.js';
import { ttlClassesLabel, type TtlClasses } from '../engine/ttl-classes.js';
import { parsePolicySpec, type PolicySpec } from '../policies/index.js';
import { OP_SET, type Trace } from '../trace/trace.js';
import { BYTE_UNIT_STYLES, type ByteUnitStyle } from '../units.js';

/** A duration in milliseconds. */
export type Milliseconds = number;

/** A policy as a spec string (`'s3-fifo:small=0.2'`) or a spec parsed with `parsePolicySpec`. */
export type PolicyInput = string | PolicySpec;

/** A stampede mode, or `{ mode: 'xfetch', beta }`. */
export type StampedeInput = StampedeMode | { readonly mode: StampedeMode; readonly beta?: number };

/** One tier of a chain, closest first. */
export interface TierOptions {
  readonly policy: PolicyInput;
  /** Entries or bytes (the chain's `unit`); in `sweep()`, `'*'` marks the one tier whose size is swept. */
  readonly capacity: number | '*';
  /** Time of one lookup in this tier, paid by every request that reaches it. */
  readonly lookupCostMs: Milliseconds;
}

/** How writes reach the other instances' L1s: a pub/sub broadcast after a delay, their TTL only, or not even the writer's own. */
export type InvalidationInput = 'ttl-only' | 'none' | { readonly kind: 'pubsub'; readonly delayMs?: Milliseconds };

/** One rule of per-class TTLs: keys matching `pattern` (a glob, or a prefix without `*`/`?`) get `ttlMs` (null: none). */
export interface TtlClassInput {
  readonly pattern: string;
  readonly ttlMs: Milliseconds | null;
}

/** What `simulate()` replays: the grid, its latency model and how to run it. Durations in ms. */
export interface SimulateOptions {
  /** Policies to compare. Default `['lru', 'lfu', 'ttl']`. Not with `tiers`. */
  readonly policies?: readonly PolicyInput[];
  /** Cache sizes in `unit`s. Default `[1024]` (`sweep()`: 16 doubling up to the trace's key count). */
  readonly capacities?: readonly number[];
  /** What a capacity counts: `entries` (every object is 1) or `bytes` (the trace's sizes). Default `entries`. */
  readonly unit?: 'entries' | 'bytes';
  /** How byte sizes are spelled in reports (`KiB` 64MiB, `KB` 64MB, `kb` 64mb, `k` 64m). Default `KiB`. */
  readonly byteUnits?: ByteUnitStyle;
  /** TTLs to try, each applied to every policy; null = none. Default `[null]`. A request's own `ttl` wins. */
  readonly ttlsMs?: readonly (Milliseconds | null)[];
  /**
   * Sets of per-class TTLs, each one more value of the TTL dimension after `ttlsMs` (which then
   * defaults to none): the first rule matching a key's text gives its TTL.
   */
  readonly ttlClasses?: readonly (readonly TtlClassInput[])[];
  /** TTL jitter j in [0, 1): each write's TTL becomes ttl x (1 + j(2U - 1)), U seeded. Default 0. */
  readonly ttlJitter?: number;
  /** Cost of one cache lookup. Default 0.1. */
  readonly lookupCostMs?: Milliseconds;
  /** Cost of fetching a missed value, for requests without their own `cost`. Default 5. */
  readonly missCostMs?: Milliseconds;
  /** Seed of randomised policies and TTL jitter. Default 1. */
  readonly seed?: number;
  /** An L1 > L2 > ... chain in place of `policies` x `capacities` (one row per TTL). */
  readonly tiers?: readonly TierOptions[];
  /**
   * What a `set` in the trace does to the cache; several are compared side by side, each a
   * row variant like a TTL. Default: write-through without a time-aware model.
   */
  readonly writePolicy?: WritePolicy | readonly WritePolicy[];
  /** Write-behind: time between flushes to the origin. Default 1000. */
  readonly flushIntervalMs?: Milliseconds;
  /** Concurrent misses on one key: a mode, or `{ mode: 'xfetch', beta }`; a list compares several side by side. */
  readonly stampede?: StampedeInput | readonly StampedeInput[];
  /**
   * A fleet: this many application instances, each with its own L1 (the first tier, or the
   * policy at each capacity), in front of the shared tiers; a list compares several.
   */
  readonly instances?: number | readonly number[];
  /** How requests are spread over the instances. Default `round-robin`. */
  readonly balance?: Balance;
  /** What the other instances' L1s learn of a write; a list compares several. Default a pub/sub broadcast with no delay. */
  readonly invalidation?: InvalidationInput | readonly InvalidationInput[];
  /** Tiers unreachable for a while (`tier` 1 is L1), from `atMs` after the first request. */
  readonly outages?: readonly { readonly tier: number; readonly atMs: Milliseconds; readonly durationMs: Milliseconds }[];
  /** Tiers that start cold at `atMs` after the first request (L1: every instance's, a deploy). */
  readonly restarts?: readonly { readonly tier: number; readonly atMs: Milliseconds }[];
  /** At most `perSecond` origin fetches start in a second of trace time; the rest are shed (default) or queued. */
  readonly originLimit?: { readonly perSecond: number; readonly excess?: 'shed' | 'queue' };
  /** Hit rate over time: every row also counts each run of this many requests (rows get `intervals`). */
  readonly intervalRequests?: number;
  /** Hit rate over time by trace time: every this many ms from the first request (needs a time column). */
  readonly intervalMs?: Milliseconds;
  /**
   * Leave the cold start out of every count: the first `requests`, the first `ms` of trace
   * time, or a `share` (0 to below 1) of the requests warm the cache and are not counted.
   */
  readonly warmup?: { readonly requests: number } | { readonly ms: Milliseconds } | { readonly share: number };
  /** Threads replaying at once, this one included. Default: every core; at most 4 per core (more only cost memory). */
  readonly workers?: number;
  /** `auto` (default) uses threads when the grid is big enough to gain from them. */
  readonly parallel?: 'auto' | 'always' | 'never';
  /** Requests replayed so far over the whole grid, and in total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops the replay between chunks of requests; the call rejects with a CancelledError. */
  readonly signal?: AbortSignal;
  /** Worker threads started ahead of the load (the CLI starts them while it reads the trace). */
  readonly pool?: WorkerPool;
  /**
   * The parts of a sharded run (`simulateShard`/`sweepShard` with these same options, one per
   * slice, any order): their results stand in for the replays, and the result is the one the
   * unsharded call returns, byte for byte. Parts of other options or another trace are refused.
   */
  readonly fromShards?: readonly ShardPart[];
}

/** How `sweep()` picks the recommended size; the most specific criterion given is the headline one. */
export interface RecommendationOptions {
  /**
   * The default criterion, diminishing returns: recommend the size past which no doubling of
   * the cache gains this much hit rate (a fraction per doubling: 0.01 = one point). Default 0.01.
   */
  readonly minGain?: number;
  /** Also recommend the smallest size within this much hit rate (a fraction: 0.01 = one point) of the best. */
  readonly tolerance?: number;
  /** Recommend the smallest size reaching this hit rate (a fraction). */
  readonly targetHitRate?: number;
  /** Recommend the smallest size with mean latency at or below this. */
  readonly targetLatencyMs?: Milliseconds;
  /** Latency-equivalent price of holding one entry (one byte with byte capacity): minimise mean latency + price x size. */
  readonly memoryCostMs?: Milliseconds;
  /**
   * A staleness budget (a fraction of gets): recommend the TTL x size with the best hit rate
   * whose stale-read rate stays within it. Needs sets in the trace; without a write policy,
   * `ttl-only` (a set leaves the cached copy to age out) is simulated.
   */
  readonly maxStale?: number;
}

/** `simulate()`'s options plus sampling and the recommendation criteria, for `sweep()`. */
export interface SweepOptions extends SimulateOptions {
  /**
   * Estimate from this fraction of keys (SHARDS / MiniSim), 0 < sample <= 1; or from at most
   * `{ keys }` of them (fixed-size SHARDS: the rate is chosen so the sample holds that many
   * keys, whatever the trace's length). Not with time-aware modes.
   */
  readonly sample?: number | { readonly keys: number };
  readonly recommend?: RecommendationOptions;
}

/** Everything the engine needs, checked and with its defaults filled in (seconds inside). */
export interface Plan {
  readonly grid: Omit<GridConfig, 'capacities' | 'onProgress'> & { readonly capacities: readonly number[] | undefined };
  readonly sample: number | { readonly keys: number } | undefined;
  readonly recommend: RecommendOptions;
  readonly workers: number | undefined;
  readonly parallel: 'auto' | 'always' | 'never' | undefined;
}

export const DEFAULT_POLICIES = ['lru', 'lfu', 'ttl'] as const;
export const DEFAULT_CAPACITY = 1024;
export const DEFAULT_LOOKUP_COST_MS = 0.1;
export const DEFAULT_MISS_COST_MS = 5;
export const DEFAULT_MIN_GAIN = 0.01;

type Mode = 'simulate' | 'sweep';

/** Checks `simulate()` options without a trace; returns the engine's plan. */
export function checkSimulateOptions(options: SimulateOptions): Plan {
  return planOf(options, 'simulate');
}

/** Checks `sweep()` options without a trace; returns the engine's plan. */
export function checkSweepOptions(options: SweepOptions): Plan {
  return planOf(options, 'sweep');
}

function fail(where: string, detail: string): never {
  throw new UsageError(detail, where);
}

function finiteAtLeast(value: number, min: number, where: string, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) fail(where, `must be ${what}, not ${String(value)}`);
  return value;
}

function planOf(options: SweepOptions, mode: Mode): Plan {
  const unit = unitOf(options.unit);
  const tiers = options.tiers === undefined ? undefined : tiersOf(options.tiers, mode);
  if (tiers !== undefined && options.policies !== undefined)
    fail('tiers', 'a chain of tiers names its own policies and sizes: leave out policies');
  if (tiers !== undefined && mode === 'simulate' && options.capacities !== undefined)
    fail('tiers', 'a chain of tiers names its own sizes: leave out capacities');
  const policies = policiesOf(options.policies ?? DEFAULT_POLICIES);
  for (const spec of tiers === undefined ? policies : tiers.tiers.map((tier) => tier.policy)) {
    if (spec.definition.unit === 'bytes' && unit !== 'bytes')
      fail(
        tiers === undefined ? 'policies' : 'tiers',
        `'${spec.name}' models memory in bytes: give byte sizes (--capacity 64mb, unit 'bytes'), not entries`,
      );
  }
  const capacities =
    options.capacities === undefined ? (mode === 'simulate' ? [DEFAULT_CAPACITY] : undefined) : capacitiesOf(options.capacities, unit);
  const ttlClasses = options.ttlClasses === undefined ? undefined : ttlClassesOf(options.ttlClasses);
  const ttls = options.ttlsMs === undefined && ttlClasses !== undefined ? [] : ttlsOf(options.ttlsMs ?? [null]);
  const ttlJitter = options.ttlJitter ?? 0;
  if (!(ttlJitter >= 0 && ttlJitter < 1)) fail('ttlJitter', `must be at least 0 and below 1, not ${ttlJitter}`);
  const cost: CostModel = {
    lookupCost: finiteAtLeast(options.lookupCostMs ?? DEFAULT_LOOKUP_COST_MS, 0, 'lookupCostMs', 'a duration of 0 ms or more') / 1e3,
    missCost: finiteAtLeast(options.missCostMs ?? DEFAULT_MISS_COST_MS, 0, 'missCostMs', 'a duration of 0 ms or more') / 1e3,
  };
  const seed = options.seed ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) fail('seed', `must be a whole number of 0 or more, not ${seed}`);
  // A staleness budget needs stale reads counted: ttl-only unless another write policy is given.
  const staleBudget = mode === 'sweep' ? options.recommend?.maxStale : undefined;
  const timed = timedOf(
    staleBudget !== undefined && options.writePolicy === undefined ? { ...options, writePolicy: 'ttl-only' } : options,
    tiers,
  );
  if (timed !== undefined && timed.tiers === undefined) {
    const offline = policies.find((spec) => spec.definition.offline);
    if (offline) fail('policies', `'${offline.name}' is an offline bound and cannot run with a write policy or a stampede mode`);
  }
  const sample = options.sample;
  if (typeof sample === 'number' && !(sample > 0 && sample <= 1)) fail('sample', `must be a fraction above 0 up to 1, not ${sample}`);
  if (typeof sample === 'object' && !(Number.isSafeInteger(sample.keys) && sample.keys >= 1))
    fail('sample.keys', `must be a whole number of keys, 1 or more, not ${sample.keys}`);
  // A budget in keys samples unless the trace has no more keys than that; it is checked as sampling.
  const sampling = typeof sample === 'object' || (sample !== undefined && sample < 1);
  if (sampling) {
    if (timed !== undefined)
      fail('sample', 'sampling estimates plain replays only: not with tiers, a fleet, an incident, a write policy or a stampede mode');
    if (ttlClasses !== undefined) fail('sample', 'sampling is by key, and per-class TTLs are too: not with ttlClasses');
  }
  const interval = intervalOf(options);
  const warmup = warmupOf(options.warmup);
  if (warmup !== undefined && sampling) fail('warmup', 'a warm-up is counted exactly: not with sample');
  if (interval !== undefined && sampling)
    fail(interval.unit === 'requests' ? 'intervalRequests' : 'intervalMs', 'hit rate over time is counted exactly: not with sample');
  const workers = options.workers;
  if (workers !== undefined && (!Number.isSafeInteger(workers) || workers < 1))
    fail('workers', `must be a whole number of 1 or more, not ${workers}`);
  if (options.parallel !== undefined && !['auto', 'always', 'never'].includes(options.parallel)) {
    fail('parallel', `must be 'auto', 'always' or 'never', not '${options.parallel as string}'`);
  }
  return {
    grid: {
      policies: tiers === undefined ? policies : [],
      capacities,
      unit,
      ...(options.byteUnits !== undefined && unit === 'bytes' && { byteUnits: byteUnitsOf(options.byteUnits) }),
      ttls,
      ...(ttlClasses !== undefined && { ttlClasses }),
      cost,
      seed,
      ...(ttlJitter > 0 && { ttlJitter }),
      ...(timed !== undefined && { timed }),
      ...(interval !== undefined && { interval }),
      ...(warmup !== undefined && { warmup }),
      command: mode === 'simulate' ? 'run' : 'sweep',
    },
    sample,
    recommend: recommendOf(options.recommend ?? {}),
    workers,
    parallel: options.parallel,
  };
}

function warmupOf(warmup: SimulateOptions['warmup']): WarmupSpec | undefined {
  if (warmup === undefined) return undefined;
  if ('requests' in warmup) {
    if (!Number.isSafeInteger(warmup.requests) || warmup.requests < 0)
      fail('warmup', `requests must be a whole number, 0 or more, not ${warmup.requests}`);
    return { unit: 'requests', size: warmup.requests };
  }
  if ('ms' in warmup) {
    if (!(warmup.ms >= 0) || !Number.isFinite(warmup.ms)) fail('warmup', `ms must be a duration of 0 or more, not ${warmup.ms}`);
    return { unit: 'seconds', size: warmup.ms / 1e3 };
  }
  if ('share' in warmup) {
    if (!(warmup.share >= 0 && warmup.share < 1)) fail('warmup', `share must be at least 0 and below 1, not ${warmup.share}`);
    return { unit: 'share', size: warmup.share };
  }
  return fail('warmup', 'give requests, ms or share');
}

function intervalOf(options: SweepOptions): IntervalSpec | undefined {
  const { intervalRequests, intervalMs } = options;
  if (intervalRequests !== undefined && intervalMs !== undefined) fail('intervalMs', 'give intervalRequests or intervalMs, not both');
  if (intervalRequests !== undefined) {
    if (!Number.isSafeInteger(intervalRequests) || intervalRequests < 1)
      fail('intervalRequests', `must be a whole number of requests, 1 or more, not ${intervalRequests}`);
    return { unit: 'requests', size: intervalRequests };
  }
  if (intervalMs !== undefined) {
    if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) fail('intervalMs', `must be a positive duration, not ${intervalMs}`);
    return { unit: 'seconds', size: intervalMs / 1e3 };
  }
  return undefined;
}

function byteUnitsOf(style: string): ByteUnitStyle {
  if (!(BYTE_UNIT_STYLES as readonly string[]).includes(style))
    fail('byteUnits', `must be one of ${BYTE_UNIT_STYLES.join(', ')}, not '${style}'`);
  return style as ByteUnitStyle;
}

function unitOf(unit: string | undefined): 'entries' | 'bytes' {
  if (unit === undefined || unit === 'entries') return 'entries';
  if (unit === 'bytes') return 'bytes';
  return fail('unit', `must be 'entries' or 'bytes', not '${unit}'`);
}

function policiesOf(inputs: readonly PolicyInput[]): PolicySpec[] {
  if (inputs.length === 0) fail('policies', 'name at least one policy');
  const specs = inputs.map((input, i) => (typeof input === 'string' ? parsePolicySpec(input, `policies[${i}]`) : input));
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) fail('policies', `'${spec.name}' is listed twice`);
    seen.add(spec.name);
  }
  return specs;
}

function capacitiesOf(capacities: readonly number[], unit: 'entries' | 'bytes'): number[] {
  if (capacities.length === 0) fail('capacities', 'give at least one size');
  for (const capacity of capacities) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      fail('capacities', `${String(capacity)} is not a positive whole number of ${unit}`);
  }
  return [...new Set(capacities)];
}

function ttlsOf(ttls: readonly (Milliseconds | null)[]): (number | null)[] {
  if (ttls.length === 0) fail('ttlsMs', 'give at least one TTL (null for none)');
  const seconds = ttls.map((ttl) => {
    if (ttl === null) return null;
    if (typeof ttl !== 'number' || !(ttl > 0) || !Number.isFinite(ttl))
      fail('ttlsMs', `${String(ttl)} is not a positive duration (null means no TTL)`);
    return ttl / 1e3;
  });
  return [...new Set(seconds)];
}

/** The chain, and which tier (if any) a sweep varies. */
interface Chain {
  readonly tiers: TierSpec[];
  readonly swept: number | undefined;
}

function tiersOf(tiers: readonly TierOptions[], mode: Mode): Chain {
  if (tiers.length === 0) fail('tiers', 'name at least one tier');
  let swept: number | undefined;
  const specs: TierSpec[] = tiers.map((tier, i) => {
    const policy = typeof tier.policy === 'string' ? parsePolicySpec(tier.policy, `tiers[${i}].policy`) : tier.policy;
    if (policy.definition.offline)
      fail(`tiers[${i}].policy`, `'${policy.name}' needs the future of the exact request sequence, which a tier does not see`);
    if (tier.capacity === '*') {
      if (mode !== 'sweep') fail(`tiers[${i}].capacity`, "'*' (the swept size) is for sweeps only: give a size");
      if (swept !== undefined) fail('tiers', "mark one tier's size '*' (the swept one), not several");
      swept = i;
    } else if (!Number.isSafeInteger(tier.capacity) || tier.capacity < 1) {
      fail(`tiers[${i}].capacity`, `${String(tier.capacity)} is not a positive whole number`);
    }
    const lookupCost = finiteAtLeast(tier.lookupCostMs, 0, `tiers[${i}].lookupCostMs`, 'a duration of 0 ms or more') / 1e3;
    return { policy, capacity: tier.capacity === '*' ? 0 : tier.capacity, lookupCost };
  });
  if (mode === 'sweep' && swept === undefined) fail('tiers', "a sweep varies one tier's size: write that tier's size as '*'");
  return { tiers: specs, swept };
}

function timedOf(options: SimulateOptions, chain: Chain | undefined): TimedOptions | undefined {
  const writePolicies = options.writePolicy === undefined ? undefined : listOf(options.writePolicy, 'writePolicy').map(writePolicyOf);
  if (writePolicies !== undefined) refuseRepeats(writePolicies, 'writePolicy');
  let flushInterval: number | undefined;
  if (options.flushIntervalMs !== undefined) {
    if (!writePolicies?.includes('write-behind')) fail('flushIntervalMs', 'only applies with the write-behind write policy');
    if (!(options.flushIntervalMs > 0) || !Number.isFinite(options.flushIntervalMs))
      fail('flushIntervalMs', `must be a positive duration, not ${options.flushIntervalMs}`);
    flushInterval = options.flushIntervalMs / 1e3;
  }
  const stampedes = options.stampede === undefined ? undefined : listOf(options.stampede, 'stampede').map(stampedeOf);
  if (stampedes !== undefined) refuseRepeats(stampedes.map(stampedeLabel), 'stampede');
  const fleets = fleetsOf(options);
  if (fleets !== undefined && stampedes !== undefined && fleets.some((fleet) => fleet.instances > 1))
    fail('stampede', 'the stampede model is one process single-flighting its own misses: not with more than one instance');
  const tierCount = chain?.tiers.length ?? 1;
  const incidents = incidentsOf(options, tierCount);
  const originLimit = options.originLimit === undefined ? undefined : originLimitOf(options.originLimit);
  if (
    writePolicies === undefined &&
    stampedes === undefined &&
    chain === undefined &&
    fleets === undefined &&
    incidents === undefined &&
    originLimit === undefined
  )
    return undefined;
  return {
    ...(fleets !== undefined && { fleets }),
    ...(incidents !== undefined && { incidents }),
    ...(originLimit !== undefined && { originLimit }),
    ...(chain !== undefined && { tiers: chain.tiers }),
    ...(chain?.swept !== undefined && { sweptTier: chain.swept }),
    ...(writePolicies !== undefined && { writePolicies }),
    ...(flushInterval !== undefined && { flushInterval }),
    ...(stampedes !== undefined && { stampedes }),
  };
}

/** Instances x invalidation modes, or undefined without a fleet. */
function fleetsOf(options: SimulateOptions): FleetConfig[] | undefined {
  if (options.instances === undefined) {
    if (options.balance !== undefined) fail('balance', 'spreads requests over instances: give instances too');
    if (options.invalidation !== undefined) fail('invalidation', 'tells the other instances of a write: give instances too');
    return undefined;
  }
  const counts = listOf(options.instances, 'instances');
  for (const count of counts) {
    if (!Number.isSafeInteger(count) || count < 1 || count > MAX_INSTANCES)
      fail('instances', `must be a whole number from 1 to ${MAX_INSTANCES}, not ${String(count)}`);
  }
  refuseRepeats(counts.map(String), 'instances');
  const balance = options.balance ?? 'round-robin';
  if (!(BALANCES as readonly string[]).includes(balance)) fail('balance', `must be one of ${BALANCES.join(', ')}, not '${balance}'`);
  const invalidations =
    options.invalidation === undefined ? [DEFAULT_INVALIDATION] : listOf(options.invalidation, 'invalidation').map(invalidationOf);
  refuseRepeats(invalidations.map(invalidationLabel), 'invalidation');
  return counts.flatMap((instances) => invalidations.map((invalidation) => ({ instances, balance, invalidation })));
}

function invalidationOf(input: InvalidationInput): Invalidation {
  if (input === 'ttl-only' || input === 'none') return { kind: input };
  // Callers from JavaScript may pass anything.
  const given = input as unknown as { kind?: unknown; delayMs?: unknown } | null;
  if (typeof given !== 'object' || given === null || given.kind !== 'pubsub')
    fail('invalidation', `must be 'ttl-only', 'none' or { kind: 'pubsub', delayMs }, not ${JSON.stringify(input)}`);
  const delayMs = given.delayMs ?? 0;
  if (typeof delayMs !== 'number') fail('invalidation', `pubsub delayMs must be a number of ms, not ${JSON.stringify(delayMs)}`);
  if (!(delayMs >= 0) || !Number.isFinite(delayMs)) fail('invalidation', `pubsub delayMs must be 0 or more, not ${delayMs}`);
  return { kind: 'pubsub', delay: delayMs / 1e3 };
}

/** Outages and restarts, checked against the tiers there are. */
function incidentsOf(options: SimulateOptions, tierCount: number): Incident[] | undefined {
  const incidents: Incident[] = [];
  const tierOf = (tier: number, where: string): number => {
    if (!Number.isSafeInteger(tier) || tier < 1 || tier > tierCount)
      fail(where, `there is no tier L${String(tier)}: the chain has ${tierCount === 1 ? 'only L1' : `L1 to L${tierCount}`}`);
    return tier - 1;
  };
  (options.outages ?? []).forEach((outage, i) => {
    const where = `outages[${i}]`;
    const at = finiteAtLeast(outage.atMs, 0, `${where}.atMs`, 'a time of 0 ms or more') / 1e3;
    const duration = finiteAtLeast(outage.durationMs, 0, `${where}.durationMs`, 'a duration of 0 ms or more') / 1e3;
    if (duration === 0) fail(`${where}.durationMs`, 'an outage lasts longer than nothing');
    incidents.push({ kind: 'outage', tier: tierOf(outage.tier, `${where}.tier`), at, duration });
  });
  (options.restarts ?? []).forEach((restart, i) => {
    const where = `restarts[${i}]`;
    const at = finiteAtLeast(restart.atMs, 0, `${where}.atMs`, 'a time of 0 ms or more') / 1e3;
    incidents.push({ kind: 'restart', tier: tierOf(restart.tier, `${where}.tier`), at, duration: 0 });
  });
  return incidents.length === 0 ? undefined : incidents;
}

function originLimitOf(limit: NonNullable<SimulateOptions['originLimit']>): OriginLimit {
  if (!Number.isSafeInteger(limit.perSecond) || limit.perSecond < 1)
    fail('originLimit.perSecond', `must be a whole number of fetches, 1 or more, not ${String(limit.perSecond)}`);
  const excess = (limit.excess as string | undefined) ?? 'shed';
  if (excess !== 'shed' && excess !== 'queue') fail('originLimit.excess', `must be 'shed' or 'queue', not '${excess}'`);
  return { perSecond: limit.perSecond, excess };
}

function ttlClassesOf(sets: readonly (readonly TtlClassInput[])[]): TtlClasses[] {
  if (sets.length === 0) fail('ttlClasses', 'give at least one set of rules');
  const classes = sets.map((rules, i) => {
    if (rules.length === 0) fail(`ttlClasses[${i}]`, 'give at least one rule, e.g. { pattern: "*", ttlMs: 60000 }');
    const seen = new Set<string>();
    return {
      rules: rules.map((rule, k) => {
        const where = `ttlClasses[${i}][${k}]`;
        if (typeof rule.pattern !== 'string' || rule.pattern === '') fail(`${where}.pattern`, 'must be a glob or prefix, e.g. user:*');
        if (seen.has(rule.pattern)) fail(`${where}.pattern`, `'${rule.pattern}' has two TTLs`);
        seen.add(rule.pattern);
        if (rule.pattern === '*' && k < rules.length - 1)
          fail(`${where}.pattern`, "'*' matches every key, so the rules after it never apply: put it last");
        if (rule.ttlMs === null) return { pattern: rule.pattern, ttl: null };
        if (!(rule.ttlMs > 0) || !Number.isFinite(rule.ttlMs))
          fail(`${where}.ttlMs`, `${String(rule.ttlMs)} is not a positive duration (null means no TTL)`);
        return { pattern: rule.pattern, ttl: rule.ttlMs / 1e3 };
      }),
    };
  });
  refuseRepeats(classes.map(ttlClassesLabel), 'ttlClasses');
  return classes;
}

/** One mode or a list of them to compare; a list is not empty. */
function listOf<T>(input: T | readonly T[], where: string): readonly T[] {
  const list = Array.isArray(input) ? (input as readonly T[]) : [input as T];
  if (list.length === 0) fail(where, 'give at least one');
  return list;
}

/** A mode compared with itself is a slip, not a comparison. */
function refuseRepeats(labels: readonly string[], where: string): void {
  const twice = labels.find((label, i) => labels.indexOf(label) !== i);
  if (twice !== undefined) fail(where, `'${twice}' is listed twice`);
}

function writePolicyOf(writePolicy: WritePolicy): WritePolicy {
  if (!(WRITE_POLICIES as readonly string[]).includes(writePolicy))
    fail('writePolicy', `unknown write policy '${writePolicy}' (use ${WRITE_POLICIES.join(', ')})`);
  return writePolicy;
}

function stampedeOf(input: StampedeInput): StampedeConfig {
  const { mode, beta } = typeof input === 'string' ? { mode: input, beta: undefined } : input;
  if (!(STAMPEDE_MODES as readonly string[]).includes(mode))
    fail('stampede', `unknown stampede mode '${mode}' (use ${STAMPEDE_MODES.join(', ')})`);
  // Only xfetch reads beta; the other modes ignore it.
  if (mode === 'xfetch' && beta !== undefined && !(beta > 0 && Number.isFinite(beta)))
    fail('stampede', `xfetch beta must be positive, not ${beta}`);
  return { mode, beta: beta ?? 1 };
}

function recommendOf(options: RecommendationOptions): RecommendOptions {
  const fraction = (value: number, where: string, allowZero: boolean): number => {
    if (!(value <= 1 && (allowZero ? value >= 0 : value > 0)))
      fail(where, `must be a fraction ${allowZero ? 'from 0' : 'above 0'} up to 1, not ${value}`);
    return value;
  };
  return {
    minGain: fraction(options.minGain ?? DEFAULT_MIN_GAIN, 'recommend.minGain', false),
    ...(options.tolerance !== undefined && { tolerance: fraction(options.tolerance, 'recommend.tolerance', true) }),
    ...(options.targetHitRate !== undefined && { targetHitRate: fraction(options.targetHitRate, 'recommend.targetHitRate', false) }),
    ...(options.targetLatencyMs !== undefined && {
      targetLatencyMs: finiteAtLeast(options.targetLatencyMs, 0, 'recommend.targetLatencyMs', 'a duration of 0 ms or more'),
    }),
    ...(options.memoryCostMs !== undefined && {
      memoryCostMs: finiteAtLeast(options.memoryCostMs, 0, 'recommend.memoryCostMs', 'a duration of 0 ms or more'),
    }),
    ...(options.maxStale !== undefined && { maxStale: fraction(options.maxStale, 'recommend.maxStale', true) }),
  };
}

/**
 * Refuses what the trace cannot honour, naming the option to change: byte capacity without
 * sizes; a TTL, a stampede model or write-behind without times.
 */
export function checkAgainstTrace(plan: Plan, trace: Trace, { streamed = false }: { readonly streamed?: boolean } = {}): void {
  const { grid } = plan;
  const source = trace.source;
  if (grid.unit === 'bytes' && !trace.sizes) {
    fail(
      grid.timed?.tiers ? 'unit' : 'capacities',
      `${source} has no size column, so byte capacity cannot be simulated (count entries instead)`,
    );
  }
  if ((grid.ttls.some((ttl) => ttl !== null) || grid.ttlClasses !== undefined) && !trace.times) {
    fail('ttlsMs', `${source} has no time column, so a TTL cannot expire anything (add times, or rate= to a synthetic spec)`);
  }
  if (trace.ttls && !trace.times && ttlApplies(trace, undefined)) fail('ttlsMs', `${source} has a ttl column but no time column`);
  if (grid.timed?.incidents !== undefined && !trace.times) {
    const where = grid.timed.incidents[0]!.kind === 'outage' ? 'outages' : 'restarts';
    fail(where, `${source} has no time column, so an incident cannot be placed in time (add times, or rate= to a synthetic spec)`);
  }
  if (grid.timed?.originLimit !== undefined && !trace.times)
    fail('originLimit', `${source} has no time column, so fetches per second cannot be counted (add times, or rate= to a synthetic spec)`);
  if (grid.timed?.stampedes !== undefined && !trace.times) {
    fail('stampede', `${source} has no time column, so concurrent fetches cannot be simulated (add times, or rate= to a synthetic spec)`);
  }
  // A streamed trace's shape says whether it has an op column, not what the column holds.
  const hasSets = streamed ? trace.ops !== undefined : (trace.ops?.some((op) => op === OP_SET) ?? false);
  if (plan.recommend.maxStale !== undefined && !hasSets)
    fail('recommend.maxStale', `${source} has no sets, so nothing it reads can be stale (a staleness budget needs writes in the trace)`);
  const warmup = grid.warmup;
  if (warmup?.unit === 'seconds' && !trace.times)
    fail('warmup', `${source} has no time column, so the warm-up cannot be a duration; give a number of requests or a share`);
  if (warmup !== undefined && warmupEnd(trace, warmup) >= trace.length && trace.length > 0)
    fail('warmup', `leaves none of the ${trace.length.toLocaleString('en-US')} requests of ${source} to count`);
  const interval = grid.interval;
  if (interval !== undefined) {
    const where = interval.unit === 'requests' ? 'intervalRequests' : 'intervalMs';
    if (interval.unit === 'seconds' && !trace.times)
      fail(where, `${source} has no time column, so it cannot be cut by time; give the interval as a number of requests`);
    const count = intervalCount(trace, interval);
    if (count > MAX_INTERVALS)
      fail(
        where,
        `cuts ${source} into ${count.toLocaleString('en-US')} intervals; at most ${MAX_INTERVALS.toLocaleString('en-US')} (make it longer)`,
      );
  }
  if (grid.timed?.writePolicies?.includes('write-behind') === true && !trace.times) {
    fail(
      'writePolicy',
      `${source} has no time column, so write-behind flushes cannot be scheduled (add times, or rate= to a synthetic spec)`,
    );
  }
}
