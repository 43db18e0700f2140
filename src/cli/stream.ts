/**
 * `--stream` for `run` and `sweep`: a binary trace (`.cbt`) replayed a chunk at a time
 * (trace/stream.ts), for traces larger than memory. A binary trace too big to load
 * comfortably is streamed without being asked, saying so. Any other trace (a CSV, a
 * format of the table, standard input) is first converted to a binary trace as it is read,
 * never held whole (trace/convert.ts): into the trace cache, so the next run streams it
 * at once, or the --cache-trace file, or with --no-trace-cache a temporary file.
 */
import type { Command } from 'commander';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { UsageError } from '../errors.js';
import { hasShareSizes } from '../engine/sizes.js';
import { removeTemporary, temporaryPath, trackTemporary } from '../temp-files.js';
import { BINARY_TRACE_MAGIC, CACHE_SUFFIX } from '../trace/binary.js';
import { convertToBinaryTrace, isBinaryTraceOf } from '../trace/convert.js';
import { cacheEntryFor, touchEntry, trimCache, userTraceCache, type TraceCacheFolder } from '../trace/trace-cache.js';
import { cbt } from '../trace/formats/cbt.js';
import { openTraceStream, type TraceStream } from '../trace/stream.js';
import { formatBytes, parseBytes } from '../units.js';
import type { CliIo } from './io.js';
import { outError } from '../report/write.js';
import { asFlagError } from './flag-names.js';
import { shareSizesOf, TRACE_READ_FLAGS, traceReadOptionsFrom, type CommonFlags } from './options.js';
import { progressBar } from './progress.js';

export function addStreamOption(command: Command): Command {
  return command.option(
    '--stream',
    'replay a chunk at a time, holding only per-key state: for traces larger than memory (a trace that is not binary is converted first, as it is read)',
  );
}

/** Whether `path` is a file that starts as a binary trace does. */
export function isBinaryTrace(path: string): boolean {
  try {
    const fd = openSync(path, 'r');
    try {
      const head = Buffer.alloc(BINARY_TRACE_MAGIC.length);
      // The format table's own test: the one that recognises the file when it is loaded.
      return readSync(fd, head, 0, head.length, 0) === head.length && cbt.detect(path, head);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * A binary trace that would take more than half of this machine's memory loaded (the file's
 * size, about what it loads to) is streamed without `--stream` being asked for, saying so;
 * `CACHEBENCH_STREAM_ABOVE` (bytes, e.g. 8GiB) moves the line.
 */
export function streamsByItself(source: string, io: CliIo): boolean {
  if (!existsSync(source) || !statSync(source).isFile() || !isBinaryTrace(source)) return false;
  const setting = process.env.CACHEBENCH_STREAM_ABOVE;
  const above = setting === undefined || setting === '' ? totalmem() / 2 : parseBytes(setting, 'CACHEBENCH_STREAM_ABOVE');
  const size = statSync(source).size;
  if (size <= above) return false;
  io.err(`cachebench: ${source} takes ${formatBytes(size)}, more than ${formatBytes(above)} loaded: streaming it (as --stream)\n`);
  return true;
}

/**
 * Opens `source` as a stream, resolves sizes given as shares (of the trace's key space: the
 * stream has no pass to count distinct keys before the replay; in a loaded-and-saved trace
 * the two are the same) and runs `body` with a progress bar; the stream is closed after.
 */
export async function withTraceStream<T>(
  source: string,
  flags: CommonFlags,
  io: CliIo,
  rename: (error: unknown) => unknown,
  label: string,
  body: (stream: TraceStream, shares: number[] | undefined, onProgress: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  let stream: TraceStream | undefined;
  let temporary: string | undefined;
  const progress = progressBar(label);
  try {
    if (source !== '-' && !existsSync(source)) {
      throw new UsageError(`${source}: no such file (--stream reads a trace file or standard input)`, '--stream');
    }
    let binary = source;
    if (source === '-' || !isBinaryTrace(source)) {
      const converted = await convertForStream(source, flags, io);
      binary = converted.path;
      temporary = converted.temporary;
    }
    if (flags.capacity !== undefined && hasShareSizes(flags.capacity)) {
      throw new UsageError(
        'byte sizes as shares need the working set in bytes, which a stream learns only at its end; give bytes',
        '--capacity',
      );
    }
    stream = openTraceStream(binary);
    const keySpace = stream.shape.keySpace;
    // Byte shares were refused above: only a share of the keys reaches here.
    const shares = shareSizesOf(flags, () => keySpace);
    return await body(stream, shares, (done, total) => {
      progress.update(done, total);
    });
  } catch (error) {
    throw rename(error);
  } finally {
    progress.done();
    stream?.close();
    if (temporary !== undefined) removeTemporary(temporary);
  }
}

/**
 * The binary trace `--stream` reads for a trace that is not one: the trace cache's entry for
 * it (the one a load would use: a run that loaded the file made it already), the
 * --cache-trace file, or a temporary file for --no-trace-cache, standard input and files too
 * small for the cache. Made when missing or stale, a buffer at a time, with a progress bar.
 */
async function convertForStream(source: string, flags: CommonFlags, io: CliIo): Promise<{ path: string; temporary?: string }> {
  const read = traceReadOptionsFrom(flags);
  let target: string | undefined;
  let folder: TraceCacheFolder | undefined;
  if (typeof flags.cacheTrace === 'string') target = flags.cacheTrace;
  else if (flags.cacheTrace === true) target = source + CACHE_SUFFIX;
  else if (flags.traceCache !== false && source !== '-') {
    folder = userTraceCache();
    target = await cacheEntryFor(source, JSON.stringify(read), folder).catch(() => undefined);
  }
  if (target !== undefined && (await isBinaryTraceOf(target, source, read))) {
    await touchEntry(target);
    return { path: target };
  }
  const temporary = target === undefined ? temporaryPath('stream', '.cbt') : undefined;
  const out = target ?? temporary!;
  if (temporary !== undefined) trackTemporary(temporary);
  const kept =
    folder !== undefined ? ' (kept in the trace cache: the next run streams it at once)' : target !== undefined ? ` into ${target}` : '';
  io.err(`cachebench: converting ${source === '-' ? 'standard input' : source} to a binary trace for --stream${kept}\n`);
  const progress = progressBar('converting', process.stderr, 'bytes');
  try {
    await convertToBinaryTrace(source, out, {
      ...read,
      onProgress: (done, total) => {
        progress.update(done, total);
      },
    });
  } catch (error) {
    if (temporary !== undefined) removeTemporary(temporary);
    throw asFlagError(outError(error, out), TRACE_READ_FLAGS);
  } finally {
    progress.done();
  }
  if (folder !== undefined) await trimCache(folder, out).catch(() => undefined);
  return temporary === undefined ? { path: out } : { path: out, temporary };
}
