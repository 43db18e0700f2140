/**
 * Turns the text cells of one trace row into a request, shared by both CSV readers so
 * that they accept the same values and report the same problems at the same positions.
 *
 * Accepted values:
 * - key: any text, used as-is (not trimmed); an empty key is an error.
 * - size: a non-negative whole number of bytes (digits only, at most 4294967295).
 * - time: a number in seconds (e.g. 12, 1.5, 1.7e9); times must not decrease.
 * - op: get (also gets, read, r, lookup, fetch), set (also write, w, put, update, insert,
 *   add, replace, cas, append, prepend, incr, decr) or delete (also del, d, remove, rm),
 *   in any letter case. Memcached verbs map to what they do to the cache.
 * - ttl, cost: a non-negative number of seconds, or a duration with a unit (250ms, 60s, 5m);
 *   a ttl of `never` (or `inf`) means the object never expires, whatever the run's TTL.
 * Numeric cells may carry surrounding spaces. An empty optional cell means "not given":
 * size 1, op get, ttl and cost NaN (the run's defaults apply), and the previous row's
 * time (0 on the first row) so that time never goes backwards.
 */
import { TraceFormatError, UsageError } from '../errors.js';
import { parseDuration } from '../units.js';
import type { ColumnLayout } from './columns.js';
import type { KeyNames } from './key-names.js';
import { OP_DELETE, OP_GET, OP_SET, type ColumnName, type Trace } from './trace.js';

const OP_WORDS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [OP_GET, ['get', 'gets', 'read', 'r', 'lookup', 'fetch']],
  [OP_SET, ['set', 'write', 'w', 'put', 'update', 'insert', 'add', 'replace', 'cas', 'append', 'prepend', 'incr', 'decr']],
  [OP_DELETE, ['delete', 'del', 'd', 'remove', 'rm']],
];

/** Accepted op words (lower case) and their op codes, for documentation and `--help`. */
export const OP_ALIASES: ReadonlyMap<string, number> = new Map(
  OP_WORDS.flatMap(([code, words]) => words.map((word) => [word, code] as const)),
);

// Exact-text lookups first so that the usual spellings cost no lower-casing.
const OP_EXACT = new Map<string, number>();
for (const [word, code] of OP_ALIASES) {
  OP_EXACT.set(word, code);
  OP_EXACT.set(word.toUpperCase(), code);
  OP_EXACT.set(word[0]!.toUpperCase() + word.slice(1), code);
}

const MAX_SIZE = 0xffffffff;
const NEVER_WORDS = /^(never|inf|infinity)$/i;
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The exact spellings looked up before any lower-casing, with their op codes. */
export const OP_SPELLINGS: ReadonlyMap<string, number> = OP_EXACT;

/** The op code for a cell, or -1 when the word is not known. */
export function parseOpText(text: string): number {
  const exact = OP_EXACT.get(text);
  if (exact !== undefined) return exact;
  return OP_ALIASES.get(text.trim().toLowerCase()) ?? -1;
}

/** Size in bytes, or -1 when the cell is not a whole number, -2 when it is too large. */
export function parseSizeText(text: string): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return -1;
  const value = Number(trimmed);
  return value > MAX_SIZE ? -2 : value;
}

/** Time in seconds, or NaN when the cell is not a finite number. */
export function parseTimeText(text: string): number {
  const trimmed = text.trim();
  if (!NUMBER_RE.test(trimmed)) return NaN;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : NaN;
}

/** Seconds from a plain number or a duration with a unit; a problem text when it is neither. */
export function parseSecondsText(text: string): number | string {
  const trimmed = text.trim();
  if (NUMBER_RE.test(trimmed)) {
    const value = Number(trimmed);
    if (Number.isFinite(value) && value >= 0) return value;
    return `'${text}' must be a non-negative number of seconds`;
  }
  try {
    return parseDuration(trimmed);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}

/** Raw key -> dense id in first-seen order: KeyInterner, or ByteKeyInterner for the fast path. */
export interface KeyTable {
  readonly size: number;
  intern(key: string): number;
  keyNames(): KeyNames;
}

/**
 * Where a reader's rows go: a TraceBuilder (in memory), a range's share of columns allocated
 * for a whole file (csv-ranges.ts), or a binary trace written as the rows come (spill.ts).
 */
export interface RowStore {
  /** Rows so far. */
  readonly length: number;
  push(id: number, size?: number, time?: number, op?: number, ttl?: number, cost?: number): unknown;
  pushBatch(
    count: number,
    ids: Uint32Array,
    sizes?: Uint32Array,
    times?: Float64Array,
    ops?: Uint8Array,
    ttls?: Float64Array,
    costs?: Float64Array,
  ): void;
  /**
   * The trace, once every row is in. `fillUnknownSizes`: requests of UNKNOWN_SIZE take their
   * key's size (unknown-sizes.ts), for stores that were told to expect them.
   */
  build(source: string, keySpace: number, names?: KeyNames, fillUnknownSizes?: boolean): Trace;
  /** Told before the first row by readers whose format leaves some sizes unknown. */
  expectUnknownSizes?(): void;
}

/**
 * Receives rows and appends them to the trace. Each reader calls `request` with the
 * decoded values, or one of the `bad*` methods, which throw a located TraceFormatError.
 */
export class RowSink {
  /** The last row's time; the fast path checks and updates it inline. */
  previousTime = 0;
  private rows = 0;

  constructor(
    readonly file: string,
    readonly layout: ColumnLayout,
    private readonly builder: RowStore,
    readonly interner: KeyTable,
  ) {}

  get requests(): number {
    return this.rows;
  }

  /** The loaded trace, keeping the raw key names so it can be written back out. */
  finish(): Trace {
    return this.builder.build(this.file, this.interner.size, this.interner.keyNames());
  }

  /** Appends one row given as text cells (the csv-parse path, and the fast path's slow cells). */
  textRow(fields: readonly string[], line: number): void {
    const layout = this.layout;
    const key = fields[layout.key]!;
    if (key === '') this.missingKey(line);
    const id = this.interner.intern(key);
    let time: number | undefined;
    if (layout.time >= 0) time = this.timeCell(fields[layout.time]!, line);
    const size = layout.size >= 0 ? this.sizeCell(fields[layout.size]!, line) : undefined;
    const op = layout.op >= 0 ? this.opCell(fields[layout.op]!, line) : undefined;
    const ttl = layout.ttl >= 0 ? this.secondsCell(fields[layout.ttl]!, 'ttl', line) : undefined;
    const cost = layout.cost >= 0 ? this.secondsCell(fields[layout.cost]!, 'cost', line) : undefined;
    this.push(id, size, time, op, ttl, cost);
  }

  push(
    id: number,
    size: number | undefined,
    time: number | undefined,
    op: number | undefined,
    ttl: number | undefined,
    cost: number | undefined,
  ): void {
    this.builder.push(id, size, time, op, ttl, cost);
    this.rows++;
  }

  /** Appends a batch of decoded rows (see TraceBuilder.pushBatch). */
  pushBatch(
    count: number,
    ids: Uint32Array,
    sizes?: Uint32Array,
    times?: Float64Array,
    ops?: Uint8Array,
    ttls?: Float64Array,
    costs?: Float64Array,
  ): void {
    this.builder.pushBatch(count, ids, sizes, times, ops, ttls, costs);
    this.rows += count;
  }

  /** Checks a decoded time against the previous row; an undefined time repeats it. */
  acceptTime(time: number | undefined, line: number): number {
    if (time === undefined) return this.previousTime;
    if (time < this.previousTime) this.timeWentBack(time, line);
    this.previousTime = time;
    return time;
  }

  timeWentBack(time: number, line: number): never {
    // Times start from 0: a negative one is wrong on its own, whatever came before it.
    if (time < 0) this.fail(line, 'time', `${time} is negative (times are seconds from 0 on)`);
    this.fail(line, 'time', `${time} is earlier than the previous row's ${this.previousTime} (times must not decrease)`);
  }

  timeCell(text: string, line: number): number {
    if (text === '') return this.acceptTime(undefined, line);
    const time = parseTimeText(text);
    if (Number.isNaN(time)) this.fail(line, 'time', `'${text}' is not a number of seconds`);
    return this.acceptTime(time, line);
  }

  sizeCell(text: string, line: number): number | undefined {
    if (text === '') return undefined;
    const size = parseSizeText(text);
    if (size === -1) this.fail(line, 'size', `'${text}' is not a whole number of bytes`);
    if (size === -2) this.fail(line, 'size', `'${text}' is too large (at most ${MAX_SIZE} bytes)`);
    return size;
  }

  opCell(text: string, line: number): number | undefined {
    if (text === '') return undefined;
    const op = parseOpText(text);
    if (op < 0) this.fail(line, 'op', `'${text}' is not an op (use get, set or delete; read/write/del also work)`);
    return op;
  }

  secondsCell(text: string, column: 'ttl' | 'cost', line: number): number {
    if (text === '') return NaN;
    // An object stored for good (a plain Redis SET, a TTL of 0 in Twitter's and CacheLib's
    // traces), whatever TTL the run gives the others.
    if (column === 'ttl' && NEVER_WORDS.test(text.trim())) return Infinity;
    const value = parseSecondsText(text);
    if (typeof value === 'string') this.fail(line, column, value);
    return value;
  }

  missingKey(line: number): never {
    this.fail(line, 'key', 'the row has no key');
  }

  /** Throws the error for a row whose field count differs from the header's (or first row's). */
  wrongFieldCount(got: number, line: number, hasHeader: boolean): never {
    const expected = this.layout.fieldCount;
    throw new TraceFormatError(
      `the row has ${got} field${got === 1 ? '' : 's'}, but the ${hasHeader ? 'header' : 'first row'} has ${expected}`,
      this.file,
      line,
    );
  }

  fail(line: number, column: ColumnName, message: string): never {
    const field = this.layout[column] + 1;
    throw new TraceFormatError(`column ${field} (${column}): ${message}`, this.file, line, field);
  }
}
