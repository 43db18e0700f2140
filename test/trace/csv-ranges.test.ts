/**
 * Large CSV files are read in ranges on several threads (csv-ranges.ts): the trace must be
 * the one a read on one thread gives, key ids, column types and errors alike. The files here
 * are small, so the ranges are cut at a few bytes (minRangeBytes) to put many cuts in them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { loadTraceFile, type LoadOptions } from '../../src/trace/csv.js';
import { ONE_THREAD, readCsvInRanges } from '../../src/trace/csv-ranges.js';
import { openTraceInput } from '../../src/trace/input.js';
import { csvFileArb, loadOutcome, renderCsv } from '../helpers/random-csv.js';
import { tempDir } from '../helpers/temp-files.js';
import { comparableTrace } from '../helpers/trace.js';

const files = tempDir('csv-ranges');

/** Read in ranges of every line or so, on `workers` threads. */
const inRanges = (workers: number): LoadOptions => ({ workers, minRangeBytes: 1 });

test('random CSV files read in ranges give the trace, or the error, of a read on one thread', async () => {
  let fileNumber = 0;
  let ranged = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof(csvFileArb(60), csvFileArb(60, { valid: true })), fc.integer({ min: 2, max: 4 }), async (spec, workers) => {
      const { text, options, plain } = renderCsv(spec);
      const path = files.write(`random-${fileNumber++}.csv`, text);
      const reference = await loadOutcome(path, { ...options, workers: 1 });
      const parallel = await loadOutcome(path, { ...options, ...inRanges(workers) });
      assert.deepEqual(parallel, reference, `file:\n${JSON.stringify(text.toString('latin1'))}`);
      // A plain, valid file of several lines must really have been read in ranges.
      if (plain && 'trace' in reference && reference.trace.length >= workers) {
        const input = await openTraceInput(path);
        const header = options.header ?? true;
        const direct = await readCsvInRanges(input, { header, mapping: mappingOf(options), ...inRanges(workers) });
        if (direct !== ONE_THREAD) {
          ranged++;
          assert.deepEqual(comparableTrace(direct), reference.trace);
        }
      }
    }),
    { numRuns: 80, seed: 20261203 },
  );
  assert.ok(ranged > 25, `many valid files should have been read in ranges, got ${ranged}`);
});

function mappingOf(options: LoadOptions): Record<string, { index: number }> {
  if (options.columns === undefined) return {};
  return Object.fromEntries(
    options.columns.split(',').map((pair) => {
      const [name, position] = pair.split('=');
      return [name!, { index: Number(position) - 1 }];
    }),
  );
}

/** A CSV of `rows` rows with time, key, size and op, through `row` (time, key, size, op cells). */
function csvOf(rows: number, row: (i: number) => readonly string[]): string {
  const lines = ['time,key,size,op'];
  for (let i = 0; i < rows; i++) lines.push(row(i).join(','));
  return lines.join('\n') + '\n';
}

test('keys are numbered in first-seen order of the whole file, whichever range saw them first', async () => {
  // Later ranges meet keys of their own first, then keys of earlier ranges, then new ones.
  const text = csvOf(4000, (i) =>
    [String(i >> 2), `k${(i * 7919) % (500 + (i >> 3))}`, String(i % 3 === 0 ? '' : i % 977), i % 5 === 0 ? 'set' : ''].map(String),
  );
  const path = files.write('first-seen.csv', text);
  const one = await loadTraceFile(path, { workers: 1 });
  for (const workers of [2, 3, 4]) {
    const input = await openTraceInput(path);
    const direct = await readCsvInRanges(input, { header: true, mapping: {}, workers, minRangeBytes: 1 });
    assert.notEqual(direct, ONE_THREAD, `${workers} threads should read the file in ranges`);
    assert.deepEqual(comparableTrace(direct as Exclude<typeof direct, typeof ONE_THREAD>), comparableTrace(one));
  }
  assert.ok(one.sizes && one.ops && one.times instanceof Uint32Array);
});

test('empty time cells after a cut take the last time before it, and fractional times widen the whole column', async () => {
  // Times are given on every 400th row only, so most ranges begin with empty time cells.
  const text = csvOf(3000, (i) => [i % 400 === 399 ? String(i === 2399 ? 2399.5 : i) : '', `k${i % 97}`, '', '']);
  const path = files.write('sparse-times.csv', text);
  const one = await loadTraceFile(path, { workers: 1 });
  const parallel = await loadTraceFile(path, inRanges(4));
  assert.deepEqual(comparableTrace(parallel), comparableTrace(one));
  assert.ok(one.times instanceof Float64Array);
  assert.equal(one.times[400], 399);
  assert.equal(one.times[2798], 2399.5);
  assert.equal(one.times[2999], 2799);
  assert.equal(one.sizes, undefined);
});

test('a time that goes back across a cut, a bad cell or a quote late in the file are read as on one thread', async () => {
  const cases: Record<string, string> = {
    // Rows 2000 on restart at time 0: the error names row 2000's line whichever range it is in.
    'time-back.csv': csvOf(3000, (i) => [String(i < 2000 ? i : i - 2000), `k${i % 50}`, '1', 'get']),
    'negative-after-cut.csv': csvOf(3000, (i) => [String(i === 2500 ? -1 : i), `k${i % 50}`, '1', 'get']),
    'bad-size.csv': csvOf(3000, (i) => [String(i), `k${i % 50}`, i === 2700 ? 'big' : '1', 'get']),
    'quote.csv': csvOf(3000, (i) => [String(i), i === 2800 ? '"k,1"' : `k${i % 50}`, '1', 'get']),
    'short-row.csv': csvOf(3000, (i) => (i === 2900 ? [String(i), 'k1', '1'] : [String(i), `k${i % 50}`, '1', 'get'])),
  };
  for (const [name, text] of Object.entries(cases)) {
    const path = files.write(name, text);
    const reference = await loadOutcome(path, { workers: 1 });
    assert.deepEqual(await loadOutcome(path, inRanges(3)), reference, name);
    if (name === 'quote.csv') assert.ok('trace' in reference && reference.trace.keyNames?.includes('k,1'));
    else assert.ok('error' in reference && /:\d+(:\d+)?: /.test(reference.error), `${name}: ${JSON.stringify(reference)}`);
  }
  const timeBack = await loadOutcome(join(files.dir, 'time-back.csv'), inRanges(3));
  assert.ok(
    'error' in timeBack && timeBack.error.includes(':2002:1: column 1 (time): 0 is earlier than the previous row'),
    JSON.stringify(timeBack),
  );
});

test('small, compressed and piped files are read on one thread', async () => {
  const text = csvOf(2000, (i) => [String(i), `k${i % 50}`, '1', 'get']);
  const plain = files.write('plain.csv', text);
  const gz = files.write('plain.csv.gz', gzipSync(text));
  const options = { header: true, mapping: {} };
  assert.equal(await readCsvInRanges(await openTraceInput(plain), { ...options, workers: 4 }), ONE_THREAD, 'under 16 MiB a range');
  assert.equal(await readCsvInRanges(await openTraceInput(plain), { ...options, workers: 1, minRangeBytes: 1 }), ONE_THREAD);
  assert.equal(await readCsvInRanges(await openTraceInput(gz), { ...options, workers: 4, minRangeBytes: 1 }), ONE_THREAD);
  assert.notEqual(await readCsvInRanges(await openTraceInput(plain), { ...options, workers: 2, minRangeBytes: 1 }), ONE_THREAD);
});

test('progress ends at the file size, and an error thrown from it ends the load', async () => {
  const text = csvOf(20_000, (i) => [String(i), `k${i % 500}`, '1', 'get']);
  const path = files.write('progress.csv', text);
  const seen: number[] = [];
  const trace = await loadTraceFile(path, { ...inRanges(3), onProgress: (done, total) => seen.push(done / total) });
  assert.equal(trace.length, 20_000);
  assert.equal(seen.at(-1), 1);
  assert.ok(
    seen.every((share, i) => share <= 1 && (i === 0 || share >= seen[i - 1]!)),
    JSON.stringify(seen),
  );
  // Ranges of more than 4 MiB report as they go, each counting from its own start.
  const large = files.write(
    'progress-large.csv',
    csvOf(1_200_000, (i) => [String(i), `k${i % 500}`, '1', 'get']),
  );
  const shares: number[] = [];
  await loadTraceFile(large, { ...inRanges(3), onProgress: (done, total) => shares.push(done / total) });
  assert.ok(shares.length > 3, `reports along the way (got ${shares.length})`);
  assert.equal(shares.at(-1), 1);
  assert.ok(
    shares.every((share, i) => share > 0 && share <= 1 && (i === 0 || share >= shares[i - 1]!)),
    JSON.stringify(shares),
  );
  await assert.rejects(
    loadTraceFile(path, {
      ...inRanges(3),
      onProgress: () => {
        throw new Error('stop');
      },
    }),
    /stop/,
  );
});
