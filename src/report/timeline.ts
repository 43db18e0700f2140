/**
 * Hit rate over time in the terminal (`--interval`): one sparkline per row, all on one
 * scale so rows compare, with the first and last interval's hit rate beside it. The JSON
 * and the HTML report carry every interval; this is the glance.
 */
import chalk from 'chalk';
import type { ResultRow, RunResult } from '../model/result.js';
import { capacityLabel, percent, seriesLabel, displayUnit } from './format.js';
import { seriesOf } from '../model/modes.js';
import { formatDuration } from '../units.js';

const BARS = '▁▂▃▄▅▆▇█';
/** Rows shown; the rest are counted (the JSON and HTML have them all). */
const MAX_ROWS = 24;

/** How an interval is named: '10,000 requests' or '1m'. */
export function intervalLabel(interval: NonNullable<RunResult['options']['interval']>): string {
  return interval.unit === 'requests' ? `${interval.size.toLocaleString('en-US')} requests` : formatDuration(interval.size);
}

/** The rows' labels as the tables write them: policy, TTL when tried, size. */
export function rowLabel(row: ResultRow, result: RunResult): string {
  const showTtl = result.options.ttls.some((ttl) => ttl !== null);
  return `${seriesLabel(seriesOf(row), result.options, showTtl)} @${capacityLabel(row.capacity, displayUnit(result.options))}`;
}

/** The sparklines, or '' when the rows carry no intervals. `width` bounds each line. */
export function renderTimeline(result: RunResult, width: number | undefined): string {
  const interval = result.options.interval;
  const rows = result.rows.filter((row) => row.intervals !== undefined && row.intervals.length > 0);
  if (interval === undefined || rows.length === 0) return '';
  const rates = rows.flatMap((row) => row.intervals!.flatMap((stats) => (stats.hitRate === null ? [] : [stats.hitRate])));
  const low = Math.min(...rates);
  const high = Math.max(...rates);
  const shown = rows.slice(0, MAX_ROWS);
  const labels = shown.map((row) => rowLabel(row, result));
  const labelWidth = Math.max(...labels.map((label) => label.length));
  // label, two spaces, the line, then ' 12.34% → 56.78%' (17 columns).
  const room = Math.max(8, (width ?? 200) - labelWidth - 2 - 17);
  const lines = [
    chalk.bold('hit rate over time') +
      chalk.dim(` (every ${intervalLabel(interval)}; ▁ ${percent(low, 1)} … █ ${percent(high, 1)}; first → last interval)`),
  ];
  shown.forEach((row, i) => {
    const series = buckets(row.intervals!, room);
    const line = series
      .map((rate) => (rate === null ? ' ' : BARS[high > low ? Math.min(7, Math.floor(((rate - low) / (high - low)) * 8)) : 3]!))
      .join('');
    const known = row.intervals!.filter((stats) => stats.hitRate !== null);
    const first = known[0]?.hitRate ?? 0;
    const last = known.at(-1)?.hitRate ?? 0;
    lines.push(`${labels[i]!.padEnd(labelWidth)}  ${line} ${chalk.dim(`${percent(first)} → ${percent(last)}`)}`);
  });
  const origin = shown.filter((row) => row.intervals!.some((stats) => stats.originFetches !== undefined));
  if (origin.length > 0) {
    const perSecond = interval.unit === 'seconds';
    const load = (stats: NonNullable<ResultRow['intervals']>[number]): number =>
      perSecond ? stats.originPerSecond! : stats.originFetches!;
    const peak = Math.max(...origin.flatMap((row) => row.intervals!.map(load)));
    lines.push(
      chalk.bold(`origin fetches ${perSecond ? 'per second' : `per ${intervalLabel(interval)}`} over time`) +
        chalk.dim(` (▁ 0 … █ ${rateText(peak)}; the interval's mean, peak beside)`),
    );
    for (const row of origin) {
      const values = originBuckets(row.intervals!, room, load);
      const line = values.map((value) => BARS[peak > 0 ? Math.min(7, Math.floor((value / peak) * 8)) : 0]!).join('');
      lines.push(
        `${rowLabel(row, result).padEnd(labelWidth)}  ${line} ${chalk.dim(`peak ${rateText(Math.max(...row.intervals!.map(load)))}`)}`,
      );
    }
  }
  if (rows.length > shown.length)
    lines.push(chalk.dim(`… ${rows.length - shown.length} more rows (every interval is in -f json and -f html)`));
  return lines.join('\n');
}

function rateText(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(1);
}

/** The intervals' origin load merged into at most `count` buckets (the mean over each), in order. */
function originBuckets(
  intervals: NonNullable<ResultRow['intervals']>,
  count: number,
  load: (stats: NonNullable<ResultRow['intervals']>[number]) => number,
): number[] {
  const size = Math.ceil(intervals.length / count);
  const out: number[] = [];
  for (let start = 0; start < intervals.length; start += size) {
    const part = intervals.slice(start, start + size);
    out.push(part.reduce((sum, stats) => sum + load(stats), 0) / part.length);
  }
  return out;
}

/** The intervals merged into at most `count` buckets (hits ÷ lookups over each), in order. */
function buckets(intervals: NonNullable<ResultRow['intervals']>, count: number): (number | null)[] {
  const size = Math.ceil(intervals.length / count);
  const out: (number | null)[] = [];
  for (let start = 0; start < intervals.length; start += size) {
    let lookups = 0;
    let hits = 0;
    for (const stats of intervals.slice(start, start + size)) {
      lookups += stats.lookups;
      hits += stats.hits;
    }
    out.push(lookups > 0 ? hits / lookups : null);
  }
  return out;
}
