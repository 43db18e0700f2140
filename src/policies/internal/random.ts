/**
 * A tiny seeded PRNG (splitmix32) for policies that pick victims at random.
 *
 * Policies must be reproducible run to run, so they never touch Math.random. splitmix32
 * passes the usual statistical batteries, needs only one 32-bit word of state and no
 * allocation per draw. It lives here until a shared generator exists under src/trace/synthetic.
 */
export class SplitMix32 {
  private state: number;

  constructor(seed: number) {
    // Fold seeds wider than 32 bits (or negative) into one well-defined word.
    const low = seed >>> 0;
    const high = Math.floor(Math.abs(seed) / 4294967296) >>> 0;
    this.state = (low ^ Math.imul(high, 0x9e3779b9)) >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** A uniform integer in [0, n), for n up to 2^32. */
  nextInt(n: number): number {
    return Math.floor((this.nextUint32() / 4294967296) * n);
  }
}
