/** `cachebench gen SPEC`: write a synthetic trace as CSV, to stdout or atomically to a file. */
import { outError } from '../report/write.js';
import { asFlagError } from './flag-names.js';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { generateTrace, isSyntheticSpec, writeTraceCsv } from '../trace/index.js';
import { saveTraceCsv } from '../trace/write.js';
import { progressBar } from './progress.js';
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
      const progress = progressBar('generating', process.stderr, 'requests');
      let trace;
      try {
        trace = generateTrace(spec, (done, total) => {
          progress.update(done, total);
        });
      } finally {
        progress.done();
      }
      if (flags.out === undefined) await writeTraceCsv(trace, stdout);
      else {
        await writeCsvFileAtomically(trace, flags.out);
        // Written to a file, nothing would say it happened: say what was written, on stderr.
        const count = (value: number): string => value.toLocaleString('en-US');
        err(`wrote ${flags.out}: ${count(trace.length)} requests over ${count(trace.keySpace)} keys\n`);
      }
    });
}

/** Writes the CSV atomically; a failure names the target, not its temporary file. */
async function writeCsvFileAtomically(trace: Trace, path: string): Promise<void> {
  const progress = progressBar('writing', process.stderr, 'requests');
  try {
    await saveTraceCsv(trace, path, (rows, total) => {
      progress.update(rows, total);
    });
  } catch (error) {
    // Name the target and say why, not the hidden temporary file and a raw ENOTDIR.
    throw asFlagError(outError(error, path));
  } finally {
    progress.done();
  }
}
