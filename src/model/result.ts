/**
 * The result object: the one thing every renderer (table, markdown, json, csv) and every
 * gate reads. JSON-serialisable, deterministic for the same inputs and seed (no wall-clock
 * times, no machine details), and versioned by `schemaVersion`. Times are milliseconds in
 * here, since that is how people read latencies; the engine works in seconds.
 */
import type { ByteUnitStyle } from '../units.js';

/**
 * 2: recommendations, the best choice, curve methods and sampling carry data instead of sentences.
 * 3: write policies and stampede modes are grid dimensions: `options.writePolicies` and
 *    `options.stampedes` are lists, and curves, recommendations and picks carry their modes.
 */
export const SCHEMA_VERSION = 3;

/**
 * The time-aware modes a row, curve or pick ran under, present when the run set them (as
 * `freshness.writePolicy` and `stampede.mode` on a row). With several write policies or
 * stampede modes in one run they tell its rows apart, as the TTL does.
 */
export interface RowModes {
  readonly writePolicy?: string;
  readonly stampede?: string;
  /** A fleet's instance count and invalidation (`--instances`, `--invalidation`). */
  readonly instances?: number;
  readonly invalidation?: string;
  /** Per-class TTLs (`user:*=5m,*=1m`); the row's `ttl` is then their `*` rule's. */
  readonly ttlClasses?: string;
}

/** What the trace was: counts, key popularity, sizes and time span. */
export interface TraceSummary {
  /** File path or synthetic spec. */
  readonly source: string;
  /** All rows: lookups + writes + deletes. */
  readonly requests: number;
  readonly lookups: number;
  readonly writes: number;
  readonly deletes: number;
  readonly distinctKeys: number;
  /** Keys requested exactly once in the whole trace. */
  readonly oneHitWonders: number;
  /** Share of requests that go to the most requested 1% of keys (at least one key). */
  readonly top1PercentShare: number;
  /** Object sizes in bytes, when the trace has a size column. */
  readonly sizes: { readonly min: number; readonly mean: number; readonly max: number; readonly distinctBytes: number } | null;
  /** First and last timestamps (seconds), when the trace has times. */
  readonly time: { readonly start: number; readonly end: number; readonly span: number } | null;
}

/** Expected latency of a row in milliseconds: mean, nearest-rank percentiles, and against no cache. */
export interface LatencyMs {
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** The 99.9th percentile and the slowest request: where stampede waits show. */
  readonly p999: number;
  readonly max: number;
  readonly noCache: number;
  readonly speedup: number;
  readonly slowerThanNoCache: boolean;
}

/** One cell of the grid: a policy (or tier chain) at one capacity and TTL, and what it counted. */
export interface ResultRow {
  /** Policy spec, e.g. `lru` or `s3-fifo:small=0.2`. */
  readonly policy: string;
  /** TTL in seconds, or null for none. */
  readonly ttl: number | null;
  /** Cache size in `unit`s. */
  readonly capacity: number;
  readonly requests: number;
  readonly hits: number;
  readonly misses: number;
  readonly expiredMisses: number;
  readonly uncacheable: number;
  readonly writes: number;
  readonly deletes: number;
  readonly hitRate: number;
  readonly byteHitRate: number;
  readonly finalEntries: number;
  readonly finalBytes: number;
  readonly latency: LatencyMs;
  /** Misses on keys never stored (or deleted since); with expiredMisses and capacityMisses they sum to misses. */
  readonly coldMisses?: number;
  /** Misses on keys evicted while still live (or too big to store). */
  readonly capacityMisses?: number;
  /** TTL jitter fraction j, when `--ttl 60s~10%` spread each write's TTL. */
  readonly ttlJitter?: number;
  /** With `--write-policy`: how fresh the reads were. */
  readonly freshness?: FreshnessStats;
  /** With `--stampede`: origin load under concurrent requests. */
  readonly stampede?: StampedeStats;
  /** With `--tiers`: one entry per tier, L1 first. */
  readonly tiers?: readonly TierStats[];
  /** `replay` only: `server` for the real server's own counts, `simulation` for the simulator's. */
  readonly source?: 'server' | 'simulation';
  /** `replay` only, simulated row: the entries the server's memory holds, at which it was simulated. */
  readonly equivalentEntries?: number;
  /** Time-aware rows on a trace with times: origin fetches per second (peak, p99, mean). */
  readonly originLoad?: OriginLoad;
  /** Per-class TTLs the row ran with, as typed; `ttl` is their `*` rule's (null without one). */
  readonly ttlClasses?: string;
  /** With `--instances`: the fleet, overall and per instance. */
  readonly fleet?: FleetStats;
  /** With `--origin-limit`: what the limit turned away or held back. */
  readonly originLimit?: OriginLimitStats;
  /** With `--outage` / `--restart`: how each incident went, in the order given. */
  readonly incidents?: readonly IncidentStats[];
  /** Hit rate over time (`--interval`): the trace cut into intervals, in order. */
  readonly intervals?: readonly IntervalStats[];
  /**
   * Sampled sweeps: the hit rate's band over `samples` samples of the keys (other hash salts;
   * `hitRate` is the first). `unreliable` when they spread over more than two points: such a
   * size is marked and never recommended.
   */
  readonly estimate?: { readonly low: number; readonly high: number; readonly samples: number; readonly unreliable: boolean };
}

/** One interval of a row's hit rate over time. */
export interface IntervalStats {
  /** Where it starts: a request number, or seconds after the first request (RunOptions.interval says which). */
  readonly from: number;
  readonly lookups: number;
  readonly hits: number;
  /** null for an interval with no lookups. */
  readonly hitRate: number | null;
  /** Time-aware rows: fetches that went to the origin in this interval. */
  readonly originFetches?: number;
  /** Time-aware rows, intervals of trace time: originFetches per second of the interval. */
  readonly originPerSecond?: number;
}

/** A fleet of instances, each with its own L1, over the shared tiers. */
export interface FleetStats {
  readonly instances: number;
  readonly balance: string;
  readonly invalidation: string;
  /** Hits in the instances' own L1s over all gets. */
  readonly l1HitRate: number;
  /** Hits in the shared tiers over the gets that reached them (null with no shared tier). */
  readonly sharedHitRate: number | null;
  readonly originFetches: number;
  readonly staleReads: number;
  /** Per instance, in order. */
  readonly perInstance: readonly InstanceStats[];
}

export interface InstanceStats {
  readonly gets: number;
  /** Hits in this instance's own L1. */
  readonly l1Hits: number;
  readonly l1HitRate: number;
  readonly staleReads: number;
}

/** How long stale reads had been stale: since the first write the value served had not seen. */
export interface StalenessAges {
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface OriginLimitStats {
  /** As typed: `500/s` or `500/s:queue`. */
  readonly limit: string;
  /** Gets that failed: their fetch was over the limit. */
  readonly shed: number;
  /** Fetches that waited for room, how long in all and at most. */
  readonly delayed: number;
  readonly meanDelayMs: number;
  readonly longestDelayMs: number;
}

export interface IncidentStats {
  /** As typed: `outage L2@600s+30s`, `restart L1@1h`. */
  readonly incident: string;
  readonly kind: 'outage' | 'restart';
  /** `L1`, `L2`, ... */
  readonly tier: string;
  /** Seconds after the first request. */
  readonly atSeconds: number;
  readonly durationSeconds: number;
  /** Hit rate of the tier and those above it over the minute before (null: too little before it). */
  readonly steadyHitRate: number | null;
  /** The same over the incident (a restart: the ten seconds after it). */
  readonly hitRateDuring: number | null;
  /** Seconds after it ended until ten seconds in a row hit within one point of steady; null: never. */
  readonly recoverySeconds: number | null;
  /** Most origin fetches in one second from its start until recovery. */
  readonly originPeakPerSecond: number;
}

/** How fresh reads were under a write policy. */
export interface FreshnessStats {
  readonly writePolicy: string;
  /** Gets that returned an older version than the key's latest write. */
  readonly staleReads: number;
  /** staleReads / gets. */
  readonly staleReadRate: number;
  /** Write-behind only: writes folded into a flush already pending for the key. */
  readonly writesCoalesced?: number;
  /** Write-behind only: the longest a write waited for its flush. */
  readonly longestPendingMs?: number;
  readonly flushes?: number;
  /** On a trace with times: how long the stale reads' values had been stale. */
  readonly staleAge?: StalenessAges;
}

/** Origin fetches per second of trace time (time-aware rows on a trace with times). */
export interface OriginLoad {
  /** Seconds counted: from the first counted request to the last, quiet ones included. */
  readonly seconds: number;
  readonly peakPerSecond: number;
  /** The 99th percentile over those seconds. */
  readonly p99PerSecond: number;
  readonly meanPerSecond: number;
}

/** Origin load under concurrent requests, per stampede mode. */
export interface StampedeStats {
  readonly mode: string;
  /** Fetches sent to the origin (misses that did not wait, plus refreshes). */
  readonly originFetches: number;
  /** Most origin fetches in flight at one moment. */
  readonly peakConcurrentFetches: number;
  /** Misses that waited for a fetch already in flight (misses for latency, not for load). */
  readonly coalescedWaits: number;
  /** XFetch refreshes started before expiry. */
  readonly earlyRefreshes: number;
  /** Expired values served while a refresh ran (stale-while-revalidate). */
  readonly staleServes: number;
  /** The requests that waited on the origin, and how long (ms): where a stampede's cost shows. */
  readonly originWaits: OriginWaits;
}

/**
 * Requests that waited on the origin (a fetch of their own, or one already in flight), and
 * the nearest-rank percentiles of their latency in ms; all 0 when none waited.
 */
export interface OriginWaits {
  readonly requests: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** One tier's lookups and hits in a chain. */
export interface TierStats {
  readonly policy: string;
  readonly capacity: number;
  readonly lookupMs: number;
  /** Gets that reached this tier. */
  readonly lookups: number;
  readonly hits: number;
  /** hits / lookups reaching this tier. */
  readonly hitRate: number;
  /** hits / all gets: the tier's share of the overall hit rate. */
  readonly shareOfRequests: number;
}

/** The options a result was made with, as plain data. */
export interface RunOptions {
  readonly policies: readonly string[];
  readonly capacities: readonly number[];
  readonly unit: 'entries' | 'bytes';
  /** How the user spelled byte sizes, which reports keep (`KiB`, `KB`, `kb` or `k`); absent = `KiB`. */
  readonly byteUnits?: ByteUnitStyle;
  /** TTLs in seconds; null = no TTL. */
  readonly ttls: readonly (number | null)[];
  readonly lookupCostMs: number;
  readonly missCostMs: number;
  readonly seed: number;
  readonly ttlJitter?: number;
  /** The write policies compared (`--write-policy invalidate,write-through`), in row order. */
  readonly writePolicies?: readonly string[];
  readonly flushIntervalMs?: number;
  /** The stampede modes compared (`--stampede none,coalesce`), in row order. */
  readonly stampedes?: readonly string[];
  /** Sets of per-class TTLs compared after `ttls`, as typed. */
  readonly ttlClasses?: readonly string[];
  /** The fleets compared (`--instances 1,8 --invalidation pubsub:delay=5ms,ttl-only`), in row order. */
  readonly fleets?: readonly { readonly instances: number; readonly balance: string; readonly invalidation: string }[];
  /** Outages and restarts, as typed. */
  readonly incidents?: readonly string[];
  readonly originLimit?: string;
  /** Tier specs, L1 first, when `--tiers` replaced the policy x size grid. */
  readonly tiers?: readonly string[];
  /** Hit rate over time was counted every `size` requests or seconds (rows carry `intervals`). */
  readonly interval?: { readonly unit: 'requests' | 'seconds'; readonly size: number };
  /** The first `size` requests, seconds or share of the requests warmed the cache and are not counted. */
  readonly warmup?: { readonly unit: 'requests' | 'seconds' | 'share'; readonly size: number };
}

/** The result object every command returns and every renderer and gate reads (docs/schema.md). */
export interface RunResult {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly tool: { readonly name: 'cachebench'; readonly version: string };
  readonly command: string;
  readonly trace: TraceSummary;
  readonly options: RunOptions;
  readonly rows: readonly ResultRow[];
}

/**
 * Sweep additions (`cachebench sweep`). All optional, so a `run` result is unchanged.
 * Everything here is data: the renderers (src/report/words.ts) put it into sentences.
 */
export interface Sampling {
  /** Fraction of keys kept (SHARDS fixed-rate spatial sampling by key hash). */
  readonly rate: number;
  /** `shards` for the one-pass LRU curve, `minisim` for policies replayed at capacity x rate. */
  readonly methods: readonly ('shards' | 'minisim')[];
  /** Always true: every hit count is scaled up from the sample. */
  readonly estimates: true;
  /** Distinct keys of the sample, and of the whole trace. */
  readonly sampledKeys: number;
  readonly totalKeys: number;
  /** Lookups of sampled keys, and rate x all lookups: far apart means a few hot keys decided the sample. */
  readonly sampledLookups: number;
  readonly expectedLookups: number;
  /** sampledLookups / expectedLookups - 1. */
  readonly skew: number;
  /** |skew| is past the warning threshold: a few hot keys decide this sample. */
  readonly skewed: boolean;
}

/**
 * Why a curve was replayed size by size instead of computed in one pass:
 * `no-one-pass-model` (the policy has none), `time-aware` (tiers, a write policy or a
 * stampede mode: the time-aware simulator replays each size), `ttl` (entries expire), `byte-capacity` (the
 * stack criterion is approximate with mixed sizes), `cost-column` (percentiles need a replay),
 * `deletes` (a delete leaves a hole the stack model does not have), `intervals` (hit rate over
 * time is counted by replays), `warmup` (so is a warm-up).
 */
export type CurveBlocker =
  'no-one-pass-model' | 'time-aware' | 'ttl' | 'byte-capacity' | 'cost-column' | 'deletes' | 'intervals' | 'warmup';

/** How one policy x TTL curve was computed, and why when not the fast way. */
export interface CurveMethod extends RowModes {
  readonly policy: string;
  readonly ttl: number | null;
  /** `mattson`: exact one-pass LRU; `replay`: one replay per size; `shards` / `minisim`: sampled estimates. */
  readonly method: 'mattson' | 'replay' | 'shards' | 'minisim';
  /** Null for one-pass curves. */
  readonly blocker: CurveBlocker | null;
}

/** Which rule picked a recommended size. */
export type RecommendationCriterion = 'diminishing-returns' | 'tolerance' | 'target-hit-rate' | 'target-latency' | 'memory-cost';

/** One point of a curve, as a recommendation refers to it. */
export interface CurvePointRef {
  readonly capacity: number;
  readonly hitRate: number;
  readonly meanLatencyMs: number;
}

/** The size one criterion recommends for one policy x TTL curve, with the data behind it. */
export interface Recommendation extends RowModes {
  readonly policy: string;
  readonly ttl: number | null;
  readonly criterion: RecommendationCriterion;
  /** The criterion's parameter: tolerance and target hit rate as fractions, latency in ms, memory cost in ms per unit. */
  readonly threshold: number;
  /** The recommended size in `options.unit`s, or null when no size in range qualifies. */
  readonly capacity: number | null;
  readonly hitRate: number | null;
  readonly meanLatencyMs: number | null;
  /** The criterion that decides this policy's headline size (the most specific one asked for). */
  readonly primary: boolean;
  /** The curve's highest hit rate in range (the smallest size reaching it). */
  readonly bestInRange: CurvePointRef;
  /** The curve's lowest mean latency in range (the smallest size reaching it). */
  readonly fastestInRange: CurvePointRef;
  /**
   * Diminishing returns: no size in range is past them (capacity is null): the last doubling
   * still gains `marginalGain`, below the infinite-cache ceiling. Tolerance: the largest size
   * is the best and the curve still climbs there.
   */
  readonly stillRising: boolean;
  /** Memory cost only: threshold x capacity, and mean latency plus that (ms). */
  readonly memoryCostMs: number | null;
  readonly totalCostMs: number | null;
  /**
   * Diminishing returns only: the largest gain in hit rate per doubling past the recommended
   * size (null when it is the largest size), or with no size the last doubling's gain.
   */
  readonly marginalGain: number | null;
  /**
   * The deployable policy with the highest hit rate at the recommended size (same TTL; a tie
   * keeps this one); null with no size, or at a refined size (no other policy ran there).
   */
  readonly bestPolicyAtSize: { readonly policy: string; readonly hitRate: number } | null;
  /**
   * Targets in an unsampled sweep: the size was bisected between grid points with extra
   * replays, to within 1% of the size; hitRate and meanLatencyMs are from that replay.
   */
  readonly refined?: boolean;
}

/** `--max-stale`: the staleness budget, and the TTL x size (and policy) with the best hit rate within it. */
export interface TtlChoice {
  /** The budget, a fraction of gets. */
  readonly budget: number;
  /** Null when no row stays within the budget. */
  readonly pick:
    | (RowModes & {
        readonly policy: string;
        readonly ttl: number | null;
        readonly capacity: number;
        readonly hitRate: number;
        /** Its stale reads ÷ gets. */
        readonly staleReadRate: number;
      })
    | null;
}

/** Across all policies and TTLs: which to pick, at which size, under the primary criterion. */
export interface BestChoice extends RowModes {
  readonly policy: string;
  readonly ttl: number | null;
  readonly capacity: number;
  readonly hitRate: number;
  readonly meanLatencyMs: number;
  readonly criterion: RecommendationCriterion;
  readonly threshold: number;
  /** Tolerance only: the best hit rate of any policy anywhere in range. */
  readonly topHitRate: number | null;
  /** Memory cost only: mean latency + memory cost of the winner (ms). */
  readonly totalCostMs: number | null;
  /**
   * Diminishing returns: no size in range is past them; `capacity` is then the largest size,
   * the best there is in range, not a recommendation.
   */
  readonly stillRising: boolean;
  /** Diminishing returns: as Recommendation.marginalGain, on the best hit rate of any policy per size. */
  readonly marginalGain: number | null;
  /**
   * Curves within a tenth of a point of the winner at its size. The winner is the simplest
   * policy of them; of one policy under several modes, the one with the lowest mean latency.
   */
  readonly tiedWith: readonly (RowModes & {
    readonly policy: string;
    readonly ttl: number | null;
    readonly hitRate: number;
    readonly meanLatencyMs: number;
    /** Sampled sweeps: further than a tenth of a point off, but within the estimates' bands. */
    readonly withinSamplingError?: true;
  })[];
}

/**
 * Why a real-server replay's numbers may need a second look, as codes the renderers word:
 * `volatile-ttl-as-fifo` (volatile-ttl is compared with fifo), `other-clients` (the server
 * counted lookups cachebench did not send), `nothing-evicted` (the trace fits), `keys-expired`,
 * `writes-refused` (OOM: nothing with a TTL left to evict), `nothing-resident` (no bytes per
 * key, so no simulation).
 */
export type ServerNote =
  'volatile-ttl-as-fifo' | 'other-clients' | 'nothing-evicted' | 'keys-expired' | 'writes-refused' | 'nothing-resident';

/** `replay`: the real server beside the simulation, Redis or memcached (`kind`). */
export type ServerComparison = RedisComparison | MemcachedComparison;

export type MemcachedNote = 'nothing-evicted' | 'writes-refused' | 'pages-assigned-before' | 'other-clients' | 'items-expired';

/**
 * `replay --memcached`: the server's settings (which the `memcached` model ran with), what
 * it counted, how its memory was used, and each simulated row's distance from it.
 */
export interface MemcachedComparison {
  readonly kind: 'memcached';
  readonly server: {
    readonly url: string;
    readonly version: string;
    /** `-m` in bytes. */
    readonly maxbytes: number;
    readonly growthFactor: number;
    readonly chunkSize: number;
    readonly slabChunkMax: number;
    readonly casEnabled: boolean;
    readonly lruSegmented: boolean;
    readonly slabAutomove: number;
    readonly prefix: string;
    readonly pipeline: number;
    readonly valueSize: number | null;
    readonly ttl: number | null;
  };
  readonly real: {
    readonly requests: number;
    readonly lookups: number;
    /** `stats` deltas: the server's own count (the `server` row). */
    readonly getHits: number;
    readonly getMisses: number;
    readonly hitRate: number;
    readonly clientHits: number;
    readonly clientHitRate: number;
    readonly writes: number;
    readonly deletes: number;
    readonly rejectedWrites: number;
    readonly evictions: number;
    readonly reclaimed: number;
    readonly seconds: number;
    readonly requestsPerSecond: number;
    readonly latencyMs: RedisComparison['real']['latencyMs'];
  };
  readonly memory: {
    /** curr_items, `bytes` (item bytes) and total_malloced (pages handed to classes) after the replay. */
    readonly residentItems: number;
    readonly itemBytes: number;
    readonly totalMalloced: number;
    readonly mallocedBefore: number;
  };
  /** Every simulated row, at `-m` bytes: its policy, hit rate and (real - simulated) x 100. */
  readonly simulated: readonly { readonly policy: string; readonly hitRate: number; readonly differencePoints: number }[];
  readonly notes: readonly MemcachedNote[];
}

/** `replay --redis`: the real server, what it did, and how its memory maps to the simulator's entries. */
export interface RedisComparison {
  readonly kind: 'redis';
  readonly server: {
    readonly url: string;
    readonly version: string;
    readonly maxmemory: number;
    readonly policy: string;
    readonly maxmemorySamples: number;
    readonly lfuLogFactor: number;
    readonly lfuDecayTime: number;
    readonly prefix: string;
    readonly pipeline: number;
    /** Value size for traces without a size column; null when the trace's sizes were used. */
    readonly valueSize: number | null;
    /** Default TTL in seconds; null = none. */
    readonly ttl: number | null;
  };
  readonly real: {
    readonly requests: number;
    readonly lookups: number;
    /** From INFO stats deltas: the server's own count (the `server` row). */
    readonly keyspaceHits: number;
    readonly keyspaceMisses: number;
    readonly hitRate: number;
    /** From the replies the client got: equal to the above on a server nobody else uses. */
    readonly clientHits: number;
    readonly clientHitRate: number;
    readonly writes: number;
    readonly deletes: number;
    readonly rejectedWrites: number;
    readonly evictedKeys: number;
    readonly expiredKeys: number;
    readonly seconds: number;
    readonly requestsPerSecond: number;
    /** Client-side, per pipeline batch (milliseconds). */
    readonly latencyMs: {
      readonly pipeline: number;
      readonly batches: number;
      readonly batchP50: number;
      readonly batchP95: number;
      readonly batchP99: number;
      readonly batchMax: number;
      readonly meanPerRequest: number;
    };
  };
  readonly memory: {
    readonly usedMemoryEmpty: number;
    readonly usedMemoryAfter: number;
    readonly residentKeys: number;
    readonly bytesPerKey: number | null;
    readonly equivalentEntries: number | null;
  };
  /** The simulated counterpart (the `simulation` row's policy) and the entries it ran at; null when nothing stayed resident. */
  readonly simulated: { readonly policy: string; readonly entries: number; readonly hitRate: number } | null;
  /** (real hit rate - simulated hit rate) x 100; null without a simulation. */
  readonly differencePoints: number | null;
  /**
   * The counterpart with `memory=redis` at maxmemory bytes (no measured bytes per key): what
   * `run --capacity` predicts; null for volatile-ttl, whose counterpart has no memory model.
   */
  readonly memoryModel: { readonly policy: string; readonly hitRate: number; readonly differencePoints: number } | null;
  readonly notes: readonly ServerNote[];
}

export interface RunResult {
  /** `replay` only: the real server beside the simulation. */
  readonly server?: ServerComparison;
  readonly sampling?: Sampling | null;
  readonly curves?: readonly CurveMethod[];
  readonly recommendations?: readonly Recommendation[];
  /** Null when no policy meets the primary criterion anywhere in range. */
  readonly best?: BestChoice | null;
  /** `--max-stale`: the best TTL x size within the staleness budget. */
  readonly ttlChoice?: TtlChoice;
}
