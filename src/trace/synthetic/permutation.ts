/**
 * A seeded pseudo-random permutation of 0..size-1 in O(1) memory, used to map popularity
 * ranks to key labels so that the most popular key is not key 0, the next key 1, and so on
 * (a policy or a sampler must not be able to profit from key order).
 *
 * Construction: a bijection on b-bit integers (2^b >= size) built from steps that are each
 * invertible modulo 2^b: adding a constant, xor with a right shift, multiplying by an odd
 * constant. Values that land outside 0..size-1 are fed through again ("cycle walking",
 * Black & Rogaway 2002), which keeps it a bijection of 0..size-1; since 2^b < 2 x size, fewer
 * than two steps are needed on average.
 */
import { Rng } from './rng.js';

export class KeyPermutation {
  private readonly mask: number;
  private readonly shift: number;
  private readonly add1: number;
  private readonly add2: number;
  private readonly multiply1: number;
  private readonly multiply2: number;

  /** @param size the number of elements, 1..2^32. */
  constructor(
    readonly size: number,
    seed: number,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > 2 ** 32) throw new RangeError(`permutation size must be 1..2^32, got ${size}`);
    let bits = 0;
    while (2 ** bits < size) bits++;
    this.mask = bits === 0 ? 0 : 0xffffffff >>> (32 - bits);
    this.shift = Math.max(1, (bits + 1) >> 1);
    const rng = new Rng(seed, 0x7065726d); // a stream of its own: "perm"
    this.add1 = rng.nextUint32();
    this.add2 = rng.nextUint32();
    this.multiply1 = (rng.nextUint32() | 1) >>> 0;
    this.multiply2 = (rng.nextUint32() | 1) >>> 0;
  }

  /** The image of `index` (0..size-1). */
  map(index: number): number {
    let x = this.step(index);
    while (x >= this.size) x = this.step(x);
    return x;
  }

  private step(x: number): number {
    const mask = this.mask;
    const shift = this.shift;
    x = ((x + this.add1) & mask) >>> 0;
    x ^= x >>> shift;
    x = (Math.imul(x, this.multiply1) & mask) >>> 0;
    x ^= x >>> shift;
    x = (Math.imul(x, this.multiply2) & mask) >>> 0;
    x ^= x >>> shift;
    return ((x + this.add2) & mask) >>> 0;
  }
}
