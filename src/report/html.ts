/**
 * The HTML report (`--format html`, `--out report.html`): one file that works offline, with
 * nothing fetched: the trace's portrait, what ran, interactive charts, the results table
 * (click a heading to sort), the recommendations and the gates' verdicts.
 *
 * The charts are uPlot's (about 50 KB, no dependencies, canvas-drawn so a sweep of many
 * sizes and policies stays fast), inlined with its stylesheet; the code that drives them is
 * html-client.ts, inlined as its compiled source. Without JavaScript the page shows the
 * static SVG chart instead. The same result always gives the same bytes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Recommendation, ResultRow, RunResult } from '../model/result.js';
import { capacityLabel, ms, percent, seriesLabel, speedup, displayUnit } from './format.js';
import { seriesOf } from '../model/modes.js';
import { CRITERION_LABELS, hitRatePivotData, optionFacts, readsAsCurves, recommendationGroups, traceFacts, type Fact } from './facts.js';
import { drawReportCharts, makeTablesSortable, type HtmlChartData, type HtmlChartPanel, type HtmlTimeline } from './html-client.js';
import { intervalLabel, rowLabel } from './timeline.js';
import type { MarkdownOptions } from './markdown.js';
import { traceName } from './markdown.js';
import { rowSeries } from './mermaid.js';
import { resultColumns, staleNote, UNRELIABLE_MARK, unreliableNote } from './columns.js';
import { fleetLines, instanceTable } from './fleet.js';
import { serverHeadline, serverLines } from './server.js';
import { escapeXml, isBound, recommendedSize, renderSvgChart, seriesStyle } from './svg.js';
import { bestChoiceText, gatesHeadline, noBestText, recommendationText, samplingText, sentence, ttlChoiceText } from './words.js';

/** The extras the report shows beside the result: the gates' verdicts and notes. */
export type HtmlOptions = Pick<MarkdownOptions, 'verdicts' | 'gateNotes'>;

export function renderHtml(result: RunResult, options: HtmlOptions = {}): string {
  const title = `cachebench ${result.command}: ${traceName(result.trace.source)}`;
  const charts = chartData(result);
  const body = [
    `<header><h1>${escapeHtml(title)}</h1>`,
    `<p class="meta">Replayed <code>${escapeHtml(result.trace.source)}</code> with cachebench ${escapeHtml(result.tool.version)} (result schema v${result.schemaVersion}).</p></header>`,
    result.sampling ? `<p class="warning"><strong>Estimates:</strong> ${escapeHtml(samplingText(result.sampling))}</p>` : '',
    gatesSection(options),
    verdictSection(result),
    `<div class="facts">${factSection('Trace', traceFacts(result))}${factSection('Options', optionFacts(result))}</div>`,
    charts === null ? '' : chartSection(result, charts),
    resultsSection(result),
    fleetSection(result),
    serverSection(result),
    recommendationsSection(result),
    `<footer>Made by cachebench ${escapeHtml(result.tool.version)}. This page works offline; its charts are drawn with uPlot.</footer>`,
  ];
  const scripts =
    charts === null
      ? `<script>(${makeTablesSortable.toString()})();</script>`
      : [
          `<script type="application/json" id="chart-data">${JSON.stringify(charts).replace(/</g, '\\u003c')}</script>`,
          `<script>${scriptSafe(uPlotAssets().script)}</script>`,
          '<script>',
          `const drawReportCharts = ${drawReportCharts.toString()};`,
          `const makeTablesSortable = ${makeTablesSortable.toString()};`,
          "window.cachebenchCharts = drawReportCharts(JSON.parse(document.getElementById('chart-data').textContent), uPlot);",
          'makeTablesSortable();',
          '</script>',
        ].join('\n');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${charts === null ? '' : uPlotAssets().style}\n${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body.filter((part) => part !== ''),
    '</main>',
    scripts,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

let assets: { script: string; style: string } | undefined;

/** uPlot's minified script and stylesheet, read once from the installed package. */
function uPlotAssets(): { script: string; style: string } {
  if (assets === undefined) {
    const require = createRequire(import.meta.url);
    assets = {
      script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      style: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return assets;
}

/** The charts' data: one series per policy x TTL, each metric per size; null with fewer than two sizes. */
export function chartData(result: RunResult): HtmlChartData | null {
  const { sizes, series: lines } = rowSeries(result);
  const timeline = timelineData(result);
  const bySize = sizes.length >= 2 && lines.length > 0;
  if (!bySize && timeline === null) return null;
  // With one size there is no curve: only the timeline is drawn.
  const series = bySize ? lines : [];
  const { unit } = result.options;
  const showBytes = unit === 'bytes' || result.trace.sizes !== null;
  const panels: HtmlChartPanel[] = !bySize
    ? []
    : [
        { id: 'chart-hit-rate', title: 'Hit rate by cache size', metric: 'hitRate', format: 'percent' },
        ...(showBytes
          ? [{ id: 'chart-byte-hit-rate', title: 'Byte hit rate by cache size', metric: 'byteHitRate', format: 'percent' as const }]
          : []),
        { id: 'chart-latency', title: 'Mean latency by cache size', metric: 'latency', format: 'ms' },
      ];
  const recommended = recommendedSize(result);
  const inRange = bySize && recommended !== undefined && recommended >= sizes[0]! && recommended <= sizes[sizes.length - 1]!;
  return {
    sizes,
    sizeLabels: sizes.map((size) => capacityLabel(size, displayUnit(result.options))),
    axisName: unit === 'bytes' ? 'capacity' : 'maxsize (entries)',
    logScale: bySize && sizes[sizes.length - 1]! / sizes[0]! >= 8,
    recommended: inRange ? recommended : null,
    recommendedLabel: inRange ? `recommended: ${capacityLabel(recommended, displayUnit(result.options))}` : '',
    panels,
    timeline,
    originTimeline: timeline === null ? null : originTimelineData(result, timeline),
    series: series.map((line, i) => {
      const bound = isBound(line.label);
      const style = seriesStyle(i, bound);
      const metric = (pick: (row: ResultRow) => number): number[] => line.rows.map((row) => Number(pick(row).toPrecision(6)));
      return {
        label: line.label,
        colour: style.colour,
        dash: dashArray(style.dash, []),
        bound,
        values: {
          hitRate: metric((row) => row.hitRate),
          ...(showBytes && { byteHitRate: metric((row) => row.byteHitRate) }),
          latency: metric((row) => row.latency.mean),
        },
      };
    }),
  };
}

/** Rows drawn over time: all when few, else those at the recommended (or the largest) size. */
const TIMELINE_ROWS = 12;
const TIMELINE_DASHES: readonly number[][] = [[], [7, 4], [2, 3], [10, 3, 2, 3]];

function timelineData(result: RunResult): HtmlTimeline | null {
  const interval = result.options.interval;
  const withIntervals = result.rows.filter((row) => row.intervals !== undefined && row.intervals.length > 1);
  if (interval === undefined || withIntervals.length === 0) return null;
  let rows = withIntervals;
  let at = '';
  if (rows.length > TIMELINE_ROWS) {
    const sizes = [...new Set(rows.map((row) => row.capacity))];
    const size = sizes.includes(recommendedSize(result) ?? NaN) ? recommendedSize(result)! : Math.max(...sizes);
    rows = rows.filter((row) => row.capacity === size);
    at = ` at ${capacityLabel(size, displayUnit(result.options))}`;
  }
  const curves = [...new Set(rows.map((row) => seriesLabel(seriesOf(row), result.options, true)))];
  const sizes = [...new Set(rows.map((row) => row.capacity))].sort((a, b) => a - b);
  return {
    title: `Hit rate over time${at} (every ${intervalLabel(interval)})`,
    format: 'percent',
    axisName: interval.unit === 'requests' ? 'requests replayed' : 'seconds after the first request',
    from: rows[0]!.intervals!.map((stats) => stats.from),
    // A policy keeps its colour at every size; sizes differ by dash, the smallest solid.
    series: rows.map((row) => {
      const curve = seriesLabel(seriesOf(row), result.options, true);
      const style = seriesStyle(curves.indexOf(curve), isBound(row.policy));
      const dash = TIMELINE_DASHES[sizes.indexOf(row.capacity) % TIMELINE_DASHES.length]!;
      return {
        label: rowLabel(row, result),
        colour: style.colour,
        dash: dashArray(style.dash, dash),
        values: row.intervals!.map((stats) => (stats.hitRate === null ? null : Number(stats.hitRate.toPrecision(6)))),
      };
    }),
  };
}

/** The timeline's rows again, with their origin fetches per second (or per interval); null when no row counted them. */
function originTimelineData(result: RunResult, timeline: HtmlTimeline): HtmlTimeline | null {
  const interval = result.options.interval!;
  const byLabel = new Map(result.rows.map((row) => [rowLabel(row, result), row]));
  const series = timeline.series.flatMap((line) => {
    const intervals = byLabel.get(line.label)?.intervals;
    if (intervals === undefined || intervals.some((stats) => stats.originFetches === undefined)) return [];
    return [
      {
        ...line,
        values: intervals.map((stats) =>
          Number((interval.unit === 'seconds' ? stats.originPerSecond! : stats.originFetches!).toPrecision(6)),
        ),
      },
    ];
  });
  if (series.length === 0) return null;
  const per = interval.unit === 'seconds' ? 'per second' : `per ${intervalLabel(interval)}`;
  return { ...timeline, title: `Origin fetches ${per} over time (every ${intervalLabel(interval)})`, format: 'count', series };
}

function chartSection(result: RunResult, charts: HtmlChartData): string {
  const fallback = renderSvgChart(result);
  const bySize = charts.panels.length > 0;
  return [
    '<section id="charts-section"><h2>Charts</h2>',
    `<p class="controls">${bySize ? '<label><input type="checkbox" id="log-scale"> log size axis</label>' : ''}`,
    '<span class="hint">Hover a chart to read every series there; click a legend entry to hide or show its series.</span></p>',
    '<div id="charts"></div>',
    fallback === null ? '' : `<noscript>${fallback}</noscript>`,
    '</section>',
  ].join('\n');
}

function factSection(title: string, facts: readonly Fact[]): string {
  const items = facts.map(([label, value]) => {
    const text =
      typeof value === 'string'
        ? escapeHtml(value)
        : value.code.map((name) => `<code>${escapeHtml(name)}</code>`).join(escapeHtml(value.joiner));
    return `<dt>${escapeHtml(label)}</dt><dd>${text}</dd>`;
  });
  return `<section><h2>${title}</h2><dl>${items.join('')}</dl></section>`;
}

/** Fleets, incidents and the origin's limit: a line each, then the per-instance table. */
function fleetSection(result: RunResult): string {
  const lines = fleetLines(result);
  const instances = instanceTable(result);
  if (lines.length === 0 && instances === null) return '';
  const table =
    instances === null
      ? ''
      : [
          `<details><summary>Per instance (${instances.rows.length} rows)</summary><div class="scroll"><table class="sortable"><thead><tr>`,
          instances.head.map((name, i) => `<th scope="col"${i === 0 ? '' : ' class="num"'}>${escapeHtml(name)}</th>`).join(''),
          '</tr></thead><tbody>',
          ...instances.rows.map(
            (row) =>
              `<tr><th scope="row"><code>${escapeHtml(row[0]!)}</code></th>${row
                .slice(1)
                .map((text) => `<td class="num" data-sort="${sortValue(text)}">${escapeHtml(text)}</td>`)
                .join('')}</tr>`,
          ),
          '</tbody></table></div></details>',
        ].join('\n');
  return [
    '<section id="fleet-section"><h2>Fleet, incidents and origin</h2>',
    lines.length === 0 ? '' : `<ul>${lines.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`,
    table,
    '</section>',
  ]
    .filter((part) => part !== '')
    .join('\n');
}

function resultsSection(result: RunResult): string {
  const policiesCompared = new Set(result.rows.map((row) => row.policy)).size > 1;
  const columns = resultColumns(
    result,
    {
      ttlTitle: 'TTL',
      policy: (name) => name,
      hitRate: (text, best) => (best ? `${text}${BEST_MARK}` : text),
      speedup: (row) => (row.latency.slowerThanNoCache ? `${speedup(row.latency.speedup)}${SLOWER_MARK}` : speedup(row.latency.speedup)),
    },
    { markBest: policiesCompared },
  );
  const sizeColumn = columns.head.findIndex((name) => name === 'maxsize' || name === 'capacity');
  const ttlColumn = columns.head.indexOf('TTL');
  const head = columns.head.map((name, i) => `<th scope="col"${i === 0 ? '' : ' class="num"'}>${escapeHtml(name)}</th>`).join('');
  const rows = result.rows.map((row) => {
    const cells = columns.cells(row).map((text, i) => {
      const sort = i === sizeColumn ? String(row.capacity) : i === ttlColumn ? (row.ttl === null ? '' : String(row.ttl)) : sortValue(text);
      if (i === 0) return `<th scope="row"><code>${escapeHtml(text)}</code></th>`;
      return `<td class="num" data-sort="${sort}">${cellHtml(text)}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  const { options } = result;
  const notes = [
    policiesCompared ? 'Bold marks the best hit rate at each size.' : '',
    unreliableNote(result) ?? '',
    staleNote(result) ?? '',
    `Latency = lookup ${ms(options.lookupCostMs)} + miss ratio × miss cost ${ms(options.missCostMs)}; speed-up is against no cache. Click a heading to sort.`,
  ].filter((note) => note !== '');
  const full = [`<div class="scroll"><table class="sortable"><thead><tr>${head}</tr></thead><tbody>`, ...rows, '</tbody></table></div>'];
  return [
    '<section><h2>Results</h2>',
    columns.note === '' ? '' : `<p class="meta">${escapeHtml(columns.note)}</p>`,
    ...(readsAsCurves(result)
      ? [pivotTable(result), `<details><summary>All metrics (${result.rows.length} rows)</summary>`, ...full, '</details>']
      : full),
    `<p class="note">${escapeHtml(notes.join(' '))}</p>`,
    '</section>',
  ]
    .filter((part) => part !== '')
    .join('\n');
}

/** Sizes down, one hit-rate column per policy (x TTL): a sweep read as curves. */
function pivotTable(result: RunResult): string {
  const pivot = hitRatePivotData(result);
  const head = [pivot.sizeTitle, ...pivot.columns]
    .map((name, i) => `<th scope="col" class="num">${i === 0 ? escapeHtml(name) : `<code>${escapeHtml(name)}</code>`}</th>`)
    .join('');
  const rows = pivot.lines.map((line) => {
    const cells = line.rates.map((rate, i) => {
      if (rate === undefined) return '<td class="num" data-sort=""></td>';
      const text = escapeHtml(percent(rate) + (line.unreliable[i] ? UNRELIABLE_MARK : ''));
      return `<td class="num" data-sort="${rate}">${line.best.includes(i) ? `<strong>${text}</strong>` : text}</td>`;
    });
    return `<tr><th scope="row" class="num" data-sort="${line.capacity}">${escapeHtml(line.sizeLabel)}</th>${cells.join('')}</tr>`;
  });
  return `<div class="scroll"><table class="sortable pivot"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

// Markers the column styles put on cell text, turned into markup once the text is escaped.
const BEST_MARK = '\u0001';
const SLOWER_MARK = '\u0002';

function cellHtml(text: string): string {
  const escaped = escapeHtml(text.replace(BEST_MARK, '').replace(SLOWER_MARK, ''));
  if (text.includes(BEST_MARK)) return `<strong>${escaped}</strong>`;
  if (text.includes(SLOWER_MARK)) return `${escaped} <span class="warn">slower than no cache</span>`;
  return escaped;
}

/** The number a cell sorts by: 52.55% → 52.55, 1,024 → 1024, 0.1ms → 0.1; '' when there is none. */
function sortValue(text: string): string {
  const value = Number.parseFloat(text.replace(/,/g, ''));
  return Number.isFinite(value) ? String(value) : '';
}

/** `run` ends with its answer: the best choice in one line, above everything else. */
function verdictSection(result: RunResult): string {
  const ttl =
    result.ttlChoice === undefined
      ? ''
      : `<p class="verdict${result.ttlChoice.pick === null ? ' failed' : ''}"><strong>TTL within the staleness budget:</strong> ${escapeHtml(sentence(ttlChoiceText(result.ttlChoice, displayUnit(result.options))))}</p>`;
  if (result.best === undefined) return ttl;
  const text = result.best === null ? sentence(noBestText(result)) : sentence(bestChoiceText(result.best, displayUnit(result.options)));
  const tone = result.best === null ? ' failed' : result.best.stillRising ? ' open' : '';
  return `<p class="verdict${tone}"><strong>Best choice:</strong> ${escapeHtml(text)}</p>${ttl}`;
}

function recommendationsSection(result: RunResult): string {
  const groups = recommendationGroups(result);
  if (groups.length === 0) return '';
  const text = (rec: Recommendation): string => {
    const rival = rec.bestPolicyAtSize;
    const bestThere = rival && rival.policy !== rec.policy ? `; ${rival.policy} does better there (${percent(rival.hitRate)})` : '';
    return escapeHtml(`${recommendationText(rec, displayUnit(result.options))}${bestThere}`);
  };
  const items = groups.map(({ primary, others, ttlPhrase }) => {
    const nested = others.map((rec) => `<li>${escapeHtml(CRITERION_LABELS[rec.criterion])}: ${text(rec)}</li>`).join('');
    return (
      `<li${primary.capacity === null ? ' class="failed"' : ''}><code>${escapeHtml(primary.policy)}</code>${escapeHtml(ttlPhrase)}: ${text(primary)} ` +
      `<em>(${escapeHtml(CRITERION_LABELS[primary.criterion])})</em>${nested === '' ? '' : `<ul>${nested}</ul>`}</li>`
    );
  });
  return `<section><h2>Recommendations</h2><ul class="recommendations">${items.join('')}</ul></section>`;
}

function serverSection(result: RunResult): string {
  const comparison = result.server;
  if (comparison === undefined) return '';
  return [
    '<section><h2>Real server</h2>',
    `<p>${escapeHtml(serverHeadline(comparison).replace(/`/g, ''))}</p>`,
    `<ul>${serverLines(comparison)
      .map((line) => `<li>${escapeHtml(line.replace(/`/g, ''))}</li>`)
      .join('')}</ul>`,
    '</section>',
  ].join('\n');
}

function gatesSection(options: HtmlOptions): string {
  const verdicts = options.verdicts ?? [];
  const notes = options.gateNotes ?? [];
  if (verdicts.length === 0 && notes.length === 0) return '';
  const failed = verdicts.some((verdict) => !verdict.ok);
  const headline = gatesHeadline(verdicts);
  const rows = verdicts.map(
    (verdict) =>
      `<tr class="${verdict.ok ? 'pass' : 'fail'}"><td>${verdict.ok ? '✅ pass' : '❌ fail'}</td><td><code>${escapeHtml(verdict.gate)}</code></td>` +
      `<td class="num">${escapeHtml(verdict.actual)}</td><td class="num">${escapeHtml(verdict.required)}</td></tr>`,
  );
  return [
    `<section id="gates"><h2>Gates</h2><p class="verdict${failed ? ' failed' : ''}">${headline}</p>`,
    verdicts.length === 0
      ? ''
      : `<table><thead><tr><th></th><th>gate</th><th class="num">actual</th><th class="num">required</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    notes.length === 0 ? '' : `<ul>${notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>`,
    '</section>',
  ].join('\n');
}

const STYLE = `
:root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #111827; background: #f9fafb; }
main { max-width: 1140px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; } h2 { font-size: 1.15rem; margin: 28px 0 10px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
.meta, .note, .hint, footer { color: #6b7280; font-size: 0.9rem; }
.warning { background: #fef3c7; border: 1px solid #f59e0b; padding: 8px 12px; border-radius: 6px; }
.verdict { background: #ecfdf5; border: 1px solid #10b981; padding: 10px 14px; border-radius: 6px; }
.verdict.failed, li.failed { background: #fef2f2; border-color: #ef4444; }
.verdict.open { background: #fffbeb; border-color: #f59e0b; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 0 32px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dt { color: #4b5563; } dd { margin: 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; background: #ffffff; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e5e7eb; text-align: left; white-space: nowrap; }
thead th { position: sticky; top: 0; background: #f3f4f6; }
table.sortable thead th { cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
.num { text-align: right; }
.warn { color: #b91c1c; font-size: 0.85em; }
tr.fail td { background: #fef2f2; }
.controls { display: flex; gap: 24px; align-items: center; flex-wrap: wrap; }
.chart { margin: 0 0 24px; background: #ffffff; padding: 8px; border: 1px solid #e5e7eb; border-radius: 6px; }
.u-legend .u-series { cursor: pointer; }
.recommendations li { margin: 6px 0; }
footer { margin-top: 40px; }
`;

/** An SVG dash pattern ('7 4') as the canvas takes it, or `solid` for none. */
function dashArray(pattern: string, solid: number[]): number[] {
  return pattern === '' ? solid : pattern.split(' ').map(Number);
}

/** Script text must not close its element; in uPlot's code a "</script" can only be inside a string. */
function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1');
}

/** HTML text and attribute values escape as XML's do. */
const escapeHtml = escapeXml;
