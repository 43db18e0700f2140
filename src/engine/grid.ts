/**
 * Runs the grid policies x TTLs x capacities over one trace and assembles the result object.
 * Pure: no console I/O; progress goes through a callback.
 */
import type { PolicySpec } from '../policies/index.js';
import type { ResultRow, RunResult } from '../model/result.js';
import { SCHEMA_VERSION } from '../model/result.js';
import { summarizeTrace } from '../trace/summary.js';
import type { Trace } from '../trace/trace.js';
import { VERSION } from '../version.js';
import { latencyOf, type CostModel } from './cost.js';
import { replay, type ReplayCounts } from './replay.js';
import type { WritePolicy } from './time/freshness.js';
import { latencyFromSamples, simulateTimed, type TimedCounts } from './time/simulate.js';
import { stampedeLabel, type StampedeConfig } from './time/stampede.js';
import { tierLabel, tiersLabel, type TierSpec } from './time/tiers.js';

/** The time-aware features; any of them switches the grid to the timed simulator. */
export interface TimedOptions {
  /** Replace the policy x size grid by this L1 > L2 > ... chain. */
  readonly tiers?: readonly TierSpec[];
  readonly writePolicy?: WritePolicy;
  /** Seconds between write-behind flushes. */
  readonly flushInterval?: number;
  readonly stampede?: StampedeConfig;
}

/** Default write-behind flush interval, seconds. */
export const DEFAULT_FLUSH_INTERVAL = 1;

export interface GridConfig {
  readonly policies: readonly PolicySpec[];
  readonly capacities: readonly number[];
  readonly unit: 'entries' | 'bytes';
  /** TTLs in seconds; null = no TTL. */
  readonly ttls: readonly (number | null)[];
  readonly cost: CostModel;
  readonly seed: number;
  /** TTL jitter fraction applied to every TTL in `ttls`. */
  readonly ttlJitter?: number;
  readonly timed?: TimedOptions;
  readonly command?: string;
  /** Progress over the whole grid: requests replayed so far and in total. */
  readonly onProgress?: (done: number, total: number) => void;
}

export function runGrid(trace: Trace, config: GridConfig): RunResult {
  if (config.timed !== undefined) return runTimedGrid(trace, config, config.timed);
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
          ...(config.ttlJitter !== undefined && { ttlJitter: config.ttlJitter }),
          seed: config.seed,
          defaultMissCost: config.cost.missCost,
          ...(config.onProgress && { onProgress: (done: number) => { config.onProgress!(finished + done, total); } }),
        });
        finished += trace.length;
        rows.push(withJitter(toRow(policy.name, ttl, capacity, counts, config.cost), config.ttlJitter));
      }
    }
  }
  return resultOf(trace, config, rows);
}

/** The result object around a finished grid's rows (shared by the serial and parallel grids). */
export function resultOf(trace: Trace, config: GridConfig, rows: ResultRow[]): RunResult {
  const timed = config.timed;
  const tiers = timed?.tiers;
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'cachebench', version: VERSION },
    command: config.command ?? 'run',
    trace: summarizeTrace(trace),
    options: {
      policies: tiers ? tiers.map((t) => t.policy.name) : config.policies.map((p) => p.name),
      capacities: tiers ? tiers.map((t) => t.capacity) : [...config.capacities],
      unit: config.unit,
      ttls: [...config.ttls],
      lookupCostMs: config.cost.lookupCost * 1e3,
      missCostMs: config.cost.missCost * 1e3,
      seed: config.seed,
      ...(config.ttlJitter !== undefined && { ttlJitter: config.ttlJitter }),
      ...(timed?.writePolicy !== undefined && { writePolicy: timed.writePolicy }),
      ...(timed?.writePolicy === 'write-behind' && { flushIntervalMs: (timed.flushInterval ?? DEFAULT_FLUSH_INTERVAL) * 1e3 }),
      ...(timed?.stampede !== undefined && { stampede: stampedeLabel(timed.stampede) }),
      ...(tiers !== undefined && { tiers: tiers.map(tierLabel) }),
    },
    rows,
  };
}

/**
 * The grid through the timed simulator: with `--tiers` one chain per TTL, otherwise each
 * policy x size as a single tier whose lookup cost is `--lookup-cost`.
 */
function runTimedGrid(trace: Trace, config: GridConfig, timed: TimedOptions): RunResult {
  const chains: { label: string; capacity: number; tiers: readonly TierSpec[] }[] = [];
  if (timed.tiers !== undefined) {
    // One chain; its row's capacity is the total over the tiers (per-tier sizes are in `tiers`).
    const label = tiersLabel(timed.tiers);
    chains.push({ label, capacity: timed.tiers.reduce((sum, t) => sum + t.capacity, 0), tiers: timed.tiers });
  } else {
    for (const policy of config.policies) {
      for (const capacity of config.capacities) {
        chains.push({ label: policy.name, capacity, tiers: [{ policy, capacity, lookupCost: config.cost.lookupCost }] });
      }
    }
  }
  const rows: ResultRow[] = [];
  const total = chains.length * config.ttls.length * trace.length;
  let finished = 0;
  // Same row order as the plain grid: policy, then TTL, then size.
  const byPolicy = new Map<string, typeof chains>();
  for (const chain of chains) byPolicy.set(chain.label, [...(byPolicy.get(chain.label) ?? []), chain]);
  for (const [label, group] of byPolicy) {
    for (const ttl of config.ttls) {
      for (const chain of group) {
        const counts = simulateTimed(trace, {
          tiers: chain.tiers,
          unit: config.unit,
          ...(ttl !== null && { ttl }),
          ...(config.ttlJitter !== undefined && { ttlJitter: config.ttlJitter }),
          seed: config.seed,
          defaultMissCost: config.cost.missCost,
          writePolicy: timed.writePolicy ?? 'write-through',
          flushInterval: timed.flushInterval ?? DEFAULT_FLUSH_INTERVAL,
          ...(timed.stampede && { stampede: timed.stampede }),
          ...(config.onProgress && { onProgress: (done: number) => { config.onProgress!(finished + done, total); } }),
        });
        finished += trace.length;
        rows.push(timedRow(label, ttl, chain.capacity, chain.tiers, counts, config, timed));
      }
    }
  }
  return resultOf(trace, config, rows);
}

export function timedRow(
  policy: string,
  ttl: number | null,
  capacity: number,
  tiers: readonly TierSpec[],
  counts: TimedCounts,
  config: Pick<GridConfig, 'cost' | 'ttlJitter'>,
  timed: TimedOptions,
): ResultRow {
  const base = toRow(policy, ttl, capacity, counts, config.cost);
  const latency = latencyFromSamples(counts);
  const requests = counts.requests;
  const writeBehind = timed.writePolicy === 'write-behind';
  return {
    ...base,
    latency: {
      mean: latency.mean * 1e3,
      p50: latency.p50 * 1e3,
      p95: latency.p95 * 1e3,
      p99: latency.p99 * 1e3,
      noCache: latency.noCache * 1e3,
      speedup: latency.mean > 0 ? latency.noCache / latency.mean : Infinity,
      slowerThanNoCache: latency.mean > latency.noCache,
    },
    ...(config.ttlJitter !== undefined && ttl !== null && { ttlJitter: config.ttlJitter }),
    ...(timed.writePolicy !== undefined && {
      freshness: {
        writePolicy: timed.writePolicy,
        staleReads: counts.staleReads,
        staleReadRate: requests ? counts.staleReads / requests : 0,
        ...(writeBehind && {
          writesCoalesced: counts.writesCoalesced,
          longestPendingMs: counts.longestPending * 1e3,
          flushes: counts.flushes,
        }),
      },
    }),
    ...(timed.stampede !== undefined && {
      stampede: {
        mode: stampedeLabel(timed.stampede),
        originFetches: counts.originFetches,
        peakConcurrentFetches: counts.peakConcurrentFetches,
        coalescedWaits: counts.coalescedWaits,
        earlyRefreshes: counts.earlyRefreshes,
        staleServes: counts.staleServes,
      },
    }),
    ...(timed.tiers !== undefined && {
      tiers: tiers.map((tier, t) => {
        const { lookups, hits } = counts.tiers[t]!;
        return {
          policy: tier.policy.name,
          capacity: tier.capacity,
          lookupMs: tier.lookupCost * 1e3,
          lookups,
          hits,
          hitRate: lookups ? hits / lookups : 0,
          shareOfRequests: requests ? hits / requests : 0,
        };
      }),
    }),
  };
}

/** Labels a row that had a TTL with the jitter its TTLs were drawn with. */
export function withJitter(row: ResultRow, ttlJitter: number | undefined): ResultRow {
  return ttlJitter !== undefined && row.ttl !== null ? { ...row, ttlJitter } : row;
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
    ...(counts.coldMisses !== undefined && { coldMisses: counts.coldMisses }),
    ...(counts.capacityMisses !== undefined && { capacityMisses: counts.capacityMisses }),
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
