/**
 * What a replay against a real server is, whichever the server (src/redis, src/memcached):
 * the options both take, the key text sent for each id, and the client-side latency summary
 * of the pipelined batches.
 */
import type { ReplayCounts } from './engine/replay.js';
import type { Trace } from './trace/trace.js';

export interface ServerReplayOptions {
  /** Every key written carries it. */
  readonly prefix: string;
  /** Empty the server (or the chosen database) first if it holds keys. */
  readonly flush: boolean;
  /** Value size in bytes for traces without a size column. */
  readonly valueSize: number;
  /** Default TTL in seconds for writes whose request has none; undefined = no TTL. */
  readonly ttl?: number;
  /** Requests per pipeline batch. */
  readonly pipeline: number;
  /** Seconds to wait for a connection or a reply before giving up. */
  readonly timeout: number;
  /** Leave the replayed keys on the server instead of deleting them afterwards. */
  readonly keepKeys?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops between batches (Ctrl-C): settings are still restored and keys removed. */
  readonly signal?: AbortSignal;
}

export interface BatchLatencyMs {
  /** Requests per batch (the last batch may be shorter). */
  readonly pipeline: number;
  readonly batches: number;
  /** Client-side round trip of one batch, nearest-rank percentiles. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Total time in batches divided by requests. */
  readonly meanPerRequest: number;
}

/** Nearest-rank percentiles of the batches' round trips (ms), and the mean per request. */
export function batchLatency(batchMs: ArrayLike<number>, pipeline: number, requests: number): BatchLatencyMs {
  const sorted = Float64Array.from(batchMs).sort();
  const n = sorted.length;
  const rank = (p: number): number => (n === 0 ? 0 : sorted[Math.max(1, Math.ceil(p * n)) - 1]!);
  let busy = 0;
  for (const ms of sorted) busy += ms;
  return {
    pipeline,
    batches: n,
    p50: rank(0.5),
    p95: rank(0.95),
    p99: rank(0.99),
    max: n === 0 ? 0 : sorted[n - 1]!,
    meanPerRequest: requests === 0 ? 0 : busy / requests,
  };
}

/** The result model's spelling of a batch latency summary. */
export function latencyMsOf(latency: BatchLatencyMs): {
  pipeline: number;
  batches: number;
  batchP50: number;
  batchP95: number;
  batchP99: number;
  batchMax: number;
  meanPerRequest: number;
} {
  return {
    pipeline: latency.pipeline,
    batches: latency.batches,
    batchP50: latency.p50,
    batchP95: latency.p95,
    batchP99: latency.p99,
    batchMax: latency.max,
    meanPerRequest: latency.meanPerRequest,
  };
}

/** Key text per id: the prefix plus the trace's own key (or the id), built once per id. */
export function keyNamer(trace: Trace, prefix: string): (id: number) => string {
  const names: (string | undefined)[] = new Array<string | undefined>(trace.keySpace);
  const raw = trace.keyNames;
  return (id) => (names[id] ??= prefix + (raw ? raw.get(id) : String(id)));
}

/** What a server counted, as the replay core's counts: its own hits and misses, the client's bytes. */
export function serverCounts(counted: {
  readonly hits: number;
  readonly misses: number;
  readonly bytesRequested: number;
  readonly bytesHit: number;
  readonly writes: number;
  readonly deletes: number;
  readonly residentKeys: number;
  readonly residentBytes: number;
}): ReplayCounts {
  return {
    requests: counted.hits + counted.misses,
    hits: counted.hits,
    misses: counted.misses,
    expiredMisses: 0,
    uncacheable: 0,
    bytesRequested: counted.bytesRequested,
    bytesHit: counted.bytesHit,
    writes: counted.writes,
    deletes: counted.deletes,
    finalEntries: counted.residentKeys,
    finalBytes: counted.residentBytes,
    missCostSum: 0,
    costSum: 0,
  };
}

/** The size of each value the replay sent: the trace's own, or `valueSize` for every request. */
export function sentSizes(trace: Trace, valueSize: number): Uint32Array {
  return trace.sizes ?? new Uint32Array(trace.length).fill(valueSize);
}
