/// <reference lib="dom" />
/**
 * The part of the HTML report that runs in the reader's browser: the interactive charts.
 * It is written here, in TypeScript, so the compiler and the linter check it like the rest,
 * and html.ts inlines the compiled function's source (`drawReportCharts.toString()`) into
 * the page beside uPlot. So the function must be self-contained: no imports, no helpers
 * outside its body, only what a browser has.
 *
 * What the reader gets: one chart per metric against size (hit rate, byte hit rate when the
 * trace has sizes, mean latency), the value of every series under the cursor in the legend,
 * a click on a legend entry hides or shows that series in every chart at once, a checkbox
 * switches the size axis between log and linear scale, and the recommended size is a dashed
 * vertical rule.
 */
import type uPlot from 'uplot';

/** One line of the charts: a policy (x TTL) over the sizes. */
export interface HtmlChartSeries {
  readonly label: string;
  readonly colour: string;
  /** Canvas dash pattern; empty for a solid line. */
  readonly dash: readonly number[];
  /** An offline bound (belady): drawn dashed and named as a bound. */
  readonly bound: boolean;
  /** One value per size, in the order of HtmlChartData.sizes. */
  readonly values: Readonly<Record<string, readonly number[]>>;
}

/** One chart: which value of the series it plots, and how a value reads. */
export interface HtmlChartPanel {
  readonly id: string;
  readonly title: string;
  readonly metric: string;
  readonly format: 'percent' | 'ms';
}

/** Hit rate over time (`--interval`): one line per row shown, over the intervals. */
export interface HtmlTimeline {
  readonly title: string;
  /** What the values are: hit rates, or origin fetches (per second or per interval). */
  readonly format: 'percent' | 'count';
  readonly axisName: string;
  /** Where each interval starts (requests or seconds). */
  readonly from: readonly number[];
  readonly series: readonly {
    readonly label: string;
    readonly colour: string;
    readonly dash: readonly number[];
    readonly values: readonly (number | null)[];
  }[];
}

export interface HtmlChartData {
  readonly sizes: readonly number[];
  /** How each size reads, as the tables write it (IEC bytes stay IEC). */
  readonly sizeLabels: readonly string[];
  readonly axisName: string;
  /** Start on a log size axis (the sizes span a factor of 8 or more). */
  readonly logScale: boolean;
  /** The recommended size, drawn as a rule; null when there is none. */
  readonly recommended: number | null;
  readonly recommendedLabel: string;
  readonly panels: readonly HtmlChartPanel[];
  readonly series: readonly HtmlChartSeries[];
  readonly timeline: HtmlTimeline | null;
  /** Origin fetches over the same intervals (time-aware rows). */
  readonly originTimeline: HtmlTimeline | null;
}

/** Draws the charts into `#charts`; returns the uPlot instances (the page keeps them on window for tests). */
export function drawReportCharts(data: HtmlChartData, UPlot: typeof uPlot): uPlot[] {
  const host = document.getElementById('charts');
  const logToggle = document.getElementById('log-scale') as HTMLInputElement | null;
  if (host === null) return [];
  // uPlot.Scale.Distr.Logarithmic; a const enum, which a type-only import cannot name.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- the enum's value, spelled out
  const LOGARITHMIC = 3 as uPlot.Scale.Distr;
  const charts: uPlot[] = [];
  /** The charts against size, whose series are the same policies (the timeline's are rows). */
  const sizeCharts = new Set<uPlot>();
  const shown = data.series.map(() => true);
  let syncing = false;

  const format = (kind: HtmlChartPanel['format'], value: number | null | undefined): string => {
    if (value === null || value === undefined) return '–';
    if (kind === 'percent') return `${(value * 100).toFixed(2)}%`;
    if (value >= 100) return `${value.toFixed(0)} ms`;
    return `${Number(value.toPrecision(3))} ms`;
  };
  // Axis ticks are round numbers: 80%, 12.5%, not 80.00%.
  const tick = (kind: HtmlChartPanel['format'], value: number): string =>
    kind === 'ms' ? format(kind, value) : `${Number((value * 100).toFixed(2))}%`;
  const sizeLabel = (value: number | null | undefined): string => {
    if (value === null || value === undefined) return '–';
    const at = data.sizes.indexOf(value);
    return at >= 0 ? data.sizeLabels[at]! : String(Math.round(value));
  };
  // About eight labelled sizes, always the first and the last, so labels never run together.
  const tickSizes = (): number[] => {
    const sizes = data.sizes;
    if (sizes.length <= 10) return [...sizes];
    const step = Math.ceil((sizes.length - 1) / 8);
    const ticks = sizes.filter((_, i) => i % step === 0);
    if (ticks[ticks.length - 1] !== sizes[sizes.length - 1]) ticks.push(sizes[sizes.length - 1]!);
    return ticks;
  };
  const recommendedRule = (u: uPlot): void => {
    if (data.recommended === null) return;
    const x = u.valToPos(data.recommended, 'x', true);
    const { top, height } = u.bbox;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = '#111827';
    ctx.lineWidth = devicePixelRatio;
    ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#111827';
    ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
    ctx.textAlign = x > u.bbox.left + u.bbox.width / 2 ? 'right' : 'left';
    ctx.fillText(` ${data.recommendedLabel} `, x, top + 14 * devicePixelRatio);
    ctx.restore();
  };

  const build = (): void => {
    for (const chart of charts.splice(0)) chart.destroy();
    host.textContent = '';
    const log = logToggle?.checked ?? data.logScale;
    const width = Math.max(320, Math.min(host.clientWidth || 900, 1100));
    const newFigure = (id: string): HTMLElement => {
      const figure = document.createElement('figure');
      figure.id = id;
      figure.className = 'chart';
      host.appendChild(figure);
      return figure;
    };
    for (const panel of data.panels) {
      const figure = newFigure(panel.id);
      const options: uPlot.Options = {
        title: panel.title,
        width,
        height: 320,
        cursor: { sync: { key: 'sizes' }, points: { size: 9 } },
        scales: {
          x: log ? { time: false, distr: LOGARITHMIC, log: 2 } : { time: false },
          y: { range: (_u, min, max) => [Math.min(0, min), max] },
        },
        axes: [
          { label: data.axisName + (log ? ' (log scale)' : ''), splits: () => tickSizes(), values: (_u, splits) => splits.map(sizeLabel) },
          { values: (_u, splits) => splits.map((value) => tick(panel.format, value)), size: 64 },
        ],
        series: [
          { label: 'size', value: (_u, value) => sizeLabel(value) },
          ...data.series.map((line, i) => ({
            label: line.bound ? `${line.label} (offline bound)` : line.label,
            stroke: line.colour,
            width: 2,
            dash: [...line.dash],
            show: shown[i]!,
            points: { show: true, size: 7, width: 1.5, stroke: line.colour, fill: '#ffffff' },
            value: (_u: uPlot, value: number | null) => format(panel.format, value),
          })),
        ],
        hooks: {
          draw: [recommendedRule],
          // A series hidden or shown in one chart is hidden or shown in all of them.
          setSeries: [
            (u: uPlot, index: number | null) => {
              if (syncing || index === null || index === 0) return;
              const show = u.series[index]!.show !== false;
              shown[index - 1] = show;
              syncing = true;
              for (const other of charts) if (other !== u && sizeCharts.has(other)) other.setSeries(index, { show });
              syncing = false;
            },
          ],
        },
      };
      const columns: uPlot.AlignedData = [[...data.sizes], ...data.series.map((line) => [...(line.values[panel.metric] ?? [])])];
      const chart = new UPlot(options, columns, figure);
      sizeCharts.add(chart);
      charts.push(chart);
    }
    for (const timeline of [data.timeline, data.originTimeline]) {
      if (timeline === null) continue;
      const figure = newFigure(timeline.format === 'percent' ? 'chart-timeline' : 'chart-origin');
      const count = (value: number | null): string => (value === null ? '–' : String(Number(value.toPrecision(4))));
      const options: uPlot.Options = {
        title: timeline.title,
        width,
        height: 320,
        scales: { x: { time: false }, y: { range: (_u, min, max) => [Math.min(0, min), max] } },
        axes: [
          { label: timeline.axisName },
          {
            values: (_u, splits) => splits.map((value) => (timeline.format === 'percent' ? tick('percent', value) : count(value))),
            size: 64,
          },
        ],
        series: [
          { label: 'from' },
          ...timeline.series.map((line) => ({
            label: line.label,
            stroke: line.colour,
            width: 2,
            dash: [...line.dash],
            spanGaps: false,
            points: { show: false },
            value: (_u: uPlot, value: number | null) => (timeline.format === 'percent' ? format('percent', value) : count(value)),
          })),
        ],
      };
      const columns: uPlot.AlignedData = [[...timeline.from], ...timeline.series.map((line) => [...line.values])];
      charts.push(new UPlot(options, columns, figure));
    }
  };

  if (logToggle !== null) {
    logToggle.checked = data.logScale;
    logToggle.addEventListener('change', build);
  }
  build();
  return charts;
}

/**
 * Click a column heading of the results table to sort by it (again to reverse). Cells carry
 * their number in `data-sort`, so 1.5 KiB sorts below 1 MiB. Self-contained, like drawReportCharts.
 */
export function makeTablesSortable(): void {
  for (const table of Array.from(document.querySelectorAll<HTMLTableElement>('table.sortable'))) {
    const body = table.tBodies[0];
    if (body === undefined) continue;
    Array.from(table.tHead?.rows[0]?.cells ?? []).forEach((heading, column) => {
      heading.addEventListener('click', () => {
        const ascending = heading.getAttribute('aria-sort') !== 'ascending';
        for (const other of Array.from(heading.parentElement?.children ?? [])) other.removeAttribute('aria-sort');
        heading.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const key = (row: HTMLTableRowElement): string | number => {
          const cell = row.cells[column];
          const sort = cell?.dataset['sort'];
          return sort !== undefined && sort !== '' ? Number(sort) : (cell?.textContent ?? '');
        };
        const rows = Array.from(body.rows).sort((a, b) => {
          const [ka, kb] = [key(a), key(b)];
          const order = typeof ka === 'number' && typeof kb === 'number' ? ka - kb : String(ka).localeCompare(String(kb));
          return ascending ? order : -order;
        });
        for (const row of rows) body.appendChild(row);
      });
    });
  }
}
