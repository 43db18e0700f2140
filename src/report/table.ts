/**
 * The terminal report: a one-line trace summary, then one table row per policy x TTL x size.
 * Returns a string; colour follows chalk's detection of the output stream, so piping the
 * table into a file gives plain text.
 */
import { stripVTControlCharacters } from 'node:util';
import chalk from 'chalk';
import type { RunResult } from '../model/result.js';
import { integer, ms, percent, speedup, terminalTable } from './format.js';
import { resultColumns } from './columns.js';

/** Columns a narrow terminal keeps: who, at which size and TTL, and how well. */
const ESSENTIAL = ['policy', 'ttl', 'hit rate', 'mean latency', 'speed-up'];

/**
 * The essential columns' indexes, the size column among them: `maxsize` counting entries,
 * else the first `capacity` (a later `capacity` is the capacity-miss column, not essential).
 */
function essentialColumns(head: readonly string[]): Set<number> {
  const size = head.includes('maxsize') ? head.indexOf('maxsize') : head.indexOf('capacity');
  return new Set([size, ...ESSENTIAL.map((name) => head.indexOf(name))].filter((i) => i >= 0));
}

export interface TableOptions {
  /** The terminal's width: columns beyond the essential ones are left out, rightmost first, until the table fits. */
  readonly width?: number;
}

/**
 * Which columns to show within `width`: all when they fit, else the essential ones and as
 * many of the others, from the left, as fit. Widths are measured as cli-table3 draws them
 * (a space either side of each cell, a border between and around).
 */
export function fitColumns(head: readonly string[], rows: readonly (readonly string[])[], width: number | undefined): number[] {
  const all = head.map((_, i) => i);
  if (width === undefined) return all;
  const widths = head.map((title, i) => Math.max(title.length, ...rows.map((row) => stripVTControlCharacters(row[i] ?? '').length)));
  const drawn = (columns: readonly number[]): number => columns.reduce((sum, i) => sum + widths[i]! + 3, 1);
  const essential = essentialColumns(head);
  const shown = [...all];
  for (let i = head.length - 1; i >= 0 && drawn(shown) > width; i--) {
    if (!essential.has(i)) shown.splice(shown.indexOf(i), 1);
  }
  return shown;
}

/**
 * `lead` then the phrases joined by commas, broken between phrases (never inside one) into
 * lines of at most `width` columns; continuation lines are indented by two. One line without a width.
 */
export function fitPhrases(lead: string, phrases: readonly string[], width: number | undefined, leadWidth = lead.length): string[] {
  if (width === undefined) return [lead + phrases.join(', ')];
  const lines: string[] = [];
  let line = lead;
  let used = leadWidth;
  phrases.forEach((phrase, i) => {
    const piece = phrase + (i < phrases.length - 1 ? ',' : '');
    const start = line === lead ? '' : ' ';
    if (line !== lead && line.trim() !== '' && used + start.length + piece.length > width) {
      lines.push(line);
      line = '  ' + piece;
      used = 2 + piece.length;
    } else {
      line += start + piece;
      used += start.length + piece.length;
    }
  });
  lines.push(line);
  return lines;
}

export function renderTable(result: RunResult, fit: TableOptions = {}): string {
  const { trace, options } = result;
  const lines: string[] = [];
  const columns = resultColumns(result, {
    ttlTitle: 'ttl',
    policy: (name) => name,
    hitRate: (text, best) => (best ? chalk.green.bold(text) : text),
    speedup: (row) => (row.latency.slowerThanNoCache ? chalk.red(`${speedup(row.latency.speedup)} slower!`) : speedup(row.latency.speedup)),
  });
  const summary = [
    `${integer(trace.requests)} requests`,
    `${integer(trace.distinctKeys)} distinct keys`,
    `${percent(trace.distinctKeys ? trace.oneHitWonders / trace.distinctKeys : 0, 1)} one-hit wonders`,
    `top 1% of keys get ${percent(trace.top1PercentShare, 1)} of requests`,
  ];
  lines.push(...fitPhrases(`${chalk.bold(trace.source)}: `, summary, fit.width, trace.source.length + 2));
  lines.push(
    chalk.dim(`lookup ${ms(options.lookupCostMs)}, miss ${ms(options.missCostMs)}, seed ${options.seed}, capacity in ${options.unit}`),
  );
  if (columns.note !== '') lines.push(chalk.dim(columns.note));

  const cells = result.rows.map((row) => columns.cells(row));
  const shown = fitColumns(columns.head, cells, fit.width);
  const table = terminalTable(shown.map((i) => columns.head[i]!));
  for (const row of cells) table.push(shown.map((i) => row[i]!));
  lines.push(table.toString());
  const hidden = columns.head.filter((_, i) => !shown.includes(i));
  if (hidden.length > 0) {
    lines.push(chalk.dim(`left out to fit ${fit.width} columns: ${hidden.join(', ')} (--wide shows all)`));
  }

  const slower = result.rows.filter((row) => row.latency.slowerThanNoCache);
  if (slower.length > 0) {
    lines.push(
      chalk.red(
        `${slower.length} configuration${slower.length === 1 ? ' is' : 's are'} slower than no cache at all: ` +
          `the lookup cost (${ms(options.lookupCostMs)}) outweighs the misses saved.`,
      ),
    );
  }
  return lines.join('\n') + '\n';
}
