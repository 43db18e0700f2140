/**
 * Sets the real server's numbers beside the simulator's for the same trace and memory.
 *
 * Equivalent entry count: maxmemory is bytes, the simulator counts entries. The bytes one
 * key costs are measured on the server itself: used_memory after the replay minus
 * used_memory of the empty server (after setup), divided by the keys resident after the
 * replay. That includes everything Redis spends per key (dict entry, key and value objects,
 * allocator rounding, the hash table's buckets at the size it actually reached, the expires
 * table when TTLs are set). maxmemory minus the empty server's used_memory, divided by that,
 * is the entry count the simulation runs at. When the replay filled the cache this is, up to
 * rounding, the number of keys Redis really kept.
 *
 * The simulation is fed the times at which the requests were actually sent, so a policy
 * with a clock (Redis keeps LRU time in whole seconds, and a fast replay leaves most keys
 * tied) sees the clock the server saw, and TTLs expire at the same moments.
 *
 * The memory model: the same counterpart with `memory=redis` runs at maxmemory itself, in
 * bytes, counting what Redis spends per key (src/policies/internal/redis-memory.ts) from the
 * empty server's used_memory up: a prediction that needs no measured bytes per key, which is
 * what `run --capacity 64mb -p redis-lru:memory=redis` gives without a server.
 *
 * Which policy: allkeys-lru -> redis-lru and allkeys-lfu -> redis-lfu (the sampled
 * approximations). volatile-ttl evicts, among keys with a TTL, the sampled one closest to
 * expiring; when every write carries the same TTL that is the oldest write, so its closest
 * simulated counterpart is fifo (with varied per-request TTLs the match is looser).
 */
import { Buffer } from 'node:buffer';
import { cacheJob, replaySettings, runJob } from '../engine/jobs.js';
import type { ReplayCounts } from '../engine/replay.js';
import { sentSizes } from '../server-replay.js';
import { findPolicy, parsePolicySpec, type PolicySpec } from '../policies/index.js';
import type { Trace } from '../trace/trace.js';
import type { RedisEvictionPolicy, ServerSettings } from './replay.js';

export const SIMULATED_COUNTERPART: Readonly<Record<RedisEvictionPolicy, string>> = {
  'allkeys-lru': 'redis-lru',
  'allkeys-lfu': 'redis-lfu',
  'volatile-ttl': 'fifo',
};

/**
 * The counterpart's spec with the server's own tuning (maxmemory-samples, lfu-log-factor,
 * lfu-decay-time) for whichever of those parameters the simulated policy has.
 */
export function counterpartSpec(policy: RedisEvictionPolicy, server: ServerSettings, flag = 'simulate'): PolicySpec {
  const name = SIMULATED_COUNTERPART[policy];
  const known = new Set(findPolicy(name)?.params.map((param) => param.name) ?? []);
  const fromServer: [string, number][] = [
    ['samples', server.maxmemorySamples],
    ['log-factor', server.lfuLogFactor],
    ['decay-time', server.lfuDecayTime],
  ];
  const params = fromServer
    .filter(([param, value]) => known.has(param) && Number.isFinite(value))
    .map(([param, value]) => `${param}=${value}`);
  return parsePolicySpec(params.length > 0 ? `${name}:${params.join(',')}` : name, flag);
}

export interface SimulationInput {
  readonly trace: Trace;
  /** Wall-clock send time of each request (seconds), from the real replay. */
  readonly sentAt: Float64Array;
  readonly policy: PolicySpec;
  readonly entries: number;
  /** Default TTL in seconds for writes without their own; undefined = none. */
  readonly ttl?: number;
  readonly seed: number;
}

export function simulateAtEntries(input: SimulationInput): ReplayCounts {
  const job = cacheJob(input.policy, input.entries, input.ttl ?? null, 0);
  return runJob(onServerClock(input.trace, input.sentAt), job, replaySettings({ unit: 'entries', seed: input.seed }));
}

/** The counterpart with Redis's memory accounting, for allkeys-lru and allkeys-lfu; undefined for volatile-ttl. */
export function memoryModelSpec(
  policy: RedisEvictionPolicy,
  server: ServerSettings,
  prefix: string,
  usedMemoryEmpty: number,
): PolicySpec | undefined {
  const base = counterpartSpec(policy, server);
  if (findPolicy(base.definition.name)?.params.every((param) => param.name !== 'memory')) return undefined;
  const memory = `memory=redis,key-prefix=${Buffer.byteLength(prefix)},baseline=${Math.round(usedMemoryEmpty)}`;
  return parsePolicySpec(base.name.includes(':') ? `${base.name},${memory}` : `${base.name}:${memory}`);
}

export interface MemorySimulationInput {
  readonly trace: Trace;
  readonly sentAt: Float64Array;
  readonly policy: PolicySpec;
  readonly maxmemory: number;
  /** Value size for traces without a size column. */
  readonly valueSize: number;
  readonly ttl?: number;
  readonly seed: number;
}

/** The memory model at maxmemory bytes, on the clock the server saw. */
export function simulateInMemory(input: MemorySimulationInput): ReplayCounts {
  const timed = onServerClock(input.trace, input.sentAt, sentSizes(input.trace, input.valueSize));
  const job = cacheJob(input.policy, input.maxmemory, input.ttl ?? null, 0);
  return runJob(timed, job, replaySettings({ unit: 'bytes', seed: input.seed }));
}

/**
 * The requests as the server got them: at the times they were sent, with their ops and TTLs
 * (and sizes when memory is counted); the key names let a memory model charge each key's length.
 */
function onServerClock(trace: Trace, sentAt: Float64Array, sizes?: Uint32Array): Trace {
  return {
    source: trace.source,
    length: trace.length,
    keys: trace.keys,
    keySpace: trace.keySpace,
    times: sentAt,
    ...(sizes && { sizes }),
    ...(trace.ops && { ops: trace.ops }),
    ...(trace.ttls && { ttls: trace.ttls }),
    ...(trace.keyNames && { keyNames: trace.keyNames }),
  };
}
