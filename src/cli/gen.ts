/** `cachebench gen SPEC`: write a synthetic trace as CSV, to stdout or atomically to a file. */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { withTemporary } from '../temp-files.js';
import { outError } from '../report/write.js';
import { asFlagError } from './flag-names.js';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { generateTrace, isSyntheticSpec, writeTraceCsv } from '../trace/index.js';
import type { Trace } from '../trace/trace.js';

interface GenFlags {
  out?: string;
}

export function registerGen(
  program: Command,
  stdout: NodeJS.WritableStream = process.stdout,
  err: (text: string) => void = () => {},
): void {
  program
    .command('gen')
    .description('write a synthetic trace as CSV (run reads it back identically)')
    .argument('<spec>', 'e.g. zipf:alpha=0.9,keys=1e5,requests=1e6,rate=1000')
    .option('-o, --out <file>', 'write to this file (atomically) instead of stdout')
    .action(async (spec: string, flags: GenFlags) => {
      if (!isSyntheticSpec(spec)) {
        throw new UsageError(`'${spec}' is not a synthetic spec (zipf:, uniform:, scan:, mix: or hotkey:)`, 'gen');
      }
      const trace = generateTrace(spec);
      if (flags.out === undefined) await writeTraceCsv(trace, stdout);
      else {
        await writeCsvFileAtomically(trace, flags.out);
        // Written to a file, nothing would say it happened: say what was written, on stderr.
        const count = (value: number): string => value.toLocaleString('en-US');
        err(`wrote ${flags.out}: ${count(trace.length)} requests over ${count(trace.keySpace)} keys\n`);
      }
    });
}

/** Streams to a temporary file beside the target and renames it into place once complete. */
async function writeCsvFileAtomically(trace: Trace, path: string): Promise<void> {
  try {
    await writeCsvFile(trace, path);
  } catch (error) {
    // Name the target and say why, not the hidden temporary file and a raw ENOTDIR.
    throw asFlagError(outError(error, path));
  }
}

async function writeCsvFile(trace: Trace, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const stream = createWriteStream(temp);
  // A stream that cannot open its file fails its first write, which the writer awaits.
  await withTemporary(
    temp,
    async (file) => {
      try {
        await writeTraceCsv(trace, stream);
        stream.end();
        await finished(stream);
      } catch (error) {
        stream.destroy();
        throw error;
      }
      await rename(file, path);
    },
    (file) => rm(file, { force: true }),
  );
}
