/**
 * The result object: the one thing every renderer (table, markdown, json, csv) and every
 * gate reads. JSON-serialisable, deterministic for the same inputs and seed (no wall-clock
 * times, no machine details), and versioned by `schemaVersion`. Times are milliseconds in
 * here, since that is how people read latencies; the engine works in seconds.
 */
export const SCHEMA_VERSION = 1;

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

export interface LatencyMs {
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly noCache: number;
  readonly speedup: number;
  readonly slowerThanNoCache: boolean;
}

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
}

export interface RunOptions {
  readonly policies: readonly string[];
  readonly capacities: readonly number[];
  readonly unit: 'entries' | 'bytes';
  /** TTLs in seconds; null = no TTL. */
  readonly ttls: readonly (number | null)[];
  readonly lookupCostMs: number;
  readonly missCostMs: number;
  readonly seed: number;
}

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
 */
export interface Sampling {
  /** Fraction of keys kept (SHARDS fixed-rate spatial sampling by key hash). */
  readonly rate: number;
  /** `shards` for the one-pass LRU curve, `minisim` for policies replayed at capacity x rate. */
  readonly methods: readonly ('shards' | 'minisim')[];
  /** Always true: every hit count is scaled up from the sample. */
  readonly estimates: true;
  readonly note: string;
}

/** How one policy x TTL curve was computed, and why when not the fast way. */
export interface CurveMethod {
  readonly policy: string;
  readonly ttl: number | null;
  /** `mattson`: exact one-pass LRU; `replay`: one replay per size; `shards` / `minisim`: sampled estimates. */
  readonly method: 'mattson' | 'replay' | 'shards' | 'minisim';
  readonly reason: string | null;
}

export type RecommendationCriterion = 'tolerance' | 'target-hit-rate' | 'target-latency' | 'memory-cost';

export interface Recommendation {
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
  readonly reason: string;
}

/** Across all policies and TTLs: which to pick, at which size, under the primary criterion. */
export interface BestChoice {
  readonly policy: string;
  readonly ttl: number | null;
  readonly capacity: number;
  readonly hitRate: number;
  readonly meanLatencyMs: number;
  readonly reason: string;
}

export interface RunResult {
  readonly sampling?: Sampling | null;
  readonly curves?: readonly CurveMethod[];
  readonly recommendations?: readonly Recommendation[];
  /** Null when no policy meets the primary criterion anywhere in range. */
  readonly best?: BestChoice | null;
}
