/**
 * What the readers of other people's formats share: reading the input line by line or record
 * by record, and collecting the requests they decode into a Trace. The collector interns
 * keys (text or numeric ids), checks that time does not go back, and fills in the sizes a
 * format knows for only some requests (a log that gives a value's size when it is stored,
 * not when it is read).
 */
import { TraceFormatError } from '../../errors.js';
import { readChunks, type ChunkBuffers, type TraceInput } from '../input.js';
import { KeyInterner } from '../intern.js';
import type { RowStore } from '../rows.js';
import { TraceBuilder, type Trace } from '../trace.js';
import { UNKNOWN_SIZE } from '../unknown-sizes.js';

export { UNKNOWN_SIZE } from '../unknown-sizes.js';

export interface CollectorOptions {
  /** Some requests carry UNKNOWN_SIZE: fill them from the same key's known sizes. */
  readonly fillSizes?: boolean;
  /**
   * Times that go back by at most this many seconds are taken as the previous time (logs
   * written by several workers at once interleave by a few milliseconds). Default 0: any step
   * back is an error naming the line.
   */
  readonly timeSlackSeconds?: number;
  /** What the positions given to `add` count: text lines (default) or binary records. */
  readonly positions?: 'line' | 'record';
  /** Where the requests go (LoadOptions.store): default a TraceBuilder, in memory. */
  readonly store?: (() => RowStore) | undefined;
}

/** A request as a server's log line records it (MONITOR, watch): its key and what it did. */
export interface LoggedRequest {
  readonly key: string;
  readonly time: number;
  readonly op: number;
  /** The value's bytes, or UNKNOWN_SIZE. */
  readonly size: number;
  readonly ttl?: number;
}

/** A decoded request: key id (from `textKey` or `numericKey`) and the columns the format has. */
export interface Decoded {
  readonly time?: number;
  readonly size?: number;
  readonly op?: number;
  readonly ttl?: number;
  readonly cost?: number;
}

export class RequestCollector {
  private readonly builder: RowStore;
  private readonly keys = new KeyInterner();
  private readonly numericIds = new Map<number, number>();
  private previousTime = -Infinity;
  private unknownSizes = 0;

  constructor(
    readonly file: string,
    private readonly options: CollectorOptions = {},
  ) {
    this.builder = options.store?.() ?? new TraceBuilder();
    if (options.fillSizes === true) this.builder.expectUnknownSizes?.();
  }

  get length(): number {
    return this.builder.length;
  }

  /** The id of a key given as text. */
  textKey(key: string): number {
    return this.keys.intern(key);
  }

  /** The id of a key given as a number (a block address, a hashed object id). */
  numericKey(key: number): number {
    let id = this.numericIds.get(key);
    if (id === undefined) {
      id = this.textKey(String(key));
      this.numericIds.set(key, id);
    }
    return id;
  }

  /** Appends a request read at `line` (or record, for binary formats). */
  add(id: number, request: Decoded, line: number, column?: number): void {
    let time = request.time;
    if (time !== undefined) {
      if (!Number.isFinite(time) || time < 0) this.fail(`the time ${time} is not a time (seconds from 0 on)`, line, column);
      if (time < this.previousTime) {
        if (this.previousTime - time <= (this.options.timeSlackSeconds ?? 0)) time = this.previousTime;
        else
          this.fail(`the time ${time} is earlier than the previous request's ${this.previousTime} (times must not decrease)`, line, column);
      }
      this.previousTime = time;
    }
    if (request.size === UNKNOWN_SIZE) this.unknownSizes++;
    this.builder.push(id, request.size, time, request.op, request.ttl, request.cost);
  }

  /** Throws the error for a bad request at `line` (or record). */
  fail(message: string, line: number, column?: number): never {
    if (this.options.positions === 'record') throw new TraceFormatError(`record ${line}: ${message}`, this.file);
    throw new TraceFormatError(message, this.file, line, column);
  }

  finish(): Trace {
    if (this.builder.length === 0) throw new TraceFormatError('there are no requests in it', this.file);
    return this.builder.build(this.file, this.keys.size, this.keys.keyNames(), this.options.fillSizes === true && this.unknownSizes > 0);
  }
}

/**
 * Calls `onLine` with every line of the input as text (UTF-8; a byte-order mark and a
 * trailing CR are dropped) and its 1-based number. Empty lines are passed too.
 */
export async function forEachLine(
  input: TraceInput,
  onLine: (text: string, line: number) => void,
  onProgress?: (bytesRead: number, fileBytes: number) => void,
  buffers?: ChunkBuffers,
): Promise<void> {
  let carry: Buffer | undefined;
  let line = 0;
  let first = true;
  const emit = (buf: Buffer, start: number, end: number): void => {
    if (end > start && buf[end - 1] === 13) end--;
    onLine(buf.toString('utf8', start, end), ++line);
  };
  // The carried tail is copied, so reused read buffers may be handed in.
  for await (const chunk of readChunks(input, { ...(onProgress && { onProgress }), ...(buffers && { buffers }) })) {
    let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    if (first) {
      first = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    let start = 0;
    for (let end = buf.indexOf(10); end >= 0; end = buf.indexOf(10, start)) {
      emit(buf, start, end);
      start = end + 1;
    }
    carry = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
  }
  if (carry) emit(carry, 0, carry.length);
}

/** Fixed records, or a header that says how long the records after it are. */
export type RecordLayout =
  { readonly recordBytes: number } | { readonly headerBytes: number; readonly onHeader: (header: Buffer) => number };

/**
 * Calls `onRecord` with each fixed-size record of a binary input: the buffer and the
 * record's offset in it, and its 0-based number. A file that ends inside the header or a
 * record is an error naming it.
 */
export async function forEachRecord(
  input: TraceInput,
  layout: RecordLayout,
  onRecord: (buf: Buffer, offset: number, index: number) => void,
  onProgress?: (bytesRead: number, fileBytes: number) => void,
): Promise<void> {
  let carry: Buffer | undefined;
  let index = 0;
  let recordBytes = 'recordBytes' in layout ? layout.recordBytes : 0;
  for await (const chunk of readChunks(input, { ...(onProgress && { onProgress }) })) {
    let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    if (recordBytes === 0 && 'headerBytes' in layout) {
      if (buf.length < layout.headerBytes) {
        carry = Buffer.from(buf);
        continue;
      }
      recordBytes = layout.onHeader(buf.subarray(0, layout.headerBytes));
      buf = buf.subarray(layout.headerBytes);
    }
    const whole = buf.length - (buf.length % recordBytes);
    for (let at = 0; at < whole; at += recordBytes) onRecord(buf, at, index++);
    carry = whole < buf.length ? Buffer.from(buf.subarray(whole)) : undefined;
  }
  if (recordBytes === 0 && 'headerBytes' in layout) {
    throw new TraceFormatError(`the file ends inside its ${layout.headerBytes}-byte header`, input.path);
  }
  if (carry) {
    throw new TraceFormatError(
      `the file ends inside record ${index + 1}: ${carry.length} of its ${recordBytes} bytes are there (a truncated download?)`,
      input.path,
    );
  }
}

/**
 * The fields of a comma-separated line of a headerless format that never quotes (Twitter's,
 * MSR's), refused with the line unless there is one per name.
 */
export function commaFields(text: string, names: readonly string[], requests: RequestCollector, line: number, row = 'a row'): string[] {
  const fields = text.split(',');
  if (fields.length !== names.length) {
    requests.fail(`${row} has ${names.length} fields (${names.join(',')}); this one has ${fields.length}`, line);
  }
  return fields;
}

/** Splits a line at runs of spaces and tabs (the whitespace-separated formats). */
export function fieldsOf(text: string): string[] {
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(/[ \t]+/);
}

/** A whole number from a cell, or the error naming the line and field. */
export function wholeNumber(text: string | undefined, what: string, file: string, line: number, field: number): number {
  if (text === undefined || !/^\d+$/.test(text)) {
    throw new TraceFormatError(`field ${field} (${what}): '${text ?? ''}' is not a whole number`, file, line, field);
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new TraceFormatError(`field ${field} (${what}): ${text} is too large`, file, line, field);
  return value;
}

/** A number from a cell (`12`, `1.5`, `1.7e9`), or the error naming the line and field. */
export function decimalNumber(text: string | undefined, what: string, file: string, line: number, field: number): number {
  const value = text === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? NaN : Number(text);
  if (!Number.isFinite(value)) throw new TraceFormatError(`field ${field} (${what}): '${text ?? ''}' is not a number`, file, line, field);
  return value;
}
