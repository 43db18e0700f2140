/**
 * Measures, on this machine, what one lookup really costs in the in-process caches people
 * use (the `lru-cache` package, a plain Map, cachebench's own policies), so that
 * `--lookup-cost` can be fed a measured number instead of a guess.
 *
 * A single Map.get is far below timer resolution, so each benchmark task performs a batch
 * of lookups over a pre-drawn key sequence and the per-lookup cost is the batch time
 * divided by the batch size. Keys are drawn with a skew so hits dominate, as in a warm cache.
 */
import { Bench } from 'tinybench';
import { LRUCache } from 'lru-cache';
import { classOf, copyFor } from './engine/per-class.js';
import { getSetBatch, policyBatch } from './engine/loops/templates.js';
import { createPolicy, parsePolicySpec } from './policies/index.js';
import type { Trace } from './trace/trace.js';

export interface Calibration {
  readonly name: string;
  readonly description: string;
  /** Mean cost of one lookup (hit or miss-and-insert), nanoseconds. */
  readonly nanosPerLookup: number;
  /** Relative margin of error of the batch timing, percent. */
  readonly marginPercent: number;
  readonly hitRate: number;
}

export interface CalibrateOptions {
  /** Milliseconds to spend per candidate. */
  readonly timeMs?: number;
  /** Cache size in entries. */
  readonly entries?: number;
  /** Our policies to include alongside lru-cache and Map. */
  readonly policies?: readonly string[];
}

const BATCH = 4096;

export async function calibrate(options: CalibrateOptions = {}): Promise<Calibration[]> {
  const entries = options.entries ?? 10_000;
  const keySpace = entries * 4;
  const keys = skewedKeys(BATCH * 16, keySpace);
  const bench = new Bench({ time: options.timeMs ?? 250, warmup: true });
  const hitRates = new Map<string, number>();

  // Every candidate runs one batch per benchmark iteration, walking through the key sequence.
  // Each has a batch loop of its own: one loop shared by all would see a different cache at
  // its call site per candidate, turn megamorphic and add a generic call to every lookup.
  const add = (name: string, runBatch: (cursor: number) => number): void => {
    let cursor = 0;
    let hits = 0;
    let total = 0;
    for (let at = 0; at < keys.length; at += BATCH) runBatch(at); // warm the cache first
    bench.add(name, () => {
      hits += runBatch(cursor);
      total += BATCH;
      cursor = (cursor + BATCH) % keys.length;
      hitRates.set(name, hits / total);
    });
  };

  // get/set caches: each class gets its own copy of the loop (per-class.ts), as policies do.
  const lruCache = new LRUCache<number, number>({ max: entries });
  const lruCacheBatch = copyFor(getSetBatch, LRUCache);
  add('lru-cache', (cursor) => lruCacheBatch(lruCache, keys, cursor, BATCH));
  const map = new Map<number, number>();
  const mapBatch = copyFor(getSetBatch, Map);
  add('Map (unbounded)', (cursor) => mapBatch(map, keys, cursor, BATCH));
  const trace: Trace = { source: 'calibration', length: 0, keys: new Uint32Array(0), keySpace };
  for (const spec of options.policies ?? ['lru', 'lfu']) {
    const policy = createPolicy(parsePolicySpec(spec), { capacity: entries, unit: 'entries', keySpace, seed: 1, trace });
    // The per-class copy the simulator's own loops use (per-class.ts): `access` is inlined.
    const batch = copyFor(policyBatch, classOf(policy));
    let clock = 0;
    add(`cachebench ${spec}`, (cursor) => {
      const hits = batch(policy, keys, cursor, BATCH, clock);
      clock += BATCH;
      return hits;
    });
  }

  await bench.run();
  return bench.tasks.map((task) => {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`calibration of ${task.name} did not complete: ${result.state}`);
    return {
      name: task.name,
      description: DESCRIPTIONS[task.name.split(' ')[0]!] ?? '',
      nanosPerLookup: (result.period * 1e6) / BATCH,
      marginPercent: result.latency.rme,
      hitRate: hitRates.get(task.name) ?? 0,
    };
  });
}

const DESCRIPTIONS: Record<string, string> = {
  'lru-cache': 'npm lru-cache get, set on miss',
  Map: 'a plain Map get, set on miss (no eviction): the floor',
  cachebench: "cachebench's simulator policy (typed arrays)",
};

/** Keys with a Zipf-like skew from a fixed xorshift sequence: deterministic and cheap. */
function skewedKeys(count: number, keySpace: number): Uint32Array {
  const keys = new Uint32Array(count);
  let state = 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const u = (state >>> 0) / 2 ** 32;
    // Inverse of a 1/x density over [1, keySpace]: popular keys are the small ones.
    keys[i] = Math.min(keySpace - 1, Math.floor(Math.exp(u * Math.log(keySpace))) - 1);
  }
  return keys;
}
