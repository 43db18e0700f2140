/**
 * The fast path for simple CSV: splits lines and fields by hand straight from the byte
 * chunks and turns digit-only cells into numbers without making strings, which is what
 * makes loading several times faster than csv-parse.
 *
 * It handles exactly the layouts that need no CSV quoting rules: comma-separated fields,
 * no double quote anywhere, and one line ending used throughout (LF, or CRLF when the
 * first line ends in CRLF). On anything else (a `"`, a stray CR, mixed endings) it gives
 * up and the caller reparses the file with csv-parse from the start. Lines before that
 * point read the same under both parsers, so an error the fast path reports first is the
 * one csv-parse would report, at the same line and column. Values are decoded by the
 * shared RowSink, whose text parsers the digit-only shortcut here must agree with.
 */
import { TraceFormatError } from '../errors.js';
import { layoutFromHeader, layoutWithoutHeader, type ColumnLayout, type ColumnMapping } from './columns.js';
import type { RowSink } from './rows.js';

/** Returned when the file needs the full CSV parser. */
export const FALL_BACK = Symbol('fall back to csv-parse');

export interface CsvPlan {
  readonly file: string;
  readonly header: boolean;
  readonly mapping: ColumnMapping;
  /** Creates the sink once the layout is known from the first line. */
  startSink(layout: ColumnLayout): RowSink;
}

const LF = 10;
const CR = 13;
const COMMA = 44;
const QUOTE = 34;
const MAX_SIZE = 0xffffffff;
/** Longest digit run whose value a double holds exactly. */
const MAX_FAST_DIGITS = 15;

type Utf8Slicer = (this: Buffer, start: number, end: number) => string;
const utf8Slice: Utf8Slicer =
  (Buffer.prototype as unknown as { utf8Slice?: Utf8Slicer }).utf8Slice ??
  function (this: Buffer, start: number, end: number) {
    return this.toString('utf8', start, end);
  };

function text(buf: Buffer, start: number, end: number): string {
  return utf8Slice.call(buf, start, end);
}

/** The value of a cell of 1..15 ASCII digits, or -1 for anything else (decoded the slow way). */
function digitsValue(buf: Buffer, start: number, end: number): number {
  if (end <= start || end - start > MAX_FAST_DIGITS) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = buf[i]! - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

class FastCsvReader {
  sink: RowSink | undefined;
  private layout: ColumnLayout | undefined;
  /** Lines consumed so far; the line being read is `line + 1`. */
  private line = 0;
  /** 0 until the first line ending is seen, then LF or CR (meaning CRLF). */
  private lineEnding = 0;
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);

  constructor(private readonly plan: CsvPlan) {}

  /**
   * Reads the lines in buf[from, to). Every line ends in LF except, when `final`, the last.
   * Returns false when the data needs csv-parse.
   */
  consume(buf: Buffer, from: number, to: number, final: boolean): boolean {
    let fieldStart = from;
    let fields = 0;
    let i = from;
    while (i < to) {
      const c = buf[i]!;
      if (c > COMMA) {
        i++;
        continue;
      }
      if (c === COMMA) {
        this.field(fields++, fieldStart, i);
        fieldStart = ++i;
        continue;
      }
      if (c === LF || c === CR) {
        let next: number;
        if (c === CR) {
          if (this.lineEnding === LF || i + 1 >= to || buf[i + 1] !== LF) return false;
          this.lineEnding = CR;
          next = i + 2;
        } else {
          if (this.lineEnding === CR) return false;
          this.lineEnding = LF;
          next = i + 1;
        }
        this.field(fields++, fieldStart, i);
        this.line++;
        this.row(buf, fields);
        i = next;
        fieldStart = i;
        fields = 0;
        continue;
      }
      if (c === QUOTE) return false;
      i++;
    }
    if (final && (fieldStart < to || fields > 0)) {
      this.field(fields++, fieldStart, to);
      this.line++;
      this.row(buf, fields);
    }
    return true;
  }

  private field(index: number, start: number, end: number): void {
    if (index === this.starts.length) {
      const starts = new Int32Array(index * 2);
      const ends = new Int32Array(index * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.starts[index] = start;
    this.ends[index] = end;
  }

  private row(buf: Buffer, fields: number): void {
    const starts = this.starts;
    const ends = this.ends;
    if (fields === 1 && starts[0] === ends[0]) return; // empty line, skipped as csv-parse does
    const line = this.line;
    let sink = this.sink;
    let layout = this.layout;
    if (!sink || !layout) {
      const plan = this.plan;
      if (plan.header) {
        const names: string[] = [];
        for (let f = 0; f < fields; f++) names.push(text(buf, starts[f]!, ends[f]!));
        this.layout = layoutFromHeader(names, plan.mapping, plan.file, line);
        this.sink = plan.startSink(this.layout);
        return;
      }
      layout = this.layout = layoutWithoutHeader(fields, plan.mapping, plan.file, line);
      sink = this.sink = plan.startSink(layout);
    }
    if (fields !== layout.fieldCount) sink.wrongFieldCount(fields, line, this.plan.header);

    let start = starts[layout.key]!;
    let end = ends[layout.key]!;
    if (start === end) sink.missingKey(line);
    const id = sink.interner.intern(text(buf, start, end));

    let time: number | undefined;
    if (layout.time >= 0) {
      start = starts[layout.time]!;
      end = ends[layout.time]!;
      if (start === end) time = sink.acceptTime(undefined, line);
      else {
        const value = digitsValue(buf, start, end);
        time = value >= 0 ? sink.acceptTime(value, line) : sink.timeCell(text(buf, start, end), line);
      }
    }

    let size: number | undefined;
    if (layout.size >= 0) {
      start = starts[layout.size]!;
      end = ends[layout.size]!;
      if (start !== end) {
        const value = digitsValue(buf, start, end);
        size = value >= 0 && value <= MAX_SIZE ? value : sink.sizeCell(text(buf, start, end), line);
      }
    }

    let op: number | undefined;
    if (layout.op >= 0) {
      start = starts[layout.op]!;
      end = ends[layout.op]!;
      if (start !== end) op = sink.opCell(text(buf, start, end), line);
    }

    let ttl: number | undefined;
    if (layout.ttl >= 0) ttl = this.seconds(buf, sink, layout.ttl, 'ttl', line);
    let cost: number | undefined;
    if (layout.cost >= 0) cost = this.seconds(buf, sink, layout.cost, 'cost', line);

    sink.push(id, size, time, op, ttl, cost);
  }

  private seconds(buf: Buffer, sink: RowSink, field: number, column: 'ttl' | 'cost', line: number): number {
    const start = this.starts[field]!;
    const end = this.ends[field]!;
    if (start === end) return NaN;
    const value = digitsValue(buf, start, end);
    return value >= 0 ? value : sink.secondsCell(text(buf, start, end), column, line);
  }
}

const BOM = [0xef, 0xbb, 0xbf];

/**
 * Reads CSV chunks with the fast path. Returns the sink (undefined when the file has no
 * non-empty line), or FALL_BACK when csv-parse must read the file instead.
 */
export async function readCsvFast(chunks: AsyncIterable<Buffer>, plan: CsvPlan): Promise<RowSink | undefined | typeof FALL_BACK> {
  const reader = new FastCsvReader(plan);
  let carry: Buffer | undefined;
  let first = true;
  for await (const chunk of chunks) {
    let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    if (first && buf.length < BOM.length && buf.every((byte, i) => byte === BOM[i])) {
      carry = buf; // too short to tell whether a byte-order mark is coming
      continue;
    }
    if (first) {
      first = false;
      if (buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2]) buf = buf.subarray(3);
    }
    const lastLineEnd = buf.lastIndexOf(LF);
    if (lastLineEnd < 0) {
      carry = buf;
      continue;
    }
    if (!reader.consume(buf, 0, lastLineEnd + 1, false)) return FALL_BACK;
    carry = lastLineEnd + 1 < buf.length ? buf.subarray(lastLineEnd + 1) : undefined;
  }
  if (carry) {
    if (first && carry[0] === BOM[0] && carry[1] === BOM[1] && carry[2] === BOM[2]) carry = carry.subarray(3);
    if (!reader.consume(carry, 0, carry.length, true)) return FALL_BACK;
  }
  return reader.sink;
}

/** The error when a caller insists on the fast path for a file that needs csv-parse. */
export function fastPathRefused(file: string): TraceFormatError {
  return new TraceFormatError('the fast CSV reader cannot read this file (it has quotes or mixed line endings)', file);
}
