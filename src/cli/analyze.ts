/**
 * `cachebench analyze TRACE`: the trace's portrait (mix, popularity and its Zipf fit, reuse
 * and stack distances, the LRU curve, the working set over time, sizes, TTLs), and with
 * --fit a synthetic spec that imitates it. Table, markdown with charts, or JSON; --out writes
 * a file atomically, its format from the extension unless -f says.
 */
import { Option, type Command } from 'commander';
import { analyzeTrace } from '../analyze/analyze.js';
import { fitTraceSpec } from '../analyze/fit.js';
import { UsageError } from '../errors.js';
import { ANALYSIS_FORMATS, renderAnalysis, type AnalysisFormat, type AnalysisReport } from '../report/analysis.js';
import { outError, writeFileAtomic } from '../report/write.js';
import { parseCount } from '../units.js';
import { asFlagError } from './flag-names.js';
import type { CliIo } from './io.js';
import { addTraceOptions, loadTraceFrom, type CommonFlags } from './options.js';
import { progressBar } from './progress.js';

interface AnalyzeFlags extends CommonFlags {
  fit?: boolean;
  windows: string;
  out?: string;
}

const BY_EXTENSION: Readonly<Record<string, AnalysisFormat>> = { '.json': 'json', '.md': 'md', '.txt': 'table' };

export function registerAnalyze(program: Command, io: CliIo): void {
  const command = program
    .command('analyze')
    .description("a trace's portrait: mix, popularity (Zipf fit), reuse and stack distances, LRU curve, working set, sizes, TTLs")
    .argument('<trace>', 'a trace file in any format (cachebench formats lists them), - for stdin, or a synthetic spec')
    .option('--fit', 'also fit a synthetic spec that imitates the trace (its LRU curve is checked against the trace)')
    .option('--windows <n>', 'slices of the trace for the working set and rate over time', '20')
    .option('-o, --out <file>', 'write to this file (atomically); .json, .md or .txt picks the format')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...ANALYSIS_FORMATS]));
  addTraceOptions(command);
  command.action(async (source: string, flags: AnalyzeFlags) => {
    const windows = parseCount(flags.windows, '--windows');
    const extension = flags.out === undefined ? undefined : /\.[^./\\]+$/.exec(flags.out)?.[0]?.toLowerCase();
    const format =
      (flags.format as AnalysisFormat | undefined) ?? (extension === undefined ? undefined : BY_EXTENSION[extension]) ?? 'table';
    if (flags.out !== undefined && flags.format === undefined && (extension === undefined || !(extension in BY_EXTENSION))) {
      throw new UsageError(`cannot tell the format of '${flags.out}' from its name: end it in .json, .md or .txt, or give -f`, '--out');
    }
    const trace = await loadTraceFrom(source, flags, io);
    const analysis = analyzeTrace(trace, { windows });
    let report: AnalysisReport = { schemaVersion: 1, analysis };
    if (flags.fit === true) {
      const progress = progressBar('fitting', process.stderr, 'requests');
      try {
        report = {
          ...report,
          fit: fitTraceSpec(trace, analysis, {
            onProgress: (tried) => {
              progress.update(tried, NaN);
            },
          }),
        };
      } finally {
        progress.done();
      }
    }
    const text = renderAnalysis(report, format);
    if (flags.out === undefined) {
      io.out(text);
      return;
    }
    try {
      await writeFileAtomic(flags.out, text);
    } catch (error) {
      throw asFlagError(outError(error, flags.out));
    }
    io.err(`wrote ${flags.out}\n`);
  });
}
