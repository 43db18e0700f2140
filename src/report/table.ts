/**
 * The terminal report: a one-line trace summary, then one table row per policy x TTL x size.
 * Returns a string; colour follows chalk's detection of the output stream, so piping the
 * table into a file gives plain text.
 */
import chalk from 'chalk';
import type { ResultRow, RunResult } from './model.js';
import { capacityLabel, integer, ms, percent, speedup, terminalTable, ttlLabel } from './format.js';
import { timeColumns } from './time-columns.js';

export function renderTable(result: RunResult): string {
  const { trace, options } = result;
  const lines: string[] = [];
  const extra = timeColumns(result);
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
  if (extra.note !== '') lines.push(chalk.dim(extra.note));

  const showTtl = options.ttls.some((ttl) => ttl !== null);
  const showBytes = options.unit === 'bytes' || trace.sizes !== null;
  const head = [
    'policy',
    ...(showTtl ? ['ttl'] : []),
    options.unit === 'bytes' ? 'capacity' : 'maxsize',
    'hits',
    'misses',
    'hit rate',
    ...(showBytes ? ['byte hit rate'] : []),
    ...extra.missHead,
    'mean latency',
    ...extra.latencyHead,
    'p99',
    'speed-up',
    ...extra.tailHead,
  ];
  const table = terminalTable(head);
  const best = bestHitRates(result.rows);
  for (const row of result.rows) {
    const isBest = row.hitRate > 0 && row.hitRate === best.get(groupKey(row));
    const hitRate = percent(row.hitRate);
    table.push([
      row.policy,
      ...(showTtl ? [ttlLabel(row.ttl)] : []),
      capacityLabel(row.capacity, options.unit),
      integer(row.hits),
      integer(row.misses),
      isBest ? chalk.green.bold(hitRate) : hitRate,
      ...(showBytes ? [percent(row.byteHitRate)] : []),
      ...extra.missCells(row),
      ms(row.latency.mean),
      ...extra.latencyCells(row),
      ms(row.latency.p99),
      row.latency.slowerThanNoCache ? chalk.red(`${speedup(row.latency.speedup)} slower!`) : speedup(row.latency.speedup),
      ...extra.tailCells(row),
    ]);
  }
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

/** Best hit rate per TTL x size, so the winning policy in each column stands out. */
function bestHitRates(rows: readonly ResultRow[]): Map<string, number> {
  const best = new Map<string, number>();
  for (const row of rows) {
    const key = groupKey(row);
    best.set(key, Math.max(best.get(key) ?? 0, row.hitRate));
  }
  return best;
}

function groupKey(row: ResultRow): string {
  return `${row.ttl}@${row.capacity}`;
}
