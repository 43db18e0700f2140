/**
 * A trace read straight into a binary trace file, for inputs larger than memory: the rows a
 * reader appends go to one temporary file per column as they come, a buffer at a time, so
 * memory holds the key table and the buffers, never the requests. When the input ends, the
 * columns the in-memory builder would have made (a size column only once some row gave a
 * size, whole-second times only if every time was one, defaults for the rows before a column
 * first appeared) are copied chunk by chunk into a binary trace (TraceWriter) and the
 * temporaries removed. The file loads to exactly the trace a load in memory gives: the
 * spill tests compare the two, format by format.
 */
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { BinaryTraceMeta } from './binary.js';
import type { StreamColumns } from './chunks.js';
import type { KeyNames } from './key-names.js';
import type { RowStore } from './rows.js';
import { TraceWriter } from './stream.js';
import { isWholeSecond, OP_GET, type Trace, type TraceChunk } from './trace.js';
import { UnknownSizeFiller } from './unknown-sizes.js';
import { releaseTemporary, trackTemporary } from '../temp-files.js';

/** Rows buffered per column before they are appended to its file. */
const BUFFER_ROWS = 1 << 16;
/** Rows per chunk when the columns are copied into the binary trace. */
const COPY_ROWS = 1 << 20;

type ColumnName = 'keys' | 'sizes' | 'times' | 'ops' | 'ttls' | 'costs';
type Values = Uint32Array | Float64Array | Uint8Array;
type ValuesType = { new (length: number): Values; readonly BYTES_PER_ELEMENT: number };

/** One column's temporary file and its buffer of rows not yet written. */
class SpilledColumn {
  readonly buffer: Values;
  private readonly fd: number;
  private bytes = 0;

  constructor(
    readonly path: string,
    readonly Type: ValuesType,
  ) {
    this.buffer = new Type(BUFFER_ROWS);
    trackTemporary(path);
    this.fd = openSync(path, 'w+', 0o600);
  }

  /** Appends values[0, count) to the file. */
  append(values: Values, count: number): void {
    const bytes = new Uint8Array(values.buffer, values.byteOffset, count * values.BYTES_PER_ELEMENT);
    for (let done = 0; done < bytes.length;) done += writeSync(this.fd, bytes, done, bytes.length - done, this.bytes + done);
    this.bytes += bytes.length;
  }

  /** Reads rows [start, start + count) into `into`. */
  read(into: Values, start: number, count: number): Values {
    const width = this.Type.BYTES_PER_ELEMENT;
    const bytes = new Uint8Array(into.buffer, into.byteOffset, count * width);
    for (let done = 0; done < bytes.length;) {
      const got = readSync(this.fd, bytes, done, bytes.length - done, start * width + done);
      if (got === 0) throw new Error(`internal error: ${this.path} ends before row ${start + count}`);
      done += got;
    }
    return into.subarray(0, count);
  }

  remove(): void {
    closeSync(this.fd);
    rmSync(this.path, { force: true });
    releaseTemporary(this.path);
  }
}

const OPTIONAL = ['sizes', 'times', 'ops', 'ttls', 'costs'] as const;

const TYPES: Readonly<Record<ColumnName, ValuesType>> = {
  keys: Uint32Array,
  sizes: Uint32Array,
  // Held wide while reading; narrowed on the copy when every time was a whole second.
  times: Float64Array,
  ops: Uint8Array,
  ttls: Float64Array,
  costs: Float64Array,
};

/** What an absent cell becomes (the builder's defaults): row i's value for a column first given later. */
const DEFAULTS: Readonly<Record<Exclude<ColumnName, 'keys'>, (row: number) => number>> = {
  sizes: () => 1,
  // A time column that appears late gives the earlier rows their request numbers, as the builder does.
  times: (row) => row,
  ops: () => OP_GET,
  ttls: () => NaN,
  costs: () => NaN,
};

export interface SpillOptions {
  /** Metadata recorded in the binary trace besides its source (the trace cache's freshness fields). */
  readonly meta?: Omit<BinaryTraceMeta, 'source'>;
}

/**
 * A RowStore whose rows go to disk: `build` writes the binary trace at `out` and returns an
 * empty trace (length 0, no columns): the requests are in the file, to be streamed from it.
 */
export class SpillingStore implements RowStore {
  private readonly columns = new Map<ColumnName, SpilledColumn>();
  /** Rows written to the files; `pending` more wait in the buffers. */
  private flushed = 0;
  private pending = 0;
  private wholeTimes = true;
  private sizeFiller: UnknownSizeFiller | undefined;
  private done = false;

  constructor(
    private readonly out: string,
    private readonly options: SpillOptions = {},
  ) {
    this.columns.set('keys', new SpilledColumn(this.columnPath('keys'), Uint32Array));
  }

  get length(): number {
    return this.flushed + this.pending;
  }

  expectUnknownSizes(): void {
    this.sizeFiller ??= new UnknownSizeFiller();
  }

  push(id: number, size?: number, time?: number, op?: number, ttl?: number, cost?: number): void {
    this.room(1);
    // New columns first: opening one flushes the buffers, so the row goes in after.
    const given = { sizes: size, times: time, ops: op, ttls: ttl, costs: cost };
    for (const name of OPTIONAL) if (given[name] !== undefined) this.open(name);
    const row = this.pending;
    this.column('keys').buffer[row] = id;
    for (const name of OPTIONAL) {
      const column = this.columns.get(name);
      if (!column) continue;
      const value = given[name] ?? DEFAULTS[name](this.flushed + row);
      column.buffer[row] = value;
      if (name === 'times') this.wholeTimes &&= isWholeSecond(value);
    }
    this.pending++;
  }

  pushBatch(
    count: number,
    ids: Uint32Array,
    sizes?: Uint32Array,
    times?: Float64Array,
    ops?: Uint8Array,
    ttls?: Float64Array,
    costs?: Float64Array,
  ): void {
    const given = { sizes, times, ops, ttls, costs };
    for (let from = 0; from < count;) {
      const rows = Math.min(count - from, BUFFER_ROWS);
      this.room(rows);
      for (const name of OPTIONAL) if (given[name] !== undefined) this.open(name);
      const at = this.pending;
      this.column('keys').buffer.set(ids.subarray(from, from + rows), at);
      for (const name of OPTIONAL) {
        const column = this.columns.get(name);
        if (!column) continue;
        const values = given[name];
        if (values) column.buffer.set(values.subarray(from, from + rows), at);
        else {
          const fill = DEFAULTS[name];
          for (let i = 0; i < rows; i++) column.buffer[at + i] = fill(this.flushed + at + i);
        }
        if (name === 'times') {
          const buffer = column.buffer;
          for (let i = at; i < at + rows && this.wholeTimes; i++) this.wholeTimes = isWholeSecond(buffer[i]!);
        }
      }
      this.pending += rows;
      from += rows;
    }
  }

  /** Writes the binary trace (replacing `out` atomically), removes the temporaries, and returns an empty trace. */
  build(source: string, keySpace: number, names?: KeyNames, fillUnknownSizes = false): Trace {
    try {
      this.flush();
      const length = this.flushed;
      const has = (name: ColumnName): boolean => this.columns.has(name);
      const layout: StreamColumns = {
        ...(has('sizes') && { sizes: true }),
        ...(has('times') && { times: this.wholeTimes ? ('whole' as const) : ('fractional' as const) }),
        ...(has('ops') && { ops: true }),
        ...(has('ttls') && { ttls: true }),
        ...(has('costs') && { costs: true }),
      };
      const writer = new TraceWriter(this.out, { length, columns: layout, source, ...(this.options.meta && { meta: this.options.meta }) });
      try {
        const buffers = new Map<ColumnName, Values>();
        for (const [name, column] of this.columns) buffers.set(name, new column.Type(Math.min(COPY_ROWS, Math.max(length, 1))));
        const narrow = this.wholeTimes ? new Uint32Array(Math.min(COPY_ROWS, Math.max(length, 1))) : undefined;
        const filler = fillUnknownSizes ? this.sizeFiller : undefined;
        for (let start = 0; start < length; start += COPY_ROWS) {
          const count = Math.min(COPY_ROWS, length - start);
          const read = (name: ColumnName): Values | undefined => this.columns.get(name)?.read(buffers.get(name)!, start, count);
          const keys = read('keys') as Uint32Array;
          const sizes = read('sizes') as Uint32Array | undefined;
          if (filler && sizes) filler.fill(keys, sizes, count);
          let times = read('times') as Float64Array | Uint32Array | undefined;
          if (times && narrow) times = copyInto(narrow, times, count);
          const chunk: TraceChunk = {
            start,
            length: count,
            keys,
            ...(sizes && { sizes }),
            ...(times && { times }),
            ...(has('ops') && { ops: read('ops') as Uint8Array }),
            ...(has('ttls') && { ttls: read('ttls') as Float64Array }),
            ...(has('costs') && { costs: read('costs') as Float64Array }),
          };
          writer.write(chunk);
        }
        writer.finish({ keySpace, ...(names && { keyNames: names }) });
      } catch (error) {
        writer.abort();
        throw error;
      }
      return { source, length: 0, keys: new Uint32Array(0), keySpace: 0 };
    } finally {
      this.abort();
    }
  }

  /** Removes the temporary column files (after build, or when the read fails). */
  abort(): void {
    if (this.done) return;
    this.done = true;
    for (const column of this.columns.values()) column.remove();
    this.columns.clear();
  }

  private columnPath(name: ColumnName): string {
    return `${this.out}.${process.pid}.${name}.column.tmp`;
  }

  private column(name: ColumnName): SpilledColumn {
    return this.columns.get(name)!;
  }

  /** Makes room in the buffers for `rows` more. */
  private room(rows: number): void {
    if (this.done) throw new Error('internal error: rows pushed to a spilled trace after it was built');
    if (this.pending + rows > BUFFER_ROWS) this.flush();
  }

  private flush(): void {
    if (this.pending === 0) return;
    const sizes = this.columns.get('sizes');
    if (this.sizeFiller && sizes)
      this.sizeFiller.observe(this.column('keys').buffer as Uint32Array, sizes.buffer as Uint32Array, this.pending);
    for (const column of this.columns.values()) column.append(column.buffer, this.pending);
    this.flushed += this.pending;
    this.pending = 0;
  }

  /**
   * The column `name`, made now if it is new: the rows before get its defaults, written
   * straight to its file (after the buffers are flushed, so that it starts where they do).
   */
  private open(name: Exclude<ColumnName, 'keys'>): SpilledColumn {
    const known = this.columns.get(name);
    if (known) return known;
    this.flush();
    const column = new SpilledColumn(this.columnPath(name), TYPES[name]);
    this.columns.set(name, column);
    const fill = DEFAULTS[name];
    const piece = new column.Type(BUFFER_ROWS);
    const keys = name === 'sizes' && this.sizeFiller ? new Uint32Array(BUFFER_ROWS) : undefined;
    for (let start = 0; start < this.flushed; start += BUFFER_ROWS) {
      const count = Math.min(BUFFER_ROWS, this.flushed - start);
      for (let i = 0; i < count; i++) piece[i] = fill(start + i);
      column.append(piece, count);
      // The 1s the earlier rows take are known sizes, as in memory.
      if (keys) this.sizeFiller!.observe(this.column('keys').read(keys, start, count) as Uint32Array, piece as Uint32Array, count);
    }
    // The earlier rows' times are their request numbers: whole while they fit 32 bits.
    if (name === 'times' && this.flushed > 0) this.wholeTimes &&= isWholeSecond(this.flushed - 1);
    return column;
  }
}

function copyInto(into: Uint32Array, from: Float64Array | Uint32Array, count: number): Uint32Array {
  for (let i = 0; i < count; i++) into[i] = from[i]!;
  return into.subarray(0, count);
}
