/**
 * Every hot loop of the engine, as templates that per-class.ts copies once per policy (or
 * cache) class, so that each class's copy keeps its own type feedback and V8 inlines
 * `access` into it (one shared loop went megamorphic and half as fast after a handful of
 * policies had run in the process).
 *
 * A copy is compiled from the template's source text (`Function.prototype.toString`) away
 * from this module, so a template may use only its parameters, its locals and JavaScript's
 * globals: constants are named locals inside each template, and this module imports nothing
 * (test/engine/loops.test.ts fails on any other free identifier). For the same reason tools
 * that rewrite function bodies break the copies: a coverage instrumenter (istanbul/nyc, or
 * c8 with source rewriting) inserts counter increments that reference module-level variables,
 * which the copy cannot see, and it throws a ReferenceError on its first request. Set
 * CACHEBENCH_SHARED_LOOPS=1 to run these templates themselves (no copies): coverage tools and
 * debuggers then see the loops, at the cost of the per-class speed.
 */

/** The part of a policy the loops call: the Policy interface of src/policies/policy.ts. */
export interface LoopPolicy {
  access(id: number, size: number, now: number): boolean;
  has(id: number): boolean;
  delete(id: number): boolean;
}

// --- The plain loops: only gets, no TTL, no cost column (every sweep, most runs). ---

/** Every object has size 1 and request i happens at time i. Returns the hits. */
export function countHits(policy: LoopPolicy, keys: Uint32Array, start: number, end: number): number {
  let hits = 0;
  for (let i = start; i < end; i++) {
    if (policy.access(keys[i]!, 1, i)) hits++;
  }
  return hits;
}

/** Every object has size 1; times come from the trace. Returns the hits. */
export function countHitsTimed(
  policy: LoopPolicy,
  keys: Uint32Array,
  times: Float64Array | Uint32Array,
  start: number,
  end: number,
): number {
  let hits = 0;
  for (let i = start; i < end; i++) {
    if (policy.access(keys[i]!, 1, times[i]!)) hits++;
  }
  return hits;
}

/**
 * Objects have sizes (counting bytes). Adds bytes requested, bytes hit and uncacheable
 * misses into `totals` [0], [1], [2]; returns the hits.
 */
export function countHitsSized(
  policy: LoopPolicy,
  keys: Uint32Array,
  sizes: Uint32Array,
  times: Float64Array | Uint32Array | undefined,
  start: number,
  end: number,
  capacity: number,
  totals: Float64Array,
): number {
  let hits = 0;
  let bytesRequested = 0;
  let bytesHit = 0;
  let uncacheable = 0;
  for (let i = start; i < end; i++) {
    const size = sizes[i]!;
    bytesRequested += size;
    if (policy.access(keys[i]!, size, times === undefined ? i : times[i]!)) {
      hits++;
      bytesHit += size;
    } else if (size > capacity) {
      uncacheable++;
    }
  }
  const BYTES_REQUESTED = 0;
  const BYTES_HIT = 1;
  const UNCACHEABLE = 2;
  totals[BYTES_REQUESTED] = totals[BYTES_REQUESTED]! + bytesRequested;
  totals[BYTES_HIT] = totals[BYTES_HIT]! + bytesHit;
  totals[UNCACHEABLE] = totals[UNCACHEABLE]! + uncacheable;
  return hits;
}

// --- The general loop: sets, deletes, TTLs, costs. ---

/** Everything the general loop reads, and the running totals it carries between chunks. */
export interface GeneralReplay {
  readonly keys: Uint32Array;
  /** Sizes the policy sees: the size column when counting bytes, undefined (all 1) for entries. */
  readonly sizes: Uint32Array | undefined;
  /** The size column whatever the capacity unit, for byte hit rate. */
  readonly objectBytes: Uint32Array | undefined;
  readonly times: Float64Array | Uint32Array | undefined;
  readonly ops: Uint8Array | undefined;
  readonly ttls: Float64Array | undefined;
  readonly costs: Float64Array | undefined;
  readonly expiry: Float64Array | undefined;
  readonly stored: Uint8Array;
  readonly jitter: number;
  readonly jitterRng: { nextFloat(): number } | undefined;
  readonly defaultTtl: number;
  /** Per-key default TTL (per-class TTLs), read in place of defaultTtl when present. */
  readonly keyTtls: Float64Array | undefined;
  /** An entry whose age equals its TTL is still live (the policy's `servesAtTtl`). */
  readonly servesAtTtl: boolean;
  readonly defaultMissCost: number;
  readonly capacity: number;
  readonly missCosts: Float64Array | undefined;
  /** Indexed by the constants below; replayRange's locals start from and end in it. */
  readonly totals: Float64Array;
}

/** Slots of GeneralReplay.totals, for the code that reads them back (replay.ts); the loop names its own copies. */
export const TOTAL_SLOTS = {
  REQUESTS: 0,
  HITS: 1,
  EXPIRED_MISSES: 2,
  COLD_MISSES: 3,
  UNCACHEABLE: 4,
  BYTES_REQUESTED: 5,
  BYTES_HIT: 6,
  WRITES: 7,
  DELETES: 8,
  MISS_COST_SUM: 9,
  COST_SUM: 10,
  MISS_COUNT: 11,
  /** The number of slots. */
  LENGTH: 12,
} as const;

/**
 * The general loop over requests start..end-1, copied per policy class (per-class.ts), so it
 * may use only its parameters and locals: the op codes and totals slots are literals here
 * (OP_DELETE = 2, OP_SET = 1 in trace.ts; slots as the constants above). Running totals are
 * loaded into locals and stored back, so every sum is added in request order exactly as one
 * uninterrupted loop would.
 */
export function replayRange(policy: LoopPolicy, r: GeneralReplay, start: number, end: number): void {
  // Op codes (trace.ts) and the slots of `totals` (TOTAL_SLOTS above), as named locals: a
  // copy compiled from this text sees nothing of the module.
  const OP_SET = 1;
  const OP_DELETE = 2;
  const REQUESTS = 0;
  const HITS = 1;
  const EXPIRED_MISSES = 2;
  const COLD_MISSES = 3;
  const UNCACHEABLE = 4;
  const BYTES_REQUESTED = 5;
  const BYTES_HIT = 6;
  const WRITES = 7;
  const DELETES = 8;
  const MISS_COST_SUM = 9;
  const COST_SUM = 10;
  const MISS_COUNT = 11;
  const {
    keys,
    sizes,
    objectBytes,
    times,
    ops,
    ttls,
    costs,
    expiry,
    stored,
    jitter,
    jitterRng,
    defaultTtl,
    keyTtls,
    servesAtTtl,
    defaultMissCost,
    capacity,
    missCosts,
    totals,
  } = r;
  let requests = totals[REQUESTS]!;
  let hits = totals[HITS]!;
  let expiredMisses = totals[EXPIRED_MISSES]!;
  let coldMisses = totals[COLD_MISSES]!;
  let uncacheable = totals[UNCACHEABLE]!;
  let bytesRequested = totals[BYTES_REQUESTED]!;
  let bytesHit = totals[BYTES_HIT]!;
  let writes = totals[WRITES]!;
  let deletes = totals[DELETES]!;
  let missCostSum = totals[MISS_COST_SUM]!;
  let costSum = totals[COST_SUM]!;
  let missCount = totals[MISS_COUNT]!;
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
    let expired = false;
    if (expiry !== undefined) {
      const lastExpiry = expiry[id]!;
      expired = servesAtTtl ? lastExpiry < now : lastExpiry <= now;
      if (expired && policy.has(id)) policy.delete(id);
      if (op === OP_SET || !policy.has(id)) {
        const own = ttls === undefined ? NaN : ttls[i]!;
        const ttl = own === own ? own : keyTtls === undefined ? defaultTtl : keyTtls[id]!;
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
    const bytes = objectBytes === undefined ? 1 : objectBytes[i]!;
    bytesRequested += bytes;
    const cost = costs === undefined ? 0 : costs[i]! === costs[i]! ? costs[i]! : defaultMissCost;
    costSum += cost;
    if (hit) {
      hits++;
      bytesHit += bytes;
    } else {
      if (stored[id] === 0) {
        coldMisses++;
        stored[id] = 1;
      } else if (expired) {
        expiredMisses++;
      }
      if (size > capacity) uncacheable++;
      if (missCosts !== undefined) {
        missCostSum += cost;
        missCosts[missCount++] = cost;
      }
    }
  }
  totals[REQUESTS] = requests;
  totals[HITS] = hits;
  totals[EXPIRED_MISSES] = expiredMisses;
  totals[COLD_MISSES] = coldMisses;
  totals[UNCACHEABLE] = uncacheable;
  totals[BYTES_REQUESTED] = bytesRequested;
  totals[BYTES_HIT] = bytesHit;
  totals[WRITES] = writes;
  totals[DELETES] = deletes;
  totals[MISS_COST_SUM] = missCostSum;
  totals[COST_SUM] = costSum;
  totals[MISS_COUNT] = missCount;
}

// --- cachebench bench: one batch of lookups. ---

/** Any cache with get and set (lru-cache, Map), as `cachebench bench` drives it. */
export interface GetSetCache {
  get(key: number): number | undefined;
  set(key: number, value: number): unknown;
}

/** `cachebench bench`: one batch of lookups from keys[cursor], a set on each miss; returns the hits. Batches never wrap. */
export function getSetBatch(cache: GetSetCache, keys: Uint32Array, cursor: number, count: number): number {
  let hits = 0;
  for (let i = cursor, end = cursor + count; i < end; i++) {
    const key = keys[i]!;
    if (cache.get(key) !== undefined) hits++;
    else cache.set(key, key);
  }
  return hits;
}

/** `cachebench bench`: the same batch through a simulator policy. */
export function policyBatch(policy: LoopPolicy, keys: Uint32Array, cursor: number, count: number, clock: number): number {
  let hits = 0;
  for (let i = 0; i < count; i++) if (policy.access(keys[cursor + i]!, 1, clock + i)) hits++;
  return hits;
}
