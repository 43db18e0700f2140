/**
 * A small seeded Zipf trace generator for tests and benchmarks of the sweep, kept here until the
 * synthetic generators land in src/trace/synthetic. Key ranks are shuffled into ids so popular
 * keys are not simply the low ids. splitmix32 as the PRNG: deterministic, no Math.random.
 */
import { TraceBuilder, type Trace } from '../../src/trace/trace.js';

export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

export function zipfTrace(requests: number, keys: number, alpha: number, seed = 1): Trace {
  const random = splitmix32(seed);
  const cdf = new Float64Array(keys);
  let sum = 0;
  for (let k = 0; k < keys; k++) cdf[k] = sum += 1 / (k + 1) ** alpha;
  for (let k = 0; k < keys; k++) cdf[k]! /= sum;
  const idOfRank = new Uint32Array(keys);
  for (let k = 0; k < keys; k++) idOfRank[k] = k;
  for (let k = keys - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [idOfRank[k], idOfRank[j]] = [idOfRank[j]!, idOfRank[k]!];
  }
  const builder = new TraceBuilder(requests);
  for (let i = 0; i < requests; i++) {
    const u = random();
    let lo = 0;
    let hi = keys - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! >= u) hi = mid;
      else lo = mid + 1;
    }
    builder.push(idOfRank[lo]!);
  }
  return builder.build(`zipf(alpha=${alpha},keys=${keys},requests=${requests},seed=${seed})`, keys);
}
