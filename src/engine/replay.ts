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
import { createPolicy, type PolicySpec } from '../policies/index.js';
import { OP_DELETE, OP_SET, type Trace } from '../trace/trace.js';
import { Rng } from '../trace/synthetic/rng.js';

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
  readonly seed: number;
  /** Miss cost (seconds) for requests whose `cost` column is empty. */
  readonly defaultMissCost?: number;
  /** Called between chunks of requests with the number done so far. */
  readonly onProgress?: (done: number, total: number) => void;
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
}

const CHUNK = 1 << 16;

/** Whether any TTL can apply in this replay (a default TTL or a per-request column). */
export function ttlApplies(trace: Trace, ttl: number | undefined): boolean {
  return ttl !== undefined || trace.ttls !== undefined;
}

export function replay(trace: Trace, config: ReplayConfig): ReplayCounts {
  const withTtl = ttlApplies(trace, config.ttl);
  const expiry = withTtl ? new Float64Array(trace.keySpace).fill(Infinity) : undefined;
  const policy = createPolicy(config.policy, {
    capacity: config.capacity,
    unit: config.unit,
    keySpace: trace.keySpace,
    seed: config.seed,
    trace,
    ...(expiry && { expiry }),
  });

  const { keys, times, ops, ttls, costs } = trace;
  const sizes = config.unit === 'bytes' ? trace.sizes : undefined;
  const defaultTtl = config.ttl ?? Infinity;
  const defaultMissCost = config.defaultMissCost ?? 0;
  const missCosts = costs ? new Float64Array(trace.length) : undefined;
  const jitter = withTtl && config.ttlJitter !== undefined && config.ttlJitter > 0 ? config.ttlJitter : 0;
  const jitterRng = jitter > 0 ? new Rng(config.seed, JITTER_STREAM) : undefined;
  // 1 once a get or set has stored (or tried to store) the key, 0 again after a delete.
  const stored = new Uint8Array(trace.keySpace);
  const n = trace.length;

  let requests = 0;
  let hits = 0;
  let expiredMisses = 0;
  let coldMisses = 0;
  let uncacheable = 0;
  let bytesRequested = 0;
  let bytesHit = 0;
  let writes = 0;
  let deletes = 0;
  let missCostSum = 0;
  let costSum = 0;
  let missCount = 0;
  const capacity = config.capacity;

  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    for (let i = start; i < end; i++) {
      const id = keys[i]!;
      const op = ops === undefined ? 0 : ops[i]!;
      if (op === OP_DELETE) {
        policy.delete(id);
        stored[id] = 0;
        deletes++;
        continue;
      }
      const size = sizes === undefined ? 1 : sizes[i]!;
      const now = times === undefined ? i : times[i]!;
      let lastExpiry = Infinity;
      if (expiry !== undefined) {
        lastExpiry = expiry[id]!;
        if (lastExpiry <= now && policy.has(id)) policy.delete(id);
        if (op === OP_SET || !policy.has(id)) {
          const own = ttls === undefined ? NaN : ttls[i]!;
          const ttl = own === own ? own : defaultTtl;
          expiry[id] = now + (jitter === 0 ? ttl : ttl * (1 + jitter * (2 * jitterRng!.nextFloat() - 1)));
        }
      }
      const hit = policy.access(id, size, now);
      if (op === OP_SET) {
        stored[id] = 1;
        writes++;
        continue;
      }
      requests++;
      bytesRequested += size;
      const cost = costs === undefined ? 0 : costs[i]! === costs[i]! ? costs[i]! : defaultMissCost;
      costSum += cost;
      if (hit) {
        hits++;
        bytesHit += size;
      } else {
        if (stored[id] === 0) {
          coldMisses++;
          stored[id] = 1;
        } else if (lastExpiry <= now) {
          expiredMisses++;
        }
        if (size > capacity) uncacheable++;
        if (missCosts !== undefined) {
          missCostSum += cost;
          missCosts![missCount++] = cost;
        }
      }
    }
    config.onProgress?.(end, n);
  }

  return {
    requests,
    hits,
    misses: requests - hits,
    expiredMisses,
    coldMisses,
    capacityMisses: requests - hits - coldMisses - expiredMisses,
    uncacheable,
    bytesRequested,
    bytesHit,
    writes,
    deletes,
    finalEntries: policy.size,
    finalBytes: policy.bytes,
    missCostSum,
    costSum,
    ...(missCosts && { missCosts: missCosts.slice(0, missCount).sort() }),
  };
}
