/**
 * Runs the grid policies x TTLs x capacities over one trace and assembles the result object.
 * Pure: no console I/O; progress goes through a callback.
 */
import type { PolicySpec } from '../policies/index.js';
import type { ResultRow, RunResult } from '../report/model.js';
import { SCHEMA_VERSION } from '../report/model.js';
import { summarizeTrace } from '../trace/summary.js';
import type { Trace } from '../trace/trace.js';
import { VERSION } from '../version.js';
import { latencyOf, type CostModel } from './cost.js';
import { replay, type ReplayCounts } from './replay.js';

export interface GridConfig {
  readonly policies: readonly PolicySpec[];
  readonly capacities: readonly number[];
  readonly unit: 'entries' | 'bytes';
  /** TTLs in seconds; null = no TTL. */
  readonly ttls: readonly (number | null)[];
  readonly cost: CostModel;
  readonly seed: number;
  readonly command?: string;
  /** Progress over the whole grid: requests replayed so far and in total. */
  readonly onProgress?: (done: number, total: number) => void;
}

export function runGrid(trace: Trace, config: GridConfig): RunResult {
  const rows: ResultRow[] = [];
  const cells = config.policies.length * config.ttls.length * config.capacities.length;
  const total = cells * trace.length;
  let finished = 0;
  for (const policy of config.policies) {
    for (const ttl of config.ttls) {
      for (const capacity of config.capacities) {
        const counts = replay(trace, {
          policy,
          capacity,
          unit: config.unit,
          ...(ttl !== null && { ttl }),
          seed: config.seed,
          defaultMissCost: config.cost.missCost,
          ...(config.onProgress && { onProgress: (done: number) => config.onProgress!(finished + done, total) }),
        });
        finished += trace.length;
        rows.push(toRow(policy.name, ttl, capacity, counts, config.cost));
      }
    }
  }
  return resultOf(trace, config, rows);
}

/** The result object around a finished grid's rows (shared by the serial and parallel grids). */
export function resultOf(trace: Trace, config: GridConfig, rows: ResultRow[]): RunResult {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'cachebench', version: VERSION },
    command: config.command ?? 'run',
    trace: summarizeTrace(trace),
    options: {
      policies: config.policies.map((p) => p.name),
      capacities: [...config.capacities],
      unit: config.unit,
      ttls: [...config.ttls],
      lookupCostMs: config.cost.lookupCost * 1e3,
      missCostMs: config.cost.missCost * 1e3,
      seed: config.seed,
    },
    rows,
  };
}

export function toRow(policy: string, ttl: number | null, capacity: number, counts: ReplayCounts, cost: CostModel): ResultRow {
  const latency = latencyOf(counts, cost);
  return {
    policy,
    ttl,
    capacity,
    requests: counts.requests,
    hits: counts.hits,
    misses: counts.misses,
    expiredMisses: counts.expiredMisses,
    uncacheable: counts.uncacheable,
    writes: counts.writes,
    deletes: counts.deletes,
    hitRate: counts.requests ? counts.hits / counts.requests : 0,
    byteHitRate: counts.bytesRequested ? counts.bytesHit / counts.bytesRequested : 0,
    finalEntries: counts.finalEntries,
    finalBytes: counts.finalBytes,
    latency: {
      mean: latency.mean * 1e3,
      p50: latency.p50 * 1e3,
      p95: latency.p95 * 1e3,
      p99: latency.p99 * 1e3,
      noCache: latency.noCache * 1e3,
      speedup: latency.speedup,
      slowerThanNoCache: latency.slowerThanNoCache,
    },
  };
}
