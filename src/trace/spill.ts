/**
 * A trace read straight into a binary trace file, for inputs larger than memory: the rows a
 * reader appends go to one temporary file per column as they come, a buffer at a time, so
 * memory holds the key table and the buffers, never the requests. When the input ends, the
 * columns the in-memory builder would have made (a size column only once some row gave a
 * size, whole-second times only if every time was one, defaults for the rows before a column
 * first appeared) are copied chunk by chunk into a binary trace (TraceWriter) and the
 * temporaries removed. The file loads to exactly the trace a load in memory gives: the
 * spill tests compare the two, format by format. A CSV read in ranges on several threads
 * (csv-ranges.ts) spills one store per range, and `writeSpilledTrace` joins them in order,
 * renumbering each later range's keys.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { BinaryTraceMeta } from './binary.js';
import { shapeWith, type StreamColumns } from './chunks.js';
import type { KeyNames } from './key-names.js';
import type { RowStore } from './rows.js';
import { TraceWriter } from './stream.js';
import { isWholeSecond, OP_GET, type Trace, type TraceChunk } from './trace.js';
import { UnknownSizeFiller } from './unknown-sizes.js';
import { TraceSummarizer } from './summary.js';
import { removeTemporary, trackTemporary } from '../temp-files.js';
import { spilledColumnFile, type SpilledColumnName } from './spill-files.js';

/** Rows buffered per column before they are appended to its file. */
const BUFFER_ROWS = 1 << 16;
/** Rows per chunk when the columns are copied into the binary trace. */
const COPY_ROWS = 1 << 20;

type ColumnName = SpilledColumnName;
type Values = Uint32Array | Float64Array | Uint8Array;
type ValuesType = { new (length: number): Values; readonly BYTES_PER_ELEMENT: number };

/** One column's temporary file and its buffer of rows not yet written. */
class SpilledColumn {
  readonly buffer: Values;
  private readonly fd: number;
  private bytes = 0;
  private closed = false;

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
    return readRows(this.fd, into, this.Type.BYTES_PER_ELEMENT, start, count, this.path);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  remove(): void {
    this.close();
    removeTemporary(this.path);
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
  /** Where the column files go: `${prefix}.${column}.column.tmp` (default `${out}.${pid}`, beside the trace). */
  readonly prefix?: string;
}

/** A store's rows on disk, once all are in: one file per column, and what the writer needs to know of them. */
export interface SpilledRows {
  readonly length: number;
  /** The column files by column; `keys` always. */
  readonly files: Readonly<Partial<Record<ColumnName, string>>>;
  /** Rows before the first given time, whose time is NaN (a range of a file cut for threads, which has no time before it yet). */
  readonly leadingUntimed: number;
  readonly firstTime: number;
  /** Every time after those was a whole second. */
  readonly wholeTimes: boolean;
}

/**
 * A RowStore whose rows go to disk: `build` writes the binary trace at `out` and returns an
 * empty trace (length 0, no columns): the requests are in the file, to be streamed from it.
 * `finishRows` instead leaves the column files for `writeSpilledTrace` to join with others.
 */
export class SpillingStore implements RowStore {
  private readonly columns = new Map<ColumnName, SpilledColumn>();
  /** Rows written to the files; `pending` more wait in the buffers. */
  private flushed = 0;
  private pending = 0;
  private wholeTimes = true;
  private leadingUntimed = 0;
  private firstTime = NaN;
  private sizeFiller: UnknownSizeFiller | undefined;
  private done = false;
  private readonly prefix: string;

  constructor(
    private readonly out: string,
    private readonly options: SpillOptions = {},
  ) {
    this.prefix = options.prefix ?? `${out}.${process.pid}`;
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
      if (name === 'times') this.noteTimes(column.buffer, row, 1);
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
        if (name === 'times') this.noteTimes(column.buffer, at, rows);
      }
      this.pending += rows;
      from += rows;
    }
  }

  /** Writes the binary trace (replacing `out` atomically), removes the temporaries, and returns an empty trace. */
  build(source: string, keySpace: number, names?: KeyNames, fillUnknownSizes = false): Trace {
    try {
      const rows = this.finishRows();
      const filler = fillUnknownSizes ? this.sizeFiller : undefined;
      writeSpilledTrace(this.out, [{ rows }], {
        source,
        keySpace,
        ...(names && { names }),
        ...(this.options.meta && { meta: this.options.meta }),
        ...(filler && { filler }),
      });
      return { source, length: 0, keys: new Uint32Array(0), keySpace: 0 };
    } finally {
      this.abort();
    }
  }

  /** Writes out the buffers and closes the column files, which stay until `abort` removes them. */
  finishRows(): SpilledRows {
    this.flush();
    const files: Partial<Record<ColumnName, string>> = {};
    for (const [name, column] of this.columns) {
      column.close();
      files[name] = column.path;
    }
    return { length: this.flushed, files, leadingUntimed: this.leadingUntimed, firstTime: this.firstTime, wholeTimes: this.wholeTimes };
  }

  /** Times at rows [at, at + count) of the buffer: leading NaNs counted as untimed, the rest checked for whole seconds. */
  private noteTimes(buffer: Values, at: number, count: number): void {
    let i = at;
    if (Number.isNaN(this.firstTime)) {
      while (i < at + count && Number.isNaN(buffer[i]!)) i++;
      this.leadingUntimed += i - at;
      if (i < at + count) this.firstTime = buffer[i]!;
    }
    for (; i < at + count && this.wholeTimes; i++) this.wholeTimes = isWholeSecond(buffer[i]!);
  }

  /** Removes the temporary column files (after build, or when the read fails). */
  abort(): void {
    if (this.done) return;
    this.done = true;
    for (const column of this.columns.values()) column.remove();
    this.columns.clear();
  }

  private columnPath(name: ColumnName): string {
    return spilledColumnFile(this.prefix, name);
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

/** One spilled store to copy, in file order: its key ids renumbered through `renumber` (by local id) when given. */
export interface SpilledPart {
  readonly rows: SpilledRows;
  readonly renumber?: Uint32Array;
  /** The time its leading untimed rows take: the last time before it. */
  readonly timeBefore?: number;
}

export interface SpilledTraceOptions {
  readonly source: string;
  readonly keySpace: number;
  readonly names?: KeyNames;
  readonly meta?: Omit<BinaryTraceMeta, 'source'>;
  /** Fills unknown sizes on the way (unknown-sizes.ts), from what it observed as the rows came. */
  readonly filler?: UnknownSizeFiller;
}

/**
 * Copies spilled parts, in order, into one binary trace at `out` (atomically): a column is in
 * the trace when any part has it, with the builder's defaults where a part lacks it, and times
 * are whole seconds (4 bytes) when every part's were.
 */
export function writeSpilledTrace(out: string, parts: readonly SpilledPart[], options: SpilledTraceOptions): void {
  const length = parts.reduce((sum, part) => sum + part.rows.length, 0);
  const has = (name: ColumnName): boolean => parts.some((part) => part.rows.files[name] !== undefined);
  const whole = parts.every((part) => part.rows.wholeTimes);
  const layout: StreamColumns = {
    ...(has('sizes') && { sizes: true }),
    ...(has('times') && { times: whole ? ('whole' as const) : ('fractional' as const) }),
    ...(has('ops') && { ops: true }),
    ...(has('ttls') && { ttls: true }),
    ...(has('costs') && { costs: true }),
  };
  const writer = new TraceWriter(out, { length, columns: layout, source: options.source, ...(options.meta && { meta: options.meta }) });
  // Summarized on the way, so that the trace is stored with its summary.
  const summarizer = new TraceSummarizer(shapeWith({ source: options.source, length, keySpace: options.keySpace }, layout));
  const opened: number[] = [];
  try {
    const rows = Math.min(COPY_ROWS, Math.max(length, 1));
    const buffers = new Map<ColumnName, Values>(
      (['keys', ...OPTIONAL] as const).filter((name) => name === 'keys' || has(name)).map((name) => [name, new TYPES[name](rows)]),
    );
    const narrow = whole ? new Uint32Array(rows) : undefined;
    for (let k = 0, at = 0; k < parts.length; at += parts[k]!.rows.length, k++) {
      const { rows: part, renumber, timeBefore = 0 } = parts[k]!;
      const fds = new Map<ColumnName, number>();
      for (const [name, file] of Object.entries(part.files) as [ColumnName, string][]) {
        const fd = openSync(file, 'r');
        opened.push(fd);
        fds.set(name, fd);
      }
      for (let start = 0; start < part.length; start += COPY_ROWS) {
        const count = Math.min(COPY_ROWS, part.length - start);
        const column = (name: ColumnName): Values | undefined => {
          const into = buffers.get(name);
          if (into === undefined) return undefined;
          const fd = fds.get(name);
          if (fd === undefined) {
            // A column this part never had: the builder's default for every row of it.
            const view = into.subarray(0, count);
            for (let i = 0; i < count; i++) view[i] = DEFAULTS[name as Exclude<ColumnName, 'keys'>](at + start + i);
            return view;
          }
          return readRows(fd, into, TYPES[name].BYTES_PER_ELEMENT, start, count, part.files[name]!);
        };
        const keys = column('keys') as Uint32Array;
        if (renumber) for (let i = 0; i < count; i++) keys[i] = renumber[keys[i]!]!;
        const sizes = column('sizes') as Uint32Array | undefined;
        if (options.filler && sizes) options.filler.fill(keys, sizes, count);
        let times = column('times') as Float64Array | undefined;
        if (times && start < part.leadingUntimed) times.fill(timeBefore, 0, Math.min(count, part.leadingUntimed - start));
        const chunk: TraceChunk = {
          start: at + start,
          length: count,
          keys,
          ...(sizes && { sizes }),
          ...(times && { times: narrow ? copyInto(narrow, times, count) : times }),
          ...(has('ops') && { ops: column('ops') as Uint8Array }),
          ...(has('ttls') && { ttls: column('ttls') as Float64Array }),
          ...(has('costs') && { costs: column('costs') as Float64Array }),
        };
        times = undefined;
        summarizer.observe(chunk);
        writer.write(chunk);
      }
    }
    writer.finish({ keySpace: options.keySpace, summary: summarizer.record(), ...(options.names && { keyNames: options.names }) });
  } catch (error) {
    writer.abort();
    throw error;
  } finally {
    for (const fd of opened) closeSync(fd);
  }
}

/** Rows [start, start + count) of a column file, into `into`. */
function readRows(fd: number, into: Values, width: number, start: number, count: number, path: string): Values {
  const bytes = new Uint8Array(into.buffer, into.byteOffset, count * width);
  for (let done = 0; done < bytes.length;) {
    const got = readSync(fd, bytes, done, bytes.length - done, start * width + done);
    if (got === 0) throw new Error(`internal error: ${path} ends before row ${start + count}`);
    done += got;
  }
  return into.subarray(0, count);
}

function copyInto(into: Uint32Array, from: Float64Array, count: number): Uint32Array {
  for (let i = 0; i < count; i++) into[i] = from[i]!;
  return into.subarray(0, count);
}
