import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { checkBaseline, compareToBaseline, loadBaseline, parseLatencyRise, parseMaxDrop } from '../../src/gate/baseline.js';
import { renderJson } from '../../src/report/json.js';
import type { ResultRow, RunResult } from '../../src/model/result.js';
import { sampleResult } from '../helpers/result.js';

/** The same result with one row's numbers changed, as a later (regressed) run would have. */
function withRow(result: RunResult, policy: string, capacity: number, change: (row: ResultRow) => ResultRow): RunResult {
  return { ...result, rows: result.rows.map((row) => (row.policy === policy && row.capacity === capacity ? change(row) : row)) };
}

test('an unchanged run passes every baseline gate', () => {
  const result = sampleResult();
  const { verdicts, notes } = compareToBaseline(result, result, { maxDrop: 0 });
  // hitRate and byteHitRate (the sample trace has sizes) for each of the 9 rows.
  assert.equal(verdicts.length, 18);
  assert.ok(verdicts.every((verdict) => verdict.ok));
  assert.deepEqual(notes, []);
});

test('a hit-rate drop beyond the tolerance is caught; one within it is not', () => {
  const baseline = sampleResult();
  const regressed = withRow(baseline, 'lfu', 4, (row) => ({ ...row, hitRate: row.hitRate - 0.02 }));
  const slight = withRow(baseline, 'lfu', 4, (row) => ({ ...row, hitRate: row.hitRate - 0.005 }));
  const failed = compareToBaseline(regressed, baseline, { maxDrop: 0.01 }).verdicts.filter((v) => !v.ok);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.gate, 'lfu@4.hitRate vs baseline');
  assert.equal(failed[0]!.actual, '52.17%'); // 54.17% - 2 points
  assert.equal(failed[0]!.required, '>= 53.17% (baseline 54.17% − 1 pt)');
  assert.ok(compareToBaseline(slight, baseline, { maxDrop: 0.01 }).verdicts.every((v) => v.ok));
});

test('with byte capacities a byte-hit-rate drop is caught too', () => {
  const baseline = sampleResult({ policies: ['lru'], capacities: [1024, 4096], unit: 'bytes' });
  const regressed = withRow(baseline, 'lru', 4096, (row) => ({ ...row, byteHitRate: row.byteHitRate - 0.05 }));
  const { verdicts } = compareToBaseline(regressed, baseline, { maxDrop: 0.01 });
  assert.equal(verdicts.length, 4);
  assert.deepEqual(
    verdicts.filter((v) => !v.ok).map((v) => v.gate),
    ['lru@4KiB.byteHitRate vs baseline'],
  );
  assert.throws(
    () => compareToBaseline(regressed, sampleResult({ policies: ['lru'] }), { maxDrop: 0.01 }),
    /the baseline sizes are in entries, this run's in bytes/,
  );
});

test('latency may rise by a fraction or by a fixed amount, and no more', () => {
  const baseline = sampleResult({ policies: ['lru'], capacities: [4] }); // mean 2.808ms
  const mean = baseline.rows[0]!.latency.mean;
  const slower = withRow(baseline, 'lru', 4, (row) => ({ ...row, latency: { ...row.latency, mean: mean * 1.2 } }));
  const latency = (result: RunResult, rise: string) =>
    compareToBaseline(result, baseline, { maxDrop: 0.01, maxLatencyRise: parseLatencyRise(rise) }).verdicts.find(
      (v) => v.metric === 'latency.mean',
    )!;
  assert.equal(latency(slower, '10%').ok, false);
  assert.equal(latency(slower, '0.1').ok, false);
  assert.equal(latency(slower, '25%').ok, true);
  assert.equal(latency(slower, '0.5ms').ok, false); // rose by 0.56ms
  assert.equal(latency(slower, '0.6ms').ok, true);
  assert.match(latency(slower, '10%').required, /^<= 3\.09ms \(baseline 2\.81ms \+10%\)$/);
  // Without --max-latency-rise latency is not compared.
  assert.ok(compareToBaseline(slower, baseline, { maxDrop: 0.01 }).verdicts.every((v) => v.metric !== 'latency.mean'));
});

test('rows on one side only are reported as notes, and a baseline sharing no row is a usage error', () => {
  const baseline = sampleResult({ capacities: [2, 3] });
  const current = sampleResult({ capacities: [3, 4] });
  const { verdicts, notes } = compareToBaseline(current, baseline, { maxDrop: 0.01 });
  assert.equal(verdicts.length, 6); // hit and byte hit rate of three policies at size 3
  assert.deepEqual(notes, [
    'lru@4 is not in the baseline, so it was not compared',
    'lfu@4 is not in the baseline, so it was not compared',
    'fifo@4 is not in the baseline, so it was not compared',
    'lru@2 is in the baseline but not in this run',
    'lfu@2 is in the baseline but not in this run',
    'fifo@2 is in the baseline but not in this run',
  ]);
  assert.throws(
    () => compareToBaseline(sampleResult({ capacities: [6] }), baseline, { maxDrop: 0.01 }),
    (error: unknown) => error instanceof UsageError && /no row of this run matches a row of the baseline/.test(error.message),
  );
});

test('tolerances parse as absolute rate drops and as fractions or durations of latency', () => {
  assert.equal(parseMaxDrop('0.01'), 0.01);
  assert.equal(parseMaxDrop('2%'), 0.02);
  assert.throws(() => parseMaxDrop('5'), /maxDrop: '5' must be a hit-rate drop from 0 to 1/);
  assert.deepEqual(parseLatencyRise('0.1'), { kind: 'fraction', value: 0.1 });
  assert.deepEqual(parseLatencyRise('10%'), { kind: 'fraction', value: 0.1 });
  assert.deepEqual(parseLatencyRise('2ms'), { kind: 'ms', value: 2 });
  assert.deepEqual(parseLatencyRise('0.5s'), { kind: 'ms', value: 500 });
  assert.throws(() => parseLatencyRise('fast'), UsageError);
});

test('a baseline file is read back from the JSON report, and a broken one is a usage error naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cachebench-baseline-'));
  try {
    const good = join(dir, 'baseline.json');
    const result = sampleResult();
    writeFileSync(good, renderJson(result));
    assert.deepEqual(await loadBaseline(good), JSON.parse(renderJson(result)));

    const cases: [string, RegExp][] = [
      ['{ not json', /not valid JSON/],
      ['[]', /expected a cachebench JSON result/],
      [JSON.stringify({ ...result, schemaVersion: 99 }), /schemaVersion is 99, this cachebench reads 2/],
      [JSON.stringify({ ...result, rows: [{ ...result.rows[0], hitRate: 'high' }] }), /rows\[0\]\.hitRate is not a number/],
    ];
    for (const [text, message] of cases) {
      const path = join(dir, 'bad.json');
      writeFileSync(path, text);
      await assert.rejects(
        loadBaseline(path),
        (error: unknown) =>
          error instanceof UsageError && error.where === 'baseline' && error.message.includes(path) && message.test(error.message),
      );
    }
    await assert.rejects(loadBaseline(join(dir, 'missing.json')), /no such file/);
    assert.throws(() => checkBaseline({ ...result, rows: 'x' }, 'b.json'), /b\.json: rows is missing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
