/**
 * A small seeded Zipf trace for tests, until synthetic specs are available everywhere:
 * key k (0-based) is drawn with probability proportional to 1/(k+1)^alpha, by inverse CDF
 * over a precomputed cumulative table, from a splitmix64 stream (so the same seed always
 * gives the same trace).
 */
import { TraceBuilder, type Trace } from '../../src/trace/trace.js';

export interface ZipfSpec {
  readonly alpha: number;
  readonly keys: number;
  readonly requests: number;
  readonly seed: number;
}

export function zipfTrace({ alpha, keys, requests, seed }: ZipfSpec): Trace {
  const cumulative = new Float64Array(keys);
  let sum = 0;
  for (let k = 0; k < keys; k++) cumulative[k] = sum += 1 / Math.pow(k + 1, alpha);
  const random = splitmix64(seed);
  const ids = new Map<number, number>();
  const names: string[] = [];
  const builder = new TraceBuilder(requests);
  for (let i = 0; i < requests; i++) {
    const target = random() * sum;
    let lo = 0;
    let hi = keys - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    let id = ids.get(lo);
    if (id === undefined) {
      ids.set(lo, (id = names.length));
      names.push(`k${lo}`);
    }
    builder.push(id);
  }
  return builder.build(`zipf:alpha=${alpha},keys=${keys},requests=${requests},seed=${seed}`, names.length, names);
}

/** Uniform doubles in [0, 1) from splitmix64 (Steele, Lea and Flood 2014). */
function splitmix64(seed: number): () => number {
  let state = BigInt.asUintN(64, BigInt(seed));
  return () => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    z ^= z >> 31n;
    return Number(z >> 11n) / 2 ** 53;
  };
}
