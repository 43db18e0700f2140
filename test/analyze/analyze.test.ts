/**
 * The trace portrait: exact counts and distances on a trace small enough to check by hand,
 * the LRU curve against the engine's own lru replays, the Zipf fit against the alpha a trace
 * was generated with, and --fit against its promise: on several generated traces the fitted
 * spec's LRU hit-rate curve stays within 3 points of the trace's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeTrace } from '../../src/analyze/analyze.js';
import { fitTraceSpec } from '../../src/analyze/fit.js';
import { simulate } from '../../src/index.js';
import { generateTrace } from '../../src/trace/spec.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-files.js';
import { traceOf } from '../helpers/trace.js';

const files = tempDir('analyze');

test('counts, one-hit wonders, reuse and stack distances are exact on a hand-checked trace', () => {
  //            0    1    2    3    4    5    6    7
  const trace = traceOf(['a', 'b', 'a', 'c', 'b', 'a', 'd', 'a'], { ops: [0, 1, 0, 0, 0, 2, 0, 0], times: [0, 1, 2, 3, 4, 5, 6, 8] });
  const a = analyzeTrace(trace, { windows: 2 });
  assert.equal(a.requests, 8);
  assert.deepEqual(a.ops, { get: 6, set: 1, delete: 1 });
  assert.equal(a.distinctKeys, 4);
  assert.deepEqual(a.oneHitWonders, { keys: 2, shareOfKeys: 0.5, shareOfRequests: 0.25 });
  // Reuses: a at 2 (2), b at 4 (3), a at 5 (3), a at 7 (2).
  assert.deepEqual([a.reuseDistance!.count, a.reuseDistance!.min, a.reuseDistance!.max, a.reuseDistance!.mean], [4, 2, 3, 2.5]);
  assert.deepEqual([a.reuseTime!.min, a.reuseTime!.max], [2, 3]);
  assert.equal(a.time!.span, 8);
  // Two windows of 4 s: [0,4) holds a b a c, [4,8] b a d a; new keys 3 then 1.
  assert.deepEqual(
    a.windows.map((w) => [w.requests, w.distinctKeys, w.newKeys, w.rate]),
    [
      [4, 3, 3, 1],
      [4, 3, 1, 1],
    ],
  );
  assert.equal(a.stackDistance.coldLookups, 3);
});

test("the LRU curve of analyze is the engine's lru hit rate at every size it lists", async () => {
  const trace = generateTrace('zipf:alpha=0.9,keys=3000,requests=30000,seed=4');
  const a = analyzeTrace(trace);
  const result = await simulate(trace, { policies: ['lru'], capacities: a.lruCurve.map((point) => point.size) });
  assert.deepEqual(
    a.lruCurve.map((point) => point.hitRate),
    result.rows.map((row) => row.hitRate),
  );
});

test('the Zipf fit finds the alpha a trace was drawn with', () => {
  for (const alpha of [0.6, 0.9, 1.1]) {
    const a = analyzeTrace(generateTrace(`zipf:alpha=${alpha},keys=5000,requests=200000,seed=8`));
    assert.ok(Math.abs(a.popularity.zipf!.alpha - alpha) < 0.12, `alpha ${alpha}: fitted ${a.popularity.zipf!.alpha}`);
    assert.ok(a.popularity.zipf!.r2 > 0.9, `alpha ${alpha}: R² ${a.popularity.zipf!.r2}`);
  }
});

test("--fit: on several generated traces the fitted spec's LRU curve stays within 3 points of the trace's", async () => {
  const specs = [
    'zipf:alpha=0.7,keys=2e4,requests=1e5,seed=9',
    'zipf:alpha=1.2,keys=3e4,requests=1e5,seed=4',
    'uniform:keys=4000,requests=1e5,seed=2',
    'mix:zipf(alpha=0.9,keys=1e4)*0.75+scan(keys=1e5)*0.25,requests=1e5,seed=3',
    'mix:zipf(alpha=0.8,keys=8000)*0.8+scan(keys=3000)*0.2,requests=1e5,seed=5',
  ];
  for (const spec of specs) {
    const trace = generateTrace(spec);
    const fitted = fitTraceSpec(trace, analyzeTrace(trace));
    // Checked here independently of the fit's own arithmetic: both curves by lru replays.
    const sizes = [...fitted.sizes];
    const original = await simulate(trace, { policies: ['lru'], capacities: sizes });
    const imitation = await simulate(generateTrace(fitted.spec), { policies: ['lru'], capacities: sizes });
    const gap = Math.max(...original.rows.map((row, i) => Math.abs(row.hitRate - imitation.rows[i]!.hitRate))) * 100;
    assert.ok(gap <= 3, `${spec} -> ${fitted.spec}: ${gap.toFixed(2)} points`);
    assert.ok(Math.abs(gap - fitted.curveGapPoints) < 0.01, 'the reported gap is the measured one');
  }
});

test("the fitted spec carries the trace's rate and sizes", () => {
  const trace = generateTrace('zipf:alpha=0.8,keys=2000,requests=20000,rate=50,sizes=100..10000,seed=6');
  const fitted = fitTraceSpec(trace, analyzeTrace(trace));
  assert.match(fitted.spec, /rate=(49|50)\.\d+/);
  assert.match(fitted.spec, /sizes=1\d\d\.\.\d{4,5}/);
});

test('cachebench analyze: table, JSON and markdown with charts; --out by extension; bad names are usage errors', async () => {
  const json = await cli('analyze', 'zipf:alpha=0.9,keys=500,requests=5000', '-f', 'json');
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as { schemaVersion: number; analysis: { requests: number; distinctKeys: number } };
  assert.equal(report.schemaVersion, 1);
  assert.equal(report.analysis.requests, 5000);
  const out = join(files.dir, 'portrait.md');
  const md = await cli('analyze', 'zipf:alpha=0.9,keys=500,requests=5000', '--out', out);
  assert.equal(md.code, 0, md.stderr);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /^# Trace: zipf:/);
  assert.equal(text.match(/```mermaid\nxychart-beta/g)?.length, 3);
  const table = await cli('analyze', 'zipf:alpha=0.9,keys=500,requests=5000');
  assert.match(table.stdout, /Zipf fit\s+│ alpha 0\.\d{3}, R² 0\.\d{3}/);
  const bad = await cli('analyze', 'zipf:alpha=0.9,keys=500,requests=5000', '--out', join(files.dir, 'portrait.pdf'));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^cachebench: --out: cannot tell the format of '.*portrait\.pdf' from its name/);
});
