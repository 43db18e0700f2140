/**
 * The one interface every eviction policy implements, and the shape of its registry entry.
 *
 * The engine calls `access` once per lookup or write, in trace order. A policy answers
 * hit or miss, and on a miss inserts the object, evicting first so the newcomer is never
 * its own victim (libCacheSim's find -> evict -> insert template). Counting hits and misses
 * is the engine's job, not the policy's.
 *
 * Per-key state lives in typed arrays indexed by the dense key id (0..keySpace-1), all
 * allocated in the constructor: `access` must allocate nothing and validate nothing.
 */
import type { Trace } from '../trace/trace.js';
import type { NextUseFile } from '../engine/next-uses.js';

/** What a policy is built with: its capacity and unit, the key space, the seed and the trace. */
export interface PolicyContext {
  /** Capacity in entries (unit 'entries', every size is 1) or in bytes (unit 'bytes'). */
  readonly capacity: number;
  readonly unit: 'entries' | 'bytes';
  /** Key ids are 0..keySpace-1: size per-key arrays by this. */
  readonly keySpace: number;
  /** Seed for any randomness (random eviction, sampling, jitter). */
  readonly seed: number;
  /** The whole trace, for offline policies that look ahead (Belady). Online policies ignore it. */
  readonly trace: Trace;
  /**
   * Absolute expiry time per key id, owned by the engine, present when a TTL applies.
   * The engine writes it before `access` inserts a key; TTL-aware policies read it to
   * purge expired entries before evicting live ones.
   */
  readonly expiry?: Float64Array;
  /**
   * On a streamed trace (whose `trace` is its shape, without requests): the next use of
   * every access, on disk, for offline policies (engine/next-uses.ts).
   */
  readonly nextUses?: NextUseFile;
}

/** An eviction policy at one capacity, as the engine drives it request by request. */
export interface Policy {
  /** The spec string that created it, e.g. `s3-fifo:small=0.1`. */
  readonly name: string;
  /**
   * Looks up `id` at time `now` (seconds). Returns true on a hit. On a miss, stores the
   * object unless it is larger than the whole cache (or admission refuses it).
   */
  access(id: number, size: number, now: number): boolean;
  /** Whether `id` is resident, without touching any recency or frequency state. */
  has(id: number): boolean;
  /** Removes `id` if resident (an invalidation or an expiry); returns whether it was. */
  delete(id: number): boolean;
  /** Resident entries. */
  readonly size: number;
  /** Resident bytes (equals `size` when counting entries). */
  readonly bytes: number;
}

/** One tunable of a policy, as written in its spec string (`name=value`). */
export interface ParamSpec {
  readonly name: string;
  readonly description: string;
  readonly default: number | string | boolean;
  /** 'fraction' is a number in (0, 1); 'choice' takes one of `choices`. */
  readonly type: 'number' | 'integer' | 'fraction' | 'boolean' | 'choice';
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
}

/** A policy's parameter values by name, every one resolved (given or default). */
export type PolicyParams = Readonly<Record<string, number | string | boolean>>;

/**
 * A policy's row in the registry: everything the rest of the program knows of it. No other
 * file tests a policy by name; what differs between policies is said here.
 */
export interface PolicyDefinition {
  /** The spec name; also the file name under src/policies/. */
  readonly name: string;
  /** One line for `cachebench policies`. */
  readonly description: string;
  /** Its parameters: parsing, defaults, ranges and the listing all come from these. */
  readonly params: readonly ParamSpec[];
  /**
   * Rules across parameters that one ParamSpec cannot say (clock's `initial` depends on
   * `bits`): returns what is wrong, or undefined. Run by the spec parser, before `create`.
   */
  readonly check?: (params: PolicyParams) => string | undefined;
  /** 'bytes' when the policy models memory and means nothing in entries (memcached's slabs). */
  readonly unit?: 'bytes';
  /** True when the policy needs the future (Belady): reported as a bound, not a candidate. */
  readonly offline?: boolean;
  /** True when it may decline to store a missed object although it fits (admission: w-tinylfu, belady:bypass). */
  readonly mayDecline?: boolean | ((params: PolicyParams) => boolean);
  /**
   * Cost per request relative to the array-based policies (1), measured with
   * `npm run bench -- replay` and rounded; orders the executor's queue. Default 1.
   */
  readonly costHint?: number;
  /**
   * A one-pass curve that gives every size's counts exactly in one read of the trace, where
   * the trace allows it: 'lru-stack' is Mattson's stack-distance curve (src/engine/lru-curve.ts).
   */
  readonly curve?: 'lru-stack';
  /**
   * An entry whose age equals its TTL is still served; it expires only once older (the npm
   * lru-cache package's `now - start > ttl`). Default: expired at that age, as libCacheSim,
   * cachetools and Redis count it.
   */
  readonly servesAtTtl?: boolean;
  create(context: PolicyContext, params: PolicyParams, name: string): Policy;
}
