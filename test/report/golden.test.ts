/**
 * Golden reports: the markdown, JSON and CSV of a small fixed run, checked in under
 * test/fixtures/golden/. A change to any renderer shows up as a diff of these files; when
 * the change is intended, regenerate them with `npm run golden:update` and review the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateAssertions, parseAssertion } from '../../src/gate/assertion.js';
import { bestChoice, curvesOf, recommend } from '../../src/engine/recommend.js';
import { renderJson } from '../../src/report/json.js';
import type { RunResult } from '../../src/model/result.js';
import { renderResult } from '../../src/report/render.js';
import { renderSvgChart } from '../../src/report/svg.js';
import { sampleResult } from '../helpers/result.js';

// dist/test/report/ -> the repository root, so the fixtures are the checked-in files.
const GOLDEN = fileURLToPath(new URL('../../../test/fixtures/golden/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function goldenRun(): RunResult {
  return sampleResult({ policies: ['lru', 'lfu', 'fifo'], capacities: [2, 3, 4, 6], ttls: [null, 10] });
}

function reports(): Record<string, string> {
  const result = goldenRun();
  // Recommendations as the sweep's recommender makes them, a few picked to cover found and not found.
  const curves = curvesOf(result.rows);
  const options = { minGain: 0.01, tolerance: 0.01, targetHitRate: 0.5 };
  // lfu's best (62.5% at 6) is all an infinite cache gets here: the ceiling keeps it from reading as still rising.
  const all = recommend(curves, options, { ceiling: 0.625 });
  const picked = [
    ...all.filter((r) => r.policy === 'lfu' && r.ttl === null),
    ...all.filter((r) => r.policy === 'fifo' && r.ttl === null && r.primary),
    ...all.filter((r) => r.policy === 'lru' && r.ttl === 10 && r.primary),
  ];
  const withRecommendation: RunResult = { ...result, recommendations: picked, best: bestChoice(curves, options) };
  const verdicts = evaluateAssertions(
    result,
    ['lfu@4/ttl=off.hitRate>=0.5', 'lru@6/ttl=10s.latency.p99<=2ms'].map((text) => parseAssertion(text)),
  );
  return {
    'run.md': renderResult(withRecommendation, 'md', { report: { verdicts, chartImage: 'run.svg' } }),
    'run.svg': renderSvgChart(result)!,
    'run.json': renderResult(result, 'json'),
    'run.csv': renderResult(result, 'csv'),
  };
}

test('the markdown, JSON, CSV and SVG reports match the checked-in golden files', () => {
  for (const [name, text] of Object.entries(reports())) {
    if (UPDATE) writeFileSync(GOLDEN + name, text);
    assert.equal(
      text,
      readFileSync(GOLDEN + name, 'utf8'),
      `${name} differs from test/fixtures/golden/${name} (npm run golden:update if intended)`,
    );
  }
});

test('rendering the same run again gives identical bytes', () => {
  const first = reports();
  const second = reports();
  for (const name of Object.keys(first)) assert.equal(Buffer.compare(Buffer.from(first[name]!), Buffer.from(second[name]!)), 0, name);
});

test('JSON keys come in the documented order', () => {
  const parsed = JSON.parse(renderJson(goldenRun())) as Record<string, any>;
  assert.deepEqual(Object.keys(parsed), ['schemaVersion', 'tool', 'command', 'trace', 'options', 'rows']);
  assert.deepEqual(Object.keys(parsed.trace), [
    'source',
    'requests',
    'lookups',
    'writes',
    'deletes',
    'distinctKeys',
    'oneHitWonders',
    'top1PercentShare',
    'sizes',
    'time',
  ]);
  assert.deepEqual(Object.keys(parsed.options), ['policies', 'capacities', 'unit', 'ttls', 'lookupCostMs', 'missCostMs', 'seed']);
  assert.deepEqual(Object.keys(parsed.rows[0]), [
    'policy',
    'ttl',
    'capacity',
    'requests',
    'hits',
    'misses',
    'expiredMisses',
    'coldMisses',
    'capacityMisses',
    'uncacheable',
    'writes',
    'deletes',
    'hitRate',
    'byteHitRate',
    'finalEntries',
    'finalBytes',
    'latency',
  ]);
  assert.deepEqual(Object.keys(parsed.rows[0].latency), [
    'mean',
    'p50',
    'p95',
    'p99',
    'p999',
    'max',
    'noCache',
    'speedup',
    'slowerThanNoCache',
  ]);
});
