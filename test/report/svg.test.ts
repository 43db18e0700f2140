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
