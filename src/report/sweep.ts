/**
 * The terminal report of `cachebench sweep`: sizes down the side and one column per
 * policy x TTL (curves read top to bottom), the recommended size per curve with its reason,
 * the best choice overall, and the chart. Sampled sweeps say so above everything else.
 */
import chalk from 'chalk';
import { renderChart } from './chart.js';
import { integer, ms, percent, seriesLabel, displayUnit } from './format.js';
import { renderTimeline } from './timeline.js';
import { warmupText } from './facts.js';
import { unreliableNote } from './columns.js';
import { fitPhrases, renderHitRatePivot, wrapWords, type TableOptions } from './table.js';
import type { Recommendation, RunResult } from '../model/result.js';
import { bestChoiceText, noBestText, recommendationText, samplingText, ttlChoiceText } from './words.js';

export function renderSweep(result: RunResult, fit: TableOptions = {}): string {
  const { trace, options } = result;
  const lines: string[] = [];
  const summary = [
    `${integer(trace.requests)} requests`,
    `${integer(trace.distinctKeys)} distinct keys`,
    `top 1% of keys get ${percent(trace.top1PercentShare, 1)} of requests`,
  ];
  lines.push(...fitPhrases(`${chalk.bold(trace.source)}: `, summary, fit.width, trace.source.length + 2));
  lines.push(
    chalk.dim(
      `lookup ${ms(options.lookupCostMs)}, miss ${ms(options.missCostMs)}, seed ${options.seed}, capacity in ${options.unit}` +
        (options.warmup ? `; ${warmupText(options.warmup)} warm the cache, not counted` : ''),
    ),
  );
  if (result.sampling) lines.push(chalk.yellow(`ESTIMATES: ${samplingText(result.sampling)} (${result.sampling.methods.join(', ')})`));

  const showTtl = options.ttls.some((ttl) => ttl !== null);
  const label = (rec: Recommendation): string => seriesLabel(rec, options, showTtl);
  lines.push(renderHitRatePivot(result, fit.width));
  lines.push(chalk.dim('green: best policy at that size; ◀: recommended size'));
  const shaky = unreliableNote(result);
  if (shaky !== null) lines.push(...wrapWords(chalk.yellow(shaky), fit.width, 3));
  const timeline = renderTimeline(result, fit.width);
  if (timeline !== '') lines.push('', timeline);

  if (result.recommendations && result.recommendations.length > 0) {
    lines.push('', chalk.bold('recommended size'));
    const width = Math.max(...result.recommendations.map((r) => label(r).length));
    for (const r of result.recommendations) {
      const name = label(r).padEnd(width);
      const tag = chalk.dim(`[${r.criterion}]`);
      const reason = recommendationText(r, displayUnit(options));
      const text = r.capacity === null ? chalk.red(reason) : r.primary ? chalk.bold(reason) : reason;
      const rival =
        r.bestPolicyAtSize && r.bestPolicyAtSize.policy !== r.policy
          ? chalk.dim(` (best there: ${r.bestPolicyAtSize.policy}, ${percent(r.bestPolicyAtSize.hitRate)})`)
          : '';
      // Continuation lines start under the reason while that leaves room for it.
      const indent = fit.width !== undefined && fit.width - (width + 4) < 32 ? 4 : width + 4;
      lines.push(...wrapWords(`  ${name}  ${text}${rival} ${tag}`, fit.width, indent));
    }
  }
  if (result.best !== undefined) {
    lines.push(
      '',
      ...wrapWords(
        result.best === null
          ? chalk.red(`best: ${noBestText(result)}`)
          : `${chalk.bold('best:')} ${bestChoiceText(result.best, displayUnit(options))}`,
        fit.width,
        6,
      ),
    );
  }
  if (result.ttlChoice !== undefined) {
    const text = ttlChoiceText(result.ttlChoice, displayUnit(options));
    lines.push('', ...wrapWords(`${chalk.bold('ttl:')} ${result.ttlChoice.pick === null ? chalk.red(text) : text}`, fit.width, 5));
  }
  // The chart's plot, its y labels (9 columns) and the 2 its last x label may overhang fit the terminal.
  const chartWidth = fit.width === undefined ? undefined : Math.min(64, fit.width - 11);
  lines.push('', renderChart(result, chartWidth === undefined ? {} : { width: chartWidth }).trimEnd());
  return lines.join('\n') + '\n';
}
