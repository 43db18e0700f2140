/**
 * `cachebench convert TRACE --out FILE.cbt`: a trace in any format of the table (or standard
 * input) written as a binary trace as it is read, never held whole, a large CSV parsed on
 * every core (trace/convert.ts). Made once, it is streamed at once by `--stream`, or copied
 * to the machines of a sharded run instead of the slower original.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { outError } from '../report/write.js';
import { convertToBinaryTrace } from '../trace/convert.js';
import { asFlagError } from './flag-names.js';
import type { CliIo } from './io.js';
import { addTraceReadOptions, TRACE_READ_FLAGS, traceReadOptionsFrom, type TraceReadFlags } from './options.js';
import { progressBar } from './progress.js';
import { isBinaryTrace } from './stream.js';

interface ConvertFlags extends TraceReadFlags {
  out: string;
}

export function registerConvert(program: Command, io: CliIo): void {
  const command = program
    .command('convert')
    .description('write a trace as a binary trace (.cbt) as it is read, never held whole: streamed at once by --stream')
    .argument('<trace>', 'a trace file in any format (cachebench formats lists them; gzip, zstd, xz too), or - for stdin')
    .requiredOption('-o, --out <file>', 'the binary trace to write (atomically)');
  addTraceReadOptions(command);
  command.action(async (source: string, flags: ConvertFlags) => {
    if (source !== '-' && !existsSync(source)) throw new UsageError(`${source}: no such file`, 'convert');
    if (source !== '-' && isBinaryTrace(source)) throw new UsageError(`${source} is a binary trace already`, 'convert');
    const progress = progressBar('converting', process.stderr, 'bytes');
    let written;
    try {
      written = await convertToBinaryTrace(source, flags.out, {
        ...traceReadOptionsFrom(flags),
        onProgress: (done, total) => {
          progress.update(done, total);
        },
      });
    } catch (error) {
      throw asFlagError(outError(error, flags.out), TRACE_READ_FLAGS);
    } finally {
      progress.done();
    }
    const count = (value: number): string => value.toLocaleString('en-US');
    io.err(`wrote ${flags.out}: ${count(written.requests)} requests over ${count(written.keySpace)} keys, binary (run it with --stream)\n`);
  });
}
