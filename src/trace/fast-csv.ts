/**
 * The fast path for simple CSV: splits lines and fields by hand straight from the byte
 * chunks and turns digit-only cells into numbers without making strings, which is what
 * makes loading several times faster than csv-parse. Plain decimals (`12`, `0.5`) are
 * converted exactly as Number() converts them; anything else goes to the shared text parsers.
 *
 * It handles exactly the layouts that need no CSV quoting rules: comma-separated fields,
 * no double quote anywhere, and lines ending in LF or CRLF (mixed as they come). On anything
 * else (a `"`, a CR on its own) it gives up and the caller reparses the file with csv-parse
 * from the start, which reads the same line endings the same way. Lines before that
 * point read the same under both parsers, so an error the fast path reports first is the
 * one csv-parse would report, at the same line and column. Values are decoded by the
 * shared RowSink, whose text parsers the digit-only shortcut here must agree with.
 */
import { isUtf8 } from 'node:buffer';
import { TraceFormatError } from '../errors.js';
import { ByteKeyInterner, type ByteKeys, type InternerBounds } from './byte-intern.js';
import { layoutFromHeader, layoutWithoutHeader, refuseHeaderAsRow, type ColumnLayout, type ColumnMapping } from './columns.js';
import { OP_SPELLINGS, type KeyTable, type RowSink } from './rows.js';
import { OP_GET } from './trace.js';

/** Returned when the file needs the full CSV parser. */
export const FALL_BACK = Symbol('fall back to csv-parse');

export interface CsvPlan {
  readonly file: string;
  readonly header: boolean;
  readonly mapping: ColumnMapping;
  /** Bounds on distinct keys and their bytes, when known before reading (uncompressed files). */
  readonly bounds?: InternerBounds;
  /**
   * The layout, when the first line was read elsewhere: every line is then a row. A range
   * of a file cut for parallel reading (csv-ranges.ts) starts this way, mid-file.
   */
  readonly layout?: ColumnLayout;
  /** Creates the sink once the layout is known from the first line. */
  startSink(layout: ColumnLayout, keys: KeyTable): RowSink;
}

const LF = 10;
const CR = 13;
const COMMA = 44;
const QUOTE = 34;
const MAX_SIZE = 0xffffffff;
const BATCH_ROWS = 4096;

// The usual op spellings, matched on their bytes so that an op cell makes no string.
const OP_TABLE = new ByteKeyInterner();
const OP_BY_SPELLING: number[] = [];
for (const [spelling, op] of OP_SPELLINGS) OP_BY_SPELLING[OP_TABLE.intern(spelling)] = op;
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

function isAsciiOrUtf8(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i]! >= 0x80) return isUtf8(buf.subarray(start, end));
  return true;
}

/**
 * The value of a plain decimal cell (digits with at most one '.', 15 digits at most), or -1
 * for anything else. All digits form an integer below 2^53 and 10^k is exact, so the one
 * division is correctly rounded: the same double Number(text) gives (Clinger's fast path).
 */
function decimalValue(buf: Buffer, start: number, end: number): number {
  if (end <= start || end - start > MAX_FAST_DIGITS + 1) return -1;
  let mantissa = 0;
  let digits = 0;
  let point = -1;
  for (let i = start; i < end; i++) {
    const digit = buf[i]! - 48;
    if (digit >= 0 && digit <= 9) {
      mantissa = mantissa * 10 + digit;
      digits++;
    } else if (digit === -2 && point < 0)
      point = i; // '.'
    else return -1;
  }
  if (digits === 0 || digits > MAX_FAST_DIGITS) return -1;
  if (point < 0) return mantissa;
  return mantissa / POWERS_OF_TEN[end - point - 1]!;
}

const POWERS_OF_TEN = Array.from({ length: MAX_FAST_DIGITS + 1 }, (_, k) => 10 ** k);

/** The fast path's reader: every line of a file, or (csv-kernel.ts) the lines the kernel leaves to it. */
export class FastCsvReader {
  sink: RowSink | undefined;
  private layout: ColumnLayout | undefined;
  /** Lines consumed so far; the line being read is `line + 1`. The kernel counts the lines it reads here. */
  line = 0;
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private readonly keys: ByteKeys;
  // Decoded rows wait here and go to the builder a batch at a time: a call per row into
  // the builder (boxing each time on the way) cost a fifth of the load time. A size or op
  // column counts as given only once some cell of it is, exactly as with push().
  private batched = 0;
  private readonly batchIds = new Uint32Array(BATCH_ROWS);
  private readonly batchSizes = new Uint32Array(BATCH_ROWS);
  private readonly batchTimes = new Float64Array(BATCH_ROWS);
  private readonly batchOps = new Uint8Array(BATCH_ROWS);
  private readonly batchTtls = new Float64Array(BATCH_ROWS);
  private readonly batchCosts = new Float64Array(BATCH_ROWS);
  private anySize = false;
  private anyOp = false;

  constructor(
    private readonly plan: CsvPlan,
    keys?: ByteKeys,
  ) {
    this.keys = keys ?? new ByteKeyInterner(plan.bounds);
    if (plan.layout) {
      this.layout = plan.layout;
      this.sink = plan.startSink(plan.layout, this.keys);
    }
  }

  /** The layout, once the first line has given it. */
  get columns(): ColumnLayout | undefined {
    return this.layout;
  }

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
        // A line ends in LF or CRLF, line by line: files edited on two systems mix them.
        // A CR on its own (classic Mac endings) is left to csv-parse.
        let next: number;
        if (c === CR) {
          if (i + 1 >= to || buf[i + 1] !== LF) return false;
          next = i + 2;
        } else {
          next = i + 1;
        }
        this.field(fields++, fieldStart, i);
        this.line++;
        if (!this.row(buf, fields)) return false;
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
      if (!this.row(buf, fields)) return false;
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

  /** Takes one line's fields; false when the file needs csv-parse. */
  private row(buf: Buffer, fields: number): boolean {
    const starts = this.starts;
    const ends = this.ends;
    if (fields === 1 && starts[0] === ends[0]) return true; // empty line, skipped as csv-parse does
    const line = this.line;
    let sink = this.sink;
    let layout = this.layout;
    if (!sink || !layout) {
      const plan = this.plan;
      if (plan.header) {
        const names: string[] = [];
        for (let f = 0; f < fields; f++) names.push(text(buf, starts[f]!, ends[f]!));
        this.layout = layoutFromHeader(names, plan.mapping, plan.file, line);
        this.sink = plan.startSink(this.layout, this.keys);
        return true;
      }
      const firstRow: string[] = [];
      for (let f = 0; f < fields; f++) firstRow.push(text(buf, starts[f]!, ends[f]!));
      refuseHeaderAsRow(firstRow, plan.mapping, plan.file, line);
      layout = this.layout = layoutWithoutHeader(fields, plan.mapping, plan.file, line);
      sink = this.sink = plan.startSink(layout, this.keys);
    }
    if (fields !== layout.fieldCount) sink.wrongFieldCount(fields, line, this.plan.header);

    let start = starts[layout.key]!;
    let end = ends[layout.key]!;
    if (start === end) sink.missingKey(line);
    let id = this.keys.find(buf, start, end);
    if (id < 0) {
      // Bytes that are not UTF-8 decode to U+FFFD, so distinct byte strings could name
      // the same key for csv-parse; such files are left to it.
      if (!isAsciiOrUtf8(buf, start, end)) return false;
      id = this.keys.add(buf, start, end);
    }

    const n = this.batched;
    this.batchIds[n] = id;

    if (layout.time >= 0) {
      start = starts[layout.time]!;
      end = ends[layout.time]!;
      let time = sink.previousTime;
      if (start !== end) {
        time = decimalValue(buf, start, end);
        if (time < 0) time = sink.timeCell(text(buf, start, end), line);
        else if (time < sink.previousTime) sink.timeWentBack(time, line);
        sink.previousTime = time;
      }
      this.batchTimes[n] = time;
    }

    if (layout.size >= 0) {
      start = starts[layout.size]!;
      end = ends[layout.size]!;
      let size = 1;
      if (start !== end) {
        size = digitsValue(buf, start, end);
        if (size < 0 || size > MAX_SIZE) size = sink.sizeCell(text(buf, start, end), line)!;
        this.anySize = true;
      }
      this.batchSizes[n] = size;
    }

    if (layout.op >= 0) {
      start = starts[layout.op]!;
      end = ends[layout.op]!;
      let op = OP_GET;
      if (start !== end) {
        const spelling = OP_TABLE.find(buf, start, end);
        op = spelling >= 0 ? OP_BY_SPELLING[spelling]! : sink.opCell(text(buf, start, end), line)!;
        this.anyOp = true;
      }
      this.batchOps[n] = op;
    }

    if (layout.ttl >= 0) this.batchTtls[n] = this.seconds(buf, sink, layout.ttl, 'ttl', line);
    if (layout.cost >= 0) this.batchCosts[n] = this.seconds(buf, sink, layout.cost, 'cost', line);

    if (++this.batched === BATCH_ROWS) this.flush();
    return true;
  }

  /** Hands the decoded rows to the trace builder, one copy per column. */
  flush(): void {
    const sink = this.sink;
    if (sink) this.takeRows(sink.pushBatch.bind(sink));
  }

  /** Hands the decoded rows to `take` (the sink's pushBatch, or the CSV kernel's batch), as flush() does. */
  takeRows(take: RowSink['pushBatch']): void {
    const layout = this.layout;
    if (!layout || this.batched === 0) return;
    take(
      this.batched,
      this.batchIds,
      this.anySize ? this.batchSizes : undefined,
      layout.time >= 0 ? this.batchTimes : undefined,
      this.anyOp ? this.batchOps : undefined,
      layout.ttl >= 0 ? this.batchTtls : undefined,
      layout.cost >= 0 ? this.batchCosts : undefined,
    );
    this.batched = 0;
    this.anySize = false;
    this.anyOp = false;
  }

  private seconds(buf: Buffer, sink: RowSink, field: number, column: 'ttl' | 'cost', line: number): number {
    const start = this.starts[field]!;
    const end = this.ends[field]!;
    if (start === end) return NaN;
    const value = decimalValue(buf, start, end);
    return value >= 0 ? value : sink.secondsCell(text(buf, start, end), column, line);
  }
}

/**
 * Reads CSV chunks with the fast path. Returns the sink (undefined when the file has no
 * non-empty line), or FALL_BACK when csv-parse must read the file instead.
 */
export async function readCsvFast(chunks: AsyncIterable<Buffer>, plan: CsvPlan): Promise<RowSink | undefined | typeof FALL_BACK> {
  const reader = new FastCsvReader(plan);
  // The unfinished last line of the previous chunk; only it is copied, never a whole chunk.
  let carry: Buffer | undefined;
  // A byte-order mark can only start the file, never a range that begins mid-file.
  let first = plan.layout === undefined;
  for await (let chunk of chunks) {
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let from = 0;
    if (carry) {
      const lineEnd = chunk.indexOf(LF);
      if (lineEnd < 0) {
        carry = Buffer.concat([carry, chunk]);
        continue;
      }
      const joined = Buffer.concat([carry, chunk.subarray(0, lineEnd + 1)]);
      carry = undefined;
      if (!reader.consume(joined, 0, joined.length, false)) return FALL_BACK;
      from = lineEnd + 1;
    }
    const lastLineEnd = chunk.lastIndexOf(LF);
    if (lastLineEnd >= from) {
      if (!reader.consume(chunk, from, lastLineEnd + 1, false)) return FALL_BACK;
      from = lastLineEnd + 1;
    }
    if (from < chunk.length) carry = chunk.subarray(from);
  }
  if (carry && !reader.consume(carry, 0, carry.length, true)) return FALL_BACK;
  reader.flush();
  return reader.sink;
}

/** The error when a caller insists on the fast path for a file that needs csv-parse. */
export function fastPathRefused(file: string): TraceFormatError {
  return new TraceFormatError('the fast CSV reader cannot read this file (it has quotes or mixed line endings)', file);
}
