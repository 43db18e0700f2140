/**
 * Opens a trace as a stream of byte chunks: a file, or standard input (`-`), a FIFO or a
 * process substitution (`<(zstdcat t.zst)`), read once as it comes. Compression is told by
 * the first bytes, whatever the name: gzip and zstd (libCacheSim's published traces are
 * `.zst`) and xz are decompressed on the fly. Every way this can fail (missing file, a
 * directory, no permission, a corrupt stream) becomes a one-line TraceFormatError naming
 * the file. Readers never see the whole file at once.
 */
import { closeSync, createReadStream, openSync, readSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { TraceFormatError } from '../errors.js';
import { removeTemporary, temporaryPath, trackTemporary } from '../temp-files.js';
import { nodeZlib } from '../lazy-builtins.js';

// Big enough that a read costs far more than its system call, small enough that the
// buffers are a sliver of a loaded trace's memory (peak memory is an issue 6 target).
const CHUNK_BYTES = 1 << 18;

/** Bytes of (decompressed) content that format detection looks at. */
export const HEAD_BYTES = 8192;

export interface ReadOptions {
  /** Read into these buffers in turn (uncompressed files) instead of new ones. */
  readonly buffers?: ChunkBuffers;
  /** Called before each chunk is handed out: bytes of the file read so far (compressed, when compressed) and its size (NaN for a stream). */
  readonly onProgress?: (bytesRead: number, fileBytes: number) => void;
}

/**
 * Three read buffers used in turn: the chunk handed out, the one before it (still valid) and
 * the next, read ahead while the reader works. One set can serve every pass over a file.
 */
export type ChunkBuffers = readonly [Buffer, Buffer, Buffer];

export function chunkBuffers(): ChunkBuffers {
  return [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
}

export type Compression = 'none' | 'gzip' | 'zstd' | 'xz';

export interface TraceInput {
  /** As given: a path, or `-` for standard input. */
  readonly path: string;
  /** Bytes on disk (compressed size when compressed); NaN for a stream. */
  readonly fileBytes: number;
  readonly compression: Compression;
  /** Modification time in ms since the epoch, for cache freshness checks (NaN for a stream). */
  readonly modifiedMs: number;
  /**
   * False for standard input, FIFOs and other streams: read once, as they come. Readers do
   * not count lines ahead of such an input; a second read replays what the first spooled.
   */
  readonly seekable: boolean;
  /** The file's first bytes as stored (HEAD_BYTES at most), read when it was opened. */
  readonly firstBytes?: Buffer;
}

const MAGIC: ReadonlyArray<readonly [Compression, readonly number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
];

/** The compression the first bytes of a file announce. */
export function compressionOf(head: Uint8Array): Compression {
  for (const [kind, magic] of MAGIC) if (magic.every((byte, i) => head[i] === byte)) return kind;
  return 'none';
}

/** The suffixes that name a compression. */
const COMPRESSED_SUFFIX = /\.(gz|zst|zstd|xz)$/i;

/** True for a name that says the file is compressed (`.gz`, `.zst`, `.xz`). */
export function isCompressedPath(path: string): boolean {
  return COMPRESSED_SUFFIX.test(path);
}

/** The name without its compression suffix (`t.csv.zst` → `t.csv`), for detection by extension. */
export function withoutCompressionSuffix(path: string): string {
  return path.replace(COMPRESSED_SUFFIX, '');
}

// A stream can be read only once, so the input made for it is kept and handed to every
// caller that opens the same name (format detection first, then the reader).
const streams = new Map<string, StreamInput>();

/** Checks that `path` is a readable, non-empty file or an open stream (`-`, a FIFO). */
export async function openTraceInput(path: string): Promise<TraceInput> {
  const known = streams.get(path);
  if (known) return known;
  if (path === '-') return openStream(path, process.stdin, 'stdin');
  // Synchronous, like the head read below: a stat and one read of 8 KiB block for
  // microseconds, where each call through the thread pool cost a round trip (and at times
  // a wait for a thread), a few ms of a run's start.
  let info;
  try {
    info = statSync(path);
  } catch (error) {
    throw fileError(error, path);
  }
  if (info.isDirectory()) throw new TraceFormatError('is a directory, not a trace file', path);
  if (!info.isFile()) return openStream(path, createReadStream(path, { highWaterMark: CHUNK_BYTES }));
  if (info.size === 0) throw new TraceFormatError('the file is empty', path);
  // The head is read now, not only the magic: for an uncompressed file it is what format
  // detection looks at, which then opens nothing more.
  let firstBytes = Buffer.alloc(Math.min(HEAD_BYTES, info.size));
  try {
    const fd = openSync(path, 'r');
    try {
      firstBytes = firstBytes.subarray(0, readSync(fd, firstBytes, 0, firstBytes.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw fileError(error, path);
  }
  const compression = compressionOf(firstBytes);
  const named = COMPRESSED_SUFFIX.exec(path)?.[1]?.toLowerCase();
  const namedAs = named === 'gz' ? 'gzip' : named === 'zst' || named === 'zstd' ? 'zstd' : named;
  // A name that promises compression the bytes do not have is a mistake (a file renamed, a
  // download saved under the wrong name): say so rather than read it as something else.
  if (namedAs !== undefined && compression !== namedAs) {
    throw new TraceFormatError(`not a valid ${namedAs} file (its name says ${namedAs}, its first bytes do not)`, path);
  }
  return { path, fileBytes: info.size, compression, modifiedMs: info.mtimeMs, seekable: true, firstBytes };
}

/**
 * The first `HEAD_BYTES` of the input's content (decompressed), for format detection. For a
 * stream they are kept and handed out again by the first read.
 */
export async function traceHead(input: TraceInput): Promise<Buffer> {
  if (input instanceof StreamInput) return input.peek(HEAD_BYTES);
  if (input.compression === 'none' && input.firstBytes !== undefined) return input.firstBytes;
  const parts: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of readChunks(input)) {
    parts.push(chunk);
    bytes += chunk.length;
    if (bytes >= HEAD_BYTES) break;
  }
  return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

/**
 * The file's (decompressed) bytes, chunk by chunk. Given `buffers`, an uncompressed file is
 * read into those three in turn, so reading makes no garbage: a chunk stays valid only until
 * the next-but-one is requested, which suits readers that copy what they keep of a chunk
 * before moving past the next one.
 */
export async function* readChunks(input: TraceInput, { buffers, onProgress }: ReadOptions = {}): AsyncGenerator<Buffer> {
  const onRead =
    onProgress &&
    ((bytesRead: number): void => {
      onProgress(bytesRead, input.fileBytes);
    });
  if (input instanceof StreamInput) {
    yield* input.chunks(onRead);
    return;
  }
  if (input.compression === 'none' && buffers) {
    yield* readReusing(input, buffers, onRead);
    return;
  }
  const file = createReadStream(input.path, { highWaterMark: CHUNK_BYTES });
  const raw = async function* (): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of file) yield chunk as Buffer;
    } catch (error) {
      throw fileError(error, input.path);
    }
  };
  try {
    // Progress counts the file's bytes (compressed), reported as each piece is handed out.
    for await (const chunk of decompressed(raw(), input.compression, input.path)) {
      onRead?.(file.bytesRead);
      yield chunk;
    }
  } finally {
    file.destroy();
  }
}

/** Decompresses a chunk stream; a corrupt stream is a TraceFormatError naming the file. */
async function* decompressed(chunks: AsyncGenerator<Buffer>, compression: Compression, path: string): AsyncGenerator<Buffer> {
  if (compression === 'none') {
    yield* chunks;
    return;
  }
  try {
    if (compression === 'gzip') yield* gunzipped(chunks);
    else if (compression === 'zstd') yield* unzstd(chunks);
    else yield* unxz(chunks);
  } catch (error) {
    if (error instanceof TraceFormatError) throw error;
    throw new TraceFormatError(`not a valid ${compression} stream (${(error as Error).message})`, path);
  } finally {
    await chunks.return(undefined);
  }
}

async function* gunzipped(chunks: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  const gunzip = nodeZlib().createGunzip({ chunkSize: CHUNK_BYTES });
  const source = Readable.from(chunks, { objectMode: false });
  source.on('error', (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } finally {
    source.destroy();
    gunzip.destroy();
  }
}

// fzstd: a pure-JavaScript zstd decoder that streams (Node 20 has no zstd in zlib, and a
// native binding would need a toolchain at install, which this tool promises not to).
async function* unzstd(chunks: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  const { Decompress } = await import('fzstd');
  const out: Uint8Array[] = [];
  const decoder = new Decompress((data) => {
    out.push(data);
  });
  let any = false;
  for await (const chunk of chunks) {
    any = true;
    decoder.push(chunk);
    while (out.length > 0) yield toBuffer(out.shift()!);
  }
  if (!any) return;
  decoder.push(new Uint8Array(0), true);
  while (out.length > 0) yield toBuffer(out.shift()!);
}

// xz-decompress: xz-embedded compiled to WebAssembly, no native code; it takes a web stream.
async function* unxz(chunks: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  // A CommonJS bundle: its exports come as the default export.
  const { XzReadableStream } = (await import('xz-decompress')).default;
  const web = Readable.toWeb(Readable.from(chunks, { objectMode: false })) as ReadableStream<Uint8Array>;
  const reader = new XzReadableStream(web).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield toBuffer(value);
    }
  } finally {
    reader.releaseLock();
  }
}

function toBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

async function* readReusing(input: TraceInput, buffers: ChunkBuffers, onRead?: (fileBytes: number) => void): AsyncGenerator<Buffer> {
  let handle;
  let read = 0;
  try {
    handle = await open(input.path, 'r');
  } catch (error) {
    throw fileError(error, input.path);
  }
  // Each read is started before the chunk before it is handed out, so the thread pool reads
  // while the reader parses. Positions are explicit: two reads may be in flight at once.
  // A read that fails while its chunk waits is reported when awaited, not as an unhandled rejection.
  const readInto = (buffer: Buffer, at: number): Promise<{ bytesRead: number }> => {
    const reading = handle.read(buffer, 0, buffer.length, at);
    reading.catch(() => undefined);
    return reading;
  };
  let next: Promise<{ bytesRead: number }> | undefined;
  try {
    next = readInto(buffers[0], 0);
    for (let turn = 0; ; turn = turn === 2 ? 0 : turn + 1) {
      const buffer = buffers[turn]!;
      const reading: Promise<{ bytesRead: number }> = next;
      next = undefined;
      let bytesRead: number;
      try {
        ({ bytesRead } = await reading);
      } catch (error) {
        throw fileError(error, input.path);
      }
      if (bytesRead === 0) return;
      read += bytesRead;
      next = readInto(buffers[turn === 2 ? 0 : turn + 1]!, read);
      onRead?.(read);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // A read still in flight (the reader stopped early) is waited for before the file closes.
    await next?.catch(() => undefined);
    await handle.close();
  }
}

/**
 * A stream read once. The first bytes are held for format detection and handed out again;
 * a reader that needs to start over (the CSV fast path giving way to csv-parse) calls
 * `rewindable()` first, and everything read is then kept in a temporary file that a second
 * read replays before it goes on with the stream.
 */
class StreamInput implements TraceInput {
  readonly fileBytes = NaN;
  readonly modifiedMs = NaN;
  readonly seekable = false;
  compression: Compression = 'none';
  private readonly raw: AsyncIterator<Buffer>;
  private content: AsyncIterator<Buffer> | undefined;
  private readonly held: Buffer[] = [];
  private heldBytes = 0;
  private ended = false;
  private rawBytes = 0;
  private spool: { readonly file: string; readonly fd: number; bytes: number } | undefined;
  private reads = 0;

  constructor(
    readonly path: string,
    private readonly name: string,
    source: NodeJS.ReadableStream,
  ) {
    this.raw = (source as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** Decides the compression from the first raw bytes, then reads through the decoder. */
  async start(): Promise<void> {
    const first: Buffer[] = [];
    let bytes = 0;
    while (bytes < 6) {
      const next = await this.pullRaw();
      if (next === undefined) break;
      first.push(next);
      bytes += next.length;
    }
    if (bytes === 0) throw new TraceFormatError('the input is empty', this.path);
    const head = Buffer.concat(first);
    this.compression = compressionOf(head);
    const rawRest = async function* (self: StreamInput): AsyncGenerator<Buffer> {
      yield head;
      for (;;) {
        const next = await self.pullRaw();
        if (next === undefined) return;
        yield next;
      }
    };
    this.content = decompressed(rawRest(this), this.compression, this.path)[Symbol.asyncIterator]();
  }

  private async pullRaw(): Promise<Buffer | undefined> {
    let next;
    try {
      next = await this.raw.next();
    } catch (error) {
      throw fileError(error, this.path);
    }
    if (next.done === true) return undefined;
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    this.rawBytes += chunk.length;
    return chunk;
  }

  private async pull(): Promise<Buffer | undefined> {
    if (this.ended) return undefined;
    const next = await this.content!.next();
    if (next.done === true) {
      this.ended = true;
      return undefined;
    }
    return next.value;
  }

  async peek(bytes: number): Promise<Buffer> {
    while (this.heldBytes < bytes) {
      const chunk = await this.pull();
      if (chunk === undefined) break;
      this.held.push(chunk);
      this.heldBytes += chunk.length;
    }
    return Buffer.concat(this.held).subarray(0, bytes);
  }

  /** Keep what is read from now on, so that a second read can replay it. */
  rewindable(): void {
    if (this.spool || this.reads > 0) return;
    const file = temporaryPath('stream', '.tmp');
    trackTemporary(file);
    this.spool = { file, fd: openSync(file, 'wx+', 0o600), bytes: 0 };
  }

  async *chunks(onRead?: (bytesRead: number) => void): AsyncGenerator<Buffer> {
    const spool = this.spool;
    if (this.reads++ > 0) {
      if (!spool) throw new Error(`internal error: ${this.path} is a stream and was read twice`);
      // Replay what the first read took, then go on with the stream.
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      for (let at = 0; at < spool.bytes;) {
        const got = readSync(spool.fd, buffer, 0, Math.min(buffer.length, spool.bytes - at), at);
        at += got;
        yield Buffer.from(buffer.subarray(0, got));
      }
    } else {
      while (this.held.length > 0) {
        const chunk = this.held.shift()!;
        this.heldBytes -= chunk.length;
        this.keep(chunk);
        onRead?.(this.rawBytes);
        yield chunk;
      }
    }
    for (;;) {
      const chunk = await this.pull();
      if (chunk === undefined) break;
      this.keep(chunk);
      onRead?.(this.rawBytes);
      yield chunk;
    }
  }

  private keep(chunk: Buffer): void {
    const spool = this.spool;
    if (!spool) return;
    writeSync(spool.fd, chunk, 0, chunk.length, spool.bytes);
    spool.bytes += chunk.length;
  }

  /** Forgets the stream and removes its spool. */
  close(): void {
    streams.delete(this.name);
    if (!this.spool) return;
    closeSync(this.spool.fd);
    removeTemporary(this.spool.file);
    this.spool = undefined;
  }
}

/** A stream opened as `name` (`-`), called `label` in messages and as the trace's source. */
async function openStream(name: string, source: NodeJS.ReadableStream, label = name): Promise<TraceInput> {
  const input = new StreamInput(label, name, source);
  await input.start();
  streams.set(name, input);
  return input;
}

/** Asks a stream input to keep what it reads so that it can be read again (no-op for files). */
export function makeRewindable(input: TraceInput): void {
  if (input instanceof StreamInput) input.rewindable();
}

/** Done with an input: a stream's spool is removed and its name may be opened anew. */
export function closeTraceInput(input: TraceInput): void {
  if (input instanceof StreamInput) input.close();
}

/**
 * For a gzip'd file, a size estimate instead of a line count, so that loading does not
 * gunzip twice: the uncompressed size from the gzip trailer (ISIZE, exact for one member
 * under 4 GiB) divided by the mean line length of the first chunk, plus 5%. Sizing the
 * columns from it keeps a large load from growing them by doubling (up to three copies at
 * once); an overestimate costs no resident memory, since the spare tail is never written,
 * and an underestimate only means growing as without one. A file that ends within the first
 * chunk is counted exactly. Undefined when the trailer cannot be right (less than the
 * compressed size or the sample: several members, or 4 GiB and more), and for anything but
 * a gzip'd file.
 */
export async function estimateGzipSize(input: TraceInput): Promise<{ readonly rows: number; readonly bytes: number } | undefined> {
  if (!input.seekable || input.compression !== 'gzip') return undefined;
  let sampleBytes = 0;
  let sampleLines = 0;
  let whole = true;
  for await (const chunk of readChunks(input)) {
    sampleBytes += chunk.length;
    sampleLines += lineFeedsIn(chunk);
    if (sampleBytes >= CHUNK_BYTES) {
      whole = false;
      break;
    }
  }
  if (whole) return { rows: sampleLines + 1, bytes: sampleBytes };
  let bytes: number;
  try {
    const handle = await open(input.path, 'r');
    try {
      const trailer = Buffer.alloc(4);
      await handle.read(trailer, 0, 4, Math.max(0, input.fileBytes - 4));
      bytes = trailer.readUInt32LE(0);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fileError(error, input.path);
  }
  if (bytes < input.fileBytes || bytes < sampleBytes || sampleLines === 0) return undefined;
  return { rows: Math.ceil((bytes / sampleBytes) * sampleLines * 1.05) + 1, bytes };
}

/**
 * How many rows to size the columns for before reading: a line count of an uncompressed
 * file, an estimate for a gzip'd one, nothing for other compressions and streams (the
 * columns then grow as they fill).
 */
export async function expectedLines(
  input: TraceInput,
  buffers?: ChunkBuffers,
): Promise<{ readonly rows: number; readonly bytes: number } | undefined> {
  if (!input.seekable) return undefined;
  if (input.compression === 'none') return { rows: await countLines(input, buffers), bytes: input.fileBytes };
  return estimateGzipSize(input);
}

/**
 * An uncompressed file's lines estimated from its first bytes (read when it was opened):
 * their mean line length, plus 5%, as for a gzip'd file; exact when they are the whole file.
 * Undefined for anything else, or when the first bytes hold no line feed.
 */
export function estimatedLines(input: TraceInput): number | undefined {
  const sample = input.firstBytes;
  if (sample === undefined || input.compression !== 'none' || sample.length === 0) return undefined;
  const lines = lineFeedsIn(sample);
  if (sample.length >= input.fileBytes) return lines + 1;
  if (lines === 0) return undefined;
  return Math.ceil((input.fileBytes / sample.length) * lines * 1.05) + 1;
}

/** Line feeds in an uncompressed file, plus one: an upper bound on its rows. */
export async function countLines(input: TraceInput, buffers: ChunkBuffers = chunkBuffers()): Promise<number> {
  let lines = 1;
  for await (const chunk of readChunks(input, { buffers })) lines += lineFeedsIn(chunk);
  return lines;
}

/**
 * Counts a chunk's line feeds four bytes at a time: a word's LF bytes become 0x80 exactly
 * (XOR with LFs turns them to zero; adding 0x7f to each byte's low seven bits, masked so no
 * carry crosses a byte, sets the top bit of every byte but the zero ones), and a sum of
 * those bits counts them. Twice as fast as one indexOf call per line, and a count is made
 * of every file loaded in memory.
 */
export function lineFeedsIn(chunk: Buffer): number {
  let count = 0;
  let i = 0;
  const end = chunk.length;
  for (; i < end && ((chunk.byteOffset + i) & 3) !== 0; i++) if (chunk[i] === 10) count++;
  if (i === end) return count;
  const words = new Uint32Array(chunk.buffer, chunk.byteOffset + i, (end - i) >>> 2);
  for (let w = 0; w < words.length; w++) {
    const x = words[w]! ^ 0x0a0a0a0a;
    const zeros = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x) & 0x80808080;
    if (zeros !== 0) {
      let bits = zeros >>> 7;
      bits += bits >>> 8;
      bits += bits >>> 16;
      count += bits & 0xff;
    }
  }
  for (i += words.length * 4; i < end; i++) if (chunk[i] === 10) count++;
  return count;
}

/** A file's error as the one-line message its loader reports. */
export function fileError(error: unknown, path: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new TraceFormatError('no such file', path);
  if (code === 'EACCES' || code === 'EPERM') return new TraceFormatError('permission denied', path);
  if (code === 'EISDIR') return new TraceFormatError('is a directory, not a trace file', path);
  if (error instanceof TraceFormatError) return error;
  return new TraceFormatError(`cannot read (${(error as Error).message})`, path);
}
