/**
 * What redis-lru and redis-lfu share: Redis's sampled eviction with its persistent eviction
 * pool (`src/evict.c`, `evictionPoolPopulate` and `performEvictions`).
 *
 * Each eviction samples `samples` resident keys (maxmemory-samples, default 5) and files each
 * in a pool of `pool` slots (EVPOOL_SIZE, default 16) kept in ascending score (idle time, or
 * 255 - LFU counter): at the first slot that is empty or scores >= the sample; a sample that
 * would go to slot 0 of a full pool is dropped; into an empty slot it is written; with room on
 * the right the tail shifts right; otherwise the head (the best-kept key) falls off the left
 * and the sample goes one slot lower. Then the pool is scanned from the right, each entry is
 * cleared, and the first key still resident is evicted; if none is, sample again.
 * Pool scores are snapshots taken at sampling time and are never refreshed, and one key can
 * sit in the pool twice: a key hit after being sampled keeps its old, larger idle time there.
 * Sampling here is uniform among resident keys without replacement, from a dense array of
 * resident ids (swap-remove keeps it dense); Redis instead walks neighbouring hash-table
 * buckets (`dictGetSomeKeys`), which is close to uniform but not exactly.
 */
import { UsageError } from '../../errors.js';
import type { ParamSpec, Policy, PolicyContext, PolicyParams } from '../policy.js';
import { keyLengths } from './key-lengths.js';
import { DEFAULT_REDIS_BASELINE, MAX_LOAD_BEFORE_FORCED_GROWTH, redisKeyBytes, tableBytes } from './redis-memory.js';
import { Rng } from '../../trace/synthetic/rng.js';

export interface RedisSamplingOptions {
  readonly samples: number;
  readonly pool: number;
  /** Count keys as Redis's used_memory does (memory=redis), at byte capacity = maxmemory; absent: values only. */
  readonly memory?: RedisMemoryOptions;
}

export interface RedisMemoryOptions {
  /** Bytes added to every key (the replay's key prefix). */
  readonly keyPrefix: number;
  /** used_memory of the empty server, counted against maxmemory. */
  readonly baseline: number;
}

/** The memory parameters redis-lru and redis-lfu share. */
export const MEMORY_PARAMS: readonly ParamSpec[] = [
  {
    name: 'memory',
    description:
      "at byte capacity: 'values' counts the values' bytes; 'redis' counts what Redis 7 spends per key, so the capacity is maxmemory",
    default: 'values',
    type: 'choice',
    choices: ['values', 'redis'],
  },
  {
    name: 'key-prefix',
    description: 'with memory=redis: bytes added to every key (a client-side prefix)',
    default: 0,
    type: 'integer',
    min: 0,
    max: 65535,
  },
  {
    name: 'baseline',
    description: "with memory=redis: the empty server's used_memory, in bytes",
    default: DEFAULT_REDIS_BASELINE,
    type: 'integer',
    min: 0,
  },
];

/** The memory option of a spec's parameters (undefined for memory=values). */
export function memoryOptions(params: PolicyParams): RedisMemoryOptions | undefined {
  if (params['memory'] !== 'redis') return undefined;
  return { keyPrefix: Number(params['key-prefix'] ?? 0), baseline: Number(params['baseline'] ?? DEFAULT_REDIS_BASELINE) };
}

export const SAMPLING_PARAMS: readonly ParamSpec[] = [
  {
    name: 'samples',
    description: 'keys sampled per eviction (maxmemory-samples; Redis caps it at 64)',
    default: 5,
    type: 'integer',
    min: 1,
    // Redis refuses maxmemory-samples above 64 (CONFIG SET rejects it).
    max: 64,
  },
  {
    name: 'pool',
    description: 'eviction pool slots, kept across evictions (EVPOOL_SIZE)',
    default: 16,
    type: 'integer',
    min: 1,
    max: 1024,
  },
];

export function validateSampling(policy: string, options: RedisSamplingOptions): void {
  if (!Number.isInteger(options.samples) || options.samples < 1) {
    throw new UsageError(`${policy}:samples must be a whole number >= 1, not ${options.samples}`);
  }
  if (!Number.isInteger(options.pool) || options.pool < 1) {
    throw new UsageError(`${policy}:pool must be a whole number >= 1, not ${options.pool}`);
  }
}

export abstract class RedisSampledPolicy implements Policy {
  abstract readonly name: string;
  protected readonly random: Rng;
  private readonly capacity: number;
  private readonly samples: number;
  private readonly resident: Uint8Array;
  private readonly sizeOf: Uint32Array;
  private readonly dense: Int32Array;
  private readonly position: Int32Array;
  private readonly poolKeys: Int32Array;
  private readonly poolScores: Float64Array;
  private count = 0;
  private used = 0;
  /** memory=redis: each key's used_memory, their sum, the dict's slots, and what the count is checked against. */
  private readonly memory: RedisMemoryOptions | undefined;
  private readonly keyBytes: Uint16Array | undefined;
  private readonly costOf: Float64Array | undefined;
  private keyMemory = 0;
  private slots = 4;
  /** A TTL applies: every key also has an entry in the expires dict (whose buckets grow like the main one's). */
  private readonly withTtl: boolean;

  constructor(context: PolicyContext, options: RedisSamplingOptions, stream: number) {
    this.memory = context.unit === 'bytes' ? options.memory : undefined;
    this.keyBytes = this.memory ? keyLengths(context, this.memory.keyPrefix) : undefined;
    this.costOf = this.memory ? new Float64Array(context.keySpace) : undefined;
    this.withTtl = context.expiry !== undefined;
    this.capacity = context.capacity;
    this.samples = options.samples;
    this.random = new Rng(context.seed, stream);
    const n = context.keySpace;
    this.resident = new Uint8Array(n);
    this.sizeOf = new Uint32Array(n);
    this.dense = new Int32Array(n);
    this.position = new Int32Array(n);
    this.poolKeys = new Int32Array(options.pool).fill(-1);
    this.poolScores = new Float64Array(options.pool);
  }

  /** Eviction score at time `now`: higher is evicted first. */
  protected abstract score(id: number, now: number): number;
  /** Updates recency or frequency state on a hit. */
  protected abstract touch(id: number, now: number): void;
  /** Initialises recency or frequency state for a newly stored key. */
  protected abstract initialise(id: number, now: number): void;

  get size(): number {
    return this.count;
  }

  get bytes(): number {
    return this.used;
  }

  has(id: number): boolean {
    return this.resident[id] === 1;
  }

  access(id: number, size: number, now: number): boolean {
    if (this.memory) return this.accessInMemory(id, size, now);
    if (this.resident[id] === 1) {
      this.touch(id, now);
      if (this.sizeOf[id] !== size) {
        this.used += size - this.sizeOf[id]!;
        this.sizeOf[id] = size;
        if (size > this.capacity) this.delete(id);
        else while (this.used > this.capacity) this.evictOne(now);
      }
      return true;
    }
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evictOne(now);
    this.resident[id] = 1;
    this.sizeOf[id] = size;
    this.used += size;
    this.position[id] = this.count;
    this.dense[this.count++] = id;
    this.initialise(id, now);
    return false;
  }

  /**
   * memory=redis: as Redis runs a command, evict first while used_memory is over maxmemory
   * (so one command may overshoot until the next), then look up, and on a miss store the key,
   * growing the dict when it is full unless that would pass maxmemory (below load 1.618).
   */
  private accessInMemory(id: number, size: number, now: number): boolean {
    while (this.count > 0 && this.usedMemory() > this.capacity) this.evictOne(now);
    if (this.resident[id] === 1) {
      this.touch(id, now);
      if (this.sizeOf[id] !== size) {
        const cost = redisKeyBytes(this.keyBytes![id]!, size, this.withTtl);
        this.used += size - this.sizeOf[id]!;
        this.sizeOf[id] = size;
        this.keyMemory += cost - this.costOf![id]!;
        this.costOf![id] = cost;
      }
      return true;
    }
    if (this.count >= this.slots) {
      const grown = 2 ** Math.ceil(Math.log2(this.count + 1));
      const allowed = this.count / this.slots > MAX_LOAD_BEFORE_FORCED_GROWTH || this.usedMemory() + tableBytes(grown) <= this.capacity;
      if (allowed) this.slots = grown;
    }
    const cost = redisKeyBytes(this.keyBytes![id]!, size, this.withTtl);
    this.resident[id] = 1;
    this.sizeOf[id] = size;
    this.used += size;
    this.costOf![id] = cost;
    this.keyMemory += cost;
    this.position[id] = this.count;
    this.dense[this.count++] = id;
    this.initialise(id, now);
    return false;
  }

  /** memory=redis: the server's used_memory as the model counts it. */
  usedMemory(): number {
    return this.memory!.baseline + this.keyMemory + tableBytes(this.slots) * (this.withTtl ? 2 : 1);
  }

  delete(id: number): boolean {
    if (this.resident[id] !== 1) return false;
    this.resident[id] = 0;
    this.used -= this.sizeOf[id]!;
    if (this.costOf) this.keyMemory -= this.costOf[id]!;
    const at = this.position[id]!;
    const last = this.dense[--this.count]!;
    this.dense[at] = last;
    this.position[last] = at;
    return true;
  }

  /** Pool contents from slot 0 (best kept) up, empty slots as -1 (tests only). */
  poolSnapshot(): { keys: number[]; scores: number[] } {
    return { keys: Array.from(this.poolKeys), scores: Array.from(this.poolScores) };
  }

  private evictOne(now: number): void {
    const keys = this.poolKeys;
    for (;;) {
      this.populate(now);
      for (let k = keys.length - 1; k >= 0; k--) {
        const key = keys[k]!;
        if (key < 0) continue;
        keys[k] = -1;
        this.poolScores[k] = 0;
        if (this.resident[key] === 1) {
          this.delete(key);
          return;
        }
      }
    }
  }

  /** Samples up to `samples` distinct resident keys (a partial Fisher-Yates shuffle) into the pool. */
  private populate(now: number): void {
    const n = this.count;
    const take = Math.min(this.samples, n);
    const dense = this.dense;
    for (let j = 0; j < take; j++) {
      const r = j + this.random.nextInt(n - j);
      const picked = dense[r]!;
      const displaced = dense[j]!;
      dense[j] = picked;
      this.position[picked] = j;
      dense[r] = displaced;
      this.position[displaced] = r;
      this.file(picked, this.score(picked, now));
    }
  }

  private file(key: number, score: number): void {
    const keys = this.poolKeys;
    const scores = this.poolScores;
    const last = keys.length - 1;
    let k = 0;
    while (k <= last && keys[k]! >= 0 && scores[k]! < score) k++;
    if (k === 0 && keys[last]! >= 0) return;
    if (k > last || keys[k]! >= 0) {
      if (keys[last]! < 0) {
        keys.copyWithin(k + 1, k, last);
        scores.copyWithin(k + 1, k, last);
      } else {
        k--;
        keys.copyWithin(0, 1, k + 1);
        scores.copyWithin(0, 1, k + 1);
      }
    }
    keys[k] = key;
    scores[k] = score;
  }
}
