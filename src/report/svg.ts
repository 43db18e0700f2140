/**
 * The hit-rate-versus-size chart as a standalone SVG, written beside a markdown report. It
 * has what the Mermaid chart cannot: a legend, and a log-scale size axis when the sizes span
 * a wide range (sweeps usually double). Same palette as the Mermaid chart, fixed layout and
 * fixed number formatting, so the same result always gives the same bytes.
 */
import type { RunResult } from '../model/result.js';
import { hitRateSeries, PALETTE } from './mermaid.js';
import { formatBytes } from '../units.js';

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
  const label = (size: number): string => (unit === 'bytes' ? formatBytes(size) : String(size));

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

  series.forEach((line, i) => {
    const colour = PALETTE[i % PALETTE.length]!.hex;
    const points = sizes.map((size, j) => `${fixed(x(size))},${fixed(y(line.hitRates[j]!))}`);
    parts.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const point of points) {
      const [cx, cy] = point.split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${colour}"/>`);
    }
    const legendY = PLOT.top + 8 + i * 20;
    parts.push(`<rect x="${PLOT.right + 24}" y="${legendY - 9}" width="14" height="10" fill="${colour}"/>`);
    parts.push(`<text x="${PLOT.right + 44}" y="${legendY}" fill="#111827">${escapeXml(line.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
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

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
