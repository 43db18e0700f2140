/**
 * `analyze --fit`: a synthetic spec that imitates a trace, so a team can share a spec instead
 * of production keys. The model is the one the spec language has: Zipf popularity over the
 * keys that recur, plus a share of requests to keys used once (a scan that never comes back:
 * crawlers, one-hit wonders beyond what the Zipf tail gives), with the trace's request count,
 * rate and sizes.
 *
 * The fit is judged by what the spec is for, the LRU hit-rate curve: candidates are generated
 * and their curves (one Mattson pass each) compared with the trace's at sizes spaced evenly in
 * log scale; the distance is the largest gap in hit rate. The search: for a few scan shares
 * (up to the trace's one-hit-wonder share), golden-section on alpha with the Zipf keys set to
 * the keys that recur; then the key count is widened for the best pair, since under a steep
 * Zipf many keys of the range are never drawn.
 */
import { stackDistances } from '../engine/lru-curve.js';
import { generateTrace } from '../trace/spec.js';
import type { Trace } from '../trace/trace.js';
import { logSpaced, lruCurveAt, type TraceAnalysis } from './analyze.js';

/** A synthetic spec that imitates a trace, and how closely its LRU curve follows the trace's. */
export interface FittedSpec {
  /** The spec, as `run` and `gen` take it. */
  readonly spec: string;
  /** Largest gap between the spec's LRU hit rate and the trace's, in points (0-100), at the compared sizes. */
  readonly curveGapPoints: number;
  /** The sizes compared. */
  readonly sizes: readonly number[];
  readonly model: { readonly alpha: number; readonly zipfKeys: number; readonly scanShare: number; readonly scanKeys?: number };
}

/** Progress of the fit's search. */
export interface FitOptions {
  /** Called after each candidate with how many were tried and the best gap so far. */
  readonly onProgress?: (tried: number, bestGapPoints: number) => void;
}

interface Candidate {
  readonly alpha: number;
  readonly zipfKeys: number;
  readonly scanShare: number;
  /** Keys the scan cycles through; undefined for a scan that never comes back (each key once). */
  readonly scanKeys?: number;
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** The rate and sizes of the trace, as spec parameters. */
function extrasOf(trace: Trace, analysis: TraceAnalysis): string[] {
  const extras: string[] = [];
  if (analysis.time && analysis.time.rate > 0) extras.push(`rate=${round(analysis.time.rate, 3)}`);
  if (analysis.sizes) {
    const { p50, min, max } = analysis.sizes;
    // Per-key sizes drawn log-uniformly between the trace's 1st and 99th percentile keep the
    // spread without its outliers; one size when the trace has one.
    if (min === max) extras.push(`size=${p50}`);
    else {
      const [low, high] = sizeQuantiles(trace, [0.01, 0.99]);
      extras.push(`sizes=${Math.max(1, Math.round(low!))}..${Math.max(2, Math.round(high!))}`);
    }
  }
  return extras;
}

function specOf(candidate: Candidate, requests: number, extras: readonly string[]): string {
  const alpha = round(candidate.alpha, 3);
  const tail = [`requests=${requests}`, ...extras].join(',');
  if (candidate.scanShare <= 0) return `zipf:alpha=${alpha},keys=${candidate.zipfKeys},${tail}`;
  const share = round(candidate.scanShare, 4);
  // A scan longer than its requests never comes back: every one of its keys is used once.
  const scanKeys = candidate.scanKeys ?? Math.max(1, Math.ceil(requests * share) + 1);
  return `mix:zipf(alpha=${alpha},keys=${candidate.zipfKeys})*${round(1 - share, 4)}+scan(keys=${scanKeys})*${share},${tail}`;
}

/** The request sizes at these quantiles, from one sort. */
function sizeQuantiles(trace: Trace, quantiles: readonly number[]): number[] {
  const sizes = Float64Array.from(trace.sizes!).sort();
  return quantiles.map((q) => sizes[Math.min(sizes.length - 1, Math.floor(q * sizes.length))]!);
}

function curveOf(trace: Trace, sizes: readonly number[]): number[] {
  const distances = stackDistances(trace);
  return lruCurveAt(distances.histogram, distances.lookups, sizes).map((point) => point.hitRate);
}

/** Fits a spec to `trace`, whose `analysis` has been made. */
export function fitTraceSpec(trace: Trace, analysis: TraceAnalysis, options: FitOptions = {}): FittedSpec {
  const sizes = logSpaced(trace.keySpace, 12);
  const target = analysis.lruCurve.length > 0 ? curveOf(trace, sizes) : [];
  let tried = 0;
  let best: { candidate: Candidate; gap: number } | undefined;
  const memo = new Map<string, number>();
  const gapOf = (candidate: Candidate): number => {
    // The curve depends only on the keys and the requests: sizes and rate are left out here.
    const spec = specOf(candidate, trace.length, []);
    const known = memo.get(spec);
    if (known !== undefined) return known;
    const curve = curveOf(generateTrace(spec), sizes);
    let gap = 0;
    for (let i = 0; i < sizes.length; i++) gap = Math.max(gap, Math.abs(curve[i]! - target[i]!));
    memo.set(spec, gap);
    tried++;
    if (!best || gap < best.gap) best = { candidate, gap };
    options.onProgress?.(tried, best.gap * 100);
    return gap;
  };

  const requests = trace.length;
  const recurring = Math.max(1, analysis.distinctKeys - analysis.oneHitWonders.keys);
  const oneHitShare = analysis.oneHitWonders.shareOfRequests;
  const shares = [...new Set([0, oneHitShare * 0.5, oneHitShare * 0.8, oneHitShare].map((share) => round(share, 4)))].filter(
    (share) => share >= 0 && share < 0.95,
  );
  for (const scanShare of shares) {
    // Keys used once at this share are the scan's; the rest are Zipf's, recurring or not.
    const zipfKeys = Math.max(1, analysis.distinctKeys - Math.round(requests * scanShare));
    goldenSection(
      (alpha) => gapOf({ alpha, zipfKeys: scanShare === 0 ? analysis.distinctKeys : Math.max(recurring, zipfKeys), scanShare }),
      0,
      2,
      9,
    );
  }
  // A scan that loops (a batch job over the same keys) shows as a crowd of keys requested
  // equally often: the commonest count above 1, when those keys carry a notable share.
  const loop = loopingScanOf(trace);
  if (loop && loop.share < 0.95) {
    const zipfKeys = Math.max(1, analysis.distinctKeys - loop.keys);
    goldenSection((alpha) => gapOf({ alpha, zipfKeys, scanShare: round(loop.share, 4), scanKeys: loop.keys }), 0, 2, 9);
  }
  // Under a steep Zipf many keys of the range are never drawn: try a wider range.
  const found = best!.candidate;
  for (const widen of [1.3, 1.7, 2.5]) {
    const zipfKeys = Math.round(found.zipfKeys * widen);
    goldenSection((alpha) => gapOf({ ...found, zipfKeys, alpha }), Math.max(0, found.alpha - 0.3), Math.min(2.5, found.alpha + 0.3), 6);
  }
  const { candidate, gap } = best!;
  return {
    spec: specOf(candidate, trace.length, extrasOf(trace, analysis)),
    curveGapPoints: round(gap * 100, 2),
    sizes,
    model: {
      alpha: round(candidate.alpha, 3),
      zipfKeys: candidate.zipfKeys,
      scanShare: candidate.scanShare,
      ...(candidate.scanKeys !== undefined && { scanKeys: candidate.scanKeys }),
    },
  };
}

/** The keys at the commonest request count above 1 and their share of requests, when it is notable. */
function loopingScanOf(trace: Trace): { keys: number; share: number } | undefined {
  const counts = new Uint32Array(trace.keySpace);
  for (let i = 0; i < trace.length; i++) counts[trace.keys[i]!]!++;
  const keysWithCount = new Map<number, number>();
  for (const count of counts) if (count > 1) keysWithCount.set(count, (keysWithCount.get(count) ?? 0) + 1);
  let mode = 0;
  let keys = 0;
  for (const [count, many] of keysWithCount) if (many * count > keys * mode) [mode, keys] = [count, many];
  const share = (keys * mode) / Math.max(1, trace.length);
  return keys >= 0.05 * trace.keySpace && share >= 0.05 ? { keys, share } : undefined;
}

/** Minimises `f` on [low, high] with `steps` evaluations after the first two. */
function goldenSection(f: (x: number) => number, low: number, high: number, steps: number): void {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = low;
  let b = high;
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < steps; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
}
