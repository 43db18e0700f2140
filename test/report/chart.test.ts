import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderChart } from '../../src/report/chart.js';
import type { ResultRow, RunResult } from '../../src/model/result.js';

function result(series: Record<string, number[]>, capacities: number[]): RunResult {
  const rows = Object.entries(series).flatMap(([policy, rates]) =>
    rates.map((hitRate, i) => ({ policy, ttl: null, capacity: capacities[i]!, hitRate }) as unknown as ResultRow),
  );
  return {
    options: { policies: Object.keys(series), capacities, unit: 'entries', ttls: [null], lookupCostMs: 0.1, missCostMs: 5, seed: 1 },
    rows,
  } as unknown as RunResult;
}

test('log x axis, one glyph per series, labelled axes and a legend', () => {
  const chart = renderChart(result({ lru: [0.1, 0.5, 0.9], fifo: [0.1, 0.3, 0.9] }, [10, 100, 1000]), { width: 21, height: 9 });
  const lines = chart.split('\n');
  assert.match(lines[0]!, /hit rate vs cache size \(log scale, entries\)/);
  // y runs from 10% (rounded down) to 90% (rounded up): top row labelled 90%, bottom 10%.
  assert.match(lines[1]!, /^ {2}90\.0% ┤/);
  assert.match(lines[9]!, /^ {2}10\.0% ┤/);
  const plot = (row: number): string => lines[row]!.slice(9);
  // Both series end at 90% at the right edge and start at 10% at the left edge: where they
  // coincide, a ◉ says so instead of one glyph hiding the other, and the legend explains it.
  assert.equal(plot(1)[20], '◉');
  assert.equal(plot(9)[0], '◉');
  assert.match(chart, /◉ several series at one point/);
  // 100 sits exactly in the middle of a log axis from 10 to 1000: column 10.
  // lru at 50% -> row 5 (0.9 - 0.5 = 0.4 of 0.8 over 8 rows = 4 rows down); fifo at 30% -> row 7.
  assert.equal(plot(5)[10], '●');
  assert.equal(plot(7)[10], '■');
  assert.match(chart, /10 {2,}100 {2,}1,000/);
  assert.match(chart, /● lru {3}■ fifo/);
});

test('points of one series alone keep their glyph, and no ◉ note is given', () => {
  const chart = renderChart(result({ lru: [0.1, 0.5, 0.9], fifo: [0.2, 0.3, 0.8] }, [10, 100, 1000]), { width: 21, height: 9 });
  assert.doesNotMatch(chart, /◉/);
});

test('a single size and a flat curve still draw', () => {
  const chart = renderChart(result({ lru: [0.5] }, [64]), { width: 20, height: 5 });
  assert.match(chart, /●/);
  assert.match(chart, /64/);
});

test('the recommended size is a dotted rule at its column, named in the legend', async () => {
  const { sweep } = await import('../../src/api/simulate.js');
  const { generateTrace } = await import('../../src/trace/spec.js');
  const swept = await sweep(generateTrace('zipf:alpha=0.9,keys=500,requests=5000,seed=3'), {
    policies: ['lru'],
    capacities: [16, 64, 256, 1024, 4096],
  });
  assert.ok(swept.best);
  const chart = renderChart(swept, { width: 31, height: 9 });
  assert.match(chart, new RegExp(`┊ the recommended size, ${swept.best.capacity.toLocaleString('en-US')}`));
  const plotRows = chart
    .split('\n')
    .slice(1, 10)
    .map((line) => line.slice(9));
  const ruleColumns = new Set(plotRows.flatMap((line) => [...line].flatMap((char, i) => (char === '┊' ? [i] : []))));
  assert.equal(ruleColumns.size, 1, 'one column');
});
