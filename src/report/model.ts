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
  /** Recommended size per policy (and TTL), when the command computed one. */
  readonly recommendations?: readonly Recommendation[];
}

/** One recommended configuration and, in words, why it was chosen. */
export interface Recommendation {
  readonly policy: string;
  readonly ttl: number | null;
  readonly capacity: number;
  readonly hitRate: number;
  readonly reason: string;
}
