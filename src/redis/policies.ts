/** The maxmemory-policy values a replay can set: a module of its own so listing them loads no Redis client. */
export const REDIS_EVICTION_POLICIES = ['allkeys-lru', 'allkeys-lfu', 'volatile-ttl'] as const;
export type RedisEvictionPolicy = (typeof REDIS_EVICTION_POLICIES)[number];
