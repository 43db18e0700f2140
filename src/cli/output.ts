/**
 * Everything that happens to a result after a command computed it, shared by `run`, `sweep`
 * and `gate`: `--format` and `--out` (atomic file writes), the gates (`--assert`,
 * `--baseline`), their verdicts, the GitHub job summary, and exit code 1 when a gate fails.
 */
import { appendFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import chalk from 'chalk';
import type { Command } from 'commander';
import { GateFailure, UsageError } from '../errors.js';
import { evaluateAssertions, parseAssertion, type Assertion } from '../gate/assertion.js';
import {
  compareToBaseline,
  DEFAULT_MAX_DROP,
  loadBaseline,
  parseLatencyRise,
  parseMaxDrop,
  type BaselineTolerances,
} from '../gate/baseline.js';
import { describeVerdict, type Verdict } from '../gate/verdict.js';
import { renderMarkdown } from '../report/markdown.js';
import type { RunResult } from '../model/result.js';
import { renderSvgChart } from '../report/svg.js';
import { isReportFormat, renderResult, REPORT_FORMATS, type ReportFormat } from '../report/render.js';
import type { TableOptions } from '../report/table.js';
import { DEFAULT_REPORT_DIR, resolveOutTarget, writeFilesAtomic, type OutTarget } from '../report/write.js';
import type { CliIo } from './io.js';

/** GitHub rejects a step summary over 1 MiB. */
const STEP_SUMMARY_LIMIT = 1024 * 1024;

export interface OutputFlags {
  format?: string;
  /** `true` when `--out` is given without a value. */
  out?: string | true;
  assert?: string[];
  baseline?: string;
  maxDrop?: string;
  maxLatencyRise?: string;
  /** Every column of the terminal table, however wide. */
  wide?: boolean;
}

/** `--out`, `--assert`, `--baseline` and tolerances (`--format` is among the grid options). */
export function addOutputOptions(command: Command): Command {
  return command
    .option('-o, --out [path]', `write the report to a file (format from its extension) or a folder; alone: ${DEFAULT_REPORT_DIR}`)
    .option('--assert <expr>', "fail (exit 1) unless it holds, e.g. 'lru@1024.hitRate>=0.85' (repeatable)", collect)
    .option('--baseline <file>', 'a JSON result to compare with: fail when a hit rate drops or latency rises too much')
    .option('--max-drop <rate>', `largest allowed hit-rate drop versus --baseline, absolute (0.01 or 1%) (default: ${DEFAULT_MAX_DROP})`)
    .option('--wide', 'show every column of the terminal table, however wide the terminal')
    .option(
      '--max-latency-rise <amount>',
      'largest allowed rise of mean latency versus --baseline: a fraction (0.1, 10%) or a duration (0.5ms)',
    );
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * Everything about the output that can be checked before a replay: the format, where `--out`
 * writes, the assertions and the baseline. A typo fails in milliseconds, not after the run.
 */
export interface PreparedOutput {
  /** Format for stdout when there is no `--out`. */
  readonly format: ReportFormat;
  readonly target?: OutTarget | undefined;
  readonly assertions: readonly Assertion[];
  readonly baseline?: { readonly result: RunResult; readonly tolerances: BaselineTolerances } | undefined;
  /** The terminal table shows every column (--wide). */
  readonly wide?: boolean;
}

export async function prepareOutput(flags: OutputFlags, context: { command: string; source: string }): Promise<PreparedOutput> {
  const format = formatFrom(flags);
  const target =
    flags.out === undefined ? undefined : resolveOutTarget(flags.out === true ? DEFAULT_REPORT_DIR : flags.out, { ...context, format });
  const assertions = (flags.assert ?? []).map((text) => parseAssertion(text));
  const prepared = { format: format ?? 'table', target, assertions, ...(flags.wide === true && { wide: true }) };
  if (flags.baseline === undefined) {
    if (flags.maxDrop !== undefined) throw new UsageError('only applies when comparing with a baseline (--baseline)', '--max-drop');
    if (flags.maxLatencyRise !== undefined)
      throw new UsageError('only applies when comparing with a baseline (--baseline)', '--max-latency-rise');
    return prepared;
  }
  const tolerances: BaselineTolerances = {
    maxDrop: flags.maxDrop === undefined ? DEFAULT_MAX_DROP : parseMaxDrop(flags.maxDrop),
    maxLatencyRise: flags.maxLatencyRise === undefined ? undefined : parseLatencyRise(flags.maxLatencyRise),
  };
  return { ...prepared, baseline: { result: await loadBaseline(flags.baseline), tolerances } };
}

function formatFrom(flags: OutputFlags): ReportFormat | undefined {
  if (flags.format === undefined) return undefined;
  if (!isReportFormat(flags.format)) throw new UsageError(`'${flags.format}' is not one of ${REPORT_FORMATS.join(', ')}`, '--format');
  return flags.format;
}

export interface DeliverContext {
  readonly io: CliIo;
  /** The command's terminal view, when not the row table (sweep passes its curve table). */
  readonly table?: (result: RunResult, fit: TableOptions) => string;
}

/**
 * Renders or writes the report, evaluates the gates and prints their verdicts (stderr, so
 * stdout stays a clean report), appends the job summary, and throws GateFailure (exit 1)
 * when a gate does not hold.
 */
export async function deliverResult(result: RunResult, prepared: PreparedOutput, { io, table }: DeliverContext): Promise<Verdict[]> {
  const verdicts = evaluateAssertions(result, prepared.assertions);
  const notes: string[] = [];
  if (prepared.baseline) {
    const comparison = compareToBaseline(result, prepared.baseline.result, prepared.baseline.tolerances);
    verdicts.push(...comparison.verdicts);
    notes.push(...comparison.notes);
  }
  const markdown = { verdicts, gateNotes: notes };
  const renderOptions = { report: markdown, ...(table && { table }) };

  const { target } = prepared;
  if (target) {
    const chart = target.format === 'md' ? chartBeside(target.path, result) : undefined;
    const options = chart === undefined ? renderOptions : { ...renderOptions, report: { ...markdown, chartImage: basename(chart.path) } };
    const text = renderResult(result, target.format, options);
    // The chart and the report linking it are written as a pair, under one lock, chart first.
    const report = { path: target.path, text: target.format === 'table' ? stripVTControlCharacters(text) : text };
    await writeFilesAtomic(chart ? [chart, report] : [report]);
    io.err(`wrote ${target.path}\n`);
  } else {
    const width = prepared.wide ? undefined : io.columns;
    io.out(renderResult(result, prepared.format, width === undefined ? renderOptions : { ...renderOptions, width }));
  }

  const hadGates = prepared.assertions.length > 0 || prepared.baseline !== undefined;
  if (hadGates) {
    for (const note of notes) io.err(`${chalk.yellow('note')} ${note}\n`);
    // Failing gates are listed once, by the GateFailure message below. Assertions are few and
    // hand-written, so each is listed; baseline comparisons (two per row) are counted.
    for (const verdict of verdicts) {
      if (verdict.ok && verdict.source === 'assert') io.err(`${chalk.green('pass')} ${describeVerdict(verdict)}\n`);
    }
    const baselinePasses = verdicts.filter((verdict) => verdict.ok && verdict.source === 'baseline').length;
    if (baselinePasses > 0) {
      io.err(`${chalk.green('pass')} ${baselinePasses} baseline comparison${baselinePasses === 1 ? '' : 's'} within tolerance\n`);
    }
  }

  const summaryFile = (io.env ?? process.env).GITHUB_STEP_SUMMARY;
  if (summaryFile) {
    // The summary is a courtesy: failing to write it must not hide the gates' verdict.
    const summary = renderMarkdown(result, markdown) + '\n';
    if (Buffer.byteLength(summary) > STEP_SUMMARY_LIMIT) {
      io.err(
        `${chalk.yellow('warning')} the report is over GitHub's 1 MiB job summary limit, so it was not added there; write it with --out\n`,
      );
    } else {
      await appendFile(summaryFile, summary).catch((error: unknown) => {
        io.err(
          `${chalk.yellow('warning')} could not append to GITHUB_STEP_SUMMARY (${summaryFile}): ${error instanceof Error ? error.message : String(error)}\n`,
        );
      });
    }
  }

  const failures = verdicts.filter((verdict) => !verdict.ok);
  if (failures.length > 0) throw new GateFailure(failures.map(describeVerdict));
  if (hadGates) io.err(chalk.green(verdicts.length === 1 ? 'the gate passed\n' : `all ${verdicts.length} gates passed\n`));
  return verdicts;
}

/** The SVG chart to write beside a markdown report (`<report>.svg`), when the result has one. */
function chartBeside(reportPath: string, result: RunResult): { path: string; text: string } | undefined {
  const svg = renderSvgChart(result);
  if (svg === null) return undefined;
  return { path: join(dirname(reportPath), `${basename(reportPath).replace(/\.[^.]*$/, '')}.svg`), text: svg };
}
