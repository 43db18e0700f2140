/**
 * Hit rate against cache size, drawn with text for the terminal: a log-scale x axis (cache
 * sizes usually span orders of magnitude), one series per policy x TTL with its own glyph
 * and colour, dotted segments between measured points, axis labels and a legend.
 * Glyphs tell series apart even without colour (piped output, NO_COLOR); where points of
 * several series fall in one cell a ◉ says so rather than letting the last one hide the
 * others, and a dotted rule marks the recommended size.
 */
import chalk, { type ChalkInstance } from 'chalk';
import type { RunResult } from '../model/result.js';
import { capacityLabel, percent, seriesLabel, displayUnit, type DisplayUnit } from './format.js';
import { seriesOf } from '../model/modes.js';
import { recommendedSize } from './svg.js';

const GLYPHS = ['●', '■', '▲', '◆', '★', '✚', '✖', '○', '□', '△', '◇', '☆'];
/** Owners of a cell besides a series: the recommended-size rule, and a point several series share. */
const RULE = -2;
const SHARED = -3;
const COLOURS: ChalkInstance[] = [chalk.green, chalk.blue, chalk.magenta, chalk.yellow, chalk.cyan, chalk.red, chalk.white, chalk.gray];

export interface ChartOptions {
  /** Plot columns (excluding the y labels). */
  readonly width?: number;
  /** Plot rows. */
  readonly height?: number;
}

interface Series {
  readonly label: string;
  readonly points: { capacity: number; hitRate: number }[];
}

export function renderChart(result: RunResult, options: ChartOptions = {}): string {
  const width = Math.max(16, options.width ?? 64);
  // 17 rows = 16 steps, so labels every 4 rows land on round fractions of the range.
  const height = Math.max(5, options.height ?? 17);
  const unit = result.options.unit;
  const showTtl = result.options.ttls.length > 1 || result.options.ttls[0] !== null;
  const byKey = new Map<string, Series>();
  for (const row of result.rows) {
    const label = seriesLabel(seriesOf(row), result.options, showTtl);
    let series = byKey.get(label);
    if (!series) byKey.set(label, (series = { label, points: [] }));
    series.points.push({ capacity: row.capacity, hitRate: row.hitRate });
  }
  const series = [...byKey.values()];
  for (const s of series) s.points.sort((a, b) => a.capacity - b.capacity);
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return '';

  const xMin = Math.min(...all.map((p) => p.capacity));
  const xMax = Math.max(...all.map((p) => p.capacity));
  let yMin = Math.floor(Math.min(...all.map((p) => p.hitRate)) * 10) / 10;
  let yMax = Math.ceil(Math.max(...all.map((p) => p.hitRate)) * 10) / 10;
  if (yMax - yMin < 0.1) {
    yMin = Math.max(0, yMin - 0.1);
    yMax = Math.min(1, yMax + 0.1);
  }
  const column = (capacity: number): number =>
    xMax === xMin
      ? Math.floor(width / 2)
      : Math.round(((Math.log(capacity) - Math.log(xMin)) / (Math.log(xMax) - Math.log(xMin))) * (width - 1));
  const row = (hitRate: number): number => Math.round(((yMax - hitRate) / (yMax - yMin)) * (height - 1));

  // Each cell: the character and the series that drew it (-1 = empty).
  const cells: string[][] = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  const owner: number[][] = Array.from({ length: height }, () => new Array<number>(width).fill(-1));
  series.forEach((s, index) => {
    for (let k = 1; k < s.points.length; k++) {
      const a = s.points[k - 1]!;
      const b = s.points[k]!;
      const c0 = column(a.capacity);
      const c1 = column(b.capacity);
      for (let c = c0 + 1; c < c1; c++) {
        const y = a.hitRate + ((b.hitRate - a.hitRate) * (c - c0)) / (c1 - c0);
        const r = row(y);
        if (owner[r]![c] === -1) {
          cells[r]![c] = '·';
          owner[r]![c] = index;
        }
      }
    }
  });
  // The recommended size: a dotted rule in the cells nothing else uses.
  const recommended = recommendedSize(result);
  const ruleColumn = recommended !== undefined && recommended >= xMin && recommended <= xMax ? column(recommended) : -1;
  if (ruleColumn >= 0) {
    for (let r = 0; r < height; r++) {
      if (owner[r]![ruleColumn] === -1) {
        cells[r]![ruleColumn] = '┊';
        owner[r]![ruleColumn] = RULE;
      }
    }
  }
  // Points: a series' glyph, or ◉ where several series meet in one cell, so that none hides another.
  const drawn = new Map<string, number>();
  series.forEach((s, index) => {
    for (const p of s.points) {
      const r = row(p.hitRate);
      const c = column(p.capacity);
      const key = `${r},${c}`;
      const before = drawn.get(key);
      const shared = before !== undefined && before !== index;
      drawn.set(key, shared ? SHARED : index);
      cells[r]![c] = shared || before === SHARED ? '◉' : GLYPHS[index % GLYPHS.length]!;
      owner[r]![c] = shared || before === SHARED ? SHARED : index;
    }
  });
  const anyShared = [...drawn.values()].includes(SHARED);

  const labelWidth = 7;
  const lines: string[] = [chalk.bold('hit rate vs cache size') + chalk.dim(` (log scale, ${unit})`)];
  for (let r = 0; r < height; r++) {
    const labelled = r === 0 || r === height - 1 || r % 4 === 0;
    const value = yMax - (r * (yMax - yMin)) / (height - 1);
    const label = labelled ? percent(value, 1).padStart(labelWidth) : ' '.repeat(labelWidth);
    let text = '';
    for (let c = 0; c < width; c++) {
      const who = owner[r]![c]!;
      text +=
        who === -1
          ? cells[r]![c]!
          : who === RULE
            ? chalk.dim(cells[r]![c]!)
            : who === SHARED
              ? chalk.bold(cells[r]![c]!)
              : COLOURS[who % COLOURS.length]!(cells[r]![c]!);
    }
    lines.push(`${label} ${labelled ? '┤' : '│'}${text}`);
  }
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(width)}`);
  lines.push(' '.repeat(labelWidth + 2) + xTicks(series, column, width, displayUnit(result.options)));
  // The legend and the notes wrap between entries, within the chart's own width.
  const indent = ' '.repeat(labelWidth + 2);
  const entries = series.map((s, index) => ({
    text: `${GLYPHS[index % GLYPHS.length]} ${s.label}`,
    paint: COLOURS[index % COLOURS.length]!,
  }));
  const notes: string[] = [];
  if (anyShared) notes.push('◉ several series at one point (the table has each)');
  if (ruleColumn >= 0) notes.push(`┊ the recommended size, ${capacityLabel(recommended!, displayUnit(result.options))}`);
  const lineWidth = width + 2;
  for (const group of [entries, notes.map((text) => ({ text, paint: chalk.dim }))]) {
    let line = '';
    let used = 0;
    for (const entry of group) {
      if (used > 0 && used + 3 + entry.text.length > lineWidth) {
        lines.push(indent + line);
        [line, used] = ['', 0];
      }
      line += (used > 0 ? '   ' : '') + entry.paint(entry.text);
      used += (used > 0 ? 3 : 0) + entry.text.length;
    }
    if (used > 0) lines.push(indent + line);
  }
  return lines.join('\n') + '\n';
}

/** Size labels under the axis at measured sizes, left to right, never overlapping. */
function xTicks(series: readonly Series[], column: (capacity: number) => number, width: number, unit: DisplayUnit): string {
  const capacities = [...new Set(series.flatMap((s) => s.points.map((p) => p.capacity)))].sort((a, b) => a - b);
  // Labels may reach two columns past the plot, no further: the chart keeps its width.
  const line = new Array<string>(width + 2).fill(' ');
  let free = 0;
  const place = (capacity: number): void => {
    const text = capacityLabel(capacity, unit);
    const start = Math.min(Math.max(column(capacity) - Math.floor(text.length / 2), 0), line.length - text.length);
    if (start < free) return;
    for (let i = 0; i < text.length; i++) line[start + i] = text[i]!;
    free = start + text.length + 2;
  };
  // The last size is always labelled: place it first by reserving its spot.
  const last = capacities[capacities.length - 1]!;
  const lastText = capacityLabel(last, unit);
  const lastStart = Math.min(Math.max(column(last) - Math.floor(lastText.length / 2), 0), line.length - lastText.length);
  for (const capacity of capacities.slice(0, -1)) {
    const text = capacityLabel(capacity, unit);
    const start = Math.max(column(capacity) - Math.floor(text.length / 2), 0);
    if (start + text.length + 2 <= lastStart) place(capacity);
  }
  free = Math.min(free, lastStart);
  place(last);
  return line.join('').trimEnd();
}
