/**
 * The terminal report: a one-line trace summary, then one table row per policy x TTL x size.
 * Returns a string; colour follows chalk's detection of the output stream, so piping the
 * table into a file gives plain text.
 */
import { stripVTControlCharacters } from 'node:util';
import chalk from 'chalk';
import type { RunResult } from '../model/result.js';
import { integer, ms, percent, speedup, terminalTable, ttlLabel, displayUnit } from './format.js';
import { resultColumns, staleNote, UNRELIABLE_MARK, unreliableNote } from './columns.js';
import { hitRatePivotData, readsAsCurves, warmupText } from './facts.js';
import { renderTimeline } from './timeline.js';
import { fleetLines } from './fleet.js';
import { bestChoiceText } from './words.js';

/** Columns a narrow terminal keeps: who, at which size and TTL, and how well. */
const ESSENTIAL = ['policy', 'write', 'stampede', 'ttl', 'hit rate', 'mean latency', 'speed-up'];

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
 * The columns in groups that each fit `width`, every group led by column 0 (the sizes), so
 * a pivot too wide for the terminal is folded into tables stacked one under the other
 * rather than wrapped by the terminal. One group without a width.
 */
export function foldColumns(head: readonly string[], rows: readonly (readonly string[])[], width: number | undefined): number[][] {
  const rest = head.map((_, i) => i).slice(1);
  if (width === undefined) return [[0, ...rest]];
  const widths = head.map((title, i) => Math.max(title.length, ...rows.map((row) => stripVTControlCharacters(row[i] ?? '').length)));
  const groups: number[][] = [];
  let group = [0];
  let used = 1 + widths[0]! + 3;
  for (const i of rest) {
    if (group.length > 1 && used + widths[i]! + 3 > width) {
      groups.push(group);
      group = [0];
      used = 1 + widths[0]! + 3;
    }
    group.push(i);
    used += widths[i]! + 3;
  }
  groups.push(group);
  return groups;
}

/**
 * Hit rates with sizes down the side and one column per policy (x TTL): curves read top to
 * bottom. The best policy at each size is green, a recommended size has a ◀. Folded into
 * stacked tables when wider than `width`.
 */
export function renderHitRatePivot(result: RunResult, width: number | undefined): string {
  const pivot = hitRatePivotData(result);
  const showTtl = result.options.ttls.some((ttl) => ttl !== null);
  const recommended = new Set(
    (result.recommendations ?? [])
      .filter((rec) => rec.primary && rec.capacity !== null)
      .map((rec) => `${showTtl ? `${rec.policy} ttl=${ttlLabel(rec.ttl)}` : rec.policy}\u0000${rec.capacity}`),
  );
  const head = [pivot.sizeTitle, ...pivot.columns];
  const cells = pivot.lines.map((line) => [
    line.sizeLabel,
    ...line.rates.map((rate, i) => {
      if (rate === undefined) return '';
      const shown = percent(rate) + (line.unreliable[i] ? UNRELIABLE_MARK : '');
      const text = recommended.has(`${pivot.columns[i]}\u0000${line.capacity}`) ? `${shown} ◀` : shown;
      return line.best.includes(i) ? chalk.green.bold(text) : text;
    }),
  ]);
  return foldColumns(head, cells, width)
    .map((group) => {
      const table = terminalTable(group.map((i) => head[i]!));
      for (const row of cells) table.push(group.map((i) => row[i]!));
      return table.toString();
    })
    .join('\n');
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
    // A long lead (a long trace name) takes a line of its own rather than push its first phrase past the width.
    if (line.trim() !== '' && used + start.length + piece.length > width) {
      lines.push(line.trimEnd());
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

/**
 * `text` broken between words into lines of at most `width` visible columns (colour codes
 * take none), continuation lines indented by `indent` columns. One line without a width.
 */
export function wrapWords(text: string, width: number | undefined, indent: number): string[] {
  if (width === undefined) return [text];
  const lines: string[] = [];
  const [first = '', ...rest] = text.split(' ');
  let line = first;
  let used = stripVTControlCharacters(first).length;
  for (const word of rest) {
    const size = stripVTControlCharacters(word).length;
    // Runs of spaces (empty words) stay as they are: they align columns.
    if (size > 0 && used > indent && used + 1 + size > width) {
      lines.push(line);
      [line, used] = [' '.repeat(indent) + word, indent + size];
    } else {
      line += ' ' + word;
      used += 1 + size;
    }
  }
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
    chalk.dim(
      `lookup ${ms(options.lookupCostMs)}, miss ${ms(options.missCostMs)}, seed ${options.seed}, capacity in ${options.unit}` +
        (options.warmup ? `; ${warmupText(options.warmup)} warm the cache, not counted` : ''),
    ),
  );
  if (columns.note !== '') lines.push(chalk.dim(columns.note));

  // A long grid at a terminal reads better as curves; --wide (no width) keeps every metric per row.
  if (fit.width !== undefined && readsAsCurves(result)) {
    lines.push(renderHitRatePivot(result, fit.width));
    lines.push(chalk.dim(`hit rate by size, one column per policy; green: best at that size (--wide shows every metric per row)`));
    const timeline = renderTimeline(result, fit.width);
    if (timeline !== '') lines.push('', timeline);
    if (result.best) lines.push(...wrapWords(`${chalk.bold('best:')} ${bestChoiceText(result.best, displayUnit(options))}`, fit.width, 6));
    return lines.join('\n') + '\n';
  }
  const cells = result.rows.map((row) => columns.cells(row));
  const shown = fitColumns(columns.head, cells, fit.width);
  const table = terminalTable(shown.map((i) => columns.head[i]!));
  for (const row of cells) table.push(shown.map((i) => row[i]!));
  lines.push(table.toString());
  const shaky = unreliableNote(result);
  if (shaky !== null) lines.push(chalk.yellow(shaky));
  const stale = staleNote(result);
  if (stale !== null) lines.push(...wrapWords(chalk.red(stale), fit.width, 0));
  const hidden = columns.head.filter((_, i) => !shown.includes(i));
  if (hidden.length > 0) {
    lines.push(chalk.dim(`left out to fit ${fit.width} columns: ${hidden.join(', ')} (--wide shows all)`));
  }

  const fleet = fleetLines(result);
  if (fleet.length > 0) lines.push('', ...fleet.flatMap((line) => wrapWords(line, fit.width, 2)));
  const timeline = renderTimeline(result, fit.width);
  if (timeline !== '') lines.push('', timeline);
  // The verdict: the best deployable row, in one line.
  if (result.best) lines.push(...wrapWords(`${chalk.bold('best:')} ${bestChoiceText(result.best, displayUnit(options))}`, fit.width, 6));
  const slower = result.rows.filter((row) => row.latency.slowerThanNoCache);
  if (slower.length > 0) {
    lines.push(
      chalk.red(
        `${slower.length} configuration${slower.length === 1 ? ' is' : 's are'} slower than no cache at all: ` +
          (slower.some((row) => (row.originLimit?.delayed ?? 0) > 0)
            ? `the waits in the origin limit's queue (against an origin without one) outweigh the misses saved.`
            : `the lookup cost (${ms(options.lookupCostMs)}) outweighs the misses saved.`),
      ),
    );
  }
  return lines.join('\n') + '\n';
}
