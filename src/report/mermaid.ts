/**
 * The hit-rate-versus-size chart of the markdown report, as a Mermaid `xychart-beta` block,
 * which GitHub and GitLab render without any tool on the reader's side.
 *
 * xychart has neither a legend nor a log axis, so: sizes are categorical x labels (sweeps
 * are usually powers of two, which then sit evenly spaced), and the colour palette is pinned
 * to colours that match coloured-square emoji, so a one-line legend under the chart can say
 * which line is which.
 */
import type { ResultRow, RunResult } from '../model/result.js';
import { seriesLabel, capacityLabel, displayUnit } from './format.js';
import { seriesOf } from '../model/modes.js';

interface SeriesColour {
  readonly hex: string;
  readonly swatch: string;
}

export const PALETTE: readonly SeriesColour[] = [
  { hex: '#3b82f6', swatch: '🟦' },
  { hex: '#f97316', swatch: '🟧' },
  { hex: '#22c55e', swatch: '🟩' },
  { hex: '#ef4444', swatch: '🟥' },
  { hex: '#a855f7', swatch: '🟪' },
  { hex: '#a16207', swatch: '🟫' },
  { hex: '#eab308', swatch: '🟨' },
  { hex: '#1f2937', swatch: '⬛' },
];

export interface ChartSeries {
  readonly label: string;
  /** Hit rate per x label, same order. */
  readonly hitRates: readonly number[];
}

/** One line of a chart: a policy (x TTL) and its row at each size. */
export interface RowSeries {
  readonly label: string;
  /** The row at each size, in the order of the sizes. */
  readonly rows: readonly ResultRow[];
}

/** One series per policy x TTL over the sizes every one of them was run at. */
export function rowSeries(result: RunResult): { sizes: number[]; series: RowSeries[] } {
  const sizes = [...new Set(result.rows.map((row) => row.capacity))].sort((a, b) => a - b);
  const showTtl = new Set(result.rows.map((row) => row.ttl)).size > 1;
  const byLine = new Map<string, Map<number, ResultRow>>();
  for (const row of result.rows) {
    const label = seriesLabel(seriesOf(row), result.options, showTtl);
    let points = byLine.get(label);
    if (!points) byLine.set(label, (points = new Map<number, ResultRow>()));
    points.set(row.capacity, row);
  }
  const series: RowSeries[] = [];
  for (const [label, points] of byLine) {
    // A line with holes would be drawn shifted to the wrong sizes; leave it to the table.
    if (sizes.every((size) => points.has(size))) series.push({ label, rows: sizes.map((size) => points.get(size)!) });
  }
  return { sizes, series };
}

/** The hit rates of rowSeries. */
export function hitRateSeries(result: RunResult): { sizes: number[]; series: ChartSeries[] } {
  const { sizes, series } = rowSeries(result);
  return { sizes, series: series.map((line) => ({ label: line.label, hitRates: line.rows.map((row) => row.hitRate) })) };
}

/** The fenced Mermaid block plus its legend line, or null when there is no curve to draw. */
export function mermaidHitRateChart(result: RunResult): string | null {
  const { sizes, series } = hitRateSeries(result);
  if (sizes.length < 2 || series.length === 0) return null;
  const unit = result.options.unit;
  const shown = displayUnit(result.options);
  const xLabels = thinLabels(sizes.map((size) => (unit === 'bytes' ? capacityLabel(size, shown) : String(size)))).map(quote);
  const colours = series.map((_, i) => PALETTE[i % PALETTE.length]!);
  const lines = [
    '```mermaid',
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${colours.map((c) => c.hex).join(', ')}"}}}}%%`,
    'xychart-beta',
    `  title "Hit rate by cache size"`,
    `  x-axis "${unit === 'bytes' ? 'capacity' : 'maxsize (entries)'}" [${xLabels.join(', ')}]`,
    `  y-axis "hit rate (%)" 0 --> 100`,
    ...series.map((line) => `  line [${line.hitRates.map((rate) => round2(rate * 100)).join(', ')}]`),
    '```',
    '',
    series.map((line, i) => `${colours[i]!.swatch} ${line.label}`).join(' · '),
  ];
  return lines.join('\n');
}

/** Width of the x axis Mermaid's xychart draws by default, and of one label character, in px. */
const AXIS_PX = 600;
const CHAR_PX = 8;

/**
 * With many sizes the labels run together, so only every k-th is written (always the first
 * and the last). The others cannot be left empty: xychart trims labels and keys its axis by
 * them, so blank or repeated labels collapse into one category and the lines fold back. Each
 * hidden label is a distinct run of zero-width spaces instead (checked in Mermaid 11).
 */
export function thinLabels(labels: readonly string[]): string[] {
  const widest = Math.max(...labels.map((label) => label.length));
  const fit = Math.max(2, Math.floor(AXIS_PX / (widest * CHAR_PX + 12)));
  if (labels.length <= fit) return [...labels];
  const step = Math.ceil((labels.length - 1) / (fit - 1));
  const last = labels.length - 1;
  let hidden = 0;
  return labels.map((label, i) => {
    // The last label is always shown, so the one shown before it must be a full step away.
    const shown = i === last || (i % step === 0 && last - i >= step);
    return shown ? label : '\u200b'.repeat(++hidden);
  });
}

function quote(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}

/** Rounded as the tables round (toFixed), so the chart and the table show the same figure. */
function round2(value: number): number {
  return Number(value.toFixed(2));
}
