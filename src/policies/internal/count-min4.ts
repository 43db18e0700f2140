/**
 * The frequency sketch behind W-TinyLFU: a count-min sketch of depth 4 with saturating 4-bit
 * counters, aged by periodic halving, plus an optional doorkeeper Bloom filter.
 *
 * Layout as in Caffeine's simulator `CountMin4` / `PeriodicResetCountMin4`: the table has the
 * next power of two >= the sized-for count of 64-bit words, each holding 16 counters; a key
 * picks one group of four counters (hash & 3) and row i uses counter `group*4 + i` of its own
 * word. JavaScript has no 64-bit integer arithmetic without BigInt, so each word is two Uint32
 * halves of 8 counters. Row indexes come from a seeded 32-bit mix of the key id per row.
 * Aging: after `10 x table length` additions that changed a counter, every counter is halved
 * and `additions = (additions - oddCounters/4) / 2`, the truncation correction Caffeine uses.
 */
import { hash32, hashSeedBase, mix32, mix32Signed } from '../../trace/synthetic/rng.js';

const MAX_COUNT = 15;
// Salts and table words are kept as signed 32-bit integers (the same bits): V8 holds int32
// values unboxed, while uint32 values above 2^31 turn into doubles in the hot path.
const ROW_SALTS = [0x97cb3127 | 0, 0xc3a5c85c | 0, 0x2f1a5d7b | 0, 0x5be0cd19 | 0];

function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export interface CountMin4Options {
  /** Expected number of entries; the table gets the next power of two >= this many words. */
  readonly entries: number;
  readonly seed: number;
  /** Reset period as a multiple of the table length (Caffeine's simulator: 10). */
  readonly periodMultiplier?: number;
  /** Adds a Bloom filter that absorbs each key's first sighting (Caffeine: off by default). */
  readonly doorkeeper?: boolean;
}

export class CountMin4 {
  /** Table length in 64-bit words. */
  readonly tableLength: number;
  /** Counted additions between two halvings. */
  readonly period: number;
  /** Additions that changed a counter since the last halving (after its correction). */
  additions = 0;
  /** Number of halvings so far (tests and diagnostics). */
  resets = 0;
  private readonly table: Int32Array;
  private readonly wordMask: number;
  /** hash32's seed part, computed once: hashing a key is then one mix (see hashOf). */
  private readonly keyBase: number;
  private readonly doorkeeper: Doorkeeper | undefined;

  constructor(options: CountMin4Options) {
    const entries = Math.max(1, Math.min(Math.floor(options.entries), 1 << 26));
    this.tableLength = nextPowerOfTwo(entries);
    this.wordMask = this.tableLength - 1;
    this.table = new Int32Array(this.tableLength * 2);
    this.period = (options.periodMultiplier ?? 10) * this.tableLength;
    this.keyBase = hashSeedBase(options.seed);
    this.doorkeeper = options.doorkeeper ? new Doorkeeper(3 * entries, 0.01, options.seed) : undefined;
  }

  /** Estimated frequency: the minimum of the key's four counters (+1 if the doorkeeper saw it). */
  frequency(id: number): number {
    const hash = this.hashOf(id);
    const group = (hash & 3) << 2;
    let min = MAX_COUNT;
    for (let row = 0; row < 4; row++) {
      const count = this.counterAt(this.indexOf(hash, row), group + row);
      if (count < min) min = count;
    }
    if (this.doorkeeper !== undefined && this.doorkeeper.contains(id)) min = Math.min(min + 1, MAX_COUNT);
    return min;
  }

  /** Records one occurrence of `id`; halves the sketch when the period is reached. */
  increment(id: number): void {
    if (this.doorkeeper !== undefined && this.doorkeeper.add(id)) return;
    const hash = this.hashOf(id);
    const group = (hash & 3) << 2;
    let added = false;
    for (let row = 0; row < 4; row++) {
      const counter = group + row;
      const slot = this.indexOf(hash, row) * 2 + (counter >>> 3);
      const shift = (counter & 7) << 2;
      const word = this.table[slot]!;
      if (((word >>> shift) & 0xf) < MAX_COUNT) {
        this.table[slot] = (word + (1 << shift)) | 0;
        added = true;
      }
    }
    if (added && ++this.additions === this.period) this.reset();
  }

  /** The key's four counters, one per row (tests only). */
  countersOf(id: number): number[] {
    const hash = this.hashOf(id);
    const group = (hash & 3) << 2;
    return [0, 1, 2, 3].map((row) => this.counterAt(this.indexOf(hash, row), group + row));
  }

  /** Halves every counter (ages the history) and clears the doorkeeper. */
  reset(): void {
    const table = this.table;
    let odd = 0;
    for (let i = 0; i < table.length; i++) {
      const word = table[i]!;
      odd += popcount32(word & 0x11111111);
      table[i] = (word >>> 1) & 0x77777777;
    }
    this.additions = Math.max(0, Math.floor((this.additions - (odd >>> 2)) / 2));
    this.resets++;
    this.doorkeeper?.clear();
  }

  /**
   * hash32(id, seed) - ids are below 2^32 - as a signed 32-bit integer: only its low bits
   * and its sum with a salt are used, so the sign changes nothing but keeps it unboxed.
   */
  private hashOf(id: number): number {
    return mix32Signed(this.keyBase ^ id);
  }

  private indexOf(hash: number, row: number): number {
    return mix32Signed((hash + ROW_SALTS[row]!) | 0) & this.wordMask;
  }

  private counterAt(word: number, counter: number): number {
    return (this.table[word * 2 + (counter >>> 3)]! >>> ((counter & 7) << 2)) & 0xf;
  }
}

/** A Bloom filter sized for `expected` keys at false-positive rate `fpp`, with double hashing. */
export class Doorkeeper {
  private readonly bits: Uint32Array;
  private readonly bitMask: number;
  private readonly hashes: number;
  private readonly salt: number;

  constructor(expected: number, fpp: number, seed: number) {
    const n = Math.max(1, expected);
    const wanted = Math.ceil((-n * Math.log(fpp)) / (Math.LN2 * Math.LN2));
    const bitCount = Math.max(32, nextPowerOfTwo(wanted));
    this.bits = new Uint32Array(bitCount / 32);
    this.bitMask = bitCount - 1;
    this.hashes = Math.max(1, Math.round((wanted / n) * Math.LN2));
    this.salt = hash32(0x27d4eb2f, seed);
  }

  contains(id: number): boolean {
    const h1 = mix32(id ^ this.salt);
    const h2 = mix32(h1 ^ 0x9e3779b9) | 1;
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.bitMask;
      if ((this.bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }

  /** Sets `id`'s bits; returns true if they were not all set before (a first sighting). */
  add(id: number): boolean {
    const h1 = mix32(id ^ this.salt);
    const h2 = mix32(h1 ^ 0x9e3779b9) | 1;
    let fresh = false;
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.bitMask;
      const index = bit >>> 5;
      const flag = 1 << (bit & 31);
      if ((this.bits[index]! & flag) === 0) {
        this.bits[index] = this.bits[index]! | flag;
        fresh = true;
      }
    }
    return fresh;
  }

  clear(): void {
    this.bits.fill(0);
  }
}
