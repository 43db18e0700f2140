/**
 * The time-aware replay: used instead of the plain `replay()` only when one of `--tiers`,
 * `--write-policy` or `--stampede` is given, so the plain hot loop stays as it is.
 *
 * Per request, in trace order: fetches that have landed by now fill the cache; write-behind
 * flushes that are due go out; then
 * - delete removes the key from every tier;
 * - set is a write, handled per the write policy (freshness.ts);
 * - get looks the key up tier by tier (paying each tier's lookup cost): an expired entry is
 *   dropped (or, under stale-while-revalidate, served while one refresh runs); a hit in a lower
 *   tier is copied into the tiers above it with its remaining TTL; a miss in every tier goes to
 *   the origin and the value is inserted into every tier (inclusive fill). Without `--stampede`
 *   that fetch is instantaneous for the cache (the request still pays its miss cost); with it,
 *   the fill happens when the fetch lands, and concurrent requests behave per stampede.ts.
 * Percentiles are exact over the requests without keeping one number per request: a hit in
 * tier t always costs the lookups of tiers 1..t, and every miss costs at least all of them, so
 * the sorted latencies are the hits of L1, then of L2, ..., then the misses' own latencies
 * (kept, sorted at the end).
 *
 * Misses are split as in replay.ts (cold / expired / capacity), judged end to end. A fetch
 * reads the origin when it starts, so a write that lands during the fetch leaves the filled
 * value stale: the classic cache-aside race, which this model shows rather than hides.
 */
import type { Trace } from '../../trace/trace.js';
import { OP_DELETE, OP_SET } from '../../trace/trace.js';
import { Rng } from '../../trace/synthetic/rng.js';
import { finalBytesOf, JITTER_STREAM, ttlApplies, type ReplayCounts } from '../replay.js';
import { Versions, type WritePolicy } from './freshness.js';
import { FetchQueue, LANDING_SLACK, type StampedeConfig } from './stampede.js';
import { Tier, type TierSpec } from './tiers.js';
import { OriginRate } from './origin-rate.js';
import type { OriginLoad } from '../../model/result.js';
import { chunkEnd, intervalRecorder, type IntervalSpec } from '../intervals.js';

export interface TimedConfig {
  /** One entry for a single cache; L1 first. */
  readonly tiers: readonly TierSpec[];
  readonly unit: 'entries' | 'bytes';
  /** Default TTL in seconds; a request's own `ttl` wins. */
  readonly ttl?: number;
  readonly ttlJitter?: number;
  readonly seed: number;
  /** Miss cost (seconds) for requests whose `cost` column is empty. */
  readonly defaultMissCost: number;
  /** What a `set` does to the cache; write-through is what the plain replay does. */
  readonly writePolicy: WritePolicy;
  /** Seconds between write-behind flushes. */
  readonly flushInterval: number;
  /** Absent: fetches fill the cache at once (no concurrency modelled). */
  readonly stampede?: StampedeConfig;
  /** Count lookups and hits per interval of the trace as well (hit rate over time). */
  readonly interval?: IntervalSpec;
  /** Leave the requests before this index out of every count (warm-up); 0 or absent = none. */
  readonly warmup?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface TierCounts {
  /** Gets that reached this tier (every get reaches L1; L2 sees L1's misses). */
  readonly lookups: number;
  readonly hits: number;
}

export interface TimedCounts extends ReplayCounts {
  readonly coldMisses: number;
  readonly capacityMisses: number;
  readonly tiers: readonly TierCounts[];
  /** Latency (seconds) of each get that missed every tier, sorted ascending. */
  readonly missLatencies: Float64Array;
  /** Latency of a hit in each tier: the sum of the lookups down to it. */
  readonly tierHitLatencies: readonly number[];
  readonly latencySum: number;
  /** Gets that returned a version older than the key's latest write. */
  readonly staleReads: number;
  /** Expired values served under stale-while-revalidate. */
  readonly staleServes: number;
  readonly originFetches: number;
  /** Most fetches in flight at once (stampede model only; 0 without it). */
  readonly peakConcurrentFetches: number;
  /** Misses that waited for a fetch already in flight instead of starting one. */
  readonly coalescedWaits: number;
  /** Refreshes started by XFetch before the entry expired. */
  readonly earlyRefreshes: number;
  readonly writesCoalesced: number;
  /** Longest wait of a write-behind write for its flush, seconds. */
  readonly longestPending: number;
  readonly flushes: number;
  /** Origin fetches per second of trace time; only when the trace has times. */
  readonly originLoad?: OriginLoad;
}

const CHUNK = 1 << 16;
/** Seeded stream of XFetch's draws. */
const XFETCH_STREAM = 0x7fe7;

/** The counters of a run that has done nothing yet: what a run without warm-up subtracts. */
function counters0(tierCount: number) {
  return {
    requests: 0,
    hits: 0,
    expiredMisses: 0,
    coldMisses: 0,
    uncacheable: 0,
    bytesRequested: 0,
    bytesHit: 0,
    writes: 0,
    deletes: 0,
    costSum: 0,
    latencySum: 0,
    staleReads: 0,
    staleServes: 0,
    instantFetches: 0,
    coalescedWaits: 0,
    earlyRefreshes: 0,
    missCount: 0,
    started: 0,
    writesCoalesced: 0,
    flushes: 0,
    tiers: Array.from({ length: tierCount }, () => ({ lookups: 0, hits: 0 })),
  };
}

export function simulateTimed(trace: Trace, config: TimedConfig): TimedCounts {
  const n = trace.length;
  const keySpace = trace.keySpace;
  const withTtl = ttlApplies(trace, config.ttl);
  const tiers = config.tiers.map((spec) => new Tier(spec, trace, config.unit, config.seed, withTtl));
  const tierCount = tiers.length;
  const largest = Math.max(...config.tiers.map((t) => t.capacity));
  const versions = new Versions(keySpace, config.flushInterval);
  const writePolicy = config.writePolicy;
  const writeBehind = writePolicy === 'write-behind';
  const mode = config.stampede?.mode;
  const beta = config.stampede?.beta ?? 1;
  const queue = mode === undefined ? undefined : new FetchQueue(keySpace);
  const waitsOnFlight = mode === 'coalesce' || mode === 'stale-while-revalidate';
  const serveStale = mode === 'stale-while-revalidate';
  const xfetch = mode === 'xfetch';
  const xfetchRng = xfetch ? new Rng(config.seed, XFETCH_STREAM) : undefined;
  /** Duration of each key's last fetch: XFetch's delta. */
  const lastFetchTime = xfetch ? new Float64Array(keySpace) : undefined;
  const jitter = withTtl && config.ttlJitter !== undefined && config.ttlJitter > 0 ? config.ttlJitter : 0;
  const jitterRng = jitter > 0 ? new Rng(config.seed, JITTER_STREAM) : undefined;
  const defaultTtl = config.ttl ?? Infinity;
  const defaultMissCost = config.defaultMissCost;

  const { keys, times, ops, ttls, costs } = trace;
  const sizes = config.unit === 'bytes' ? trace.sizes : undefined;
  // Byte hit rate counts real object sizes even when capacity counts entries.
  const objectBytes = trace.sizes;
  const stored = new Uint8Array(keySpace);
  const fillExpiry = new Float64Array(keySpace).fill(Infinity);
  const sizeOf = new Uint32Array(keySpace);
  let missLatencies = new Float64Array(Math.min(n, 1 << 16));
  let missCount = 0;

  let requests = 0;
  let hits = 0;
  let expiredMisses = 0;
  let coldMisses = 0;
  let uncacheable = 0;
  let bytesRequested = 0;
  let bytesHit = 0;
  let writes = 0;
  let deletes = 0;
  let costSum = 0;
  let latencySum = 0;
  let staleReads = 0;
  let staleServes = 0;
  let instantFetches = 0;
  let coalescedWaits = 0;
  let earlyRefreshes = 0;

  const expiresAt = (now: number, own: number): number => {
    const ttl = own === own ? own : defaultTtl;
    if (ttl === Infinity) return Infinity;
    return now + (jitter === 0 ? ttl : ttl * (1 + jitter * (2 * jitterRng!.nextFloat() - 1)));
  };
  /** A value from the origin or a write goes into every tier. */
  const fillAll = (id: number, size: number, now: number, version: number, expires: number): void => {
    for (let t = 0; t < tierCount; t++) tiers[t]!.fill(id, size, now, version, expires);
    stored[id] = 1;
    fillExpiry[id] = expires;
  };
  const land = (id: number, time: number, version: number, duration: number, ttl: number): void => {
    fillAll(id, sizeOf[id]!, time, version, expiresAt(time, ttl));
    if (lastFetchTime !== undefined) lastFetchTime[id] = duration;
  };

  const recorder = intervalRecorder(trace, config.interval);
  const warmup = config.warmup ?? 0;
  // The running counts where the warm-up ends; every count reported is the whole run's minus these.
  const counters = () => ({
    requests,
    hits,
    expiredMisses,
    coldMisses,
    uncacheable,
    bytesRequested,
    bytesHit,
    writes,
    deletes,
    costSum,
    latencySum,
    staleReads,
    staleServes,
    instantFetches,
    coalescedWaits,
    earlyRefreshes,
    missCount,
    started: queue?.started ?? 0,
    writesCoalesced: versions.writesCoalesced,
    flushes: versions.flushes,
    tiers: tiers.map((tier) => ({ lookups: tier.lookups, hits: tier.hits })),
  });
  let warm: ReturnType<typeof counters> | undefined;
  const originRate = times === undefined || n === 0 ? undefined : new OriginRate(times[0]!, times[n - 1]!);
  for (let start = 0, end = 0; start < n; start = end) {
    end = chunkEnd(start, CHUNK, n, recorder, warmup);
    for (let i = start; i < end; i++) {
      const now = times === undefined ? i : times[i]!;
      if (queue !== undefined) while (queue.nextCompletion() <= now + LANDING_SLACK) queue.pop(land);
      if (writeBehind) versions.flushDue(now);
      const id = keys[i]!;
      const op = ops === undefined ? 0 : ops[i]!;
      const size = sizes === undefined ? 1 : sizes[i]!;
      sizeOf[id] = size;
      const ownTtl = ttls === undefined ? NaN : ttls[i]!;

      if (op === OP_DELETE) {
        for (let t = 0; t < tierCount; t++) tiers[t]!.invalidate(id);
        stored[id] = 0;
        deletes++;
        continue;
      }
      if (op === OP_SET) {
        writes++;
        if (writePolicy === 'invalidate') {
          versions.writeThrough(id);
          for (let t = 0; t < tierCount; t++) tiers[t]!.invalidate(id);
          stored[id] = 0;
        } else if (writePolicy === 'write-through') {
          fillAll(id, size, now, versions.writeThrough(id), expiresAt(now, ownTtl));
        } else if (writeBehind) {
          fillAll(id, size, now, versions.writeBehind(id, now), expiresAt(now, ownTtl));
        } else {
          versions.writeThrough(id);
        }
        continue;
      }

      requests++;
      const bytes = objectBytes === undefined ? 1 : objectBytes[i]!;
      bytesRequested += bytes;
      const missCost = costs === undefined ? defaultMissCost : costs[i]! === costs[i]! ? costs[i]! : defaultMissCost;
      costSum += missCost;
      let latency = 0;
      let served = -1;
      let hitTier = -1;
      for (let t = 0; t < tierCount; t++) {
        const tier = tiers[t]!;
        tier.lookups++;
        latency += tier.lookupCost;
        if (!tier.policy.has(id)) continue;
        const expires = tier.expiry === undefined ? Infinity : tier.expiry[id]!;
        if (tier.expired(id, now)) {
          if (!serveStale) {
            tier.invalidate(id);
            continue;
          }
          // Stale-while-revalidate: serve what is there; one refresh brings the new value.
          staleServes++;
          if (!queue!.busy(id, now)) {
            queue!.start(id, now, missCost, versions.origin[id]!, ownTtl);
            originRate?.add(now);
          }
        } else if (xfetch && expires !== Infinity && !queue!.busy(id, now)) {
          const delta = lastFetchTime![id]! > 0 ? lastFetchTime![id]! : missCost;
          // U = 1 - [0, 1) is in (0, 1], so ln U is finite; delta and expiry are both seconds.
          if (now - delta * beta * Math.log(1 - xfetchRng!.nextFloat()) >= expires) {
            queue!.start(id, now, missCost, versions.origin[id]!, ownTtl);
            originRate?.add(now);
            earlyRefreshes++;
          }
        }
        tier.policy.access(id, size, now);
        tier.hits++;
        hitTier = t;
        served = tier.version[id]!;
        if (expires > now) for (let u = 0; u < t; u++) tiers[u]!.fill(id, size, now, served, expires);
        break;
      }

      if (served >= 0) {
        hits++;
        bytesHit += bytes;
      } else {
        if (stored[id] === 0) coldMisses++;
        else if (tiers[0]!.servesAtTtl ? fillExpiry[id]! < now : fillExpiry[id]! <= now) expiredMisses++;
        if (size > largest) uncacheable++;
        if (queue === undefined) {
          served = versions.origin[id]!;
          fillAll(id, size, now, served, expiresAt(now, ownTtl));
          instantFetches++;
          originRate?.add(now);
          latency += missCost;
        } else if (waitsOnFlight && queue.busy(id, now)) {
          latency += queue.inFlightUntil[id]! - now;
          served = queue.inFlightVersion[id]!;
          coalescedWaits++;
        } else {
          served = versions.origin[id]!;
          queue.start(id, now, missCost, served, ownTtl);
          originRate?.add(now);
          latency += missCost;
        }
      }
      if (served < versions.latest[id]!) staleReads++;
      if (hitTier < 0) {
        if (missCount === missLatencies.length) {
          const bigger = new Float64Array(Math.min(n, missLatencies.length * 2));
          bigger.set(missLatencies);
          missLatencies = bigger;
        }
        missLatencies[missCount++] = latency;
      }
      latencySum += latency;
    }
    recorder?.reached(end, requests, hits);
    if (end === warmup) {
      warm = counters();
      if (end < n) originRate?.restart(times![end]!);
    }
    config.onProgress?.(end, n);
  }
  if (writeBehind) versions.finish();

  const w = warm ?? counters0(tiers.length);
  const counted = {
    requests: requests - w.requests,
    hits: hits - w.hits,
    expiredMisses: expiredMisses - w.expiredMisses,
    coldMisses: coldMisses - w.coldMisses,
  };
  const misses = counted.requests - counted.hits;
  let finalEntries = 0;
  let finalBytes = 0;
  for (const tier of tiers) {
    finalEntries += tier.policy.size;
    finalBytes += finalBytesOf(tier.policy, trace, config.unit);
  }
  return {
    ...counted,
    misses,
    capacityMisses: misses - counted.coldMisses - counted.expiredMisses,
    uncacheable: uncacheable - w.uncacheable,
    bytesRequested: bytesRequested - w.bytesRequested,
    bytesHit: bytesHit - w.bytesHit,
    writes: writes - w.writes,
    deletes: deletes - w.deletes,
    finalEntries,
    finalBytes,
    missCostSum: latencySum - w.latencySum,
    costSum: costSum - w.costSum,
    tiers: tiers.map((tier, t) => ({ lookups: tier.lookups - w.tiers[t]!.lookups, hits: tier.hits - w.tiers[t]!.hits })),
    missLatencies: missLatencies.slice(w.missCount, missCount).sort(),
    tierHitLatencies: tiers.map((_, t) => tiers.slice(0, t + 1).reduce((sum, tier) => sum + tier.lookupCost, 0)),
    latencySum: latencySum - w.latencySum,
    staleReads: staleReads - w.staleReads,
    staleServes: staleServes - w.staleServes,
    originFetches: instantFetches - w.instantFetches + (queue?.started ?? 0) - w.started,
    // Peaks are over the whole run, warm-up included: a maximum cannot be split.
    peakConcurrentFetches: queue?.peak ?? 0,
    coalescedWaits: coalescedWaits - w.coalescedWaits,
    earlyRefreshes: earlyRefreshes - w.earlyRefreshes,
    writesCoalesced: versions.writesCoalesced - w.writesCoalesced,
    longestPending: versions.longestPending,
    flushes: versions.flushes - w.flushes,
    ...(recorder && { intervals: recorder.counts() }),
    ...(originRate && { originLoad: originRate.summary() }),
  };
}

/** Mean and nearest-rank percentiles over the simulated per-request latencies (seconds). */
export function latencyFromSamples(counts: TimedCounts): {
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  noCache: number;
} {
  const n = counts.requests;
  if (n === 0) return { mean: 0, p50: 0, p95: 0, p99: 0, p999: 0, max: 0, noCache: 0 };
  const rank = (p: number): number => {
    let r = Math.max(1, Math.ceil(p * n));
    for (let t = 0; t < counts.tiers.length; t++) {
      const hits = counts.tiers[t]!.hits;
      if (r <= hits) return counts.tierHitLatencies[t]!;
      r -= hits;
    }
    return counts.missLatencies[r - 1]!;
  };
  return {
    mean: counts.latencySum / n,
    p50: rank(0.5),
    p95: rank(0.95),
    p99: rank(0.99),
    p999: rank(0.999),
    max: rank(1),
    noCache: counts.costSum / n,
  };
}
