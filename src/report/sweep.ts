/**
 * The terminal report of `cachebench sweep`: sizes down the side and one column per
 * policy x TTL (curves read top to bottom), the recommended size per curve with its reason,
 * the best choice overall, and the chart. Sampled sweeps say so above everything else.
 */
import chalk from 'chalk';
import Table from 'cli-table3';
import { renderChart } from './chart.js';
import { capacityLabel, integer, ms, percent, ttlLabel } from './format.js';
import type { RunResult } from '../model/result.js';
import { bestChoiceText, recommendationText, samplingText } from './words.js';

export function renderSweep(result: RunResult): string {
  const { trace, options } = result;
  const lines: string[] = [];
  lines.push(
    `${chalk.bold(trace.source)}: ${integer(trace.requests)} requests, ${integer(trace.distinctKeys)} distinct keys, ` +
      `top 1% of keys get ${percent(trace.top1PercentShare, 1)} of requests`,
  );
  lines.push(
    chalk.dim(`lookup ${ms(options.lookupCostMs)}, miss ${ms(options.missCostMs)}, seed ${options.seed}, capacity in ${options.unit}`),
  );
  if (result.sampling) lines.push(chalk.yellow(`ESTIMATES: ${samplingText(result.sampling)} (${result.sampling.methods.join(', ')})`));

  const showTtl = options.ttls.some((ttl) => ttl !== null);
  const label = (policy: string, ttl: number | null): string => (showTtl ? `${policy} ttl=${ttlLabel(ttl)}` : policy);
  const columns: string[] = [];
  const hitRate = new Map<string, number>();
  for (const row of result.rows) {
    const name = label(row.policy, row.ttl);
    if (!columns.includes(name)) columns.push(name);
    hitRate.set(`${name}\u0000${row.capacity}`, row.hitRate);
  }
  const recommended = new Set(
    (result.recommendations ?? [])
      .filter((r) => r.primary && r.capacity !== null)
      .map((r) => `${label(r.policy, r.ttl)}\u0000${r.capacity}`),
  );
  const head = [options.unit === 'bytes' ? 'capacity' : 'maxsize', ...columns];
  const table = new Table({
    head: head.map((h) => chalk.cyan(h)),
    colAligns: head.map((_, i) => (i === 0 ? 'left' : 'right')),
    style: { head: [], border: [], compact: true },
  });
  for (const capacity of options.capacities) {
    const rates = columns.map((name) => hitRate.get(`${name}\u0000${capacity}`));
    const best = Math.max(...rates.map((rate) => rate ?? 0));
    table.push([
      capacityLabel(capacity, options.unit),
      ...rates.map((rate, i) => {
        if (rate === undefined) return '';
        let text = percent(rate);
        if (recommended.has(`${columns[i]}\u0000${capacity}`)) text = `${text} ◀`;
        return rate === best && best > 0 && columns.length > 1 ? chalk.green.bold(text) : text;
      }),
    ]);
  }
  lines.push(table.toString());
  lines.push(chalk.dim('green: best policy at that size; ◀: recommended size'));

  if (result.recommendations && result.recommendations.length > 0) {
    lines.push('', chalk.bold('recommended size'));
    const width = Math.max(...columns.map((c) => c.length));
    for (const r of result.recommendations) {
      const name = label(r.policy, r.ttl).padEnd(width);
      const tag = chalk.dim(`[${r.criterion}]`);
      const reason = recommendationText(r, options.unit);
      const text = r.capacity === null ? chalk.red(reason) : r.primary ? chalk.bold(reason) : reason;
      const rival =
        r.bestPolicyAtSize && r.bestPolicyAtSize.policy !== r.policy
          ? chalk.dim(` (best there: ${r.bestPolicyAtSize.policy}, ${percent(r.bestPolicyAtSize.hitRate)})`)
          : '';
      lines.push(`  ${name}  ${text}${rival} ${tag}`);
    }
  }
  if (result.best !== undefined) {
    lines.push(
      '',
      result.best === null
        ? chalk.red('best: no policy meets the target at any size in range')
        : `${chalk.bold('best:')} ${bestChoiceText(result.best, options.unit)}`,
    );
  }
  lines.push('', renderChart(result).trimEnd());
  return lines.join('\n') + '\n';
}
