import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { chartData, renderHtml } from '../../src/report/html.js';
import { formatFromPath, renderResult } from '../../src/report/render.js';
import type { RunResult } from '../../src/model/result.js';
import { sampleResult } from '../helpers/result.js';
import { openReport, startBrowser } from '../helpers/browser.js';
import { cli, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-files.js';

const temp = tempDir('html');

/** Four series over six sizes, one of them an offline bound, with a recommendation and a best choice. */
function sweepResult(): RunResult {
  const result = sampleResult({ policies: ['lru', 'lfu', 'fifo', 'belady'], capacities: [1, 2, 3, 4, 6, 8] });
  const best = {
    policy: 'lfu',
    ttl: null,
    capacity: 4,
    hitRate: 0.5,
    meanLatencyMs: 2.5,
    criterion: 'tolerance',
    threshold: 0.01,
  } as const;
  return {
    ...result,
    command: 'sweep',
    best: { ...best, topHitRate: 0.5, totalCostMs: null, stillRising: false, marginalGain: null, tiedWith: [] },
  };
}

test('the page is self-contained: uPlot and its stylesheet inline, nothing fetched, the same bytes every time', () => {
  const html = renderHtml(sweepResult());
  assert.ok(html.startsWith('<!doctype html>'));
  assert.match(html, /https:\/\/github\.com\/leeoniya\/uPlot/); // uPlot's own banner: its code is in the page
  assert.match(html, /\.uplot \{/);
  // No script, stylesheet, image or font comes from anywhere else.
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|<img[^>]+src=|@import|url\(http/i);
  assert.equal(renderHtml(sweepResult()), html);
  // Without JavaScript the static SVG chart stands in.
  assert.match(html, /<noscript><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
});

test('text from the trace cannot break out of the page: names and the chart data are escaped', () => {
  const result = { ...sweepResult(), trace: { ...sweepResult().trace, source: 'x</script><img src=x onerror=alert(1)>.csv' } };
  const html = renderHtml(result);
  assert.doesNotMatch(html, /<img src=x/);
  assert.match(html, /x&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt;\.csv/);
  const data = /<script type="application\/json" id="chart-data">([^<]*)<\/script>/.exec(html);
  assert.ok(data, 'the chart data is one script element with no < inside');
});

test('the chart data has one series per policy with every metric per size; the bound is dashed and named', () => {
  const data = chartData(sweepResult())!;
  assert.deepEqual(data.sizes, [1, 2, 3, 4, 6, 8]);
  assert.deepEqual(
    data.series.map((line) => [line.label, line.bound, line.dash.length > 0]),
    [
      ['lru', false, false],
      ['lfu', false, false],
      ['fifo', false, false],
      ['belady', true, true],
    ],
  );
  const lru = sweepResult().rows.filter((row) => row.policy === 'lru');
  assert.deepEqual(
    data.series[0]!.values['hitRate'],
    lru.map((row) => Number(row.hitRate.toPrecision(6))),
  );
  assert.deepEqual(
    data.panels.map((panel) => panel.id),
    ['chart-hit-rate', 'chart-byte-hit-rate', 'chart-latency'],
  );
  assert.equal(data.logScale, true); // 1..8
  assert.equal(data.recommended, 4);
  // One size: nothing to draw a line through.
  assert.equal(chartData(sampleResult({ capacities: [4] })), null);
});

test('a sweep reads as curves (sizes down, a column per policy) with every metric folded under it', () => {
  const html = renderHtml(sweepResult());
  const pivot = /<table class="sortable pivot">.*?<\/table>/s.exec(html)![0];
  assert.equal([...pivot.matchAll(/<tr><th scope="row"/g)].length, 6);
  assert.match(html, /<details><summary>All metrics \(24 rows\)<\/summary>/);
  const run = renderHtml(sampleResult());
  assert.doesNotMatch(run, /<details>/);
});

test('gate verdicts come first, failed ones marked', () => {
  const html = renderResult(sampleResult(), 'html', {
    report: {
      verdicts: [
        { gate: 'lru@4.hitRate>=0.9', actual: '45.83%', required: '>= 90.00%', ok: false },
        { gate: 'lfu@4.hitRate>=0.5', actual: '54.17%', required: '>= 50.00%', ok: true },
      ],
    },
  });
  assert.match(html, /<p class="verdict failed">1 of 2 gates failed\.<\/p>/);
  assert.ok(html.indexOf('id="gates"') < html.indexOf('<h2>Trace</h2>'));
  assert.match(html, /<tr class="fail"><td>❌ fail<\/td><td><code>lru@4\.hitRate&gt;=0\.9<\/code>/);
});

test('--out report.html writes the HTML report; .htm is HTML too', async () => {
  const out = join(temp.dir, 'report.html');
  const run = await cli('run', join(ROOT, 'traces/sample.csv'), '--policies', 'lru,lfu', '--maxsize', '64,256', '--out', out);
  assert.equal(run.code, 0, run.stderr);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /<title>cachebench run: sample\.csv<\/title>/);
  assert.equal(formatFromPath('x.htm'), 'html');
  const stdout = await cli('run', join(ROOT, 'traces/sample.csv'), '--policies', 'lru', '--maxsize', '64', '--format', 'html');
  assert.match(stdout.stdout, /^<!doctype html>/);
});

/** Pixels of the chart's canvas within a small distance of `hex`: what of that series is drawn. */
async function pixelsOf(page: Page, chart: string, hex: string): Promise<number> {
  return page.evaluate(
    (selector: string, colour: string) => {
      // Read a copy, so reading it many times does not warn about the page's own canvas.
      const canvas = document.querySelector<HTMLCanvasElement>(`${selector} canvas`)!;
      const copy = document.createElement('canvas');
      [copy.width, copy.height] = [canvas.width, canvas.height];
      const context = copy.getContext('2d', { willReadFrequently: true })!;
      context.drawImage(canvas, 0, 0);
      const { data } = context.getImageData(0, 0, copy.width, copy.height);
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16)) as [number, number, number];
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i]! - r) + Math.abs(data[i + 1]! - g) + Math.abs(data[i + 2]! - b) < 24) count++;
      }
      return count;
    },
    `#${chart}`,
    hex,
  );
}

test('in a real browser: no console errors, one drawn series per policy, a legend click hides a series in every chart', async (t) => {
  const browser = await startBrowser(t);
  if (!browser) return;
  const result = sweepResult();
  const file = temp.write('sweep.html', renderHtml(result));
  const data = chartData(result)!;
  const { page, problems } = await openReport(browser, file, { width: 1200, height: 900 });
  assert.deepEqual(problems, []);

  const panels = data.panels.map((panel) => panel.id);
  // Every chart has a legend entry per policy (plus the size), named as the series are.
  for (const id of panels) {
    const legend = await page.$$eval(`#${id} .u-legend .u-series .u-label`, (labels) => labels.map((label) => label.textContent));
    assert.deepEqual(legend, ['size', 'lru', 'lfu', 'fifo', 'belady (offline bound)']);
  }
  // Each series is drawn: its colour is on the canvas.
  const colours = data.series.map((line) => line.colour);
  const before = await Promise.all(colours.map((colour) => pixelsOf(page, 'chart-hit-rate', colour)));
  for (const [i, count] of before.entries()) assert.ok(count > 50, `${data.series[i]!.label} drawn: ${count} pixels`);

  // Click lfu's legend entry in the first chart: lfu is gone from every chart, the others stay.
  await page.click('#chart-hit-rate .u-legend .u-series:nth-child(3)');
  for (const id of panels) {
    assert.ok((await pixelsOf(page, id, colours[1]!)) < 5, `lfu hidden in ${id}`);
    assert.ok((await pixelsOf(page, id, colours[0]!)) > 50, `lru still drawn in ${id}`);
    const off = await page.$$eval(`#${id} .u-legend .u-series.u-off .u-label`, (labels) => labels.map((label) => label.textContent));
    assert.deepEqual(off, ['lfu']);
  }
  // And back.
  await page.click('#chart-latency .u-legend .u-series:nth-child(3)');
  assert.ok((await pixelsOf(page, 'chart-hit-rate', colours[1]!)) > 50);

  // Hovering shows every series' value at that size in the legend.
  const plot = (await page.$('#chart-hit-rate .u-over'))!;
  await plot.scrollIntoView();
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2, { steps: 4 });
  // uPlot updates the legend on the next animation frame.
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  const values = await page.$$eval('#chart-hit-rate .u-legend .u-series .u-value', (cells) => cells.map((cell) => cell.textContent));
  const atEight = result.rows.filter((row) => row.capacity === 8).map((row) => `${(row.hitRate * 100).toFixed(2)}%`);
  assert.deepEqual(values, ['8', ...atEight]);

  // The size axis starts logarithmic (1..8) and switches to linear.
  const distribution = (): Promise<number | undefined> =>
    page.evaluate(
      () => (window as unknown as { cachebenchCharts: { scales: { x: { distr?: number } } }[] }).cachebenchCharts[0]!.scales.x.distr,
    );
  assert.equal(await distribution(), 3);
  await page.click('#log-scale');
  assert.equal(await distribution(), 1);
  assert.ok((await pixelsOf(page, 'chart-hit-rate', colours[0]!)) > 50);

  // Sorting the full table by hit rate puts the lowest first.
  await page.click('details summary');
  await page.click('table.sortable:not(.pivot) thead th:nth-child(5)');
  const firstRates = await page.$$eval('table.sortable:not(.pivot) tbody tr td:nth-child(5)', (cells) =>
    cells.slice(0, 2).map((cell) => cell.textContent),
  );
  assert.deepEqual(firstRates, ['0.00%', '0.00%']);
  assert.deepEqual(problems, []);
});

test('with --interval the page draws hit rate over time, one line per row, in a real browser', async (t) => {
  const out = join(temp.dir, 'time.html');
  const run = await cli(
    'run',
    'zipf:alpha=0.9,keys=500,requests=20000,rate=100',
    '-p',
    'lru,lfu',
    '-m',
    '32',
    '--interval',
    '10s',
    '--out',
    out,
  );
  assert.equal(run.code, 0, run.stderr);
  const data = JSON.parse(/<script type="application\/json" id="chart-data">([^<]*)<\/script>/.exec(readFileSync(out, 'utf8'))![1]!) as {
    panels: unknown[];
    timeline: { from: number[]; series: { label: string; values: number[] }[] };
  };
  // One size: no curve against size, only the timeline.
  assert.deepEqual(data.panels, []);
  assert.deepEqual(
    data.timeline.series.map((line) => line.label),
    ['lru @32', 'lfu @32'],
  );
  assert.deepEqual(data.timeline.from.slice(0, 3), [0, 10, 20]);
  assert.ok(data.timeline.from.length >= 20 && data.timeline.from.length <= 21, `${data.timeline.from.length} intervals`);

  const browser = await startBrowser(t);
  if (!browser) return;
  const { page, problems } = await openReport(browser, out);
  const legend = await page.$$eval('#chart-timeline .u-legend .u-series .u-label', (labels) => labels.map((label) => label.textContent));
  assert.deepEqual(legend, ['from', 'lru @32', 'lfu @32']);
  assert.equal(await page.$('#log-scale'), null);
  assert.deepEqual(problems, []);
});

test('a time-aware run with --interval draws origin fetches per second under the hit rate, in a real browser', async (t) => {
  const out = join(temp.dir, 'origin.html');
  const run = await cli(
    'run',
    'zipf:alpha=0.9,keys=500,requests=20000,rate=100,writes=0.05',
    '--tiers',
    'lru:32@0.05ms,lru:200@1ms',
    '--instances',
    '2',
    '--outage',
    'L2@60s+20s',
    '--interval',
    '10s',
    '--out',
    out,
  );
  assert.equal(run.code, 0, run.stderr);
  const html = readFileSync(out, 'utf8');
  const data = JSON.parse(/<script type="application\/json" id="chart-data">([^<]*)<\/script>/.exec(html)![1]!) as {
    originTimeline: { format: string; from: number[]; series: { values: number[] }[] };
  };
  assert.equal(data.originTimeline.format, 'count');
  // The outage (60 s to 80 s) sends the L2's hits to the origin: its intervals are the busiest.
  const values = data.originTimeline.series[0]!.values;
  const busiest = data.originTimeline.from[values.indexOf(Math.max(...values))]!;
  assert.ok(busiest >= 60 && busiest < 80, `busiest interval starts at ${busiest}`);
  assert.match(html, /<section id="fleet-section">/);

  const browser = await startBrowser(t);
  if (!browser) return;
  const { page, problems } = await openReport(browser, out);
  const title = await page.$eval('#chart-origin .u-title', (node) => node.textContent);
  assert.match(title, /Origin fetches per second over time/);
  assert.deepEqual(problems, []);
});
