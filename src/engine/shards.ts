/**
 * Sampling for large traces: estimates of the hit-rate curve from a fraction R of the keys.
 *
 * SHARDS (Waldspurger et al., FAST'15), fixed rate: keep a key iff `hash(key) mod P < T`
 * (P = 2^24, R = T/P). Sampling keys rather than requests keeps every reuse of a kept key, so
 * stack distances among kept keys are the full distances scaled by R: we run the Mattson pass
 * on the kept requests and read a cache of C entries at C·R. Each kept lookup stands for 1/R.
 * SHARDS_adj adds the shortfall (or surplus) of kept lookups against their expectation R·N to
 * the first bucket, which removes most of the bias from sampling too many or too few hot keys.
 *
 * MiniSim (Waldspurger et al., ATC'17) for every other policy: replay the kept requests through
 * the policy at capacity C·R and read its miss ratio, normalised like libCacheSim's
 * `mrcProfiler` (hits = N − misses/R). Time columns are kept, so TTLs behave as in the full
 * trace. Mini-caches of only a few entries are noisy: keep C·R in the hundreds where it matters.
 *
 * Every figure produced here is an estimate; the result model says so.
 */
import { hash32 } from '../trace/synthetic/rng.js';
import { OP_DELETE, OP_SET, TraceBuilder, type Trace, type TraceChunk } from '../trace/trace.js';
import { wholeChunk } from '../trace/chunks.js';
import { byteHitsAt, countsFromDistances, hitsAt, stackDistances, type MissSplit, type StackDistances } from './lru-curve.js';
import type { ReplayCounts } from './replay.js';

export const SHARDS_MODULUS = 1 << 24;

/** Per key id: 1 if the key is in the sample. Deterministic for a seed; no Math.random. */
export function samplingMask(keySpace: number, rate: number, seed: number): Uint8Array {
  const threshold = Math.round(rate * SHARDS_MODULUS);
  const mask = new Uint8Array(keySpace);
  // Ids are interned in first-seen order, so the hash must spread consecutive ids well.
  for (let id = 0; id < keySpace; id++) mask[id] = (hash32(id, seed) & (SHARDS_MODULUS - 1)) < threshold ? 1 : 0;
  return mask;
}

/**
 * Fixed-size SHARDS: the rate at which the mask for `seed` keeps `keys` of the key space's
 * ids (1 when there are no more), so the sample's keys - and the stack-distance structure
 * over them - are bounded whatever the trace's length. The key space is known before the
 * first request (ids are dense), so the threshold is the hash of the (keys+1)-th smallest id
 * and no adaptive lowering is needed.
 */
export function rateForKeys(keySpace: number, keys: number, seed: number): number {
  if (keys >= keySpace) return 1;
  const hashes = new Uint32Array(keySpace);
  for (let id = 0; id < keySpace; id++) hashes[id] = hash32(id, seed) & (SHARDS_MODULUS - 1);
  hashes.sort();
  // Every id hashing below the threshold is kept: at most `keys` (fewer on a tie at it).
  return Math.max(1, hashes[keys]!) / SHARDS_MODULUS;
}

/** Exact totals of the full trace, which sampling need not estimate. */
export interface TraceTotals {
  readonly lookups: number;
  readonly writes: number;
  readonly deletes: number;
  /** Bytes requested by lookups (1 per lookup without a size column or in entry mode). */
  readonly bytesRequested: number;
  readonly costSum: number;
}

/** Full-trace totals; bytes come from the size column whatever the capacity unit (byte hit rate). */
export function traceTotals(trace: Trace, defaultMissCost = 0): TraceTotals {
  const counter = new TraceTotalsCounter(defaultMissCost);
  counter.observe(trace);
  return counter.totals();
}

/** `traceTotals` gathered chunk by chunk (a streamed trace). */
export class TraceTotalsCounter {
  private lookups = 0;
  private writes = 0;
  private deletes = 0;
  private bytesRequested = 0;
  private costSum = 0;

  constructor(private readonly defaultMissCost = 0) {}

  observe(chunk: Pick<TraceChunk, 'length' | 'ops' | 'costs' | 'sizes'>): void {
    const { ops, costs, sizes } = chunk;
    let { lookups, writes, deletes, bytesRequested, costSum } = this;
    for (let i = 0; i < chunk.length; i++) {
      const op = ops === undefined ? 0 : ops[i]!;
      if (op === OP_DELETE) deletes++;
      else if (op === OP_SET) writes++;
      else {
        lookups++;
        bytesRequested += sizes === undefined ? 1 : sizes[i]!;
        if (costs !== undefined) costSum += costs[i] === costs[i] ? costs[i]! : this.defaultMissCost;
      }
    }
    [this.lookups, this.writes, this.deletes, this.bytesRequested, this.costSum] = [lookups, writes, deletes, bytesRequested, costSum];
  }

  totals(): TraceTotals {
    const { lookups, writes, deletes, bytesRequested, costSum } = this;
    return { lookups, writes, deletes, bytesRequested, costSum };
  }
}

/**
 * SHARDS estimate of per-size `lru` counts (entries). Valid where the exact curve would be
 * (see `exactCurveBlocker`); `totals` are the full trace's.
 */
export function shardsLruCounts(
  trace: Trace,
  capacities: readonly number[],
  rate: number,
  mask: Uint8Array,
  totals: TraceTotals,
  onProgress?: (done: number) => void,
): (ReplayCounts & MissSplit)[] {
  return shardsCountsOf(stackDistances(trace, mask, onProgress), capacities, rate, totals);
}

/** The SHARDS estimate from the stack distances of the sampled requests (see `shardsLruCounts`). */
export function shardsCountsOf(
  sampled: StackDistances,
  capacities: readonly number[],
  rate: number,
  totals: TraceTotals,
): (ReplayCounts & MissSplit)[] {
  const adjustment = rate * totals.lookups - sampled.lookups;
  // A cache of C entries sees sampled distances below C·R.
  const scaled = capacities.map((capacity) => Math.ceil(capacity * rate - 1e-9));
  const sampledHits = hitsAt(sampled, scaled);
  const sampledByteHits = byteHitsAt(sampled, scaled);
  const distinctEstimate = Math.round(sampled.distinctKeys / rate);
  const template = countsFromDistances(sampled, capacities, totals.deletes);
  return capacities.map((capacity, i) => {
    const estimate = Math.round((sampledHits[i]! + adjustment) / rate);
    const hits = Math.min(totals.lookups, Math.max(0, estimate));
    const resident = Math.min(capacity, distinctEstimate);
    const cold = Math.min(totals.lookups - hits, Math.round(sampled.coldLookups / rate));
    // Bytes: missed bytes of the sample scaled by 1/R, as MiniSim does (no SHARDS_adj for bytes).
    const missedBytes = Math.min(totals.bytesRequested, Math.round((sampled.bytesRequested - sampledByteHits[i]!) / rate));
    return {
      ...template[i]!,
      requests: totals.lookups,
      hits,
      misses: totals.lookups - hits,
      coldMisses: cold,
      capacityMisses: totals.lookups - hits - cold,
      bytesRequested: totals.bytesRequested,
      bytesHit: totals.bytesRequested - missedBytes,
      writes: totals.writes,
      finalEntries: resident,
      finalBytes: resident,
    };
  });
}

/** The requests of kept keys, with keys re-interned densely so mini-caches stay small. */
export function sampleTrace(trace: Trace, mask: Uint8Array, rate: number): Trace {
  let kept = 0;
  for (let i = 0; i < trace.length; i++) kept += mask[trace.keys[i]!]!;
  const sampler = new KeySampler(trace, mask, kept);
  sampler.observe(wholeChunk(trace));
  return sampler.trace(rate);
}

/** `sampleTrace` gathered chunk by chunk: a streamed trace keeps only its sampled requests in memory. */
export class KeySampler {
  private readonly dense: Int32Array;
  private keySpace = 0;
  private readonly builder: TraceBuilder;

  /** `shape`: the trace or its shape; `expected`: the requests to be kept, when known (sizes the columns). */
  constructor(
    private readonly shape: Trace,
    private readonly mask: Uint8Array,
    expected?: number,
  ) {
    this.dense = new Int32Array(shape.keySpace).fill(-1);
    this.builder = new TraceBuilder(expected);
  }

  observe(chunk: TraceChunk): void {
    const { keys, sizes, times, ops, ttls, costs } = chunk;
    const { mask, dense, builder } = this;
    for (let i = 0; i < chunk.length; i++) {
      const id = keys[i]!;
      if (mask[id] === 0) continue;
      if (dense[id] === -1) dense[id] = this.keySpace++;
      builder.push(dense[id]!, sizes?.[i], times?.[i], ops?.[i], ttls?.[i], costs?.[i]);
    }
  }

  trace(rate: number): Trace {
    return this.builder.build(`${this.shape.source} (sampled at ${rate})`, this.keySpace);
  }
}

/** MiniSim capacity: the full capacity scaled by the rate, at least one entry (or byte). */
export function miniCapacity(capacity: number, rate: number): number {
  return Math.max(1, Math.round(capacity * rate));
}

/**
 * Full-trace estimates from a replay of the sampled trace at the mini capacity. Misses scale
 * by 1/R and hits are what remains of the full trace's exact lookup count. The sorted
 * per-request miss costs cannot be scaled, so they are dropped; callers that need latency
 * percentiles from a cost column read them from the sampled counts directly.
 */
export function scaleSampledCounts(sampled: ReplayCounts, rate: number, totals: TraceTotals): ReplayCounts {
  const scale = (value: number): number => Math.round(value / rate);
  const misses = Math.min(totals.lookups, scale(sampled.misses));
  const missedBytes = Math.min(totals.bytesRequested, scale(sampled.bytesRequested - sampled.bytesHit));
  // Scale the miss split too when the replay engine reports one; capacity misses take the rest.
  const split = sampled as ReplayCounts & Partial<MissSplit>;
  const expired = Math.min(misses, scale(sampled.expiredMisses));
  const cold = split.coldMisses === undefined ? undefined : Math.min(misses - expired, scale(split.coldMisses));
  return {
    ...(cold !== undefined && { coldMisses: cold, capacityMisses: misses - expired - cold }),
    requests: totals.lookups,
    hits: totals.lookups - misses,
    misses,
    expiredMisses: expired,
    uncacheable: Math.min(misses, scale(sampled.uncacheable)),
    bytesRequested: totals.bytesRequested,
    bytesHit: totals.bytesRequested - missedBytes,
    writes: totals.writes,
    deletes: totals.deletes,
    finalEntries: scale(sampled.finalEntries),
    finalBytes: scale(sampled.finalBytes),
    missCostSum: sampled.missCostSum / rate,
    costSum: totals.costSum,
  };
}
