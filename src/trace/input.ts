/**
 * Opens a trace file as a stream of byte chunks, gunzipping `.gz` files on the fly, and
 * turns every way this can fail (missing file, a directory, no permission, corrupt gzip)
 * into a one-line TraceFormatError naming the file. Readers never see the whole file at once.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { TraceFormatError } from '../errors.js';

const CHUNK_BYTES = 1 << 20;

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

/** The file's (decompressed) bytes, chunk by chunk. */
export async function* readChunks(input: TraceInput): AsyncGenerator<Buffer> {
  const file = createReadStream(input.path, { highWaterMark: CHUNK_BYTES });
  if (!input.gzip) {
    try {
      for await (const chunk of file) yield chunk as Buffer;
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
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof TraceFormatError) throw error;
    throw new TraceFormatError(`not a valid gzip file (${(error as Error).message})`, input.path);
  } finally {
    file.destroy();
    gunzip.destroy();
  }
}

function fileError(error: unknown, path: string): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new TraceFormatError('no such file', path);
  if (code === 'EACCES' || code === 'EPERM') return new TraceFormatError('permission denied', path);
  if (code === 'EISDIR') return new TraceFormatError('is a directory, not a trace file', path);
  if (error instanceof TraceFormatError) return error;
  return new TraceFormatError(`cannot read (${(error as Error).message})`, path);
}
