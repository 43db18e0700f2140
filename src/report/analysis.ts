/**
 * A trace's portrait (`cachebench analyze`) as a terminal page, markdown with charts, or JSON.
 * The three say the same things in the same order: the mix, popularity, reuse, the LRU curve,
 * the working set over time, sizes and TTLs, and the fitted spec when there is one.
 */
import type { Distribution, TraceAnalysis } from '../analyze/analyze.js';
import type { FittedSpec } from '../analyze/fit.js';
import { formatBytes, formatDuration } from '../units.js';
import { integer, percent, terminalTable } from './format.js';

/** The formats `renderAnalysis` writes. */
export const ANALYSIS_FORMATS = ['table', 'json', 'md'] as const;
/** One of ANALYSIS_FORMATS. */
export type AnalysisFormat = (typeof ANALYSIS_FORMATS)[number];

/** What analyze reports: the portrait, and the fitted spec when asked for. */
export interface AnalysisReport {
  readonly schemaVersion: 1;
  readonly analysis: TraceAnalysis;
  readonly fit?: FittedSpec;
}

const count = (value: number): string => integer(Math.round(value));
const seconds = (value: number): string => formatDuration(value);

interface Line {
  readonly label: string;
  readonly value: string;
}

/** The figures every format shows, as label–value lines. */
function summaryLines(report: AnalysisReport): Line[] {
  const a = report.analysis;
  const lines: Line[] = [
    { label: 'requests', value: count(a.requests) },
    { label: 'gets / sets / deletes', value: `${count(a.ops.get)} / ${count(a.ops.set)} / ${count(a.ops.delete)}` },
    { label: 'distinct keys', value: count(a.distinctKeys) },
    {
      label: 'one-hit wonders',
      value: `${count(a.oneHitWonders.keys)} keys (${percent(a.oneHitWonders.shareOfKeys, 1)} of keys, ${percent(a.oneHitWonders.shareOfRequests, 1)} of requests)`,
    },
    {
      label: 'top 1% / 10% of keys',
      value: `${percent(a.popularity.top1PercentShare, 1)} / ${percent(a.popularity.top10PercentShare, 1)} of requests`,
    },
    {
      label: 'Zipf fit',
      value: a.popularity.zipf
        ? `alpha ${a.popularity.zipf.alpha.toFixed(3)}, R² ${a.popularity.zipf.r2.toFixed(3)} over the ${count(a.popularity.zipf.ranks)} keys requested twice or more`
        : 'too few keys requested twice',
    },
  ];
  if (a.reuseDistance) lines.push({ label: 'reuse distance (requests)', value: spread(a.reuseDistance, count) });
  if (a.reuseTime) lines.push({ label: 'reuse time', value: spread(a.reuseTime, seconds) });
  if (a.stackDistance.distribution) lines.push({ label: 'stack distance (keys)', value: spread(a.stackDistance.distribution, count) });
  if (a.time) lines.push({ label: 'time', value: `${seconds(a.time.span)} at ${a.time.rate.toFixed(1)} requests/s` });
  if (a.sizes)
    lines.push({ label: 'object size', value: `${spread(a.sizes, formatBytes)}; every key once: ${formatBytes(a.sizes.distinctBytes)}` });
  if (a.ttls) {
    const finite = a.ttls.finite ? `; finite ones ${spread(a.ttls.finite, seconds)}` : '';
    lines.push({ label: 'TTLs', value: `${count(a.ttls.given)} requests give one, ${count(a.ttls.never)} never expire${finite}` });
  }
  if (report.fit) lines.push({ label: 'fitted spec', value: `${report.fit.spec} (LRU curve within ${report.fit.curveGapPoints} points)` });
  return lines;
}

function spread(d: Distribution, format: (value: number) => string): string {
  return `median ${format(d.p50)}, p90 ${format(d.p90)}, p99 ${format(d.p99)}, max ${format(d.max)}`;
}

/** The portrait as a terminal page, markdown with Mermaid charts, or JSON. */
export function renderAnalysis(report: AnalysisReport, format: AnalysisFormat): string {
  if (format === 'json') return JSON.stringify(report, (_key, value: unknown) => (value === Infinity ? 'Infinity' : value), 2) + '\n';
  if (format === 'md') return renderAnalysisMarkdown(report);
  return renderAnalysisTable(report);
}

function renderAnalysisTable(report: AnalysisReport): string {
  const a = report.analysis;
  const summary = terminalTable(['', a.source], [0, 1]);
  for (const line of summaryLines(report)) summary.push([line.label, line.value]);
  const curve = terminalTable(['LRU size', 'hit rate'], []);
  for (const point of a.lruCurve) curve.push([count(point.size), percent(point.hitRate, 1)]);
  const windows = terminalTable(['window', 'requests', 'distinct keys', 'new keys', 'requests/s'], []);
  for (const [i, w] of a.windows.entries()) {
    windows.push([String(i + 1), count(w.requests), count(w.distinctKeys), count(w.newKeys), w.rate === null ? '' : w.rate.toFixed(1)]);
  }
  return [
    summary.toString(),
    'LRU hit rate by size (from the stack distances):',
    curve.toString(),
    'Working set over time:',
    windows.toString(),
    '',
  ].join('\n');
}

function renderAnalysisMarkdown(report: AnalysisReport): string {
  const a = report.analysis;
  const out: string[] = [`# Trace: ${a.source}`, '', '| | |', '|---|---|'];
  for (const line of summaryLines(report)) out.push(`| ${line.label} | ${line.value.replace(/\|/g, '\\|')} |`);
  out.push('', '## Popularity', '');
  out.push(
    chart(
      'Rank–frequency (log10 of both)',
      'log10 rank',
      a.popularity.rankFrequency.map((point) => Math.log10(point.rank).toFixed(2)),
      'log10 requests',
      a.popularity.rankFrequency.map((point) => Number(Math.log10(Math.max(1, point.count)).toFixed(3))),
    ),
  );
  out.push('', '## LRU hit rate by size', '');
  out.push(
    chart(
      'LRU hit rate (%)',
      'cache size (entries)',
      a.lruCurve.map((point) => String(point.size)),
      'hit rate (%)',
      a.lruCurve.map((point) => Number((point.hitRate * 100).toFixed(2))),
      100,
    ),
  );
  out.push(
    '',
    '| size | hit rate |',
    '|---:|---:|',
    ...a.lruCurve.map((point) => `| ${count(point.size)} | ${percent(point.hitRate, 1)} |`),
  );
  out.push('', '## Working set over time', '');
  out.push(
    chart(
      'Distinct keys per window',
      'window',
      a.windows.map((_, i) => String(i + 1)),
      'distinct keys',
      a.windows.map((w) => w.distinctKeys),
      undefined,
      'bar',
    ),
  );
  out.push('', '| window | requests | distinct keys | new keys | requests/s |', '|---:|---:|---:|---:|---:|');
  for (const [i, w] of a.windows.entries()) {
    out.push(
      `| ${i + 1} | ${count(w.requests)} | ${count(w.distinctKeys)} | ${count(w.newKeys)} | ${w.rate === null ? '' : w.rate.toFixed(1)} |`,
    );
  }
  if (report.fit) {
    out.push('', '## A spec that imitates it', '', '```sh', `cachebench run '${report.fit.spec}'`, '```', '');
    out.push(
      `Its LRU hit-rate curve is within ${report.fit.curveGapPoints} points of the trace's at sizes ${report.fit.sizes.join(', ')}.`,
    );
  }
  return out.join('\n') + '\n';
}

function chart(
  title: string,
  xName: string,
  x: readonly string[],
  yName: string,
  y: readonly number[],
  yMax?: number,
  kind: 'line' | 'bar' = 'line',
): string {
  const highest = Math.max(1, ...y);
  const top = yMax ?? (highest < 10 ? Math.ceil(highest * 10) / 10 : Math.ceil(highest * 1.05));
  return [
    '```mermaid',
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis "${xName}" [${x.map((label) => `"${label}"`).join(', ')}]`,
    `  y-axis "${yName}" 0 --> ${top}`,
    `  ${kind} [${y.join(', ')}]`,
    '```',
  ].join('\n');
}
