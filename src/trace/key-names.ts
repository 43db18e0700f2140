/**
 * The raw text of every key, by dense id: what a loaded trace keeps so it can be written
 * back out, replayed against a real server, or shown to a person.
 *
 * A trace read by the fast CSV path (and one read from the binary cache) already holds its
 * keys as UTF-8 bytes in one block, so the names stay in that form and a name becomes a
 * string only when first asked for. Simulation never needs the text; making a string per
 * distinct key at load cost about 30 bytes a key in the JS heap (2.5 MB for the 82 k keys
 * of the load benchmark), a tenth of its whole memory budget.
 */
import { Buffer } from 'node:buffer';

export class KeyNames implements Iterable<string> {
  /** Number of names (the trace's keySpace). */
  readonly length: number;
  /** Decoded names; filled on demand when the names came as bytes. */
  private strings: (string | undefined)[] | undefined;
  private readonly text: Buffer | undefined;
  /** Name `id` is text[offsets[id], offsets[id + 1]); made from `lengths` on first use when given those. */
  private offsetsKept: Uint32Array | undefined;
  private readonly lengths: Uint32Array | undefined;

  private constructor(
    length: number,
    strings: (string | undefined)[] | undefined,
    text?: Buffer,
    offsets?: Uint32Array,
    lengths?: Uint32Array,
  ) {
    this.length = length;
    this.strings = strings;
    this.text = text;
    this.offsetsKept = offsets;
    this.lengths = lengths;
  }

  private get offsets(): Uint32Array | undefined {
    if (this.offsetsKept === undefined && this.lengths !== undefined) {
      const offsets = new Uint32Array(this.length + 1);
      let total = 0;
      for (let id = 0; id < this.length; id++) offsets[id + 1] = total += this.lengths[id]!;
      this.offsetsKept = offsets;
    }
    return this.offsetsKept;
  }

  static fromStrings(names: readonly string[]): KeyNames {
    return new KeyNames(names.length, names.slice());
  }

  /**
   * Names kept as UTF-8: name `id` is bytes[offsets[id], offsets[id + 1]). The arrays are
   * kept, not copied, and must not change afterwards.
   */
  static fromUtf8(bytes: Uint8Array, offsets: Uint32Array, length: number): KeyNames {
    if (offsets.length < length + 1) throw new RangeError(`${length} names need ${length + 1} offsets, got ${offsets.length}`);
    return new KeyNames(length, undefined, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), offsets);
  }

  /**
   * Names kept as UTF-8, given as each name's byte length (the binary trace format's layout;
   * `bytes` holds exactly their sum). A replay never asks for a name, so the offsets are
   * made only when one is: a load of a named trace makes no pass over its key space.
   */
  static fromUtf8Lengths(bytes: Uint8Array, lengths: Uint32Array, length: number): KeyNames {
    if (lengths.length < length) throw new RangeError(`${length} names need ${length} lengths, got ${lengths.length}`);
    return new KeyNames(length, undefined, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), undefined, lengths);
  }

  /** The name of key `id`. */
  get(id: number): string {
    if (!(id >= 0 && id < this.length)) throw new RangeError(`no key ${id} (there are ${this.length})`);
    const strings = (this.strings ??= new Array<string | undefined>(this.length));
    const offsets = this.offsets!;
    return (strings[id] ??= this.text!.toString('utf8', offsets[id], offsets[id + 1]));
  }

  toArray(): string[] {
    return Array.from({ length: this.length }, (_, id) => this.get(id));
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let id = 0; id < this.length; id++) yield this.get(id);
  }

  /** Each name's length in UTF-8 bytes, without encoding the names. */
  byteLengths(): Uint32Array {
    if (this.lengths) return this.lengths.slice(0, this.length);
    const lengths = new Uint32Array(this.length);
    const offsets = this.offsets;
    if (this.text && offsets) {
      for (let id = 0; id < this.length; id++) lengths[id] = offsets[id + 1]! - offsets[id]!;
    } else {
      for (let id = 0; id < this.length; id++) lengths[id] = Buffer.byteLength(this.get(id), 'utf8');
    }
    return lengths;
  }

  /** The names as UTF-8 bytes and per-name byte lengths (the binary trace format's layout). */
  utf8(): { readonly bytes: Uint8Array; readonly lengths: Uint32Array } {
    if (this.text && this.lengths) return { bytes: this.text, lengths: this.byteLengths() };
    const offsets = this.offsets;
    if (this.text && offsets) return { bytes: this.text.subarray(offsets[0], offsets[this.length]), lengths: this.byteLengths() };
    const encoded = this.toArray().map((name) => Buffer.from(name, 'utf8'));
    return { bytes: Buffer.concat(encoded), lengths: Uint32Array.from(encoded, (bytes) => bytes.length) };
  }
}
