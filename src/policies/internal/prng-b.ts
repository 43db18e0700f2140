/**
 * A tiny seeded generator and a 32-bit integer mixer for the sampled and sketch-based
 * policies (redis-lru, redis-lfu, w-tinylfu), so their runs are reproducible from the seed.
 *
 * The generator is SplitMix32 (a Weyl sequence through the murmur3 finaliser): one 32-bit
 * state, no allocation per draw, good enough statistical quality for sampling keys and
 * coin flips. It stays local until a shared generator exists on main.
 */

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
export function mix32(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class SplitMix32 {
  private state: number;

  /** `seed` may be any finite number; its high bits are folded in so large seeds differ. */
  constructor(seed: number, stream = 0) {
    const low = seed >>> 0;
    const high = Math.floor(Math.abs(seed) / 4294967296) >>> 0;
    this.state = mix32(low ^ mix32(high ^ Math.imul(stream + 1, 0x9e3779b9)));
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    return mix32(this.state);
  }

  /** Uniform float in [0, 1). */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, bound), bound >= 1. */
  nextInt(bound: number): number {
    return Math.floor(this.nextFloat() * bound);
  }
}
