/**
 * Zipf workload: the key of popularity rank k (1..keys) is requested with probability
 * k^-alpha / H(keys, alpha). alpha near 1 is the classic web/CDN skew; alpha < 1 is flatter,
 * alpha > 1 concentrates on a few keys; alpha = 0 is uniform.
 *
 * Ranks come from rejection-inversion sampling (Hörmann & Derflinger 1996, "Rejection-
 * inversion to generate variates from monotone discrete distributions"), following
 * apache/commons-rng RejectionInversionZipfSampler: O(1) memory and setup, about one
 * iteration per draw, exact for every alpha >= 0 and any number of keys, including alpha = 1
 * where the textbook x^(1-alpha)/(1-alpha) integral is undefined (the helper functions below
 * take the limit smoothly). Ranks are then mapped to key labels by a seeded permutation, so
 * that popularity does not follow key order.
 */
import type { KeyGenerator } from './generator.js';
import { KeyPermutation } from './permutation.js';
import type { Rng } from './rng.js';

/** Draws ranks 1..n with P(k) proportional to k^-alpha. */
export class ZipfRankSampler {
  private readonly hIntegralX1: number;
  private readonly hIntegralN: number;
  private readonly s: number;

  constructor(
    readonly n: number,
    readonly alpha: number,
    private readonly rng: Rng,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`zipf needs at least one key, got ${n}`);
    if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new RangeError(`zipf alpha must be a finite number >= 0, got ${alpha}`);
    this.hIntegralX1 = this.hIntegral(1.5) - 1;
    this.hIntegralN = this.hIntegral(n + 0.5);
    this.s = 2 - this.hIntegralInverse(this.hIntegral(2.5) - this.h(2));
  }

  /** A rank in 1..n. */
  sample(): number {
    if (this.alpha === 0) return 1 + this.rng.nextInt(this.n);
    for (;;) {
      // u is uniform in (hIntegralX1, hIntegralN]: the area under the hat function.
      const u = this.hIntegralN + this.rng.nextFloat() * (this.hIntegralX1 - this.hIntegralN);
      const x = this.hIntegralInverse(u);
      let k = Math.floor(x + 0.5);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      // Accept at once when x is close enough to k that the hat cannot overshoot (the
      // common case), otherwise compare against the exact area of k's bar.
      if (k - x <= this.s || u >= this.hIntegral(k + 0.5) - this.h(k)) return k;
    }
  }

  /** h(x) = x^-alpha, the unnormalised probability. */
  private h(x: number): number {
    return Math.exp(-this.alpha * Math.log(x));
  }

  /** H(x) = (x^(1-alpha) - 1) / (1 - alpha), an antiderivative of h; ln x when alpha = 1. */
  private hIntegral(x: number): number {
    const logX = Math.log(x);
    return expm1OverX((1 - this.alpha) * logX) * logX;
  }

  /** The inverse of H. */
  private hIntegralInverse(x: number): number {
    let t = x * (1 - this.alpha);
    if (t < -1) t = -1; // rounding can push t just below the domain of log1p
    return Math.exp(log1pOverX(t) * x);
  }
}

/** log1p(x) / x, continuous at 0 (Taylor series near 0). */
function log1pOverX(x: number): number {
  if (Math.abs(x) > 1e-8) return Math.log1p(x) / x;
  return 1 - x * (0.5 - x * (1 / 3 - 0.25 * x));
}

/** expm1(x) / x, continuous at 0 (Taylor series near 0). */
function expm1OverX(x: number): number {
  if (Math.abs(x) > 1e-8) return Math.expm1(x) / x;
  return 1 + x * 0.5 * (1 + (x / 3) * (1 + 0.25 * x));
}

/** Zipf-distributed key labels 0..keys-1, popularity ranks scattered by a seeded permutation. */
export class ZipfGenerator implements KeyGenerator {
  private readonly sampler: ZipfRankSampler;
  private readonly permutation: KeyPermutation;

  constructor(
    readonly labels: number,
    alpha: number,
    rng: Rng,
    permutationSeed: number,
  ) {
    this.sampler = new ZipfRankSampler(labels, alpha, rng);
    this.permutation = new KeyPermutation(labels, permutationSeed);
  }

  /** The label of popularity rank `rank` (1 = most popular). */
  labelOfRank(rank: number): number {
    return this.permutation.map(rank - 1);
  }

  next(): number {
    return this.permutation.map(this.sampler.sample() - 1);
  }
}
