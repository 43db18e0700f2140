/**
 * The result of `cachebench replay`: what the real server did, what the simulator predicts
 * at the equivalent entry count, and the difference. JSON-serialisable like the `run`
 * result, but not byte-deterministic: hit counts depend on Redis's own random sampling and
 * latencies on the machine.
 */
import type { TraceSummary } from '../model/result.js';
import { SCHEMA_VERSION } from '../model/result.js';
import type { ReplayCounts } from '../engine/replay.js';
import { summarizeTrace } from '../trace/summary.js';
import type { Trace } from '../trace/trace.js';
import { VERSION } from '../version.js';
import { VOLATILE_TTL_NOTE } from './compare.js';
import type { RedisReplayMeasurement, RedisReplayOptions } from './replay.js';

export interface RedisReplayResult {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly tool: { readonly name: 'cachebench'; readonly version: string };
  readonly command: 'replay';
  readonly trace: TraceSummary;
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
    /** From INFO stats deltas: the server's own count. */
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
  readonly simulated: {
    readonly policy: string;
    readonly entries: number;
    readonly lookups: number;
    readonly hits: number;
    readonly misses: number;
    readonly hitRate: number;
  } | null;
  /** (real hit rate - simulated hit rate) x 100; null without a simulation. */
  readonly differencePoints: number | null;
  readonly notes: readonly string[];
}

export interface ResultInputs {
  readonly trace: Trace;
  readonly options: RedisReplayOptions;
  readonly measurement: RedisReplayMeasurement;
  readonly simulation: { readonly policy: string; readonly entries: number; readonly counts: ReplayCounts } | null;
}

export function buildRedisResult({ trace, options, measurement: m, simulation }: ResultInputs): RedisReplayResult {
  const keyspaceLookups = m.keyspaceHits + m.keyspaceMisses;
  const hitRate = keyspaceLookups > 0 ? m.keyspaceHits / keyspaceLookups : 0;
  const simulated = simulation && {
    policy: simulation.policy,
    entries: simulation.entries,
    lookups: simulation.counts.requests,
    hits: simulation.counts.hits,
    misses: simulation.counts.misses,
    hitRate: simulation.counts.requests > 0 ? simulation.counts.hits / simulation.counts.requests : 0,
  };

  const notes: string[] = [];
  if (options.policy === 'volatile-ttl') notes.push(VOLATILE_TTL_NOTE);
  if (keyspaceLookups !== m.lookups) {
    notes.push(
      `the server counted ${keyspaceLookups.toLocaleString('en-US')} lookups but cachebench sent ${m.lookups.toLocaleString('en-US')}: ` +
        'another client used the server during the replay, so its INFO hit rate includes that traffic (the client-side count does not)',
    );
  }
  if (m.evictedKeys === 0) notes.push('nothing was evicted: the trace fits in maxmemory, so every policy gives the same hit rate');
  if (m.expiredKeys > 0) {
    notes.push(
      `${m.expiredKeys.toLocaleString('en-US')} keys expired during the replay; the simulation expires them at the same wall-clock times`,
    );
  }
  if (m.rejectedWrites > 0) {
    notes.push(`${m.rejectedWrites.toLocaleString('en-US')} writes were refused with OOM: nothing with a TTL was left to evict`);
  }
  if (simulation === null) notes.push('no key stayed resident, so the bytes per key and the equivalent entry count are unknown');

  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'cachebench', version: VERSION },
    command: 'replay',
    trace: summarizeTrace(trace),
    server: {
      url: options.target.display,
      version: m.server.version,
      maxmemory: m.server.maxmemory,
      policy: m.server.policy,
      maxmemorySamples: m.server.maxmemorySamples,
      lfuLogFactor: m.server.lfuLogFactor,
      lfuDecayTime: m.server.lfuDecayTime,
      prefix: options.prefix,
      pipeline: options.pipeline,
      valueSize: trace.sizes ? null : options.valueSize,
      ttl: options.ttl ?? null,
    },
    real: {
      requests: m.requests,
      lookups: m.lookups,
      keyspaceHits: m.keyspaceHits,
      keyspaceMisses: m.keyspaceMisses,
      hitRate,
      clientHits: m.hits,
      clientHitRate: m.lookups > 0 ? m.hits / m.lookups : 0,
      writes: m.writes,
      deletes: m.deletes,
      rejectedWrites: m.rejectedWrites,
      evictedKeys: m.evictedKeys,
      expiredKeys: m.expiredKeys,
      seconds: m.seconds,
      requestsPerSecond: m.seconds > 0 ? m.requests / m.seconds : 0,
      latencyMs: {
        pipeline: m.latency.pipeline,
        batches: m.latency.batches,
        batchP50: m.latency.p50,
        batchP95: m.latency.p95,
        batchP99: m.latency.p99,
        batchMax: m.latency.max,
        meanPerRequest: m.latency.meanPerRequest,
      },
    },
    memory: {
      usedMemoryEmpty: m.usedMemoryEmpty,
      usedMemoryAfter: m.usedMemoryAfter,
      residentKeys: m.residentKeys,
      bytesPerKey: m.bytesPerKey,
      equivalentEntries: m.equivalentEntries,
    },
    simulated,
    differencePoints: simulated ? (hitRate - simulated.hitRate) * 100 : null,
    notes,
  };
}
