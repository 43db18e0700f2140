/**
 * The columnar trace: one typed array per column, indexed by request number.
 * Raw keys are interned to dense ids 0..keySpace-1 once at load, so every policy can
 * keep its per-key state in typed arrays indexed by id and never touches a string or a Map.
 */
import { KeyNames } from './key-names.js';
import { fillUnknownSizes as fillSizesOf } from './unknown-sizes.js';

/** Request kinds of the `op` column. */
export const OP_GET = 0;
export const OP_SET = 1;
export const OP_DELETE = 2;
export type OpCode = typeof OP_GET | typeof OP_SET | typeof OP_DELETE;
export const OP_NAMES = ['get', 'set', 'delete'] as const;

/**
 * A loaded trace: columnar typed arrays indexed by request, keys interned to dense ids
 * (0..keySpace-1). Optional columns are present only when the source had them.
 */
export interface Trace {
  /** Where it came from: a file path or a synthetic spec string. */
  readonly source: string;
  readonly length: number;
  /** Dense key ids, 0..keySpace-1. */
  readonly keys: Uint32Array;
  /** Number of distinct keys (ids are below this). */
  readonly keySpace: number;
  /** Object size in bytes per request; absent means every object has size 1. */
  readonly sizes?: Uint32Array;
  /**
   * Request time in seconds; absent means request i happens at time i. A Uint32Array when
   * every time is a whole number of seconds below 2^32 (see TimeColumn).
   */
  readonly times?: TimeColumn;
  /** OP_GET / OP_SET / OP_DELETE per request; absent means every request is a get. */
  readonly ops?: Uint8Array;
  /** Per-request TTL in seconds (NaN = none given). */
  readonly ttls?: Float64Array;
  /** Per-request miss cost in seconds (the time to compute or fetch the value). */
  readonly costs?: Float64Array;
  /** Raw key text per id, kept so a trace can be written back out or replayed against a server. */
  readonly keyNames?: KeyNames;
  /**
   * The UTF-8 length of each key's text, for the memory models (memcached, redis-lru:memory=redis);
   * set on the copy shared with worker threads, which get no keyNames.
   */
  readonly keyNameBytes?: Uint32Array;
}

/**
 * A run of consecutive requests of a trace, its columns indexed from 0: request `start + i`
 * of the trace is row i here. A trace held in memory is one chunk from 0; a streamed trace
 * (trace/stream.ts) arrives as many, and the replay core (engine/replay.ts) advances over
 * them one after another. A column is present exactly when the trace has it.
 */
export interface TraceChunk {
  readonly start: number;
  readonly length: number;
  readonly keys: Uint32Array;
  readonly sizes?: Uint32Array;
  readonly times?: TimeColumn;
  readonly ops?: Uint8Array;
  readonly ttls?: Float64Array;
  readonly costs?: Float64Array;
}

/**
 * Times are read as plain numbers either way. Whole-second times (the layout of most
 * production traces: Twitter's, Meta's, libCacheSim's oracleGeneral) fit in 4 bytes, which
 * takes a quarter off a loaded trace of key, time and size; a fractional, negative or larger
 * time makes the column a Float64Array. Values are identical in both forms.
 */
export type TimeColumn = Float64Array | Uint32Array;

/** True for the times a Uint32Array time column holds exactly. */
export function isWholeSecond(time: number): boolean {
  return time >>> 0 === time;
}

/** Optional columns, as named in CSV headers and `--columns`. */
export const OPTIONAL_COLUMNS = ['time', 'size', 'op', 'ttl', 'cost'] as const;
export type OptionalColumn = (typeof OPTIONAL_COLUMNS)[number];
export const ALL_COLUMNS = ['key', ...OPTIONAL_COLUMNS] as const;
export type ColumnName = (typeof ALL_COLUMNS)[number];

/**
 * Accumulates requests into growable typed arrays, then hands out a Trace whose arrays
 * are trimmed to length. Columns are created lazily the first time a value is given,
 * backfilling defaults for the rows before it.
 */
export class TraceBuilder {
  private capacity: number;
  private count = 0;
  private keys: Uint32Array;
  private sizes: Uint32Array | undefined;
  private times: TimeColumn | undefined;
  private ops: Uint8Array | undefined;
  private ttls: Float64Array | undefined;
  private costs: Float64Array | undefined;

  constructor(expected = 1 << 16) {
    this.capacity = Math.max(16, expected);
    this.keys = new Uint32Array(this.capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends a request; returns its index. Columns left undefined take their defaults. */
  push(id: number, size?: number, time?: number, op?: number, ttl?: number, cost?: number): number {
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
    this.keys[i] = id;
    if (size !== undefined) (this.sizes ??= this.column(Uint32Array, 1))[i] = size;
    else if (this.sizes) this.sizes[i] = 1;
    if (time !== undefined) this.setTime(i, time);
    else if (this.times) this.setTime(i, i);
    if (op !== undefined) (this.ops ??= this.column(Uint8Array, OP_GET))[i] = op;
    if (ttl !== undefined) (this.ttls ??= this.column(Float64Array, NaN))[i] = ttl;
    else if (this.ttls) this.ttls[i] = NaN;
    if (cost !== undefined) (this.costs ??= this.column(Float64Array, NaN))[i] = cost;
    else if (this.costs) this.costs[i] = NaN;
    return i;
  }

  /**
   * Appends `count` requests given as column batches, as `count` push() calls would: a column
   * passed as undefined takes its defaults. Loaders use it to append without a call per row.
   */
  pushBatch(
    count: number,
    ids: Uint32Array,
    sizes?: Uint32Array,
    times?: Float64Array,
    ops?: Uint8Array,
    ttls?: Float64Array,
    costs?: Float64Array,
  ): void {
    while (this.count + count > this.capacity) this.grow();
    const at = this.count;
    const end = at + count;
    this.keys.set(ids.subarray(0, count), at);
    if (sizes) (this.sizes ??= this.column(Uint32Array, 1)).set(sizes.subarray(0, count), at);
    else this.sizes?.fill(1, at, end);
    if (times) {
      const batch = times.subarray(0, count);
      // The first batch decides the column's type, so a trace of fractional times never
      // allocates (and then drops) a whole-second column.
      const whole = batch.every(isWholeSecond);
      if (!this.times) this.times = whole ? this.column(Uint32Array, NaN, true) : this.column(Float64Array, NaN, true);
      else if (!whole) this.widenTimes(at);
      this.times.set(batch, at);
    } else if (this.times) for (let i = at; i < end; i++) this.setTime(i, i);
    if (ops) (this.ops ??= this.column(Uint8Array, OP_GET)).set(ops.subarray(0, count), at);
    else this.ops?.fill(OP_GET, at, end);
    if (ttls) (this.ttls ??= this.column(Float64Array, NaN)).set(ttls.subarray(0, count), at);
    else this.ttls?.fill(NaN, at, end);
    if (costs) (this.costs ??= this.column(Float64Array, NaN)).set(costs.subarray(0, count), at);
    else this.costs?.fill(NaN, at, end);
    this.count = end;
  }

  /** The trace; `fillUnknownSizes` replaces requests of UNKNOWN_SIZE by their key's size (unknown-sizes.ts). */
  build(source: string, keySpace: number, names?: KeyNames | readonly string[], fillUnknownSizes = false): Trace {
    const n = this.count;
    const keyNames = names === undefined || names instanceof KeyNames ? names : KeyNames.fromStrings(names);
    const trace: Trace = {
      source,
      length: n,
      keys: this.trimmed(this.keys),
      keySpace,
      ...(this.sizes && { sizes: this.trimmed(this.sizes) }),
      ...(this.times && { times: this.trimmed(this.times) }),
      ...(this.ops && { ops: this.trimmed(this.ops) }),
      ...(this.ttls && { ttls: this.trimmed(this.ttls) }),
      ...(this.costs && { costs: this.trimmed(this.costs) }),
      ...(keyNames && { keyNames }),
    };
    if (fillUnknownSizes) fillSizesOf(trace);
    return trace;
  }

  private setTime(i: number, time: number): void {
    if (!this.times) this.times = isWholeSecond(time) ? this.column(Uint32Array, NaN, true) : this.column(Float64Array, NaN, true);
    else if (!isWholeSecond(time)) this.widenTimes(i);
    this.times[i] = time;
  }

  /** Makes the time column a Float64Array (once: the first time a Uint32Array cannot hold). */
  private widenTimes(filled: number): void {
    if (!(this.times instanceof Uint32Array)) return;
    const wide = new Float64Array(this.capacity);
    wide.set(this.times.subarray(0, filled));
    this.times = wide;
  }

  /**
   * The first `length` elements. When at least three quarters of the array is used (a line
   * count, a size estimate, a last doubling) they are returned as a view rather than a copy:
   * a copy would briefly hold every column twice, which dominates peak memory when loading a
   * large trace, while the unused tail was never written and takes no resident memory.
   */
  private trimmed<A extends Uint32Array | Float64Array | Uint8Array>(array: A): A {
    const n = this.count;
    return (array.length - n <= array.length >>> 2 ? array.subarray(0, n) : array.slice(0, n)) as A;
  }

  private column<A extends Uint32Array | Float64Array | Uint8Array>(
    Type: { new (length: number): A },
    fill: number,
    indexAsDefault = false,
  ): A {
    const array = new Type(this.capacity);
    for (let i = 0; i < this.count; i++) array[i] = indexAsDefault ? i : fill;
    return array;
  }

  private grow(): void {
    this.capacity *= 2;
    const enlarge = <A extends Uint32Array | Float64Array | Uint8Array>(old: A | undefined): A | undefined => {
      if (!old) return undefined;
      const bigger = new (old.constructor as { new (length: number): A })(this.capacity);
      bigger.set(old);
      return bigger;
    };
    this.keys = enlarge(this.keys)!;
    this.sizes = enlarge(this.sizes);
    this.times = enlarge(this.times);
    this.ops = enlarge(this.ops);
    this.ttls = enlarge(this.ttls);
    this.costs = enlarge(this.costs);
  }
}
