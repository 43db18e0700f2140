/**
 * The result of `cachebench replay --memcached`, in the common result model: a row for what
 * the server counted (`source: 'server'`, its `stats`), then the simulated rows at the same
 * `-m` bytes: the `memcached` model run with the server's own settings, and lru and slru
 * for scale. `server` carries what only the real server has. Not byte-deterministic: the
 * server's row depends on timing (its LRU maintainer runs beside the replay).
 */
import { Buffer } from 'node:buffer';
import { replaySettings } from '../engine/jobs.js';
import { DEFAULT_MEMCACHED_SETTINGS } from '../policies/memcached.js';
import { countsRow, resultOf } from '../engine/rows.js';
import type { MemcachedComparison, MemcachedNote, ResultRow, RunResult } from '../model/result.js';
import type { Trace } from '../trace/trace.js';
import { latencyMsOf, serverCounts } from '../server-replay.js';
import type { MemcachedReplayMeasurement, MemcachedReplayOptions, MemcachedSettingsSeen } from './replay.js';

/** The `memcached` model's spec for this server: its settings and the replay's key prefix. */
export function modelSpecFor(server: MemcachedSettingsSeen, prefix: string): string {
  const d = DEFAULT_MEMCACHED_SETTINGS;
  const params: string[] = [];
  if (server.growthFactor !== d.factor) params.push(`f=${server.growthFactor}`);
  if (server.chunkSize !== d.chunkSize) params.push(`n=${server.chunkSize}`);
  if (server.slabChunkMax !== d.slabChunkMax) params.push(`slab_chunk_max=${server.slabChunkMax}`);
  if (server.casEnabled !== d.cas) params.push(`cas=${server.casEnabled}`);
  if (server.hotLruPct !== d.hotLruPct) params.push(`hot_lru_pct=${server.hotLruPct}`);
  if (server.warmLruPct !== d.warmLruPct) params.push(`warm_lru_pct=${server.warmLruPct}`);
  if (server.hotMaxFactor !== d.hotMaxFactor) params.push(`hot_max_factor=${server.hotMaxFactor}`);
  if (server.warmMaxFactor !== d.warmMaxFactor) params.push(`warm_max_factor=${server.warmMaxFactor}`);
  if (server.slabAutomove !== d.slabAutomove) params.push(`slab_automove=${server.slabAutomove === 1 ? 1 : 0}`);
  const keyPrefix = Buffer.byteLength(prefix);
  if (keyPrefix > 0) params.push(`key_prefix=${keyPrefix}`);
  return params.length === 0 ? 'memcached' : `memcached:${params.join(',')}`;
}

export interface MemcachedResultInputs {
  readonly trace: Trace;
  readonly options: MemcachedReplayOptions;
  readonly measurement: MemcachedReplayMeasurement;
  /** The simulated rows at `-m` bytes, the model's first. */
  readonly simulatedRows: readonly ResultRow[];
  readonly cost: { readonly lookupCost: number; readonly missCost: number };
  readonly seed: number;
}

export function buildMemcachedResult({ trace, options, measurement: m, simulatedRows, cost, seed }: MemcachedResultInputs): RunResult {
  const lookups = m.getHits + m.getMisses;
  const hitRate = lookups > 0 ? m.getHits / lookups : 0;
  const ttl = options.ttl ?? null;
  const settings = replaySettings({ unit: 'bytes', seed, ...cost });
  const counts = serverCounts({
    hits: m.getHits,
    misses: m.getMisses,
    bytesRequested: m.bytesRequested,
    bytesHit: m.bytesHit,
    writes: m.writes,
    deletes: m.deletes,
    residentKeys: m.residentItems,
    residentBytes: m.itemBytes,
  });
  const rows: ResultRow[] = [
    { ...countsRow('memcached-server', ttl, m.server.maxbytes, counts, settings), source: 'server' },
    ...simulatedRows.map((row) => ({ ...row, source: 'simulation' as const })),
  ];
  const notes: MemcachedNote[] = [];
  if (lookups !== m.lookups) notes.push('other-clients');
  if (m.evictions === 0) notes.push('nothing-evicted');
  if (m.reclaimed > 0) notes.push('items-expired');
  if (m.rejectedWrites > 0) notes.push('writes-refused');
  if (m.mallocedBefore > 0) notes.push('pages-assigned-before');
  const server: MemcachedComparison = {
    kind: 'memcached',
    server: {
      url: options.target.display,
      version: m.server.version,
      maxbytes: m.server.maxbytes,
      growthFactor: m.server.growthFactor,
      chunkSize: m.server.chunkSize,
      slabChunkMax: m.server.slabChunkMax,
      casEnabled: m.server.casEnabled,
      lruSegmented: m.server.lruSegmented,
      slabAutomove: m.server.slabAutomove,
      prefix: options.prefix,
      pipeline: options.pipeline,
      valueSize: trace.sizes ? null : options.valueSize,
      ttl,
    },
    real: {
      requests: m.requests,
      lookups: m.lookups,
      getHits: m.getHits,
      getMisses: m.getMisses,
      hitRate,
      clientHits: m.hits,
      clientHitRate: m.lookups > 0 ? m.hits / m.lookups : 0,
      writes: m.writes,
      deletes: m.deletes,
      rejectedWrites: m.rejectedWrites,
      evictions: m.evictions,
      reclaimed: m.reclaimed,
      seconds: m.seconds,
      requestsPerSecond: m.seconds > 0 ? m.requests / m.seconds : 0,
      latencyMs: latencyMsOf(m.latency),
    },
    memory: { residentItems: m.residentItems, itemBytes: m.itemBytes, totalMalloced: m.totalMalloced, mallocedBefore: m.mallocedBefore },
    simulated: simulatedRows.map((row) => ({ policy: row.policy, hitRate: row.hitRate, differencePoints: (hitRate - row.hitRate) * 100 })),
    notes,
  };
  const result = resultOf(
    trace,
    'replay',
    {
      policies: rows.map((row) => row.policy),
      capacities: [m.server.maxbytes],
      unit: 'bytes',
      byteUnits: 'KiB',
      ttls: [ttl],
      lookupCostMs: cost.lookupCost * 1e3,
      missCostMs: cost.missCost * 1e3,
      seed,
    },
    rows,
  );
  return { ...result, server };
}
