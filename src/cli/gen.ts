/** `cachebench gen SPEC`: write a synthetic trace as CSV, to stdout or atomically to a file. */
import { outError } from '../report/write.js';
import { asFlagError } from './flag-names.js';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { generateTrace, isSyntheticSpec, writeTraceCsv } from '../trace/index.js';
import { saveTraceCsv } from '../trace/write.js';
import { progressBar } from './progress.js';
import type { Trace } from '../trace/trace.js';
import { CACHE_SUFFIX } from '../trace/binary.js';
import { generateChunks, parseTraceSpec } from '../trace/spec.js';
import { isHotKeySpec } from '../trace/synthetic/hotkey.js';
import { DEFAULT_CHUNK_REQUESTS, TraceWriter } from '../trace/stream.js';
import { shapeWith } from '../trace/chunks.js';
import { TraceSummarizer } from '../trace/summary.js';

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
    .description(
      'write a synthetic trace as CSV, or as a binary trace for --stream when --out ends in .cbt (run reads either back identically)',
    )
    .argument('<spec>', 'e.g. zipf:alpha=0.9,keys=1e5,requests=1e6,rate=1000')
    .option('-o, --out <file>', 'write to this file (atomically) instead of stdout; FILE.cbt: binary, written as it is drawn')
    .action(async (spec: string, flags: GenFlags) => {
      if (!isSyntheticSpec(spec)) {
        throw new UsageError(`'${spec}' is not a synthetic spec (zipf:, uniform:, scan:, mix: or hotkey:)`, 'gen');
      }
      if (flags.out?.endsWith(CACHE_SUFFIX) === true) {
        const written = writeBinaryAsDrawn(spec, flags.out);
        const count = (value: number): string => value.toLocaleString('en-US');
        err(
          `wrote ${flags.out}: ${count(written.requests)} requests over ${count(written.keySpace)} keys, binary (run it with --stream)\n`,
        );
        return;
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

/**
 * `gen SPEC --out FILE.cbt`: the binary trace written a chunk at a time as it is drawn, so
 * a trace larger than memory can be made (only the key names, O(keys), are held).
 */
function writeBinaryAsDrawn(text: string, path: string): { requests: number; keySpace: number } {
  if (isHotKeySpec(text)) throw new UsageError('a hotkey: spec is written as CSV; give --out a .csv name', '--out');
  const spec = parseTraceSpec(text);
  const progress = progressBar('generating', process.stderr, 'requests');
  let writer: TraceWriter | undefined;
  try {
    const columns = {
      ...((spec.size !== undefined || spec.sizes !== undefined) && { sizes: true }),
      ...(spec.rate !== undefined && { times: 'fractional' as const }),
      ...(spec.writes !== undefined && { ops: true }),
    };
    writer = new TraceWriter(path, { length: spec.requests, source: spec.text, columns });
    // Summarized as it is drawn, so that the file stores its summary as every other writer's
    // does, and a load makes no pass for it. The key space is known only at the end.
    const summarizer = new TraceSummarizer(shapeWith({ source: spec.text, length: spec.requests, keySpace: 0 }, columns), {
      growing: true,
    });
    const chunks = generateChunks(spec, DEFAULT_CHUNK_REQUESTS);
    for (let step = chunks.next(); ; step = chunks.next()) {
      if (step.done === true) {
        writer.finish({ ...step.value, summary: summarizer.record() });
        return { requests: spec.requests, keySpace: step.value.keySpace };
      }
      summarizer.observe(step.value);
      writer.write(step.value);
      progress.update(step.value.start + step.value.length, spec.requests);
    }
  } catch (error) {
    writer?.abort();
    throw asFlagError(outError(error, path));
  } finally {
    progress.done();
  }
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
