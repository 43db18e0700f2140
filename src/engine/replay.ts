/**
 * Replays one trace through one policy at one capacity and one TTL: the hot loop.
 *
 * Per request: a delete removes the key; otherwise the TTL is enforced (an entry found past
 * its expiry is removed and the lookup becomes an "expired" miss), then the policy is asked.
 * Gets are counted as hits or misses; sets write the entry (insert or refresh, re-arming its
 * TTL) and are counted as writes, not lookups. Nothing here allocates per request.
 *
 * Every missed get is classified once: cold (the key was never stored, or was deleted since),
 * expired (its last insertion has expired by now, whether the engine found it expired or the
 * policy had already purged it), or capacity (evicted while still live, or too big to store).
 * An optional jitter spreads each write's TTL to ttl x (1 + j(2U - 1)), U drawn per write from
 * a seeded generator, so a burst of writes does not expire in one burst.
 */
import { createPolicy, type Policy, type PolicySpec } from '../policies/index.js';
import type { Trace, TraceChunk } from '../trace/trace.js';
import { wholeChunk } from '../trace/chunks.js';
import { Rng } from '../trace/synthetic/rng.js';
import { grown } from '../typed-arrays.js';
import { classOf, copyFor } from './per-class.js';
import { residentBytesOf } from './resident-bytes.js';
import { replayRange, TOTAL_SLOTS, type GeneralReplay } from './loops/templates.js';
import { isPlainReplay, PlainReplay, type PlainCounts } from './plain-replay.js';
import { chunkEnd, intervalRecorder, type IntervalCounts, type IntervalRecorder, type IntervalSpec } from './intervals.js';
import { factsOf, type TraceFacts } from './trace-facts.js';
import type { NextUseFile } from './next-uses.js';

/** Seeded stream of the TTL jitter draws, apart from any other use of the seed. */
export const JITTER_STREAM = 0x6a17;

export interface ReplayConfig {
  readonly policy: PolicySpec;
  /** Entries, or bytes when `unit` is 'bytes'. */
  readonly capacity: number;
  readonly unit: 'entries' | 'bytes';
  /** Default TTL in seconds for every write; undefined = none. A request's own `ttl` wins. */
  readonly ttl?: number;
  /** TTL jitter j in [0, 1): each write's TTL becomes ttl x (1 + j(2U - 1)). 0 or absent = none. */
  readonly ttlJitter?: number;
  /** Per-key default TTL in seconds (Infinity: none), from per-class TTLs; in place of `ttl`. */
  readonly keyTtls?: Float64Array;
  readonly seed: number;
  /** Miss cost (seconds) for requests whose `cost` column is empty. */
  readonly defaultMissCost?: number;
  /** Count lookups and hits per interval of the trace as well (hit rate over time). */
  readonly interval?: IntervalSpec;
  /** Leave the requests before this index out of every count (warm-up); 0 or absent = none. */
  readonly warmup?: number;
  /** Called between chunks of requests with the number done so far. */
  readonly onProgress?: (done: number, total: number) => void;
  /** A streamed trace's next uses, for offline policies (next-uses.ts). */
  readonly nextUses?: NextUseFile;
}

export interface ReplayCounts {
  /** Lookups (gets); writes and deletes are not lookups. */
  readonly requests: number;
  readonly hits: number;
  readonly misses: number;
  /** Misses on a key whose last insertion had expired by the time of the lookup. */
  readonly expiredMisses: number;
  /** Misses on a key never stored before (or deleted since): no cache could have hit. */
  readonly coldMisses?: number;
  /** Misses on a key evicted while still live (or too big to store): a bigger cache would help. */
  readonly capacityMisses?: number;
  /** Misses on objects larger than the whole cache, which are never stored. */
  readonly uncacheable: number;
  readonly bytesRequested: number;
  readonly bytesHit: number;
  readonly writes: number;
  readonly deletes: number;
  readonly finalEntries: number;
  readonly finalBytes: number;
  /** Sum of per-request miss costs (seconds) over misses, when the trace has a cost column. */
  readonly missCostSum: number;
  /** Sum of per-request costs over all lookups (the no-cache latency), with a cost column. */
  readonly costSum: number;
  /** Miss costs of every miss, sorted ascending, when the trace has a cost column. */
  readonly missCosts?: Float64Array;
  /** Lookups and hits per interval, when an interval was asked for. */
  readonly intervals?: IntervalCounts;
}

const CHUNK = 1 << 16;

/** Whether any TTL can apply in this replay (a default TTL or a per-request column). */
export function ttlApplies(trace: Trace, ttl: number | undefined): boolean {
  return ttl !== undefined || trace.ttls !== undefined;
}

export function replay(trace: Trace, config: ReplayConfig): ReplayCounts {
  const run = new ReplayRun(trace, config);
  run.advance(wholeChunk(trace));
  return run.finish();
}

/** Row i of a chunk from `start` of a trace without times happens at time start + i (cached: every cell of a grid asks). */
const requestTimesCache = new WeakMap<TraceChunk, Float64Array>();
function requestTimes(chunk: TraceChunk): Float64Array {
  let times = requestTimesCache.get(chunk);
  if (times === undefined) {
    times = new Float64Array(chunk.length);
    for (let i = 0; i < chunk.length; i++) times[i] = chunk.start + i;
    requestTimesCache.set(chunk, times);
  }
  return times;
}

/**
 * One replay - one policy, capacity and TTL over one trace - advanced chunk by chunk
 * (`advance` with each chunk in order, then `finish`): a trace in memory is one chunk, a
 * streamed one many, and the counts are the same either way. `shape` is the trace, or for
 * a streamed one its description: length, key space, key names and which columns it has.
 */
export class ReplayRun {
  private readonly policy: Policy;
  private readonly plain: PlainReplay | undefined;
  /** The general loop's state, but for the columns, which each chunk brings. */
  private readonly general:
    Omit<GeneralReplay, 'keys' | 'sizes' | 'objectBytes' | 'times' | 'ops' | 'ttls' | 'costs' | 'missCosts'> | undefined;
  private readonly loop: typeof replayRange;
  private missCosts: Float64Array | undefined;
  private readonly recorder: IntervalRecorder | undefined;
  private readonly warmup: number;
  private readonly length: number;
  private warm: Float64Array | undefined;
  private done = 0;

  constructor(
    private readonly shape: Trace,
    private readonly config: ReplayConfig,
    private readonly facts: TraceFacts = factsOf(shape),
  ) {
    const withTtl = ttlApplies(shape, config.ttl) || config.keyTtls !== undefined;
    const expiry = withTtl ? new Float64Array(shape.keySpace).fill(Infinity) : undefined;
    this.policy = createPolicy(config.policy, {
      capacity: config.capacity,
      unit: config.unit,
      keySpace: shape.keySpace,
      seed: config.seed,
      trace: shape,
      ...(expiry && { expiry }),
      ...(config.nextUses && { nextUses: config.nextUses }),
    });
    this.length = shape.length;
    this.recorder = intervalRecorder(shape, config.interval);
    this.warmup = config.warmup ?? 0;
    this.loop = copyFor(replayRange, classOf(this.policy));
    const sized = config.unit === 'bytes' && shape.sizes !== undefined;
    // The plain loop counts one byte per entry when counting entries; a trace with sizes needs
    // the general loop so its byte hit rate reports real bytes even at an entry capacity.
    if (!withTtl && isPlainReplay(shape, config.ttl) && (sized || shape.sizes === undefined)) {
      this.plain = new PlainReplay(this.policy, sized, config.capacity);
      return;
    }
    const jitter = withTtl && config.ttlJitter !== undefined && config.ttlJitter > 0 ? config.ttlJitter : 0;
    this.general = {
      expiry,
      // 1 once a get or set has stored (or tried to store) the key, 0 again after a delete.
      stored: new Uint8Array(shape.keySpace),
      jitter,
      jitterRng: jitter > 0 ? new Rng(config.seed, JITTER_STREAM) : undefined,
      defaultTtl: config.ttl ?? Infinity,
      keyTtls: config.keyTtls,
      servesAtTtl: config.policy.definition.servesAtTtl === true,
      defaultMissCost: config.defaultMissCost ?? 0,
      capacity: config.capacity,
      totals: new Float64Array(TOTAL_SLOTS.LENGTH),
    };
  }

  /** Replays the next chunk of the trace (chunks come in order, each once). */
  advance(chunk: TraceChunk): void {
    if (chunk.start !== this.done) throw new Error(`replay: chunk at ${chunk.start} given after ${this.done} requests`);
    const { plain, general, recorder, warmup, length: n } = this;
    const times = chunk.times ?? (chunk.start === 0 ? undefined : requestTimes(chunk));
    const stop = chunk.start + chunk.length;
    let columns: GeneralReplay | undefined;
    if (general !== undefined) {
      const sizes = this.config.unit === 'bytes' ? chunk.sizes : undefined;
      if (chunk.costs !== undefined) this.missCosts = roomFor(this.missCosts, general.totals[TOTAL_SLOTS.MISS_COUNT]! + chunk.length);
      const { keys, ops, ttls, costs } = chunk;
      columns = { ...general, keys, sizes, objectBytes: chunk.sizes, times, ops, ttls, costs, missCosts: this.missCosts };
    }
    for (let start = chunk.start, end = start; start < stop; start = end) {
      end = Math.min(stop, chunkEnd(start, CHUNK, n, recorder, warmup));
      if (plain !== undefined) {
        plain.run(chunk, times, start - chunk.start, end - chunk.start);
        recorder?.reached(end, end, plain.hits);
        if (end === warmup) plain.endWarmup();
      } else {
        this.loop(this.policy, columns!, start - chunk.start, end - chunk.start);
        const t = general!.totals;
        recorder?.reached(end, t[TOTAL_SLOTS.REQUESTS]!, t[TOTAL_SLOTS.HITS]!);
        if (end === warmup) this.warm = t.slice();
      }
      this.config.onProgress?.(end, n);
    }
    this.done = stop;
  }

  /** The counts, once every chunk has been replayed. */
  finish(): ReplayCounts {
    if (this.done !== this.length) throw new Error(`replay: finished after ${this.done} of ${this.length} requests`);
    const { policy, plain, recorder, warmup } = this;
    const finalBytes = finalBytesOf(policy, this.facts.lastSizes(), this.config.unit);
    if (plain !== undefined) {
      const counts = plainCounts(plain.counts(this.length, warmup), policy, this.facts.coldKeysFrom(warmup), finalBytes);
      return recorder ? { ...counts, intervals: recorder.counts() } : counts;
    }
    const t = this.general!.totals;
    const warm = this.warm;
    // Warm-up: every count is the whole run's minus the warm-up's; the miss costs after it are a slice.
    const missesBefore = warm?.[TOTAL_SLOTS.MISS_COUNT] ?? 0;
    if (warm) for (let slot = 0; slot < TOTAL_SLOTS.LENGTH; slot++) if (slot !== TOTAL_SLOTS.MISS_COUNT) t[slot]! -= warm[slot]!;

    const requests = t[TOTAL_SLOTS.REQUESTS]!;
    const hits = t[TOTAL_SLOTS.HITS]!;
    const coldMisses = t[TOTAL_SLOTS.COLD_MISSES]!;
    const expiredMisses = t[TOTAL_SLOTS.EXPIRED_MISSES]!;
    const missCosts = this.missCosts;
    return {
      requests,
      hits,
      misses: requests - hits,
      expiredMisses,
      coldMisses,
      capacityMisses: requests - hits - coldMisses - expiredMisses,
      uncacheable: t[TOTAL_SLOTS.UNCACHEABLE]!,
      bytesRequested: t[TOTAL_SLOTS.BYTES_REQUESTED]!,
      bytesHit: t[TOTAL_SLOTS.BYTES_HIT]!,
      writes: t[TOTAL_SLOTS.WRITES]!,
      deletes: t[TOTAL_SLOTS.DELETES]!,
      finalEntries: policy.size,
      finalBytes,
      missCostSum: t[TOTAL_SLOTS.MISS_COST_SUM]!,
      costSum: t[TOTAL_SLOTS.COST_SUM]!,
      ...(missCosts && { missCosts: missCosts.slice(missesBefore, t[TOTAL_SLOTS.MISS_COUNT]).sort() }),
      ...(recorder && { intervals: recorder.counts() }),
    };
  }
}

/** `array`, or a copy of it grown (doubling) to hold at least `needed` values. */
function roomFor(array: Float64Array | undefined, needed: number): Float64Array {
  if (array === undefined) return new Float64Array(needed);
  return array.length >= needed ? array : grown(array, needed);
}

/**
 * Bytes held at the end: the policy's own count at byte capacity; at entry capacity the real
 * sizes of the resident keys when the trace has them (`lastSizes`: each key's last size),
 * else one per entry, as the policy counts.
 */
export function finalBytesOf(policy: Pick<Policy, 'bytes' | 'has'>, lastSizes: Uint32Array | undefined, unit: 'entries' | 'bytes'): number {
  if (unit === 'bytes') return policy.bytes;
  return residentBytesOf(lastSizes, (id) => policy.has(id)) ?? policy.bytes;
}

/**
 * The counts of a plain replay (gets only, no TTL, no costs) in the general loop's shape.
 * With no deletes and no expiry, a key's first request is its one cold miss (nothing can be
 * resident before it) and every later miss is a capacity miss; after a warm-up, only the keys
 * first requested after it miss cold.
 */
function plainCounts(plain: PlainCounts, policy: Policy, distinct: number, finalBytes: number): ReplayCounts {
  const misses = plain.requests - plain.hits;
  return {
    requests: plain.requests,
    hits: plain.hits,
    misses,
    expiredMisses: 0,
    coldMisses: distinct,
    capacityMisses: misses - distinct,
    uncacheable: plain.uncacheable,
    bytesRequested: plain.bytesRequested,
    bytesHit: plain.bytesHit,
    writes: 0,
    deletes: 0,
    finalEntries: policy.size,
    finalBytes,
    missCostSum: 0,
    costSum: 0,
  };
}
