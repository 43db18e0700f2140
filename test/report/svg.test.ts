import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunResult } from '../../src/model/result.js';
import { renderSvgChart } from '../../src/report/svg.js';
import { sampleResult } from '../helpers/result.js';

test('one line and one legend entry per policy, in the shared palette order', () => {
  const svg = renderSvgChart(sampleResult())!;
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  const polylines = [...svg.matchAll(/<polyline points="([^"]+)" fill="none" stroke="(#[0-9a-f]{6})"/g)];
  assert.deepEqual(
    polylines.map((m) => m[2]),
    ['#3b82f6', '#f97316', '#22c55e'],
  );
  for (const m of polylines) assert.equal(m[1]!.split(' ').length, 3); // sizes 2, 3, 4
  assert.deepEqual([...svg.matchAll(/fill="#111827">([^<]+)<\/text>/g)].map((m) => m[1]).slice(1), ['lru', 'lfu', 'fifo']);
});

test('points sit where their hit rates are: 0% on the axis, higher rates higher up', () => {
  const result = sampleResult({ policies: ['lfu'] }); // lfu: 0%, 29.17%, 54.17% at sizes 2, 3, 4
  const svg = renderSvgChart(result)!;
  const points = /<polyline points="([^"]+)"/
    .exec(svg)![1]!
    .split(' ')
    .map((p) => p.split(',').map(Number));
  assert.equal(points[0]![1], 360); // the x axis
  assert.ok(points[1]![1]! < points[0]![1] && points[2]![1]! < points[1]![1]!);
  assert.ok(Math.abs(points[2]![1]! - (360 - (13 / 24) * 300)) < 0.06);
  assert.doesNotMatch(svg, /log scale/); // 2..4 is not a wide span
});

test('a wide size range uses a log axis, so doubling sizes are evenly spaced', () => {
  const svg = renderSvgChart(sampleResult({ policies: ['lru'], capacities: [1, 2, 4, 8] }))!;
  assert.match(svg, /maxsize \(entries\), log scale/);
  const xs = /<polyline points="([^"]+)"/
    .exec(svg)![1]!
    .split(' ')
    .map((p) => Number(p.split(',')[0]));
  assert.ok(Math.abs(xs[1]! - xs[0]! - (xs[2]! - xs[1]!)) < 0.2);
});

test('text is escaped, and one size or no row means no chart', () => {
  const base = sampleResult({ policies: ['lru'] });
  const awkward: RunResult = {
    ...base,
    trace: { ...base.trace, source: 'a<b>&"c"' },
    rows: base.rows.map((row) => ({ ...row, policy: 'x&y' })),
  };
  const svg = renderSvgChart(awkward)!;
  assert.match(svg, />a&lt;b&gt;&amp;&quot;c&quot;</);
  assert.match(svg, />x&amp;y</);
  assert.equal(renderSvgChart(sampleResult({ capacities: [4] })), null);
});

test('past eight series every line still differs (colour, dash, marker); an offline bound is dashed and labelled; the recommended size is a rule', async () => {
  const { seriesStyle } = await import('../../src/report/svg.js');
  const styles = Array.from({ length: 24 }, (_, i) => JSON.stringify(seriesStyle(i)));
  assert.equal(new Set(styles).size, 24, 'no two of 24 series look alike');
  assert.notEqual(seriesStyle(0).dash, seriesStyle(8).dash, 'the ninth series shares the first colour but not its dash');
  assert.notEqual(seriesStyle(1).marker, seriesStyle(0).marker);

  const { generateTrace } = await import('../../src/trace/spec.js');
  const { sweep } = await import('../../src/api/simulate.js');
  const trace = generateTrace('zipf:alpha=0.9,keys=500,requests=5000,seed=3');
  const result = await sweep(trace, { policies: ['lru', 'belady'], capacities: [16, 64, 256, 1024, 4096] });
  const svg = renderSvgChart(result)!;
  assert.match(svg, />belady \(offline bound\)</);
  const lines = [
    ...svg.matchAll(/<polyline points="[^"]+" fill="none" stroke="(#[0-9a-f]{6})" stroke-width="2"( stroke-dasharray="[^"]+")?\/>/g),
  ];
  assert.deepEqual(
    lines.map((m) => m[2] !== undefined),
    [false, true],
    'lru solid, belady dashed',
  );
  assert.ok(result.best && !result.best.stillRising, 'the sweep recommends a size');
  assert.equal(result.best.policy, 'lru', 'the bound is never the best choice');
  assert.match(svg, new RegExp(`>recommended: ${result.best.capacity}<`));
  // A curve still rising at the largest size has no recommended size to mark.
  const rising = await sweep(trace, { policies: ['lru'], capacities: [16, 64, 256] });
  assert.equal(rising.best!.stillRising, true);
  assert.doesNotMatch(renderSvgChart(rising)!, />recommended: /);
  // Markers are hollow, so one drawn over another leaves the first visible.
  assert.ok([...svg.matchAll(/<circle [^>]*fill="([^"]+)"/g)].every((m) => m[1] === '#ffffff'));
});

test('a sampled sweep draws each estimate with its range over the samples, and marks the unreliable ones', async () => {
  const { generateTrace } = await import('../../src/trace/spec.js');
  const { sweep } = await import('../../src/api/simulate.js');
  const trace = generateTrace('zipf:alpha=0.9,keys=20000,requests=100000,seed=3');
  const sampled = await sweep(trace, { policies: ['lru'], capacities: [16, 1024, 16384], sample: 0.05 });
  const svg = renderSvgChart(sampled)!;
  const bars = [...svg.matchAll(/<line x1="([\d.]+)" y1="([\d.]+)" x2="\1" y2="([\d.]+)" stroke="#3b82f6" stroke-width="1"/g)];
  assert.equal(bars.length, 3, 'one range bar per point');
  for (const bar of bars) assert.ok(Number(bar[2]) <= Number(bar[3]), 'from the high estimate down to the low');
  const unreliable = sampled.rows.filter((row) => row.estimate!.unreliable).length;
  assert.ok(unreliable >= 1, '16 entries at 5% is too small a sampled cache');
  assert.equal([...svg.matchAll(/font-size="11">\?<\/text>/g)].length, unreliable);
  assert.match(svg, /bars: the range of 4 samples/);
  const exact = renderSvgChart(await sweep(trace, { policies: ['lru'], capacities: [16, 1024, 16384] }))!;
  assert.doesNotMatch(exact, /bars: the range/);
});
