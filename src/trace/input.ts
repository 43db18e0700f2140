/**
 * Opens a trace file as a stream of byte chunks, gunzipping `.gz` files on the fly, and
 * turns every way this can fail (missing file, a directory, no permission, corrupt gzip)
 * into a one-line TraceFormatError naming the file. Readers never see the whole file at once.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { TraceFormatError } from '../errors.js';

// Big enough that a read costs far more than its system call, small enough that the
// buffers are a sliver of a loaded trace's memory (peak memory is an issue 6 target).
const CHUNK_BYTES = 1 << 18;

export interface ReadOptions {
  /** Read into these two buffers in turn (uncompressed files) instead of new ones. */
  readonly buffers?: ChunkBuffers;
  /** Called before each chunk is handed out: bytes of the file read so far (compressed, for .gz) and its size. */
  readonly onProgress?: (bytesRead: number, fileBytes: number) => void;
}

/** Two read buffers used in turn; one pair can serve every pass over a file. */
export type ChunkBuffers = readonly [Buffer, Buffer];

export function chunkBuffers(): ChunkBuffers {
  return [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
}

export interface TraceInput {
  readonly path: string;
  /** Bytes on disk (compressed size for `.gz`). */
  readonly fileBytes: number;
  readonly gzip: boolean;
  /** Modification time in ms since the epoch, for cache freshness checks. */
  readonly modifiedMs: number;
}

export function isGzipPath(path: string): boolean {
  return /\.gz$/i.test(path);
}

/** Checks that `path` is a readable, non-empty regular file. */
export async function openTraceInput(path: string): Promise<TraceInput> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw fileError(error, path);
  }
  if (info.isDirectory()) throw new TraceFormatError('is a directory, not a trace file', path);
  if (info.size === 0) throw new TraceFormatError('the file is empty', path);
  return { path, fileBytes: info.size, gzip: isGzipPath(path), modifiedMs: info.mtimeMs };
}

/**
 * The file's (decompressed) bytes, chunk by chunk. Given `buffers`, an uncompressed file is
 * read into those two in turn, so reading makes no garbage: a chunk stays valid only until
 * the next-but-one is requested, which suits readers that copy what they keep of a chunk
 * before moving past the next one.
 */
export async function* readChunks(input: TraceInput, { buffers, onProgress }: ReadOptions = {}): AsyncGenerator<Buffer> {
  const onRead =
    onProgress &&
    ((bytesRead: number): void => {
      onProgress(bytesRead, input.fileBytes);
    });
  if (!input.gzip && buffers) {
    yield* readReusing(input, buffers, onRead);
    return;
  }
  const file = createReadStream(input.path, { highWaterMark: CHUNK_BYTES });
  if (!input.gzip) {
    try {
      for await (const chunk of file) {
        onRead?.(file.bytesRead);
        yield chunk as Buffer;
      }
    } catch (error) {
      throw fileError(error, input.path);
    } finally {
      file.destroy();
    }
    return;
  }
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  file.on('error', (error) => gunzip.destroy(fileError(error, input.path)));
  file.pipe(gunzip);
  try {
    for await (const chunk of gunzip) {
      onRead?.(file.bytesRead);
      yield chunk as Buffer;
    }
  } catch (error) {
    if (error instanceof TraceFormatError) throw error;
    throw new TraceFormatError(`not a valid gzip file (${(error as Error).message})`, input.path);
  } finally {
    file.destroy();
    gunzip.destroy();
  }
}

async function* readReusing(input: TraceInput, buffers: ChunkBuffers, onRead?: (fileBytes: number) => void): AsyncGenerator<Buffer> {
  let handle;
  let read = 0;
  try {
    handle = await open(input.path, 'r');
  } catch (error) {
    throw fileError(error, input.path);
  }
  try {
    for (let turn: 0 | 1 = 0; ; turn ^= 1) {
      const buffer = turn === 0 ? buffers[0] : buffers[1];
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, buffer.length, null));
      } catch (error) {
        throw fileError(error, input.path);
      }
      if (bytesRead === 0) return;
      read += bytesRead;
      onRead?.(read);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/**
 * For a gzip'd file, a size estimate instead of a line count, so that loading does not
 * gunzip twice: the uncompressed size from the gzip trailer (ISIZE, exact for one member
 * under 4 GiB) divided by the mean line length of the first chunk, plus 5%. Sizing the
 * columns from it keeps a large load from growing them by doubling (up to three copies at
 * once); an overestimate costs no resident memory, since the spare tail is never written,
 * and an underestimate only means growing as without one. A file that ends within the first
 * chunk is counted exactly. Undefined when the trailer cannot be right (less than the
 * compressed size or the sample: several members, or 4 GiB and more).
 */
export async function estimateGzipSize(input: TraceInput): Promise<{ readonly rows: number; readonly bytes: number } | undefined> {
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

/** Line feeds in an uncompressed file, plus one: an upper bound on its rows. */
export async function countLines(input: TraceInput, buffers: ChunkBuffers = chunkBuffers()): Promise<number> {
  let lines = 1;
  for await (const chunk of readChunks(input, { buffers })) lines += lineFeedsIn(chunk);
  return lines;
}

function lineFeedsIn(chunk: Buffer): number {
  let count = 0;
  for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) count++;
  return count;
}

function fileError(error: unknown, path: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new TraceFormatError('no such file', path);
  if (code === 'EACCES' || code === 'EPERM') return new TraceFormatError('permission denied', path);
  if (code === 'EISDIR') return new TraceFormatError('is a directory, not a trace file', path);
  if (error instanceof TraceFormatError) return error;
  return new TraceFormatError(`cannot read (${(error as Error).message})`, path);
}
