/**
 * `--stream` for `run` and `sweep`: a binary trace (`.cbt`) replayed a chunk at a time
 * (trace/stream.ts), for traces larger than memory. A binary trace too big to load
 * comfortably is streamed without being asked, saying so.
 */
import type { Command } from 'commander';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { UsageError } from '../errors.js';
import { hasShareSizes } from '../engine/sizes.js';
import { BINARY_TRACE_MAGIC } from '../trace/binary.js';
import { cbt } from '../trace/formats/cbt.js';
import { openTraceStream, type TraceStream } from '../trace/stream.js';
import { formatBytes, parseBytes } from '../units.js';
import type { CliIo } from './io.js';
import { shareSizesOf, type CommonFlags } from './options.js';
import { progressBar } from './progress.js';

export function addStreamOption(command: Command): Command {
  return command.option(
    '--stream',
    'read a binary trace (.cbt) a chunk at a time, holding only per-key state: for traces larger than memory',
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
  rename: (error: unknown) => unknown,
  label: string,
  body: (stream: TraceStream, shares: number[] | undefined, onProgress: (done: number, total: number) => void) => Promise<T>,
): Promise<T> {
  let stream: TraceStream | undefined;
  const progress = progressBar(label);
  try {
    if (!existsSync(source)) throw new UsageError(`${source}: no such file (--stream reads a binary trace file, .cbt)`, '--stream');
    if (!isBinaryTrace(source)) {
      throw new UsageError(
        `${source} is not a binary trace: --stream reads .cbt files (make one with \`run ${source} --cache-trace FILE.cbt\` or \`gen SPEC --out FILE.cbt\`)`,
        '--stream',
      );
    }
    if (flags.capacity !== undefined && hasShareSizes(flags.capacity)) {
      throw new UsageError(
        'byte sizes as shares need the working set in bytes, which a stream learns only at its end; give bytes',
        '--capacity',
      );
    }
    stream = openTraceStream(source);
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
  }
}
