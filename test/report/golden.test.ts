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
import { renderJson } from '../../src/report/json.js';
import type { RunResult } from '../../src/report/model.js';
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
  const lfu4 = result.rows.find((r) => r.policy === 'lfu' && r.capacity === 4 && r.ttl === null)!;
  // Recommendations as the sweep's recommender words them (the renderer shows them verbatim).
  const withRecommendation: RunResult = {
    ...result,
    recommendations: [
      { policy: 'lfu', ttl: null, criterion: 'tolerance', threshold: 0.01, capacity: 6, hitRate: 0.625, meanLatencyMs: 1.975, primary: false, reason: '6: the smallest size reaching the best hit rate in range, 62.50% hit rate', bestPolicyAtSize: { policy: 'lfu', hitRate: 0.625 } },
      { policy: 'lfu', ttl: null, criterion: 'target-hit-rate', threshold: 0.5, capacity: 4, hitRate: lfu4.hitRate, meanLatencyMs: lfu4.latency.mean, primary: true, reason: '4: the smallest size reaching a 50.00% hit rate (54.17%)', bestPolicyAtSize: { policy: 'lfu', hitRate: lfu4.hitRate } },
      { policy: 'fifo', ttl: null, criterion: 'target-hit-rate', threshold: 0.5, capacity: 6, hitRate: 0.5, meanLatencyMs: 2.6, primary: true, reason: '6: the smallest size reaching a 50.00% hit rate (50.00%)', bestPolicyAtSize: { policy: 'lru', hitRate: 0.625 } },
      { policy: 'lru', ttl: 10, criterion: 'target-hit-rate', threshold: 0.5, capacity: null, hitRate: null, meanLatencyMs: null, primary: true, reason: 'no size in range reaches a 50.00% hit rate (best: 41.67% at 6)', bestPolicyAtSize: null },
    ],
    best: { policy: 'lfu', ttl: null, capacity: 4, hitRate: lfu4.hitRate, meanLatencyMs: lfu4.latency.mean, reason: '4 is the smallest size reaching a 50.00% hit rate; lfu does best there with 54.17%' },
  };
  const verdicts = evaluateAssertions(result, ['lfu@4/ttl=off.hitRate>=0.5', 'lru@6/ttl=10s.latency.p99<=2ms'].map((text) => parseAssertion(text)));
  return {
    'run.md': renderResult(withRecommendation, 'md', { markdown: { verdicts, chartImage: 'run.svg' } }),
    'run.svg': renderSvgChart(result)!,
    'run.json': renderResult(result, 'json'),
    'run.csv': renderResult(result, 'csv'),
  };
}

test('the markdown, JSON, CSV and SVG reports match the checked-in golden files', () => {
  for (const [name, text] of Object.entries(reports())) {
    if (UPDATE) writeFileSync(GOLDEN + name, text);
    assert.equal(text, readFileSync(GOLDEN + name, 'utf8'), `${name} differs from test/fixtures/golden/${name} (npm run golden:update if intended)`);
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
  assert.deepEqual(Object.keys(parsed.trace), ['source', 'requests', 'lookups', 'writes', 'deletes', 'distinctKeys', 'oneHitWonders', 'top1PercentShare', 'sizes', 'time']);
  assert.deepEqual(Object.keys(parsed.options), ['policies', 'capacities', 'unit', 'ttls', 'lookupCostMs', 'missCostMs', 'seed']);
  assert.deepEqual(Object.keys(parsed.rows[0]), [
    'policy', 'ttl', 'capacity', 'requests', 'hits', 'misses', 'expiredMisses', 'coldMisses', 'capacityMisses', 'uncacheable', 'writes', 'deletes',
    'hitRate', 'byteHitRate', 'finalEntries', 'finalBytes', 'latency',
  ]);
  assert.deepEqual(Object.keys(parsed.rows[0].latency), ['mean', 'p50', 'p95', 'p99', 'noCache', 'speedup', 'slowerThanNoCache']);
});
