/**
 * The hit-rate-versus-size chart as a standalone SVG, written beside a markdown report (and
 * shown in it as an image). It has what the Mermaid chart cannot: a legend, and a log-scale
 * size axis when the sizes span a wide range (sweeps usually double). Same palette as the
 * Mermaid chart; past its eight colours a series also differs by dash, and every series has
 * a marker shape of its own, drawn hollow so that points that coincide stay visible. Offline
 * bounds (belady) are dashed and labelled as bounds, and the recommended size is
 * a dashed vertical rule. Fixed layout and number formatting: the same result always gives
 * the same bytes.
 */
import type { RunResult } from '../model/result.js';
import { findPolicy } from '../policies/index.js';
import { hitRateSeries, PALETTE, rowSeries } from './mermaid.js';
import { capacityLabel, displayUnit } from './format.js';

const WIDTH = 760;
const HEIGHT = 420;
const PLOT = { left: 64, right: 560, top: 60, bottom: 360 };
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

export function renderSvgChart(result: RunResult): string | null {
  const { sizes, series } = hitRateSeries(result);
  if (sizes.length < 2 || series.length === 0) return null;
  const unit = result.options.unit;
  const logScale = sizes[sizes.length - 1]! / sizes[0]! >= 8;
  const position = (size: number): number => (logScale ? Math.log(size) : size);
  const low = position(sizes[0]!);
  const high = position(sizes[sizes.length - 1]!);
  const x = (size: number): number => PLOT.left + ((position(size) - low) / (high - low)) * (PLOT.right - PLOT.left);
  const y = (rate: number): number => PLOT.bottom - rate * (PLOT.bottom - PLOT.top);
  const shown = displayUnit(result.options);
  const label = (size: number): string => (unit === 'bytes' ? capacityLabel(size, shown) : String(size));

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ${FONT} font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PLOT.left}" y="24" font-size="16" font-weight="600" fill="#111827">Hit rate by cache size</text>`,
    `<text x="${PLOT.left}" y="42" fill="#6b7280">${escapeXml(shorten(result.trace.source, 100))}</text>`,
  ];
  for (let percent = 0; percent <= 100; percent += 20) {
    const at = fixed(y(percent / 100));
    parts.push(`<line x1="${PLOT.left}" y1="${at}" x2="${PLOT.right}" y2="${at}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${PLOT.left - 8}" y="${fixed(y(percent / 100) + 4)}" text-anchor="end" fill="#4b5563">${percent}%</text>`);
  }
  for (const size of tickSizes(sizes)) {
    const at = fixed(x(size));
    parts.push(`<line x1="${at}" y1="${PLOT.bottom}" x2="${at}" y2="${PLOT.bottom + 5}" stroke="#6b7280"/>`);
    parts.push(`<text x="${at}" y="${PLOT.bottom + 19}" text-anchor="middle" fill="#4b5563">${escapeXml(label(size))}</text>`);
  }
  parts.push(`<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="#6b7280"/>`);
  const axisName = `${unit === 'bytes' ? 'capacity' : 'maxsize (entries)'}${logScale ? ', log scale' : ''}`;
  parts.push(`<text x="${(PLOT.left + PLOT.right) / 2}" y="${PLOT.bottom + 42}" text-anchor="middle" fill="#374151">${axisName}</text>`);
  parts.push(
    `<text transform="translate(18 ${(PLOT.top + PLOT.bottom) / 2}) rotate(-90)" text-anchor="middle" fill="#374151">hit rate</text>`,
  );

  const recommended = recommendedSize(result);
  if (recommended !== undefined && recommended >= sizes[0]! && recommended <= sizes[sizes.length - 1]!) {
    const at = fixed(x(recommended));
    parts.push(`<line x1="${at}" y1="${PLOT.top}" x2="${at}" y2="${PLOT.bottom}" stroke="#111827" stroke-dasharray="4 4"/>`);
    parts.push(
      `<text x="${at}" y="${PLOT.top - 6}" text-anchor="middle" fill="#111827">recommended: ${escapeXml(label(recommended))}</text>`,
    );
  }

  // Sampled estimates: a bar over each point's range across the samples; an unreliable one drawn faint.
  const rowsOf = new Map(rowSeries(result).series.map((line) => [line.label, line.rows]));
  series.forEach((line, i) => {
    const style = seriesStyle(i, isBound(line.label));
    const points = sizes.map((size, j) => [x(size), y(line.hitRates[j]!)] as const);
    for (const [j, row] of (rowsOf.get(line.label) ?? []).entries()) {
      if (row.estimate === undefined) continue;
      const at = fixed(points[j]![0]);
      const faint = row.estimate.unreliable ? ' stroke-opacity="0.45"' : '';
      parts.push(
        `<line x1="${at}" y1="${fixed(y(row.estimate.high))}" x2="${at}" y2="${fixed(y(row.estimate.low))}" stroke="${style.colour}" stroke-width="1"${faint}/>`,
      );
      if (row.estimate.unreliable)
        parts.push(`<text x="${fixed(points[j]![0] + 5)}" y="${fixed(points[j]![1] - 5)}" fill="${style.colour}" font-size="11">?</text>`);
    }
    const dash = style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`;
    parts.push(
      `<polyline points="${points.map(([px, py]) => `${fixed(px)},${fixed(py)}`).join(' ')}" fill="none" stroke="${style.colour}" stroke-width="2"${dash}/>`,
    );
    for (const [px, py] of points) parts.push(marker(style.marker, px, py, style.colour));
    const legendY = PLOT.top + 8 + i * 20;
    const legendX = PLOT.right + 20;
    parts.push(
      `<line x1="${legendX}" y1="${legendY - 4}" x2="${legendX + 22}" y2="${legendY - 4}" stroke="${style.colour}" stroke-width="2"${dash}/>`,
    );
    parts.push(marker(style.marker, legendX + 11, legendY - 4, style.colour));
    const name = isBound(line.label) ? `${line.label} (offline bound)` : line.label;
    parts.push(`<text x="${legendX + 28}" y="${legendY}" fill="#111827">${escapeXml(name)}</text>`);
  });
  if (result.rows.some((row) => row.estimate !== undefined)) {
    const below = PLOT.top + 8 + series.length * 20 + 8;
    const samples = result.rows[0]!.estimate?.samples ?? 4;
    parts.push(`<text x="${PLOT.right + 20}" y="${below}" fill="#6b7280" font-size="11">bars: the range of ${samples} samples</text>`);
    parts.push(`<text x="${PLOT.right + 20}" y="${below + 15}" fill="#6b7280" font-size="11">?: an unreliable estimate</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'down', 'cross'] as const;
type Marker = (typeof MARKERS)[number];
const DASHES = ['', '7 4', '2 3'];

/** Colour, dash and marker of series `i`: colours first, then dashes, markers throughout. */
export function seriesStyle(i: number, bound = false): { colour: string; dash: string; marker: Marker } {
  return {
    colour: PALETTE[i % PALETTE.length]!.hex,
    // An offline bound is always dashed: it is a limit, not a cache anyone can run.
    dash: bound ? '7 4' : DASHES[Math.floor(i / PALETTE.length) % DASHES.length]!,
    marker: MARKERS[i % MARKERS.length]!,
  };
}

/** Whether a series label names an offline bound (belady), which is drawn as a limit. */
export function isBound(label: string): boolean {
  return findPolicy(label.split(' ')[0]!)?.offline === true;
}

/** The size the result recommends overall (the best choice), when it has one. */
export function recommendedSize(result: RunResult): number | undefined {
  // Still rising: the largest size is the best in range, not a recommendation.
  return result.best === null || result.best === undefined || result.best.stillRising ? undefined : result.best.capacity;
}

/** A hollow marker (white inside), so a marker drawn later leaves an earlier one visible. */
function marker(shape: Marker, cx: number, cy: number, colour: string): string {
  const r = 3.5;
  const paint = `fill="#ffffff" stroke="${colour}" stroke-width="1.5"`;
  const at = (dx: number, dy: number): string => `${fixed(cx + dx)},${fixed(cy + dy)}`;
  switch (shape) {
    case 'circle':
      return `<circle cx="${fixed(cx)}" cy="${fixed(cy)}" r="${r}" ${paint}/>`;
    case 'square':
      return `<rect x="${fixed(cx - r)}" y="${fixed(cy - r)}" width="${2 * r}" height="${2 * r}" ${paint}/>`;
    case 'triangle':
      return `<polygon points="${at(0, -r - 1)} ${at(r + 0.5, r)} ${at(-r - 0.5, r)}" ${paint}/>`;
    case 'down':
      return `<polygon points="${at(0, r + 1)} ${at(r + 0.5, -r)} ${at(-r - 0.5, -r)}" ${paint}/>`;
    case 'diamond':
      return `<polygon points="${at(0, -r - 1)} ${at(r + 1, 0)} ${at(0, r + 1)} ${at(-r - 1, 0)}" ${paint}/>`;
    case 'cross':
      return `<path d="M${at(-r, -r)}L${at(r, r)}M${at(-r, r)}L${at(r, -r)}" stroke="${colour}" stroke-width="2"/>`;
  }
}

/** Every size when there are few; otherwise about eight, evenly spread over the list. */
function tickSizes(sizes: readonly number[]): number[] {
  if (sizes.length <= 12) return [...sizes];
  const step = Math.ceil((sizes.length - 1) / 8);
  const ticks = sizes.filter((_, i) => i % step === 0);
  if (ticks[ticks.length - 1] !== sizes[sizes.length - 1]) ticks.push(sizes[sizes.length - 1]!);
  return ticks;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function fixed(value: number): string {
  return String(Number(value.toFixed(1)));
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
