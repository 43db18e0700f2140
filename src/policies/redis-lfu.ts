/**
 * redis-lfu: Redis's `allkeys-lfu`, sampled eviction by a probabilistic, decaying 8-bit
 * frequency counter.
 *
 * A new key's counter starts at LFU_INIT_VAL = 5. On each hit, first the counter decays by one
 * per `decay-time` minutes elapsed since the key's last access (floored at 0; 0 disables decay),
 * then, below 255, it grows by one with probability 1 / (max(counter - 5, 0) x log-factor + 1)
 * (Redis's code subtracts LFU_INIT_VAL; the redis.conf comment omits it), and the access minute
 * is stored (16 bits, wrapping). With log-factor 10 a key reaches about 10 after 100 hits and
 * about 18-19 after 1000. Evictions sample `samples` keys into the 16-entry pool scored by
 * 255 - decayed counter (decay computed at sampling time, not stored); see
 * `internal/redis-sampling.ts` (uniform sampling; Redis walks neighbouring hash-table buckets).
 * The coin flips use the run's seeded generator, on the policy's own stream.
 * Parameters: samples=5, pool=16, log-factor=10, decay-time=1 (minutes).
 * Source: Redis `src/evict.c` (LFULogIncr, LFUDecrAndReturn, LFUTimeElapsed), `src/object.c`,
 * `src/db.c` (updateLFU), `src/server.h` (LFU_INIT_VAL).
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

export const LFU_INIT_VAL = 5;
const COUNTER_MAX = 255;
const MINUTE_MASK = 0xffff;

export interface RedisLfuOptions extends RedisSamplingOptions {
  readonly logFactor: number;
  /** Minutes per one-step decay; 0 disables decay. */
  readonly decayTime: number;
}

/** A stream of its own ("rlfu") for sampling and the counter's coin flips. */
const SAMPLING_STREAM = 0x726c6675;

export const REDIS_LFU_DEFAULTS: RedisLfuOptions = { samples: 5, pool: 16, logFactor: 10, decayTime: 1 };

export class RedisLfuPolicy extends RedisSampledPolicy {
  private readonly counter: Uint8Array;
  private readonly lastMinute: Uint16Array;
  private readonly logFactor: number;
  private readonly decayTime: number;

  constructor(
    context: PolicyContext,
    options: RedisLfuOptions = REDIS_LFU_DEFAULTS,
    readonly name = 'redis-lfu',
  ) {
    validateSampling('redis-lfu', options);
    if (!Number.isInteger(options.logFactor) || options.logFactor < 0) {
      throw new RangeError(`redis-lfu:log-factor must be a whole number >= 0, not ${options.logFactor}`);
    }
    if (!Number.isInteger(options.decayTime) || options.decayTime < 0) {
      throw new RangeError(`redis-lfu:decay-time must be a whole number of minutes >= 0, not ${options.decayTime}`);
    }
    super(context, options, SAMPLING_STREAM);
    this.logFactor = options.logFactor;
    this.decayTime = options.decayTime;
    this.counter = new Uint8Array(context.keySpace);
    this.lastMinute = new Uint16Array(context.keySpace);
  }

  /** The stored counter of `id`, without decay (tests only). */
  counterOf(id: number): number {
    return this.counter[id]!;
  }

  /** The counter of `id` as eviction would see it at `now`. */
  decayedCounter(id: number, now: number): number {
    const counter = this.counter[id]!;
    if (this.decayTime === 0) return counter;
    const periods = Math.floor(this.minutesSince(id, now) / this.decayTime);
    return periods >= counter ? 0 : counter - periods;
  }

  protected score(id: number, now: number): number {
    return COUNTER_MAX - this.decayedCounter(id, now);
  }

  protected touch(id: number, now: number): void {
    let counter = this.decayedCounter(id, now);
    if (counter < COUNTER_MAX) {
      const base = counter > LFU_INIT_VAL ? counter - LFU_INIT_VAL : 0;
      if (this.random.nextFloat() < 1 / (base * this.logFactor + 1)) counter++;
    }
    this.counter[id] = counter;
    this.lastMinute[id] = minuteOf(now);
  }

  protected initialise(id: number, now: number): void {
    this.counter[id] = LFU_INIT_VAL;
    this.lastMinute[id] = minuteOf(now);
  }

  private minutesSince(id: number, now: number): number {
    const current = minuteOf(now);
    const last = this.lastMinute[id]!;
    return current >= last ? current - last : MINUTE_MASK - last + current;
  }
}

function minuteOf(now: number): number {
  return Math.floor(now / 60) & MINUTE_MASK;
}

function redisLfuOptions(params: PolicyParams): RedisLfuOptions {
  return {
    samples: Number(params['samples'] ?? REDIS_LFU_DEFAULTS.samples),
    pool: Number(params['pool'] ?? REDIS_LFU_DEFAULTS.pool),
    ...(memoryOptions(params) && { memory: memoryOptions(params)! }),
    logFactor: Number(params['log-factor'] ?? REDIS_LFU_DEFAULTS.logFactor),
    decayTime: Number(params['decay-time'] ?? REDIS_LFU_DEFAULTS.decayTime),
  };
}

export const redisLfu: PolicyDefinition = {
  name: 'redis-lfu',
  costHint: 8,
  description: 'Redis allkeys-lfu: sampled eviction by a logarithmic 8-bit counter that decays per minute.',
  params: [
    ...SAMPLING_PARAMS,
    {
      name: 'log-factor',
      description: 'lfu-log-factor: higher makes the counter grow more slowly',
      default: 10,
      type: 'integer',
      min: 0,
      max: 1e6,
    },
    {
      name: 'decay-time',
      description: 'lfu-decay-time in minutes per one-step decay (0 = no decay)',
      default: 1,
      type: 'integer',
      min: 0,
      max: 65535,
    },
    ...MEMORY_PARAMS,
  ],
  create: (context, params, name) => new RedisLfuPolicy(context, redisLfuOptions(params), name),
};
