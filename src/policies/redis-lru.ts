/**
 * redis-lru: Redis's `allkeys-lru`, an approximation of LRU that samples keys instead of
 * keeping a recency list.
 *
 * Each key stores the LRU clock of its last access; the clock ticks once per `clock` seconds
 * (Redis: 1 s, LRU_CLOCK_RESOLUTION). An eviction samples `samples` keys (maxmemory-samples 5)
 * into the persistent 16-entry eviction pool scored by idle time (clock - key's clock) and
 * evicts the pool's largest-idle key that still exists; see `internal/redis-sampling.ts`.
 * At 1 s resolution many keys share a clock value and Redis breaks those ties by sample
 * order; `clock=0` selects a logical clock of one tick per request, which removes the ties.
 * Sampling is uniform over resident keys; Redis walks neighbouring hash-table buckets instead.
 * The 24-bit wrap of Redis's clock (every 194 days at 1 s) is not modelled.
 * It equals exact LRU when samples >= entries, timestamps are distinct at the clock's
 * resolution and pool=1; with the 16-entry pool, stale idle snapshots of keys hit since they
 * were sampled can still be evicted ahead of the true LRU key.
 * Parameters: samples=5, pool=16, clock=1 (seconds per tick; 0 = one tick per request).
 * Source: Redis `src/evict.c` (evictionPoolPopulate, performEvictions), `src/server.h`.
 */
import type { PolicyContext, PolicyDefinition, PolicyParams } from './policy.js';
import {
  MEMORY_PARAMS,
  memoryOptions,
  RedisSampledPolicy,
  SAMPLING_PARAMS,
  validateSampling,
  type RedisSamplingOptions,
} from './internal/redis-sampling.js';

export interface RedisLruOptions extends RedisSamplingOptions {
  /** Seconds per clock tick; 0 means one tick per request. */
  readonly clock: number;
}

/** A stream of its own ("rlru"): sampling stays independent of a synthetic trace from the same seed. */
const SAMPLING_STREAM = 0x726c7275;

export const REDIS_LRU_DEFAULTS: RedisLruOptions = { samples: 5, pool: 16, clock: 1 };

export class RedisLruPolicy extends RedisSampledPolicy {
  private readonly lastAccess: Float64Array;
  private readonly resolution: number;
  private tick = 0;

  constructor(
    context: PolicyContext,
    options: RedisLruOptions = REDIS_LRU_DEFAULTS,
    readonly name = 'redis-lru',
  ) {
    validateSampling('redis-lru', options);
    if (!(options.clock >= 0 && Number.isFinite(options.clock))) {
      throw new RangeError(`redis-lru:clock must be a number of seconds >= 0, not ${options.clock}`);
    }
    super(context, options, SAMPLING_STREAM);
    this.resolution = options.clock;
    this.lastAccess = new Float64Array(context.keySpace);
  }

  override access(id: number, size: number, now: number): boolean {
    this.tick++;
    return super.access(id, size, now);
  }

  protected score(id: number, now: number): number {
    return this.clockAt(now) - this.lastAccess[id]!;
  }

  protected touch(id: number, now: number): void {
    this.lastAccess[id] = this.clockAt(now);
  }

  protected initialise(id: number, now: number): void {
    this.lastAccess[id] = this.clockAt(now);
  }

  private clockAt(now: number): number {
    return this.resolution > 0 ? Math.floor(now / this.resolution) : this.tick;
  }
}

function redisLruOptions(params: PolicyParams): RedisLruOptions {
  return {
    samples: Number(params['samples'] ?? REDIS_LRU_DEFAULTS.samples),
    pool: Number(params['pool'] ?? REDIS_LRU_DEFAULTS.pool),
    ...(memoryOptions(params) && { memory: memoryOptions(params)! }),
    clock: Number(params['clock'] ?? REDIS_LRU_DEFAULTS.clock),
  };
}

export const redisLru: PolicyDefinition = {
  name: 'redis-lru',
  costHint: 8,
  description: 'Redis allkeys-lru: samples 5 keys into a 16-entry pool, evicts the longest idle.',
  params: [
    ...SAMPLING_PARAMS,
    {
      name: 'clock',
      description: 'LRU clock resolution in seconds (0 = one tick per request, no ties)',
      default: 1,
      type: 'number',
      min: 0,
    },
    ...MEMORY_PARAMS,
  ],
  create: (context, params, name) => new RedisLruPolicy(context, redisLruOptions(params), name),
};
