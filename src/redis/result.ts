/**
 * The result of `cachebench replay`, in the common result model: a row for what the real
 * server counted (`source: 'server'`, INFO stats) and a row for the simulated counterpart
 * at the memory-equivalent entry count (`source: 'simulation'`), both at the server's
 * maxmemory in bytes, plus `server` with what only a real server has (its settings, its
 * memory per key, client-side latency). Every renderer, `--out` and the gates read it like
 * any other result. Not byte-deterministic: hit counts depend on Redis's own random sampling
 * and latencies on the machine.
 */
import { cacheJob, replaySettings } from '../engine/jobs.js';
import type { ReplayCounts } from '../engine/replay.js';
import { countsRow, resultOf, rowOf } from '../engine/rows.js';
import type { RedisComparison, ResultRow, RunResult, ServerNote } from '../model/result.js';
import type { PolicySpec } from '../policies/index.js';
import type { Trace } from '../trace/trace.js';
import { latencyMsOf, serverCounts } from '../server-replay.js';
import type { ByteUnitStyle } from '../units.js';
import type { RedisReplayMeasurement, RedisReplayOptions } from './replay.js';

export interface ResultInputs {
  readonly trace: Trace;
  readonly options: RedisReplayOptions;
  readonly measurement: RedisReplayMeasurement;
  readonly simulation: { readonly policy: PolicySpec; readonly entries: number; readonly counts: ReplayCounts } | null;
  /** The memory model at maxmemory bytes; null when the counterpart has none. */
  readonly memorySimulation?: { readonly policy: PolicySpec; readonly counts: ReplayCounts } | null;
  /** The latency model the rows are priced with (seconds). */
  readonly cost: { readonly lookupCost: number; readonly missCost: number };
  readonly seed: number;
  /** How the user spelled --maxmemory, which the report keeps (default redis.conf's `kb`). */
  readonly byteUnits?: ByteUnitStyle;
}

/** The row label of the real server: `redis:allkeys-lru`. */
export function serverLabel(policy: string): string {
  return `redis:${policy}`;
}

export function buildRedisResult({
  trace,
  options,
  measurement: m,
  simulation,
  memorySimulation = null,
  cost,
  seed,
  byteUnits = 'kb',
}: ResultInputs): RunResult {
  const keyspaceLookups = m.keyspaceHits + m.keyspaceMisses;
  const hitRate = keyspaceLookups > 0 ? m.keyspaceHits / keyspaceLookups : 0;
  const ttl = options.ttl ?? null;
  const settings = replaySettings({ unit: 'bytes', seed, ...cost });
  const label = serverLabel(options.policy);

  // The server's own counts as a row: INFO stats for hits and misses, the client for bytes.
  const counted = serverCounts({
    hits: m.keyspaceHits,
    misses: m.keyspaceMisses,
    bytesRequested: m.bytesRequested,
    bytesHit: m.bytesHit,
    writes: m.writes,
    deletes: m.deletes,
    residentKeys: m.residentKeys,
    residentBytes: Math.max(0, m.usedMemoryAfter - m.usedMemoryEmpty),
  });
  const rows: ResultRow[] = [{ ...countsRow(label, ttl, options.maxmemory, counted, settings), source: 'server' }];
  if (simulation) {
    const job = cacheJob(simulation.policy, simulation.entries, ttl, cost.lookupCost);
    rows.push({
      ...rowOf(job, simulation.counts, settings),
      capacity: options.maxmemory,
      source: 'simulation',
      equivalentEntries: simulation.entries,
    });
  }
  if (memorySimulation) {
    const job = cacheJob(memorySimulation.policy, options.maxmemory, ttl, cost.lookupCost);
    rows.push({ ...rowOf(job, memorySimulation.counts, settings), source: 'simulation' });
  }
  const memoryHitRate =
    memorySimulation && memorySimulation.counts.requests > 0 ? memorySimulation.counts.hits / memorySimulation.counts.requests : 0;
  const simulatedHitRate = simulation && simulation.counts.requests > 0 ? simulation.counts.hits / simulation.counts.requests : 0;

  const notes: ServerNote[] = [];
  if (options.policy === 'volatile-ttl') notes.push('volatile-ttl-as-fifo');
  if (keyspaceLookups !== m.lookups) notes.push('other-clients');
  if (m.evictedKeys === 0) notes.push('nothing-evicted');
  if (m.expiredKeys > 0) notes.push('keys-expired');
  if (m.rejectedWrites > 0) notes.push('writes-refused');
  if (simulation === null) notes.push('nothing-resident');

  const server: RedisComparison = {
    kind: 'redis',
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
      ttl,
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
      latencyMs: latencyMsOf(m.latency),
    },
    memory: {
      usedMemoryEmpty: m.usedMemoryEmpty,
      usedMemoryAfter: m.usedMemoryAfter,
      residentKeys: m.residentKeys,
      bytesPerKey: m.bytesPerKey,
      equivalentEntries: m.equivalentEntries,
    },
    simulated: simulation && { policy: simulation.policy.name, entries: simulation.entries, hitRate: simulatedHitRate },
    differencePoints: simulation ? (hitRate - simulatedHitRate) * 100 : null,
    memoryModel: memorySimulation
      ? { policy: memorySimulation.policy.name, hitRate: memoryHitRate, differencePoints: (hitRate - memoryHitRate) * 100 }
      : null,
    notes,
  };

  const result = resultOf(
    trace,
    'replay',
    {
      policies: rows.map((row) => row.policy),
      capacities: [options.maxmemory],
      unit: 'bytes',
      byteUnits,
      ttls: [ttl],
      lookupCostMs: cost.lookupCost * 1e3,
      missCostMs: cost.missCost * 1e3,
      seed,
    },
    rows,
  );
  return { ...result, server };
}
