/**
 * Binary traces (`.cbt`, binary.ts) read and written a chunk at a time, so a trace of any
 * length is replayed in O(keys + chunk) memory: a production trace of 1e9-1e10 requests
 * would take 12-16 bytes per request loaded whole.
 *
 * The reader opens the file, checks its header and that its length matches the columns the
 * header promises, loads only the key names (O(keys)) and hands out the trace's shape
 * (chunks.ts); `chunks` then reads each column's next run of requests into buffers reused
 * from chunk to chunk. The whole-file checksum is checked by a full load only: a stream
 * reads its columns side by side, not in file order.
 *
 * The writer knows the trace's length and columns up front (the bench's generator, a capture
 * or a conversion that counted first), writes each chunk's columns in place, and on `finish`
 * adds the key names, reads the file back once in order for its checksum and renames it into
 * place: a reader never sees half a file.
 */
import { closeSync, ftruncateSync, openSync, readSync, renameSync, fstatSync, writeSync } from 'node:fs';
import { TraceFormatError, UsageError } from '../errors.js';
import { releaseTemporary, removeTemporary, trackTemporary } from '../temp-files.js';
import {
  COLUMN_FLAGS,
  columnsOf,
  crc32Continued,
  FIXED_HEADER_BYTES,
  flagsOf,
  hasChecksum,
  hasSummary,
  padTo8,
  SUMMARY_PREFIX_BYTES,
  summarySection,
  headerBytes,
  parseHeader,
  type BinaryTraceMeta,
} from './binary.js';
import { shapeWith, type StreamColumns } from './chunks.js';
import { KeyNames } from './key-names.js';
import type { TimeColumn, Trace, TraceChunk } from './trace.js';
import type { SummaryRecord } from './summary.js';

const HAS_KEY_NAMES = COLUMN_FLAGS.KEY_NAMES;
/** Requests per chunk by default: 1 Mi requests is at most 29 MB of buffers, and long enough runs for the loops. */
export const DEFAULT_CHUNK_REQUESTS = 1 << 20;

type ColumnName = 'keys' | 'sizes' | 'times' | 'ops' | 'ttls' | 'costs';

interface Column {
  readonly name: ColumnName;
  readonly bytesPerRequest: number;
  readonly offset: number;
}

/** Where each column of a file with these columns, this length and this much metadata starts, in file order. */
function layoutOf(columns: StreamColumns, length: number, metaBytes: number): { columns: Column[]; end: number } {
  const laid: Column[] = [];
  let offset = FIXED_HEADER_BYTES + metaBytes;
  const add = (name: ColumnName, bytesPerRequest: number): void => {
    offset += padTo8(offset);
    laid.push({ name, bytesPerRequest, offset });
    offset += bytesPerRequest * length;
  };
  add('keys', 4);
  if (columns.sizes) add('sizes', 4);
  if (columns.times) add('times', columns.times === 'whole' ? 4 : 8);
  if (columns.ops) add('ops', 1);
  if (columns.ttls) add('ttls', 8);
  if (columns.costs) add('costs', 8);
  return { columns: laid, end: offset };
}

/** Fills `into` from file position `at`; false when the file ends first. */
function readFully(fd: number, into: Uint8Array, at: number): boolean {
  for (let done = 0; done < into.length;) {
    const read = readSync(fd, into, done, into.length - done, at + done);
    if (read === 0) return false;
    done += read;
  }
  return true;
}

function writeFully(fd: number, from: Uint8Array, at: number): void {
  for (let done = 0; done < from.length;) done += writeSync(fd, from, done, from.length - done, at + done);
}

function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** A binary trace opened for reading a chunk at a time. */
export interface TraceStream {
  readonly path: string;
  /** Length, key space, key names and which columns it has (chunks.ts). */
  readonly shape: Trace;
  readonly meta: BinaryTraceMeta;
  /**
   * The requests in order, `size` at a time. Each chunk's arrays are reused for the next:
   * use a chunk before asking for the next, or copy it.
   */
  chunks(size?: number): Generator<TraceChunk>;
  /** The same chunks from the last to the first (each in request order), for a backward pass. */
  chunksFromEnd(size?: number): Generator<TraceChunk>;
  close(): void;
}

/** Opens a binary trace for streaming; a file that is not one fails with a TraceFormatError naming it. */
export function openTraceStream(path: string): TraceStream {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TraceFormatError(code === 'ENOENT' ? 'no such file' : `cannot read (${(error as Error).message})`, path);
  }
  try {
    return streamOf(fd, path);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function streamOf(fd: number, path: string): TraceStream {
  const invalid = (why: string): TraceFormatError => new TraceFormatError(`not a valid binary trace (${why})`, path);
  const header = Buffer.alloc(FIXED_HEADER_BYTES);
  const { version, flags, length, keySpace, metaLength } = parseHeader(header, readFully(fd, header, 0), invalid);
  const fileBytes = fstatSync(fd).size;
  if (FIXED_HEADER_BYTES + metaLength > fileBytes) throw invalid('truncated');
  const metaBytes = Buffer.alloc(metaLength);
  readFully(fd, metaBytes, FIXED_HEADER_BYTES);
  let meta: BinaryTraceMeta;
  try {
    meta = JSON.parse(metaBytes.toString('utf8')) as BinaryTraceMeta;
  } catch {
    throw invalid('bad metadata');
  }
  const columns = columnsOf(flags);
  const layout = layoutOf(columns, length, metaLength);
  let end = layout.end;
  let keyNames: KeyNames | undefined;
  if (flags & HAS_KEY_NAMES) {
    end += padTo8(end);
    if (end + 4 * keySpace > fileBytes) throw invalid('truncated');
    const lengths = new Uint32Array(keySpace);
    readFully(fd, bytesOf(lengths), end);
    end += 4 * keySpace;
    // As readTraceBinary reads them: the total from a builtin's loop, offsets made on first use.
    const total = lengths.reduce((sum, length) => sum + length, 0);
    if (total > 0xffffffff) throw invalid('key names too long');
    end += padTo8(end);
    if (end + total > fileBytes) throw invalid('truncated');
    const bytes = new Uint8Array(total);
    readFully(fd, bytes, end);
    end += total;
    keyNames = KeyNames.fromUtf8Lengths(bytes, lengths, keySpace);
  }
  if (hasSummary(version)) {
    end += padTo8(end);
    const prefix = Buffer.alloc(SUMMARY_PREFIX_BYTES);
    if (end + SUMMARY_PREFIX_BYTES > fileBytes || !readFully(fd, prefix, end)) throw invalid('truncated');
    // A stream gathers its summary as it is replayed: the stored one is only stepped over.
    end += SUMMARY_PREFIX_BYTES + prefix.readUInt32LE(0);
  }
  if (hasChecksum(version)) end += padTo8(end) + 8;
  if (end !== fileBytes) throw invalid(end > fileBytes ? 'truncated' : 'bytes after its end');

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- files of format version 1 may lack it
  const shape = shapeWith({ source: meta.source ?? path, length, keySpace, ...(keyNames && { keyNames }) }, columns);
  let closed = false;
  /** Reads requests start..start+count-1 into buffers of `size` requests, reused from call to call. */
  const reader = (size: number): ((start: number, count: number) => TraceChunk) => {
    const buffers = layout.columns.map((column) => bufferFor(column, size, columns));
    return (start, count) => {
      const chunk: Record<string, unknown> = { start, length: count };
      layout.columns.forEach((column, c) => {
        const view = buffers[c]!.subarray(0, count);
        if (!readFully(fd, bytesOf(view), column.offset + start * column.bytesPerRequest)) throw invalid('truncated');
        chunk[column.name] = view;
      });
      return chunk as unknown as TraceChunk;
    };
  };
  return {
    path,
    shape,
    meta,
    *chunks(size = DEFAULT_CHUNK_REQUESTS): Generator<TraceChunk> {
      const read = reader(Math.min(size, length));
      for (let start = 0; start < length; start += size) yield read(start, Math.min(size, length - start));
    },
    *chunksFromEnd(size = DEFAULT_CHUNK_REQUESTS): Generator<TraceChunk> {
      const read = reader(Math.min(size, length));
      for (let end = length; end > 0; end -= size) yield read(Math.max(0, end - size), Math.min(size, end));
    },
    close(): void {
      if (!closed) closeSync(fd);
      closed = true;
    },
  };
}

function bufferFor(column: Column, size: number, columns: StreamColumns): Uint8Array | Uint32Array | Float64Array | TimeColumn {
  switch (column.name) {
    case 'keys':
    case 'sizes':
      return new Uint32Array(size);
    case 'times':
      return columns.times === 'whole' ? new Uint32Array(size) : new Float64Array(size);
    case 'ops':
      return new Uint8Array(size);
    case 'ttls':
    case 'costs':
      return new Float64Array(size);
  }
}

/** What a streamed binary trace will hold, declared before its first request is written. */
export interface TraceWriterOptions {
  readonly length: number;
  readonly columns: StreamColumns;
  readonly source: string;
  /** More metadata: the source file's size and modification time and the load options, for a trace cache entry. */
  readonly meta?: Omit<BinaryTraceMeta, 'source'>;
}

/** What a written trace ends with: known once every request is in (a generator or parser interns keys as it goes). */
export interface TraceWriterEnd {
  readonly keySpace: number;
  /** Key names by id (optional: a trace without them cannot be replayed against a server or by key class). */
  readonly keyNames?: KeyNames | readonly string[];
  /** The trace's summary, when the writer gathered it (TraceSummarizer.record), stored so a load needs no summary pass. */
  readonly summary?: SummaryRecord;
}

/**
 * Writes a binary trace of a known length chunk by chunk: `write` each chunk in order, then
 * `finish` with the key space and names. Until then the file is a temporary one beside
 * `path`, removed by `abort` (and by `finish` when it fails, and on an interrupt).
 */
export class TraceWriter {
  private readonly fd: number;
  private readonly temporary: string;
  private readonly layout: { columns: Column[]; end: number };
  private readonly meta: Buffer;
  private written = 0;
  private open = true;

  constructor(
    private readonly path: string,
    private readonly options: TraceWriterOptions,
  ) {
    const { length } = options;
    if (!Number.isSafeInteger(length) || length < 0)
      throw new UsageError(`a binary trace needs a whole number of requests (got ${length})`, 'out');
    this.meta = Buffer.from(JSON.stringify({ source: options.source, ...options.meta } satisfies BinaryTraceMeta), 'utf8');
    this.layout = layoutOf(options.columns, length, this.meta.length);
    this.temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    this.fd = openSync(this.temporary, 'w+');
    trackTemporary(this.temporary);
    try {
      // Sized up front: the padding between columns reads back as zeros, as in a saved file.
      ftruncateSync(this.fd, this.layout.end);
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Writes the next chunk (its start must be the requests written so far). */
  write(chunk: TraceChunk): void {
    if (chunk.start !== this.written) throw new Error(`trace writer: chunk at ${chunk.start} after ${this.written} requests`);
    if (this.written + chunk.length > this.options.length)
      throw new Error(`trace writer: more than the ${this.options.length} requests declared`);
    for (const column of this.layout.columns) {
      const values = chunk[column.name];
      if (values === undefined) throw new Error(`trace writer: the chunk at ${chunk.start} has no ${column.name} column`);
      if (column.bytesPerRequest !== values.BYTES_PER_ELEMENT) {
        throw new Error(`trace writer: ${column.name} of ${values.BYTES_PER_ELEMENT} bytes for a column of ${column.bytesPerRequest}`);
      }
      writeFully(this.fd, bytesOf(values.subarray(0, chunk.length)), column.offset + chunk.start * column.bytesPerRequest);
    }
    this.written += chunk.length;
  }

  /** Adds the header, the key names and the checksum, and renames the file into place. */
  finish(end: TraceWriterEnd): void {
    try {
      if (this.written !== this.options.length) throw new Error(`trace writer: ${this.written} of ${this.options.length} requests written`);
      const { keySpace } = end;
      if (!Number.isSafeInteger(keySpace) || keySpace < 0 || keySpace > 2 ** 32)
        throw new Error(`trace writer: a key space of ${keySpace}`);
      const given = end.keyNames;
      const names = given === undefined || given instanceof KeyNames ? given : KeyNames.fromStrings(given);
      if (names !== undefined && names.length !== keySpace) throw new Error(`trace writer: ${names.length} key names for ${keySpace} keys`);
      const header = headerBytes({
        flags: flagsOf(this.options.columns, names !== undefined),
        length: this.options.length,
        keySpace,
        metaLength: this.meta.length,
      });
      writeFully(this.fd, Buffer.concat([header, this.meta]), 0);
      let at = this.layout.end;
      const pad = (): void => {
        at += padTo8(at);
      };
      if (names !== undefined) {
        const { bytes, lengths } = names.utf8();
        pad();
        writeFully(this.fd, bytesOf(lengths), at);
        at += lengths.byteLength;
        pad();
        writeFully(this.fd, bytes, at);
        at += bytes.byteLength;
      }
      pad();
      const summary = summarySection(end.summary);
      writeFully(this.fd, summary, at);
      at += summary.length;
      pad();
      ftruncateSync(this.fd, at);
      // The checksum covers every byte before the trailer in file order, as saveTraceBinary's.
      let checksum = 0;
      const piece = new Uint8Array(1 << 24);
      for (let from = 0; from < at; from += piece.length) {
        const view = piece.subarray(0, Math.min(piece.length, at - from));
        readFully(this.fd, view, from);
        checksum = crc32Continued(view, checksum);
      }
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(checksum, 0);
      writeFully(this.fd, trailer, at);
      closeSync(this.fd);
      this.open = false;
      renameSync(this.temporary, this.path);
      releaseTemporary(this.temporary);
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Gives up: the temporary file goes. */
  abort(): void {
    if (this.open) closeSync(this.fd);
    this.open = false;
    removeTemporary(this.temporary);
  }
}
