/**
 * Write policies and stampede modes as grid dimensions: one run compares several, each row
 * equal to the row of a run with that mode alone, told apart in curves, picks, assertions,
 * baselines and tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate, sweep } from '../../src/api/simulate.js';
import { generateTrace } from '../../src/trace/spec.js';
import { OP_SET } from '../../src/trace/trace.js';
import { evaluateAssertions, parseAssertion } from '../../src/gate/assertion.js';
import { checkBaseline, compareToBaseline } from '../../src/gate/baseline.js';
import { renderJson } from '../../src/report/json.js';
import { renderCsv } from '../../src/report/csv.js';
import { renderTable } from '../../src/report/table.js';
import { UsageError } from '../../src/errors.js';
import { bestChoice, type Curve } from '../../src/engine/recommend.js';
import { bestChoiceText } from '../../src/report/words.js';
import type { RunResult } from '../../src/model/result.js';
import { cli } from '../helpers/cli.js';

const WRITES = 'zipf:alpha=0.9,keys=2000,requests=30000,rate=1000,writes=0.05';
const HOT = 'hotkey:rate=1000,duration=30s,ttl=5s,keys=200,background=0.5';

test('a synthetic spec with writes=F makes a share F of its requests sets, and leaves the key sequence alone', () => {
  const plain = generateTrace('zipf:alpha=0.9,keys=2000,requests=30000,rate=1000');
  const trace = generateTrace(WRITES);
  assert.deepEqual(trace.keys, plain.keys);
  assert.deepEqual(trace.times, plain.times);
  const sets = trace.ops!.filter((op) => op === OP_SET).length;
  // 5% of 30,000 is 1,500; the binomial spread is about 38.
  assert.ok(Math.abs(sets - 1500) < 200, `${sets} sets`);
  assert.throws(() => generateTrace('zipf:alpha=1,keys=10,requests=10,writes=1.5'), /writes must be a fraction from 0 to 1/);
});

test('--stampede none,coalesce,xfetch,swr: each row equals the row of a run with that mode alone', async () => {
  const trace = generateTrace(HOT);
  const modes = ['none', 'coalesce', 'xfetch', 'stale-while-revalidate'] as const;
  const base = { policies: ['lru', 'sieve'], capacities: [50, 150], missCostMs: 40, parallel: 'never' as const };
  const together = await simulate(trace, { ...base, stampede: [...modes] });
  assert.deepEqual(together.options.stampedes, [...modes]);
  assert.equal(together.rows.length, 2 * 4 * 2);
  for (const mode of modes) {
    const alone = await simulate(trace, { ...base, stampede: mode });
    const mine = together.rows.filter((row) => row.stampede!.mode === mode);
    assert.deepEqual(mine, alone.rows, mode);
  }
  // Row order: policy, then mode, then size.
  assert.deepEqual(
    together.rows.slice(0, 4).map((row) => [row.policy, row.stampede!.mode, row.capacity]),
    [
      ['lru', 'none', 50],
      ['lru', 'none', 150],
      ['lru', 'coalesce', 50],
      ['lru', 'coalesce', 150],
    ],
  );
  // Threads or not, the same bytes.
  const threaded = await simulate(trace, { ...base, stampede: [...modes], parallel: 'always', workers: 2 });
  assert.equal(renderJson(threaded), renderJson(together));
});

test('--write-policy a,b compares write policies in one run: stale reads per row, equal to one run each', async () => {
  const trace = generateTrace(WRITES);
  const base = { policies: ['lru'], capacities: [200], ttlsMs: [10_000], parallel: 'never' as const };
  const together = await simulate(trace, { ...base, writePolicy: ['invalidate', 'ttl-only'] });
  const invalidate = await simulate(trace, { ...base, writePolicy: 'invalidate' });
  const ttlOnly = await simulate(trace, { ...base, writePolicy: 'ttl-only' });
  assert.deepEqual(together.rows, [...invalidate.rows, ...ttlOnly.rows]);
  // Invalidation never serves an overwritten value here; leaving copies to age out does.
  assert.equal(together.rows[0]!.freshness!.staleReads, 0);
  assert.ok(together.rows[1]!.freshness!.staleReads > 0);
  // Twice the same mode is a slip.
  await assert.rejects(simulate(trace, { ...base, writePolicy: ['invalidate', 'invalidate'] }), /'invalidate' is listed twice/);
  await assert.rejects(simulate(trace, { ...base, stampede: ['none', 'none'] }), /'none' is listed twice/);
});

test('a sweep over modes draws one curve and one recommendation per policy x mode', async () => {
  const trace = generateTrace(HOT);
  const result = await sweep(trace, {
    policies: ['lru'],
    capacities: [25, 50, 100, 200],
    missCostMs: 40,
    stampede: ['none', 'coalesce'],
    recommend: { targetHitRate: 0.5 },
    parallel: 'never',
  });
  assert.deepEqual(
    result.curves!.map((curve) => [curve.policy, curve.stampede, curve.method]),
    [
      ['lru', 'none', 'replay'],
      ['lru', 'coalesce', 'replay'],
    ],
  );
  const primary = result.recommendations!.filter((rec) => rec.primary);
  assert.deepEqual(
    primary.map((rec) => rec.stampede),
    ['none', 'coalesce'],
  );
  // Each refined target was replayed under its own mode: its hit rate is that mode's.
  for (const rec of primary) {
    if (rec.capacity === null) continue;
    const alone = await simulate(trace, {
      policies: ['lru'],
      capacities: [rec.capacity],
      missCostMs: 40,
      stampede: rec.stampede! as 'none',
    });
    assert.equal(rec.hitRate, alone.rows[0]!.hitRate, rec.stampede);
  }
});

test('ties between modes of one policy go to the lower mean latency, and the verdict says why', () => {
  const point = (capacity: number, hitRate: number, meanLatencyMs: number) => ({ capacity, hitRate, meanLatencyMs });
  const curves: Curve[] = [
    // A plateau from 20 on: diminishing returns picks 20, where the three modes tie on hit rate.
    { policy: 'lru', stampede: 'none', ttl: null, points: [point(10, 0.5, 3), point(20, 0.9, 1.2), point(40, 0.9, 1.2)] },
    { policy: 'lru', stampede: 'coalesce', ttl: null, points: [point(10, 0.5, 2), point(20, 0.9005, 0.8), point(40, 0.9005, 0.8)] },
    { policy: 'lru', stampede: 'xfetch', ttl: null, points: [point(10, 0.5, 2), point(20, 0.8999, 0.5), point(40, 0.8999, 0.5)] },
  ];
  const best = bestChoice(curves, { minGain: 0.01 })!;
  assert.deepEqual([best.policy, best.stampede, best.capacity], ['lru', 'xfetch', 20]);
  assert.deepEqual(
    best.tiedWith.map((other) => other.stampede),
    ['none', 'coalesce'],
  );
  assert.match(bestChoiceText(best, 'entries'), /^lru under xfetch at 20 entries/);
  assert.match(bestChoiceText(best, 'entries'), /and xfetch has the lowest mean latency \(0\.5ms\)$/);
  // Equal latency too: the simpler mode (none before coalesce).
  const flat = curves.map((curve) => ({ ...curve, points: curve.points.map((p) => ({ ...p, hitRate: 0.9, meanLatencyMs: 1 })) }));
  const simplest = bestChoice(flat, { minGain: 0.01 })!;
  assert.equal(simplest.stampede, 'none');
  assert.match(bestChoiceText(simplest, 'entries'), /and none is the simpler mode$/);
});

test('assertions name a mode with /stampede= or /write=, and must when a run compares several', async () => {
  const trace = generateTrace(HOT);
  const result = await simulate(trace, {
    policies: ['lru'],
    capacities: [100],
    missCostMs: 40,
    stampede: ['none', 'stale-while-revalidate'],
  });
  const check = (text: string) => evaluateAssertions(result, [parseAssertion(text)]);
  const none = result.rows.find((row) => row.stampede!.mode === 'none')!;
  const swr = result.rows.find((row) => row.stampede!.mode === 'stale-while-revalidate')!;
  const [verdict] = check(`lru@100/stampede=none.latency.max<=${none.latency.max}`);
  assert.equal(verdict!.ok, true);
  assert.equal(verdict!.row, 'lru@100/stampede=none');
  assert.equal(check('lru@100/stampede=swr.hitRate>=0').at(0)!.actualValue, swr.hitRate);
  assert.equal(check('lru@100/stampede=*.hitRate>=0').length, 2);
  assert.throws(
    () => check('lru@100.hitRate>=0'),
    (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /compares several stampede modes; add \/stampede=<none\|stale-while-revalidate\|\*>/);
      return true;
    },
  );
  assert.throws(
    () => check('lru@100/stampede=xfetch.hitRate>=0'),
    /no row with stampede xfetch \(stampede modes in this run: none, stale-while-revalidate\)/,
  );
  assert.throws(() => parseAssertion('lru@100/mode=none.hitRate>=0'), /unknown qualifier '\/mode='/);
  assert.throws(() => parseAssertion('lru@100/ttl=1s/ttl=2s.hitRate>=0'), /'\/ttl=' is given twice/);
  // Qualifiers in any order, with a TTL.
  const withTtl = await simulate(trace, { policies: ['lru'], capacities: [100], ttlsMs: [1000, 2000], stampede: ['none', 'coalesce'] });
  const rows = evaluateAssertions(withTtl, [parseAssertion('lru@100/stampede=coalesce/ttl=2s.hitRate>=0')]);
  assert.deepEqual(
    rows.map((v) => v.row),
    ['lru@100/ttl=2s/stampede=coalesce'],
  );
});

test('a baseline matches rows by mode too; a version-2 baseline still reads', async () => {
  const trace = generateTrace(HOT);
  const options = { policies: ['lru'], capacities: [100], missCostMs: 40, parallel: 'never' as const };
  const both = await simulate(trace, { ...options, stampede: ['none', 'coalesce'] });
  const same = compareToBaseline(both, both, { maxDrop: 0 });
  assert.equal(same.verdicts.length, 2 * same.verdicts.filter((v) => v.row.endsWith('stampede=none')).length);
  assert.ok(same.verdicts.every((v) => v.ok));
  assert.deepEqual(same.notes, []);
  // A baseline with one mode: the other mode's rows are new, not compared with the wrong row.
  const one = await simulate(trace, { ...options, stampede: 'none' });
  const partial = compareToBaseline(both, one, { maxDrop: 0 });
  assert.ok(partial.verdicts.every((v) => v.ok));
  assert.equal(partial.notes.length, 1);
  assert.match(partial.notes[0]!, /not in the baseline/);
  // Version 2 wrote one mode as a string.
  const { stampedes, ...rest } = JSON.parse(renderJson(one)).options as RunResult['options'];
  const v2 = { ...JSON.parse(renderJson(one)), schemaVersion: 2, options: { ...rest, stampede: stampedes![0] } };
  const upgraded = checkBaseline(v2, 'old.json');
  assert.deepEqual(upgraded.options.stampedes, ['none']);
  assert.throws(() => checkBaseline({ ...v2, schemaVersion: 1 }, 'old.json'), /schemaVersion is 1, this cachebench reads 2 and 3/);
});

test('tables and CSV show the mode as a column when several are compared, as a note when one', async () => {
  const trace = generateTrace(HOT);
  const options = { policies: ['lru'], capacities: [100], missCostMs: 40 };
  const several = await simulate(trace, { ...options, stampede: ['none', 'coalesce'] });
  const table = renderTable(several, { width: 400 });
  assert.match(table, /│ policy │ stampede │/);
  assert.match(table, /│ lru +│ +coalesce │/);
  assert.match(table, /wait p50/);
  const csv = renderCsv(several).split('\r\n');
  const head = csv[0]!.split(',');
  assert.deepEqual(
    csv.slice(1, 3).map((line) => line.split(',')[head.indexOf('stampede')]),
    ['none', 'coalesce'],
  );
  const single = renderTable(await simulate(trace, { ...options, stampede: 'coalesce' }), { width: 400 });
  assert.doesNotMatch(single, /│ stampede │/);
  assert.match(single, /stampede coalesce/);
});

test('the CLI takes lists: --stampede none,xfetch:beta=2,swr and --write-policy invalidate,ttl-only', async () => {
  const run = await cli('run', HOT, '-p', 'lru', '-m', '100', '--stampede', 'none,xfetch:beta=2,swr', '--format', 'json');
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual((JSON.parse(run.stdout) as RunResult).options.stampedes, ['none', 'xfetch:beta=2', 'stale-while-revalidate']);
  const writes = await cli('run', WRITES, '-p', 'lru', '-m', '100', '--write-policy', 'invalidate,ttl-only', '--format', 'json');
  assert.equal(writes.code, 0, writes.stderr);
  assert.deepEqual(
    (JSON.parse(writes.stdout) as RunResult).rows.map((row) => row.freshness!.writePolicy),
    ['invalidate', 'ttl-only'],
  );
  const bad = await cli('run', HOT, '-p', 'lru', '-m', '100', '--stampede', 'none,,coalesce');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--stampede.*empty item/);
  const twice = await cli('run', WRITES, '-p', 'lru', '-m', '100', '--write-policy', 'ttl-only,ttl-only');
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /--write-policy: 'ttl-only' is listed twice/);
});

test('sampled estimates whose bands overlap are a tie, said as one; apart, they are not', async () => {
  const { recommend } = await import('../../src/engine/recommend.js');
  const band = (low: number, high: number) => ({ low, high });
  const point = (capacity: number, hitRate: number, b?: { low: number; high: number }) => ({
    capacity,
    hitRate,
    meanLatencyMs: 1,
    ...(b && { band: b }),
  });
  // At 20 (the plateau's start) sieve leads by half a point, but within the bands.
  const curves: Curve[] = [
    {
      policy: 'lru',
      ttl: null,
      points: [point(10, 0.5, band(0.49, 0.51)), point(20, 0.8, band(0.79, 0.81)), point(40, 0.8, band(0.79, 0.81))],
    },
    {
      policy: 'sieve',
      ttl: null,
      points: [point(10, 0.5, band(0.49, 0.51)), point(20, 0.805, band(0.8, 0.815)), point(40, 0.805, band(0.8, 0.815))],
    },
  ];
  const best = bestChoice(curves, { minGain: 0.01 })!;
  assert.deepEqual([best.policy, best.capacity], ['lru', 20]);
  assert.deepEqual(best.tiedWith, [{ policy: 'sieve', ttl: null, hitRate: 0.805, meanLatencyMs: 1, withinSamplingError: true }]);
  assert.match(
    bestChoiceText(best, 'entries'),
    /ties with it \(within 0\.1 points, or within the sampling error\), and lru is the simpler policy$/,
  );
  // Nor does sieve "do better there" at lru's own pick.
  const lru = recommend(curves, { minGain: 0.01 }).find((rec) => rec.policy === 'lru')!;
  assert.deepEqual(lru.bestPolicyAtSize, { policy: 'lru', hitRate: 0.8 });
  assert.equal('band' in lru.bestInRange, false);
  // Bands apart: a lead.
  const apart = curves.map((curve) => ({
    ...curve,
    points: curve.points.map((p) => ({ ...p, band: curve.policy === 'sieve' ? band(0.802, 0.81) : band(0.795, 0.801) })),
  }));
  const clear = bestChoice(apart, { minGain: 0.01 })!;
  assert.deepEqual([clear.policy, clear.tiedWith], ['sieve', []]);
});

test('a sampled sweep hands each row band to the tie rule', async () => {
  const { curvesOf } = await import('../../src/engine/recommend.js');
  const trace = generateTrace('zipf:alpha=0.6,keys=20000,requests=300000');
  const result = await sweep(trace, { policies: ['lru', 'fifo'], capacities: [2000, 4000], sample: 0.2, parallel: 'never' });
  const points = curvesOf(result.rows).flatMap((curve) => curve.points);
  assert.deepEqual(
    points.map((point) => point.band),
    result.rows.map((row) => ({ low: row.estimate!.low, high: row.estimate!.high })),
  );
  assert.ok(points.every((point) => point.band!.low <= point.hitRate && point.hitRate <= point.band!.high));
});

test('with every estimate unreliable, the sweep says so instead of claiming a target was missed', async () => {
  const run = await cli(
    'sweep',
    'zipf:alpha=0.8,keys=20000,requests=200000',
    '-p',
    'lru,fifo',
    '--maxsize',
    '1000..8000',
    '--sample',
    '0.1',
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /best: every sampled estimate is unreliable, so nothing is recommended; raise --sample/);
  assert.doesNotMatch(run.stdout, /meets the target/);
});
