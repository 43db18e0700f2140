/**
 * Interns keys straight from the bytes of a read buffer: the fast CSV path's counterpart of
 * KeyInterner. Looking a key up in a Map<string, number> means making a string and hashing
 * it for every request, which profiling showed to be half the load time; here a repeated key
 * costs one hash over its bytes and one byte comparison, and a string is made only once per
 * distinct key (for `keyNames`). Ids are given in first-seen order, like KeyInterner, so
 * both CSV readers number keys identically.
 *
 * Storage per distinct key: its UTF-8 bytes in one arena, a 4-byte offset, a 4-byte hash,
 * 8 to 16 bytes of open-addressing table (load factor at most 1/2), and the name string.
 */

const EMPTY = 0;

function mix(hash: number): number {
  // murmur3's finaliser: spreads FNV's low-bit bias before masking to a table index.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

export class ByteKeyInterner {
  readonly names: string[] = [];
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  /** Arena offset of key id's bytes; entry id + 1 is where the next key starts. */
  private offsets = new Uint32Array(1 << 12);
  private hashes = new Int32Array(1 << 12);
  /** id + 1 per slot, EMPTY when free. */
  private table = new Int32Array(1 << 13);
  private mask = (1 << 13) - 1;

  get size(): number {
    return this.names.length;
  }

  // Where the last failed lookup ended, so that add() needs no second probe.
  private pendingHash = 0;
  private pendingSlot = 0;

  /** The id of the key in buf[start, end), or -1 when it is new (then call add). */
  find(buf: Uint8Array, start: number, end: number): number {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    hash = mix(hash);
    const length = end - start;
    const table = this.table;
    const mask = this.mask;
    const arena = this.arena;
    const offsets = this.offsets;
    const hashes = this.hashes;
    let slot = hash & mask;
    for (let entry = table[slot]!; entry !== EMPTY; entry = table[slot]!) {
      const id = entry - 1;
      if (hashes[id] === hash) {
        const from = offsets[id]!;
        if (offsets[id + 1]! - from === length) {
          let i = 0;
          while (i < length && arena[from + i] === buf[start + i]) i++;
          if (i === length) return id;
        }
      }
      slot = (slot + 1) & mask;
    }
    this.pendingHash = hash;
    this.pendingSlot = slot;
    return -1;
  }

  /** Adds the key that the last find() did not find, named `name`; returns its new id. */
  add(buf: Uint8Array, start: number, end: number, name: string): number {
    const id = this.names.length;
    const length = end - start;
    if (id + 2 > this.offsets.length) {
      this.offsets = grown(this.offsets, Uint32Array, id + 2);
      this.hashes = grown(this.hashes, Int32Array, id + 2);
    }
    if (this.arenaUsed + length > 0xffffffff) throw new RangeError('more than 4 GB of distinct key text');
    if (this.arenaUsed + length > this.arena.length) this.arena = grown(this.arena, Uint8Array, this.arenaUsed + length);
    this.arena.set(buf.subarray(start, end), this.arenaUsed);
    this.offsets[id] = this.arenaUsed;
    this.arenaUsed += length;
    this.offsets[id + 1] = this.arenaUsed;
    this.hashes[id] = this.pendingHash;
    this.names.push(name);
    this.table[this.pendingSlot] = id + 1;
    if ((id + 1) * 2 > this.table.length) this.rehash();
    return id;
  }

  /** The id for a key given as text (encoded to UTF-8 first). */
  intern(key: string): number {
    const bytes = Buffer.from(key, 'utf8');
    const id = this.find(bytes, 0, bytes.length);
    return id >= 0 ? id : this.add(bytes, 0, bytes.length, key);
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let id = 0; id < this.names.length; id++) {
      let slot = this.hashes[id]! & mask;
      while (table[slot] !== EMPTY) slot = (slot + 1) & mask;
      table[slot] = id + 1;
    }
    this.table = table;
    this.mask = mask;
  }
}

function grown<A extends Uint8Array | Uint32Array | Int32Array>(old: A, Type: { new (length: number): A }, needed: number): A {
  let length = old.length * 2;
  while (length < needed) length *= 2;
  const bigger = new Type(length);
  bigger.set(old);
  return bigger;
}
