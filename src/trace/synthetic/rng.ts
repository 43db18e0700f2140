/**
 * Seeded randomness for everything in cachebench that needs it: synthetic traces, sampled
 * simulation (SHARDS), randomised policies. Math.random is never used, so the same seed
 * gives byte-identical results on every machine.
 *
 * - `Rng` is xoshiro128** (Blackman & Vigna 2018): 128 bits of state, period 2^128 - 1, all
 *   arithmetic in 32-bit integers (Math.imul, >>>) so it is fast without BigInt. Its state is
 *   filled from the seed by splitmix32, as the xoshiro authors recommend, so that nearby seeds
 *   (1, 2, 3) give unrelated streams. `stream` selects an independent sequence for the same
 *   seed, so e.g. adding arrival times to a trace does not change its keys.
 * - `mix32` is a bijective 32-bit finaliser (Wellons' "lowbias32", the best-known two-multiply
 *   xorshift-multiply hash); `hash32` / `hashUnit` build a seeded key hash on it for anything
 *   that must decide per key (sampling a key in or out, a per-key size).
 */

const TWO_POW_32 = 4294967296;
/** 2^-53: turns a 53-bit integer into a double in [0, 1) with full mantissa precision. */
const TWO_POW_MINUS_53 = 1 / 9007199254740992;
const GOLDEN_GAMMA = 0x9e3779b9;

/** Bijective avalanche of a 32-bit integer (lowbias32). Returns an unsigned 32-bit integer. */
export function mix32(x: number): number {
  return mix32Signed(x) >>> 0;
}

/**
 * `mix32` with the same 32 bits read as a signed integer: hot loops that only mask or add
 * the result use this, since V8 keeps int32 values in registers but may box uint32 values
 * above 2^31 as doubles.
 */
export function mix32Signed(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  return x ^ (x >>> 16);
}

/**
 * A well-mixed unsigned 32-bit hash of a non-negative integer key (up to 2^53) under a seed.
 * Different seeds give independent-looking hash functions.
 */
export function hash32(key: number, seed = 0): number {
  const high = (key / TWO_POW_32) >>> 0;
  let h = mix32(hashSeedBase(seed) ^ (key >>> 0));
  if (high !== 0) h = mix32(h ^ high);
  return h;
}

/**
 * The part of `hash32` that depends only on the seed, for callers hashing many keys under one
 * seed: for keys below 2^32, hash32(key, seed) === mix32(hashSeedBase(seed) ^ key).
 */
export function hashSeedBase(seed: number): number {
  return mix32((seed >>> 0) ^ mix32(((seed / TWO_POW_32) >>> 0) + GOLDEN_GAMMA));
}

/** `hash32` scaled to [0, 1): a per-key uniform number, e.g. for spatial sampling. */
export function hashUnit(key: number, seed = 0): number {
  return hash32(key, seed) / TWO_POW_32;
}

/** xoshiro128** seeded through splitmix32. Not cryptographic. */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /**
   * @param seed a non-negative safe integer.
   * @param stream selects an independent sequence for the same seed (0, 1, 2, ...).
   */
  constructor(seed: number, stream = 0) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
    if (!Number.isSafeInteger(stream) || stream < 0) throw new RangeError(`stream must be a non-negative integer, got ${stream}`);
    let state = mix32((seed >>> 0) ^ mix32(((seed / TWO_POW_32) >>> 0) ^ mix32(stream + GOLDEN_GAMMA)));
    const splitmix32 = (): number => {
      state = (state + GOLDEN_GAMMA) | 0;
      return mix32(state);
    };
    this.setState(splitmix32(), splitmix32(), splitmix32(), splitmix32());
    // xoshiro's only forbidden state is all zeros; splitmix32 makes it vanishingly unlikely.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A generator with the given raw state, for checking against the reference implementation. */
  static fromState(s0: number, s1: number, s2: number, s3: number): Rng {
    const rng = new Rng(0);
    rng.setState(s0, s1, s2, s3);
    return rng;
  }

  private setState(s0: number, s1: number, s2: number, s3: number): void {
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** A double uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) * TWO_POW_MINUS_53;
  }

  /** An integer uniform in [0, n), without modulo bias. `n` is a positive integer up to 2^32. */
  nextInt(n: number): number {
    if (n <= TWO_POW_32) {
      // Reject the top (2^32 mod n) values so every residue is equally likely.
      const threshold = (TWO_POW_32 - n) % n;
      for (;;) {
        const r = this.nextUint32();
        if (r >= threshold) return r % n;
      }
    }
    return Math.floor(this.nextFloat() * n);
  }
}
