/**
 * A tiny seeded PRNG for the time-aware simulation (TTL jitter, XFetch's early-refresh draw).
 * Kept local to the engine so the replay loop does not depend on the synthetic-trace module;
 * splitmix32 (Steele, Lea & Flood's splitmix with 32-bit arithmetic) is small, fast without
 * BigInt and plenty for drawing one uniform per write. Never Math.random: the same seed must
 * give byte-identical results.
 */
const GOLDEN_GAMMA = 0x9e3779b9;
const TWO_POW_MINUS_32 = 1 / 4294967296;

function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

export class SplitMix32 {
  private state: number;

  /** `stream` separates independent uses of one seed (jitter vs. XFetch). */
  constructor(seed: number, stream = 0) {
    this.state = mix32((seed >>> 0) ^ mix32(((seed / 4294967296) >>> 0) + mix32(stream + GOLDEN_GAMMA)));
  }

  /** Uniform in [0, 1), 32 random bits. */
  next(): number {
    this.state = (this.state + GOLDEN_GAMMA) | 0;
    return mix32(this.state) * TWO_POW_MINUS_32;
  }

  /** Uniform in (0, 1]: safe to take the logarithm of (XFetch's ln U). */
  nextOpenZero(): number {
    return 1 - this.next();
  }
}

/** Streams of the engine's generator, so adding one feature never shifts another's draws. */
export const JITTER_STREAM = 0x6a17;
export const XFETCH_STREAM = 0x7fe7;
