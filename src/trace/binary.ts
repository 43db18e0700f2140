/**
 * A compact binary copy of a loaded trace (`.cbt`), so that repeated runs on a big CSV
 * skip parsing: loading it is one file read plus typed-array views, no per-row work.
 *
 * Layout (little-endian; every section starts on an 8-byte boundary so the columns can be
 * viewed in place):
 *   0  magic "CBTRACE\0"      8  format version (u32)    12 column flags (u32)
 *   16 request count (f64)    24 key space (f64)         32 metadata byte length (u32)
 *   36 metadata: UTF-8 JSON {source, sourceBytes, sourceModifiedMs, options}
 *   then keys (u32 x n), and when flagged: sizes (u32), times (f64), ops (u8), ttls (f64),
 *   costs (f64), key names (u32 byte length per id, then the UTF-8 bytes), (version 4) the
 *   trace's summary (u32 byte length, 4 zero bytes, UTF-8 JSON: summary.ts, SummaryRecord;
 *   length 0 when the writer had none), so a load needs no summary pass, and (version 3) a
 *   trailer: the CRC-32 (u32, then 4 zero bytes) of every byte before it, padding included.
 * A file whose checksum does not match is refused (a damaged cache is rebuilt from its CSV).
 * Files are written to a temporary name and renamed, so a reader never sees half a file.
 */
import { endianness } from 'node:os';
import { readSync } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { withTemporary } from '../temp-files.js';
import { TraceFormatError, UsageError } from '../errors.js';
import type { LoadOptions } from './csv.js';
import { loadTraceInput } from './formats/index.js';
import { openTraceInput } from './input.js';
import type { Trace } from './trace.js';
import { streamColumnsOf, type StreamColumns } from './chunks.js';
import { KeyNames } from './key-names.js';
import { rememberSummary, summaryRecordOf, type SummaryRecord } from './summary.js';
import { nodeZlib } from '../lazy-builtins.js';

export const BINARY_TRACE_MAGIC = 'CBTRACE\0';
/**
 * Version 2 added whole-second time columns (TIMES_ARE_WHOLE_SECONDS); version 3 the
 * checksum trailer; version 4 the stored summary. Versions 1 and 2 still load (unchecked:
 * they have no checksum), and 1 to 3 are summarized when loaded.
 */
export const BINARY_TRACE_VERSION = 4;
const FIRST_CHECKED_VERSION = 3;
const FIRST_SUMMARIZED_VERSION = 4;
const OLDEST_READABLE_VERSION = 1;
/** The default cache file for a trace: next to it, with this suffix. */
export const CACHE_SUFFIX = '.cbt';

/** The header's column flags (u32 at byte 12). */
export const COLUMN_FLAGS = {
  SIZES: 1,
  TIMES: 2,
  OPS: 4,
  TTLS: 8,
  COSTS: 16,
  KEY_NAMES: 32,
  /** The time column is stored as Uint32 (trace.ts, TimeColumn) rather than Float64. */
  TIMES_ARE_WHOLE_SECONDS: 64,
} as const;
const { SIZES: HAS_SIZES, TIMES: HAS_TIMES, OPS: HAS_OPS, TTLS: HAS_TTLS, COSTS: HAS_COSTS, KEY_NAMES: HAS_KEY_NAMES } = COLUMN_FLAGS;
const TIMES_ARE_WHOLE_SECONDS = COLUMN_FLAGS.TIMES_ARE_WHOLE_SECONDS;
/** Bytes before the metadata: magic, version, flags, count, key space, metadata length. */
export const FIXED_HEADER_BYTES = 36;

/** The header's flags for these columns (and key names or not). */
export function flagsOf(columns: StreamColumns, keyNames: boolean): number {
  return (
    (columns.sizes ? HAS_SIZES : 0) |
    (columns.times ? HAS_TIMES : 0) |
    (columns.ops ? HAS_OPS : 0) |
    (columns.ttls ? HAS_TTLS : 0) |
    (columns.costs ? HAS_COSTS : 0) |
    (keyNames ? HAS_KEY_NAMES : 0) |
    (columns.times === 'whole' ? TIMES_ARE_WHOLE_SECONDS : 0)
  );
}

/** The columns the header's flags say a file has. */
export function columnsOf(flags: number): StreamColumns {
  return {
    ...(flags & HAS_SIZES && { sizes: true }),
    ...(flags & HAS_TIMES && { times: flags & TIMES_ARE_WHOLE_SECONDS ? ('whole' as const) : ('fractional' as const) }),
    ...(flags & HAS_OPS && { ops: true }),
    ...(flags & HAS_TTLS && { ttls: true }),
    ...(flags & HAS_COSTS && { costs: true }),
  };
}

/** The fixed header's fields. */
export interface BinaryHeader {
  readonly version: number;
  readonly flags: number;
  readonly length: number;
  readonly keySpace: number;
  readonly metaLength: number;
}

/** The fixed header of a file of this format version. */
export function headerBytes(header: Omit<BinaryHeader, 'version'>): Buffer {
  const bytes = Buffer.alloc(FIXED_HEADER_BYTES);
  bytes.write(BINARY_TRACE_MAGIC, 0, 'latin1');
  bytes.writeUInt32LE(BINARY_TRACE_VERSION, 8);
  bytes.writeUInt32LE(header.flags, 12);
  bytes.writeDoubleLE(header.length, 16);
  bytes.writeDoubleLE(header.keySpace, 24);
  bytes.writeUInt32LE(header.metaLength, 32);
  return bytes;
}

/** The fixed header's fields, checked: `invalid(why)` makes the error for a file that is not a readable binary trace. */
export function parseHeader(bytes: Buffer, read: boolean, invalid: (why: string) => Error): BinaryHeader {
  if (!read || bytes.toString('latin1', 0, 8) !== BINARY_TRACE_MAGIC) throw invalid('bad magic');
  const version = bytes.readUInt32LE(8);
  if (version < OLDEST_READABLE_VERSION || version > BINARY_TRACE_VERSION) {
    throw invalid(`format version ${version}, this build reads ${OLDEST_READABLE_VERSION} to ${BINARY_TRACE_VERSION}`);
  }
  const length = bytes.readDoubleLE(16);
  const keySpace = bytes.readDoubleLE(24);
  if (!Number.isSafeInteger(length) || !Number.isSafeInteger(keySpace) || length < 0 || keySpace < 0) throw invalid('bad header');
  return { version, flags: bytes.readUInt32LE(12), length, keySpace, metaLength: bytes.readUInt32LE(32) };
}

/** Whether a file of this format version stores its summary (before the trailer). */
export function hasSummary(version: number): boolean {
  return version >= FIRST_SUMMARIZED_VERSION;
}

/** The bytes before a stored summary's JSON: its byte length (u32) and 4 zero bytes. */
export const SUMMARY_PREFIX_BYTES = 8;

/** The summary section: prefix and JSON (just the prefix, saying length 0, without a record). */
export function summarySection(record: SummaryRecord | undefined): Buffer {
  const json = record === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(record), 'utf8');
  const prefix = Buffer.alloc(SUMMARY_PREFIX_BYTES);
  prefix.writeUInt32LE(json.length, 0);
  return Buffer.concat([prefix, json]);
}

/** The stored summary's JSON, parsed (undefined when the section is empty): `invalid` for bytes that are not JSON. */
export function parseSummary(json: Uint8Array, invalid: (why: string) => Error): unknown {
  if (json.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8'));
  } catch {
    throw invalid('bad summary');
  }
}

/** Whether a file of this format version ends with a checksum trailer. */
export function hasChecksum(version: number): boolean {
  return version >= FIRST_CHECKED_VERSION;
}

/** What the cache remembers about where a trace came from, to tell whether it is stale. */
export interface BinaryTraceMeta {
  readonly source: string;
  readonly sourceBytes?: number;
  readonly sourceModifiedMs?: number;
  readonly options?: CacheKeyOptions;
}

interface CacheKeyOptions {
  readonly columns: string | null;
  readonly header: boolean;
  /** The format as named (absent when detected). */
  readonly format?: string;
}

export interface SaveOptions {
  /** Also store the raw key names (default true when the trace has them). */
  readonly keyNames?: boolean;
  /** Provenance written into the file; `source` defaults to the trace's. */
  readonly meta?: Partial<BinaryTraceMeta>;
  /** @internal Largest single read or write; tests make it small to exercise the pieces. */
  readonly ioChunkBytes?: number;
}

/** The pieces a file is read in, each checksummed while the next is read. */
const CHECK_PIECE_BYTES = 4 << 20;

/** Reads up to this size are made synchronously (see readTraceBinary). */
const SMALL_READ_BYTES = 64 << 10;

/** Largest single read or write: Node refuses more than 2 GiB at once (readFile included). */
const IO_CHUNK_BYTES = 1 << 30;

function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new Error('binary trace files are only supported on little-endian machines');
}

/**
 * The CRC-32 of `bytes` continued from `value`. Node's zlib.crc32 returns 0 for an empty
 * view of an empty ArrayBuffer (an empty column) whatever the running value, which would
 * make the checksum of a file with an empty column depend on how it was read.
 */
export function crc32Continued(bytes: Uint8Array, value: number): number {
  return bytes.length === 0 ? value : nodeZlib().crc32(bytes, value);
}

/** The padding after `bytes` that brings the next section to a multiple of 8. */
export function padTo8(bytes: number): number {
  return (8 - (bytes % 8)) % 8;
}

function bytesOf(array: ArrayBufferView): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Writes `trace` to `path` atomically (temporary file, then rename). */
export async function saveTraceBinary(trace: Trace, path: string, options: SaveOptions = {}): Promise<void> {
  assertLittleEndian();
  const ioChunkBytes = options.ioChunkBytes ?? IO_CHUNK_BYTES;
  const withNames = (options.keyNames ?? true) && trace.keyNames !== undefined;
  const meta: BinaryTraceMeta = { source: trace.source, ...options.meta };
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  const flags = flagsOf(streamColumnsOf(trace), withNames);

  const header = headerBytes({ flags, length: trace.length, keySpace: trace.keySpace, metaLength: metaBytes.length });

  const parts: Buffer[] = [header, metaBytes];
  let offset = header.length + metaBytes.length;
  const add = (part: Buffer): void => {
    const pad = padTo8(offset);
    if (pad) parts.push(Buffer.alloc(pad));
    parts.push(part);
    offset += pad + part.length;
  };
  add(bytesOf(trace.keys.subarray(0, trace.length)));
  const addTrailer = (): void => {
    const pad = padTo8(offset);
    if (pad) parts.push(Buffer.alloc(pad));
    let checksum = 0;
    for (const part of parts) checksum = crc32Continued(part, checksum);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(checksum, 0);
    parts.push(trailer);
    offset += pad + trailer.length;
  };
  if (trace.sizes) add(bytesOf(trace.sizes.subarray(0, trace.length)));
  if (trace.times) add(bytesOf(trace.times.subarray(0, trace.length)));
  if (trace.ops) add(bytesOf(trace.ops.subarray(0, trace.length)));
  if (trace.ttls) add(bytesOf(trace.ttls.subarray(0, trace.length)));
  if (trace.costs) add(bytesOf(trace.costs.subarray(0, trace.length)));
  if (withNames) {
    const { bytes, lengths } = trace.keyNames.utf8();
    add(bytesOf(lengths));
    add(bytesOf(bytes));
  }
  add(summarySection(summaryRecordOf(trace)));
  addTrailer();

  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await withTemporary(
    temporary,
    async (file) => {
      const handle = await open(file, 'w');
      try {
        // Part by part, in pieces: one write moves at most about 2 GiB (a column of a large
        // trace is more), and a write may take only part of what it is given.
        let position = 0;
        for (const part of parts) {
          for (let done = 0; done < part.length;) {
            const { bytesWritten } = await handle.write(part, done, Math.min(ioChunkBytes, part.length - done), position);
            done += bytesWritten;
            position += bytesWritten;
          }
        }
      } finally {
        await handle.close();
      }
      // A directory (or anything else) in the way fails here, and the temporary file goes.
      await rename(file, path);
    },
    (file) => rm(file, { force: true }),
  );
}

/**
 * Reads a file written by saveTraceBinary, each column straight into a typed array of its
 * own in pieces of at most 1 GiB, so a trace of any size loads (readFile stops at 2 GiB) and
 * nothing but the columns is ever held. The trace comes with the file's metadata.
 */
export async function loadTraceBinary(
  path: string,
  options: { readonly ioChunkBytes?: number } = {},
): Promise<Trace & { readonly meta: BinaryTraceMeta }> {
  const { trace, meta, summary } = await readTraceBinary(path, options);
  return withStoredSummary({ ...trace, meta }, summary);
}

/** A binary trace as read: the trace, the file's metadata and the summary it stores (if any). */
export interface BinaryTraceRead {
  readonly trace: Trace;
  readonly meta: BinaryTraceMeta;
  readonly summary: unknown;
}

/**
 * `trace` (made from a file's columns) with the summary the file stored, so that no summary
 * pass is made for it. Summaries are remembered per trace object (summary.ts), so a trace
 * made anew from a read one, even with the same columns, needs this again.
 */
export function withStoredSummary<T extends Trace>(trace: T, summary: unknown): T {
  // A record that does not fit the trace is passed over: the trace is summarized when asked.
  if (summary !== undefined) rememberSummary(trace, summary);
  return trace;
}

/** loadTraceBinary's read: the trace (its stored summary remembered for it) and what else the file holds. */
export async function readTraceBinary(path: string, options: { readonly ioChunkBytes?: number } = {}): Promise<BinaryTraceRead> {
  assertLittleEndian();
  const ioChunkBytes = options.ioChunkBytes ?? IO_CHUNK_BYTES;
  const cannotRead = (error: unknown): TraceFormatError => {
    const code = (error as NodeJS.ErrnoException).code;
    return new TraceFormatError(code === 'ENOENT' ? 'no such file' : `cannot read (${(error as Error).message})`, path);
  };
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw cannotRead(error);
  }
  try {
    const invalid = (why: string): TraceFormatError => new TraceFormatError(`not a valid binary trace (${why})`, path);
    /**
     * Fills `into` from file position `at` in pieces; false when the file ends first. Each
     * piece is handed to `check` while the next one is read: the read runs on libuv's thread
     * pool, so checksumming a column costs the main thread almost nothing.
     */
    const readAt = async (into: Uint8Array, at: number, check?: (piece: Uint8Array) => void): Promise<boolean> => {
      // The header, padding, summary and trailer are a few bytes each, read at once: through
      // the thread pool each cost a round trip, and one could wait milliseconds for a thread
      // while the pool's are busy.
      if (into.length <= Math.min(SMALL_READ_BYTES, ioChunkBytes)) {
        let done = 0;
        try {
          for (let got = -1; done < into.length && got !== 0; done += got)
            got = readSync(handle.fd, into, done, into.length - done, at + done);
        } catch (error) {
          throw cannotRead(error);
        }
        if (done < into.length) return false;
        check?.(into);
        return true;
      }
      let unchecked: Uint8Array | undefined;
      for (let done = 0; done < into.length;) {
        const reading = handle.read(into, done, Math.min(CHECK_PIECE_BYTES, ioChunkBytes, into.length - done), at + done);
        if (unchecked !== undefined) check?.(unchecked);
        let bytesRead: number;
        try {
          ({ bytesRead } = await reading);
        } catch (error) {
          throw cannotRead(error);
        }
        if (bytesRead === 0) return false;
        unchecked = into.subarray(done, done + bytesRead);
        done += bytesRead;
      }
      if (unchecked !== undefined) check?.(unchecked);
      return true;
    };

    const header = Buffer.alloc(FIXED_HEADER_BYTES);
    const { version, flags, length, keySpace, metaLength } = parseHeader(header, await readAt(header, 0), invalid);
    const fileBytes = (await handle.stat()).size;
    if (FIXED_HEADER_BYTES + metaLength > fileBytes) throw invalid('truncated');
    const metaBytes = Buffer.alloc(metaLength);
    await readAt(metaBytes, FIXED_HEADER_BYTES);
    let meta: BinaryTraceMeta;
    try {
      meta = JSON.parse(metaBytes.toString('utf8')) as BinaryTraceMeta;
    } catch {
      throw invalid('bad metadata');
    }

    // Every byte read is folded into the checksum, padding included, in file order.
    let checksum = crc32Continued(metaBytes, nodeZlib().crc32(header));
    let offset = FIXED_HEADER_BYTES + metaLength;
    const fold = (bytes: Uint8Array): void => {
      checksum = crc32Continued(bytes, checksum);
    };
    const skipPadding = async (): Promise<void> => {
      const pad = padTo8(offset);
      if (pad === 0) return;
      const padding = Buffer.alloc(pad);
      if (offset + pad > fileBytes || !(await readAt(padding, offset, fold))) throw invalid('truncated');
      offset += pad;
    };
    const take = async <A extends Uint8Array | Uint32Array | Float64Array>(
      Type: { new (buffer: ArrayBuffer, byteOffset: number, length: number): A; BYTES_PER_ELEMENT: number },
      count: number,
    ): Promise<A> => {
      await skipPadding();
      const byteLength = count * Type.BYTES_PER_ELEMENT;
      // Checked before allocating, so a corrupt length cannot ask for absurd memory.
      if (offset + byteLength > fileBytes) throw invalid('truncated');
      // Not zero-filled: every byte is read from the file, or the load fails.
      const column = new Type(Buffer.allocUnsafeSlow(byteLength).buffer, 0, count);
      if (!(await readAt(new Uint8Array(column.buffer, 0, byteLength), offset, fold))) throw invalid('truncated');
      offset += byteLength;
      return column;
    };
    const keys = await take(Uint32Array, length);
    const sizes = flags & HAS_SIZES ? await take(Uint32Array, length) : undefined;
    const times =
      flags & HAS_TIMES
        ? flags & TIMES_ARE_WHOLE_SECONDS
          ? await take(Uint32Array, length)
          : await take(Float64Array, length)
        : undefined;
    const ops = flags & HAS_OPS ? await take(Uint8Array, length) : undefined;
    const ttls = flags & HAS_TTLS ? await take(Float64Array, length) : undefined;
    const costs = flags & HAS_COSTS ? await take(Float64Array, length) : undefined;
    let keyNames: KeyNames | undefined;
    if (flags & HAS_KEY_NAMES) {
      // Names stay as the file's UTF-8 bytes and are decoded only when asked for (key-names.ts).
      const nameLengths = await take(Uint32Array, keySpace);
      // A builtin's loop: a loop of ours runs interpreted the first time, a few ms on 1e5 keys.
      const total = nameLengths.reduce((sum, length) => sum + length, 0);
      if (total > 0xffffffff) throw invalid('key names too long');
      keyNames = KeyNames.fromUtf8Lengths(await take(Uint8Array, total), nameLengths, keySpace);
    }
    let record: unknown;
    if (hasSummary(version)) {
      const prefix = await take(Uint8Array, SUMMARY_PREFIX_BYTES);
      const byteLength = Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength).readUInt32LE(0);
      record = parseSummary(await take(Uint8Array, byteLength), invalid);
    }
    if (hasChecksum(version)) {
      await skipPadding();
      const trailer = Buffer.alloc(8);
      if (offset + 8 !== fileBytes || !(await readAt(trailer, offset))) throw invalid('truncated, or bytes after its end');
      if (trailer.readUInt32LE(0) !== checksum) throw invalid('checksum mismatch: the file is damaged');
    }
    const trace: Trace = {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- files of format version 1 may lack it
      source: meta.source ?? path,
      length,
      keys,
      keySpace,
      ...(sizes && { sizes }),
      ...(times && { times }),
      ...(ops && { ops }),
      ...(ttls && { ttls }),
      ...(costs && { costs }),
      ...(keyNames && { keyNames }),
    };
    return { trace: withStoredSummary(trace, record), meta, summary: record };
  } finally {
    await handle.close();
  }
}

/** The part of the load options that changes the loaded trace (recorded in a cache entry's metadata). */
export function cacheKeyOptions(options: CachedLoadOptions): CacheKeyOptions {
  const columns = options.columns?.trim();
  const params = Object.entries(options.formatParams ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .sort();
  const format = [options.format?.trim() ?? '', ...params].join(params.length > 0 ? '+' : '');
  return { columns: columns ? columns : null, header: options.header ?? true, ...(format && { format }) };
}

/** The load options that change what a file loads to. */
export type CachedLoadOptions = LoadOptions & { readonly format?: string; readonly formatParams?: Readonly<Record<string, string>> };

export interface CachedLoad {
  readonly trace: Trace;
  readonly cachePath: string;
  /** `hit`: read from the cache; `written`: parsed and cached; `unwritable`: parsed, cache not saved. */
  readonly cache: 'hit' | 'written' | 'unwritable';
  /** Set when a cache was there but could not be used (damaged, another format): why. It was rebuilt. */
  readonly damaged?: string;
}

/**
 * Loads a trace file through its binary cache: uses `cachePath` (default `path + .cbt`)
 * when it was made from this very file (same size and modification time) with the same
 * load options; otherwise parses the file and rewrites the cache. A cache that cannot be
 * read is ignored and replaced; one that cannot be written does not fail the load.
 */
export async function loadTraceCachedWithStatus(
  path: string,
  options: CachedLoadOptions = {},
  cachePath = path + CACHE_SUFFIX,
): Promise<CachedLoad> {
  const input = await openTraceInput(path);
  if (!input.seekable) throw new UsageError(`${input.path} is a stream; a trace cache is kept for files only`, 'cache');
  const wanted = cacheKeyOptions(options);
  const cached = await stat(cachePath).catch(() => undefined);
  let damaged: string | undefined;
  if (cached?.isFile() && cached.mtimeMs >= input.modifiedMs) {
    try {
      const { trace, meta, summary } = await readTraceBinary(cachePath);
      // Files of format version 1 may have no load options recorded.
      const saved = meta.options as
        { readonly columns?: string | undefined; readonly header?: boolean | undefined; readonly format?: string | undefined } | undefined;
      const [savedColumns, savedHeader, savedFormat] = [saved?.columns, saved?.header, saved?.format];
      if (
        meta.sourceBytes === input.fileBytes &&
        meta.sourceModifiedMs === input.modifiedMs &&
        savedColumns === wanted.columns &&
        savedHeader === wanted.header &&
        savedFormat === wanted.format
      ) {
        return { trace: withStoredSummary({ ...trace, source: path }, summary), cachePath, cache: 'hit' };
      }
    } catch (error) {
      if (!(error instanceof TraceFormatError)) throw error;
      damaged = error.message;
    }
  }
  const { trace } = await loadTraceInput(path, options);
  const status = damaged === undefined ? {} : { damaged };
  try {
    await saveTraceBinary(trace, cachePath, {
      meta: { source: path, sourceBytes: input.fileBytes, sourceModifiedMs: input.modifiedMs, options: wanted },
    });
    return { trace, cachePath, cache: 'written', ...status };
  } catch {
    return { trace, cachePath, cache: 'unwritable', ...status };
  }
}

/** loadTraceCachedWithStatus, returning just the trace. */
export async function loadTraceCached(path: string, options: CachedLoadOptions = {}, cachePath?: string): Promise<Trace> {
  return (await loadTraceCachedWithStatus(path, options, cachePath)).trace;
}
