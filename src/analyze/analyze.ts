/**
 * A trace's portrait: what people look at before choosing a cache (libCacheSim's
 * traceAnalyzer is the reference). One pass for counts, reuse distances and the windows over
 * time, one Mattson pass for stack distances (which give the LRU hit-rate curve at every size),
 * and a sort of the per-key counts for popularity. Everything is a plain object for JSON.
 */
import { stackDistances } from '../engine/lru-curve.js';
import { OP_DELETE, OP_SET, type Trace } from '../trace/trace.js';

/** A histogram bucket of values in [from, upTo). */
export interface Bucket {
  readonly from: number;
  readonly upTo: number;
  readonly count: number;
}

/** A spread of values: quantiles and a histogram in powers of two. */
export interface Distribution {
  readonly count: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  readonly buckets: readonly Bucket[];
}

/** One slice of the trace in time (or in request order, for a trace without times). */
export interface TraceWindow {
  readonly start: number;
  readonly end: number;
  readonly requests: number;
  readonly distinctKeys: number;
  /** Keys first seen in this window. */
  readonly newKeys: number;
  /** Requests per second (null without a time column). */
  readonly rate: number | null;
}

/** A trace's portrait: counts, popularity, reuse, the LRU curve, the working set over time, sizes and TTLs. */
export interface TraceAnalysis {
  readonly source: string;
  readonly requests: number;
  readonly ops: { readonly get: number; readonly set: number; readonly delete: number };
  readonly distinctKeys: number;
  /** Keys requested exactly once, and the share of requests they take. */
  readonly oneHitWonders: { readonly keys: number; readonly shareOfKeys: number; readonly shareOfRequests: number };
  readonly popularity: {
    readonly top1PercentShare: number;
    readonly top10PercentShare: number;
    /**
     * Zipf fitted to the rank–frequency line (least squares of log count on log rank over the
     * keys requested more than once): count ∝ rank^-alpha. r2 is the fit's R² in log space.
     */
    readonly zipf: { readonly alpha: number; readonly r2: number; readonly ranks: number } | null;
    /** Requests of the key at each rank, at ranks spaced evenly in log scale (rank 1 first). */
    readonly rankFrequency: readonly { readonly rank: number; readonly count: number }[];
  };
  /** Requests between successive requests of a key (reuses only). */
  readonly reuseDistance: Distribution | null;
  /** The same in seconds, when the trace has times. */
  readonly reuseTime: Distribution | null;
  /** Distinct keys touched between successive lookups of a key (LRU stack distance); cold lookups apart. */
  readonly stackDistance: { readonly coldLookups: number; readonly distribution: Distribution | null };
  /** LRU hit rate at sizes spaced evenly in log scale up to the distinct keys (from the stack distances). */
  readonly lruCurve: readonly { readonly size: number; readonly hitRate: number }[];
  readonly windows: readonly TraceWindow[];
  readonly time: { readonly start: number; readonly end: number; readonly span: number; readonly rate: number } | null;
  /** Object sizes per request, and the bytes of every key once (its last size). */
  readonly sizes: (Distribution & { readonly distinctBytes: number }) | null;
  /** TTLs the requests carry: how many give one, how many never expire, and the finite ones. */
  readonly ttls: { readonly given: number; readonly never: number; readonly finite: Distribution | null } | null;
}

/** How finely to slice the trace over time and along the LRU curve. */
export interface AnalyzeOptions {
  /** Slices of the trace for the working set and rate over time. Default 20. */
  readonly windows?: number;
  /** Sizes of the LRU curve. Default 16. */
  readonly curvePoints?: number;
}

/** Log-spaced integer points from 1 to `max` (at most `count`, distinct). */
export function logSpaced(max: number, count: number): number[] {
  const points = new Set<number>();
  if (max < 1) return [];
  for (let i = 0; i < count; i++) points.add(Math.max(1, Math.round(Math.exp((Math.log(max) * i) / Math.max(1, count - 1)))));
  return [...points].sort((a, b) => a - b);
}

/** Quantiles and power-of-two buckets of `values` (sorted in place). */
export function distributionOf(values: Float64Array): Distribution | null {
  const n = values.length;
  if (n === 0) return null;
  values.sort();
  const at = (q: number): number => values[Math.min(n - 1, Math.floor(q * n))]!;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i]!;
  const buckets: Bucket[] = [];
  let i = 0;
  // [0, 1), [1, 2), [2, 4), ...: each value counted once, in order.
  for (let from = 0, upTo = 1; i < n; from = upTo, upTo *= 2) {
    let count = 0;
    while (i < n && values[i]! < upTo) {
      count++;
      i++;
    }
    if (count > 0) buckets.push({ from, upTo, count });
  }
  return { count: n, min: values[0]!, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: values[n - 1]!, mean: sum / n, buckets };
}

/** The portrait of a loaded trace. */
export function analyzeTrace(trace: Trace, options: AnalyzeOptions = {}): TraceAnalysis {
  const n = trace.length;
  const { keys, ops, times, sizes, ttls } = trace;
  const counts = new Uint32Array(trace.keySpace);
  const last = new Int32Array(trace.keySpace).fill(-1);
  const reuse = new Float64Array(n);
  const reuseSeconds = times ? new Float64Array(n) : undefined;
  let reuses = 0;
  let sets = 0;
  let deletes = 0;
  for (let i = 0; i < n; i++) {
    const id = keys[i]!;
    counts[id]!++;
    const op = ops?.[i];
    if (op === OP_SET) sets++;
    else if (op === OP_DELETE) deletes++;
    const previous = last[id]!;
    if (previous >= 0) {
      reuse[reuses] = i - previous;
      if (reuseSeconds) reuseSeconds[reuses] = times![i]! - times![previous]!;
      reuses++;
    }
    last[id] = i;
  }

  let oneHit = 0;
  for (let id = 0; id < counts.length; id++) if (counts[id] === 1) oneHit++;
  const sorted = counts.slice().sort().reverse();
  const share = (fraction: number): number => {
    const top = Math.max(1, Math.ceil(sorted.length * fraction));
    let sum = 0;
    for (let i = 0; i < top && i < sorted.length; i++) sum += sorted[i]!;
    return n === 0 ? 0 : sum / n;
  };

  const distances = stackDistances(trace);
  const stack = new Float64Array(distances.lookups - distances.coldLookups);
  let filled = 0;
  for (let d = 0; d < distances.histogram.length; d++) {
    for (let c = distances.histogram[d]!; c > 0 && filled < stack.length; c--) stack[filled++] = d + 1;
  }
  const curvePoints = logSpaced(trace.keySpace, options.curvePoints ?? 16);
  const lruCurve = lruCurveAt(distances.histogram, distances.lookups, curvePoints);

  return {
    source: trace.source,
    requests: n,
    ops: { get: n - sets - deletes, set: sets, delete: deletes },
    distinctKeys: trace.keySpace,
    oneHitWonders: {
      keys: oneHit,
      shareOfKeys: trace.keySpace === 0 ? 0 : oneHit / trace.keySpace,
      shareOfRequests: n === 0 ? 0 : oneHit / n,
    },
    popularity: {
      top1PercentShare: share(0.01),
      top10PercentShare: share(0.1),
      zipf: fitZipf(sorted),
      rankFrequency: logSpaced(sorted.length, 24).map((rank) => ({ rank, count: sorted[rank - 1]! })),
    },
    reuseDistance: distributionOf(reuse.subarray(0, reuses)),
    reuseTime: reuseSeconds ? distributionOf(reuseSeconds.subarray(0, reuses)) : null,
    stackDistance: { coldLookups: distances.coldLookups, distribution: distributionOf(stack) },
    lruCurve,
    windows: windowsOf(trace, options.windows ?? 20),
    time: times && n > 0 ? timeOf(times, n) : null,
    sizes: sizes ? { ...distributionOf(Float64Array.from(sizes))!, distinctBytes: distinctBytes(trace, sizes) } : null,
    ttls: ttls ? ttlsOf(ttls) : null,
  };
}

/** LRU hit rate (of lookups) at each size, from a stack-distance histogram. */
export function lruCurveAt(histogram: Float64Array, lookups: number, sizes: readonly number[]): { size: number; hitRate: number }[] {
  const out: { size: number; hitRate: number }[] = [];
  let hits = 0;
  let d = 0;
  for (const size of sizes) {
    // A lookup at stack distance d (d distinct keys since) hits in a cache of more than d entries.
    for (; d < size && d < histogram.length; d++) hits += histogram[d]!;
    out.push({ size, hitRate: lookups === 0 ? 0 : hits / lookups });
  }
  return out;
}

/** Least squares of ln(count) on ln(rank) over keys requested more than once. */
function fitZipf(sortedCounts: Uint32Array): { alpha: number; r2: number; ranks: number } | null {
  let ranks = 0;
  while (ranks < sortedCounts.length && sortedCounts[ranks]! > 1) ranks++;
  if (ranks < 3) return null;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < ranks; i++) {
    const x = Math.log(i + 1);
    const y = Math.log(sortedCounts[i]!);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
    syy += y * y;
  }
  const varX = sxx - (sx * sx) / ranks;
  const varY = syy - (sy * sy) / ranks;
  const cov = sxy - (sx * sy) / ranks;
  if (varX === 0) return null;
  const slope = cov / varX;
  const r2 = varY === 0 ? 1 : (cov * cov) / (varX * varY);
  return { alpha: Math.max(0, -slope), r2, ranks };
}

function windowsOf(trace: Trace, count: number): TraceWindow[] {
  const n = trace.length;
  if (n === 0) return [];
  const times = trace.times;
  const start = times ? times[0]! : 0;
  const end = times ? times[n - 1]! : n;
  const span = end - start;
  const slices = Math.max(1, Math.min(count, n));
  const seen = new Uint8Array(trace.keySpace);
  const inWindow = new Int32Array(trace.keySpace).fill(-1);
  const windows: TraceWindow[] = [];
  let i = 0;
  for (let w = 0; w < slices; w++) {
    const from = start + (span * w) / slices;
    const to = w === slices - 1 ? end : start + (span * (w + 1)) / slices;
    let requests = 0;
    let distinct = 0;
    let fresh = 0;
    for (; i < n && (w === slices - 1 || (times ? times[i]! : i) < to); i++) {
      const id = trace.keys[i]!;
      requests++;
      if (inWindow[id] !== w) {
        inWindow[id] = w;
        distinct++;
      }
      if (seen[id] === 0) {
        seen[id] = 1;
        fresh++;
      }
    }
    const seconds = to - from;
    windows.push({
      start: from,
      end: to,
      requests,
      distinctKeys: distinct,
      newKeys: fresh,
      rate: times && seconds > 0 ? requests / seconds : null,
    });
  }
  return windows;
}

function timeOf(times: ArrayLike<number>, n: number): { start: number; end: number; span: number; rate: number } {
  const start = times[0]!;
  const end = times[n - 1]!;
  const span = end - start;
  return { start, end, span, rate: span > 0 ? n / span : 0 };
}

function distinctBytes(trace: Trace, sizes: Uint32Array): number {
  const lastSize = new Float64Array(trace.keySpace);
  for (let i = 0; i < sizes.length; i++) lastSize[trace.keys[i]!] = sizes[i]!;
  let total = 0;
  for (let id = 0; id < lastSize.length; id++) total += lastSize[id]!;
  return total;
}

function ttlsOf(ttls: Float64Array): { given: number; never: number; finite: Distribution | null } {
  let given = 0;
  let never = 0;
  const finite: number[] = [];
  for (let i = 0; i < ttls.length; i++) {
    const ttl = ttls[i]!;
    if (Number.isNaN(ttl)) continue;
    given++;
    if (ttl === Infinity) never++;
    else finite.push(ttl);
  }
  return { given, never, finite: distributionOf(Float64Array.from(finite)) };
}
