/**
 * The trace-format table: one row per format, one file per format beside this one. A file's
 * format is named by the caller or detected from its path and first bytes, rows tried in
 * order (the fallback last). Adding a format means adding its file and a row here.
 * Gzip'd files (`.gz`) are decompressed on the fly by every reader of text formats.
 */
import { open } from 'node:fs/promises';
import { UsageError } from '../../errors.js';
import { isGzipPath } from '../input.js';
import { cbt } from './cbt.js';
import { csv } from './csv.js';
import type { TraceFormat } from './format.js';
import { txt } from './txt.js';

export type { TraceFormat } from './format.js';

/** The trace-format table, tried in this order when detecting (the CSV fallback last). */
export const TRACE_FORMATS: readonly TraceFormat[] = [cbt, txt, csv];

export function findTraceFormat(id: string, where?: string): TraceFormat {
  const format = TRACE_FORMATS.find((row) => row.id === id.trim().toLowerCase());
  if (!format) throw new UsageError(`unknown trace format '${id}' (known: ${TRACE_FORMATS.map((row) => row.id).join(', ')})`, where);
  return format;
}

/** The format of the file at `path`, from its name and first bytes. */
export async function detectTraceFormat(path: string): Promise<TraceFormat> {
  const head = isGzipPath(path) ? Buffer.alloc(0) : await firstBytes(path);
  return TRACE_FORMATS.find((row) => row.detect(path, head))!;
}

/** The format a path would be read as without opening it (by its name only). */
export function formatByPath(path: string): TraceFormat {
  return TRACE_FORMATS.find((row) => row.detect(path, Buffer.alloc(0)))!;
}

async function firstBytes(path: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    // Unreadable files fail properly when the reader opens them, with the file's name.
    return Buffer.alloc(0);
  }
  try {
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } catch {
    return Buffer.alloc(0);
  } finally {
    await handle.close();
  }
}
