/**
 * The terminal report: a one-line trace summary, then one table row per policy x TTL x size.
 * Returns a string; colour follows chalk's detection of the output stream, so piping the
 * table into a file gives plain text.
 */
import chalk from 'chalk';
import type { RunResult } from '../model/result.js';
import { integer, ms, percent, speedup, terminalTable } from './format.js';
import { resultColumns } from './columns.js';

export function renderTable(result: RunResult): string {
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
  lines.push(`${chalk.bold(trace.source)}: ${summary.join(', ')}`);
  lines.push(
    chalk.dim(`lookup ${ms(options.lookupCostMs)}, miss ${ms(options.missCostMs)}, seed ${options.seed}, capacity in ${options.unit}`),
  );
  if (columns.note !== '') lines.push(chalk.dim(columns.note));

  const table = terminalTable(columns.head);
  for (const row of result.rows) table.push(columns.cells(row));
  lines.push(table.toString());

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
