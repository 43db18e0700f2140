/**
 * Interns keys straight from the bytes of a read buffer: the fast CSV path's counterpart of
 * KeyInterner. Looking a key up in a Map<string, number> means making a string and hashing
 * it for every request, which profiling showed to be half the load time; here a repeated key
 * costs one hash over its bytes, a table slot holding its id and full 32-bit hash, and one
 * comparison of its bytes with the arena copy. Slots were 16 bytes (length and first 8 bytes
 * inline, so short keys compared without touching the arena); 8-byte slots halve the table,
 * the largest thing a load keeps besides the columns, for about 5% of load speed.
 * No string is made at all: the arena of key bytes becomes the trace's KeyNames, which
 * decodes a name only when asked. Ids are given in first-seen order, like KeyInterner, so
 * both CSV readers number keys identically.
 *
 * Keys written as plain decimal numbers below 2^32 (`0`, `4711`; not `007`, `-1` or `1e3`),
 * as most traces' ids are, have a table of their own whose slots hold the number itself: a
 * repeated one costs its digits, a multiply-shift hash and one slot read, with no second
 * look at the arena (a cache miss per request on a large key space). Whether a key is such
 * a number depends on its bytes alone, so every key goes to one table, always the same;
 * both tables give ids from one count, in first-seen order, and every key's bytes go to
 * the arena all the same, for its name.
 *
 * Storage per distinct key: its UTF-8 bytes in one arena, a 4-byte arena offset and 8-byte
 * table slots at a load factor between 3/8 and 3/4 (11 to 22 bytes).
 */
import { KeyNames } from './key-names.js';
import type { KeyTable } from './rows.js';
import { grown } from '../typed-arrays.js';

/** Int32 words per table slot: id + 1 (0 = free), the key's 32-bit hash. */
const SLOT = 2;
const FNV_PRIME = 0x01000193;

function mix(hash: number): number {
  // murmur3's finaliser, so that similar keys land in scattered slots.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

/**
 * What a loader knows before reading: for an uncompressed file its line count and size,
 * upper bounds on the distinct keys and their bytes; for a gzip'd one, estimates. Either way
 * only a reservation: the arrays still grow past it if they must.
 */
export interface InternerBounds {
  readonly keys: number;
  readonly keyBytes: number;
}

// Largest up-front reservations. The zeroed memory of a large allocation is only mapped, not
// touched, until written, so reserving up to a bound costs resident memory for what is used,
// where growing by doubling leaves every outgrown copy resident until a full GC (2.5 MB of
// a 1e6-row load). Past these sizes the arrays grow by doubling.
const MAX_RESERVED_KEY_BYTES = 32 << 20;
const MAX_RESERVED_KEYS = 8 << 20;

/** A key table read from bytes: ByteKeyInterner, or the CSV kernel's (csv-kernel.ts). */
export interface ByteKeys extends KeyTable {
  /** The id of the key in buf[start, end), or -1 when it is new (then call add). */
  find(buf: Uint8Array, start: number, end: number): number;
  /** Adds the key that the last find() did not find; returns its new id. */
  add(buf: Uint8Array, start: number, end: number): number;
}

export class ByteKeyInterner implements ByteKeys {
  private count = 0;
  private arena: Uint8Array;
  private arenaUsed = 0;
  /** Arena offset of key id's bytes; entry id + 1 is where the next key starts. */
  private offsets: Uint32Array;
  private table = new Int32Array(SLOT << 12);
  private slotMask = (1 << 12) - 1;
  /** The decimal keys' table: slots of id + 1 (0 = free) and the key's value (as int32). */
  private numbers = new Int32Array(SLOT << 12);
  private numberMask = (1 << 12) - 1;
  private numberCount = 0;
  // What the last failed find() computed, so that add() needs no second probe.
  private pendingSlot = 0;
  private pendingHash = 0;
  private pendingNumber = false;

  constructor(bounds?: InternerBounds) {
    this.arena = new Uint8Array(bounds ? Math.min(Math.max(bounds.keyBytes, 1 << 16), MAX_RESERVED_KEY_BYTES) : 1 << 16);
    this.offsets = new Uint32Array(bounds ? Math.min(Math.max(bounds.keys + 1, 1 << 12), MAX_RESERVED_KEYS) : 1 << 12);
  }

  get size(): number {
    return this.count;
  }

  /**
   * The names so far (valid until the next add). Arrays much larger than their contents
   * (a reservation) are copied to size, so the trace does not hold the reserve.
   */
  keyNames(): KeyNames {
    const fitted = <A extends Uint8Array | Uint32Array>(array: A, used: number): A =>
      (array.length - used > array.length >>> 2 ? array.slice(0, used) : array.subarray(0, used)) as A;
    return KeyNames.fromUtf8(fitted(this.arena, this.arenaUsed), fitted(this.offsets, this.count + 1), this.count);
  }

  /** The id of the key in buf[start, end), or -1 when it is new (then call add). */
  find(buf: Uint8Array, start: number, end: number): number {
    const length = end - start;
    // A decimal number below 2^32 without leading zeros (10 digits at most) goes to the
    // numbers table; anything else, from its first byte that is not a digit on, to the bytes'.
    const first = buf[start]! - 48;
    if (length <= 10 && first >= 0 && first <= 9 && (first !== 0 || length === 1)) {
      let value = first;
      let i = start + 1;
      for (; i < end; i++) {
        const digit = buf[i]! - 48;
        if (digit < 0 || digit > 9) break;
        value = value * 10 + digit;
      }
      if (i === end && value <= 0xffffffff) return this.findNumber(value | 0);
    }
    const head = length < 8 ? length : 8;
    let word0 = 0;
    let word1 = 0;
    for (let i = 0; i < head; i++) {
      if (i < 4) word0 |= buf[start + i]! << (i << 3);
      else word1 |= buf[start + i]! << ((i - 4) << 3);
    }
    let hash = mix(word0 ^ Math.imul(word1 ^ length, FNV_PRIME));
    for (let i = start + 8; i < end; i++) hash = Math.imul(hash ^ buf[i]!, FNV_PRIME);
    hash = mix(hash);
    const table = this.table;
    const mask = this.slotMask;
    let slot = hash & mask;
    for (;;) {
      const base = slot * SLOT;
      const entry = table[base]!;
      if (entry === 0) break;
      if (table[base + 1] === hash && this.bytesMatch(entry - 1, buf, start, length)) return entry - 1;
      slot = (slot + 1) & mask;
    }
    this.pendingSlot = slot;
    this.pendingHash = hash;
    this.pendingNumber = false;
    return -1;
  }

  /** find() for a decimal key, given as its value's 32 bits. */
  private findNumber(value: number): number {
    const numbers = this.numbers;
    const mask = this.numberMask;
    let slot = mix(value) & mask;
    for (;;) {
      const base = slot * SLOT;
      const entry = numbers[base]!;
      if (entry === 0) break;
      if (numbers[base + 1] === value) return entry - 1;
      slot = (slot + 1) & mask;
    }
    this.pendingSlot = slot;
    this.pendingHash = value;
    this.pendingNumber = true;
    return -1;
  }

  /** Adds the key that the last find() did not find; returns its new id. */
  add(buf: Uint8Array, start: number, end: number): number {
    const id = this.count;
    const length = end - start;
    if (id + 2 > this.offsets.length) this.offsets = grown(this.offsets, id + 2);
    if (this.arenaUsed + length > 0xffffffff) throw new RangeError('more than 4 GB of distinct key text');
    if (this.arenaUsed + length > this.arena.length) this.arena = grown(this.arena, this.arenaUsed + length);
    // A byte loop rather than arena.set(buf.subarray(...)): a subarray is a new object per
    // distinct key, which was most of the heap garbage made while loading.
    const arena = this.arena;
    let at = this.arenaUsed;
    this.offsets[id] = at;
    for (let i = start; i < end; i++) arena[at++] = buf[i]!;
    this.arenaUsed = at;
    this.offsets[id + 1] = at;
    this.count = id + 1;
    const base = this.pendingSlot * SLOT;
    if (this.pendingNumber) {
      this.numbers[base] = id + 1;
      this.numbers[base + 1] = this.pendingHash;
      if (++this.numberCount * 4 > (this.numberMask + 1) * 3) this.rehashNumbers();
      return id;
    }
    this.table[base] = id + 1;
    this.table[base + 1] = this.pendingHash;
    if ((id + 1 - this.numberCount) * 4 > (this.slotMask + 1) * 3) this.rehash();
    return id;
  }

  /** The id for a key given as text (encoded to UTF-8 first). */
  intern(key: string): number {
    const bytes = Buffer.from(key, 'utf8');
    const id = this.find(bytes, 0, bytes.length);
    return id >= 0 ? id : this.add(bytes, 0, bytes.length);
  }

  private bytesMatch(id: number, buf: Uint8Array, start: number, length: number): boolean {
    const arena = this.arena;
    const from = this.offsets[id]!;
    if (this.offsets[id + 1]! - from !== length) return false;
    for (let i = 0; i < length; i++) if (arena[from + i] !== buf[start + i]) return false;
    return true;
  }

  /**
   * Doubles the table. Each slot keeps its key's full hash, so the keys move to their new
   * slots straight from the old ones, without their bytes being read or hashed again and
   * with nothing allocated but the new table (the load's memory peaks here).
   */
  private rehash(): void {
    this.table = doubled(this.table, (hash) => hash);
    this.slotMask = this.table.length / SLOT - 1;
  }

  /** Doubles the numbers table; a slot holds its key's value, whose hash places it anew. */
  private rehashNumbers(): void {
    this.numbers = doubled(this.numbers, mix);
    this.numberMask = this.numbers.length / SLOT - 1;
  }
}

/** A table of twice the slots holding `old`'s entries, each placed by `hashOf` its second word. */
function doubled(old: Int32Array, hashOf: (word: number) => number): Int32Array<ArrayBuffer> {
  const table = new Int32Array(old.length * 2);
  const mask = table.length / SLOT - 1;
  for (let base = 0; base < old.length; base += SLOT) {
    const entry = old[base]!;
    if (entry === 0) continue;
    const word = old[base + 1]!;
    let slot = hashOf(word) & mask;
    while (table[slot * SLOT] !== 0) slot = (slot + 1) & mask;
    table[slot * SLOT] = entry;
    table[slot * SLOT + 1] = word;
  }
  return table;
}
