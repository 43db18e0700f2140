/**
 * A trace converted to a binary trace a buffer at a time (spill.ts, convert.ts) must load to
 * exactly the trace its file loads to in memory: column types, defaults for columns that
 * appear late, sizes filled from the key's others, key ids and names. A bad file fails with
 * the load's own error and leaves nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadTraceBinary } from '../../src/trace/binary.js';
import type { LoadOptions } from '../../src/trace/csv.js';
import { parseColumnsOption } from '../../src/trace/columns.js';
import { convertToBinaryTrace, isBinaryTraceOf } from '../../src/trace/convert.js';
import { ONE_THREAD, spillCsvInRanges } from '../../src/trace/csv-ranges.js';
import { openTraceInput } from '../../src/trace/input.js';
import { loadTrace } from '../../src/trace/index.js';
import { SpillingStore } from '../../src/trace/spill.js';
import { TraceBuilder, type Trace } from '../../src/trace/trace.js';
import { UNKNOWN_SIZE } from '../../src/trace/unknown-sizes.js';
import { summaryRecordOf } from '../../src/trace/summary.js';
import { ROOT } from '../helpers/cli.js';
import { csvFileArb, loadOutcome, renderCsv, type LoadOutcome } from '../helpers/random-csv.js';
import { tempDir } from '../helpers/temp-files.js';
import { comparableTrace } from '../helpers/trace.js';

const files = tempDir('spill');
const fixture = (name: string): string => join(ROOT, 'test', 'fixtures', 'formats', name);

/** The trace a binary file loads to, without its metadata. */
async function binaryTrace(path: string, source: string): Promise<ReturnType<typeof comparableTrace>> {
  const { meta: _meta, ...trace } = await loadTraceBinary(path);
  return comparableTrace({ ...trace, source });
}

/** The summary record a binary trace stores, as its bytes say. */
function storedSummary(path: string): unknown {
  const bytes = readFileSync(path);
  const at = bytes.indexOf('{"summary":');
  assert.ok(at > 0, `${path} stores its summary`);
  return JSON.parse(bytes.toString('utf8', at, at + bytes.readUInt32LE(at - 8)));
}

/**
 * What converting gives: the binary trace as it loads, or the error, as `loadOutcome` tells a
 * load's. A converted file must also store the summary of the trace its file loads to.
 */
async function conversionOutcome(path: string, out: string, options: LoadOptions): Promise<LoadOutcome> {
  try {
    await convertToBinaryTrace(path, out, options);
  } catch (error) {
    return { error: (error as Error).message, kind: (error as Error).name };
  }
  assert.deepEqual(storedSummary(out), summaryRecordOf(await loadTrace(path, { ...options, workers: 1 })));
  return { trace: await binaryTrace(out, path) };
}

test('random CSV files convert to the binary trace of their load in memory, or fail with its error and leave nothing', async () => {
  let fileNumber = 0;
  let converted = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof(csvFileArb(40), csvFileArb(40, { valid: true })), async (spec) => {
      const { text, options } = renderCsv(spec);
      const name = `random-${fileNumber++}`;
      const path = files.write(`${name}.csv`, text);
      const out = join(files.dir, `${name}.cbt`);
      const expected = await loadOutcome(path, options);
      const actual = await conversionOutcome(path, out, options);
      if ('trace' in actual) converted++;
      assert.deepEqual(actual, expected, `file:\n${JSON.stringify(text.toString('latin1'))}`);
      const left = readdirSync(files.dir).filter((file) => file.startsWith(`${name}.`) && file !== `${name}.csv` && file !== `${name}.cbt`);
      assert.deepEqual(left, [], 'no temporary files are left');
      if ('error' in expected) assert.ok(!readdirSync(files.dir).includes(`${name}.cbt`), 'a bad file writes no binary trace');
    }),
    { numRuns: 120, seed: 20261203 },
  );
  assert.ok(converted > 40, `many files should convert, got ${converted}`);
});

test('random CSV files converted in ranges on several threads give the binary trace of their load, or its error', async () => {
  let fileNumber = 0;
  let ranged = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof(csvFileArb(60), csvFileArb(60, { valid: true })), fc.integer({ min: 2, max: 4 }), async (spec, workers) => {
      const { text, options, plain } = renderCsv(spec);
      const name = `ranges-${fileNumber++}`;
      const path = files.write(`${name}.csv`, text);
      const out = join(files.dir, `${name}.cbt`);
      const cut = { ...options, workers, minRangeBytes: 1 };
      const expected = await loadOutcome(path, { ...options, workers: 1 });
      const actual = await conversionOutcome(path, out, cut);
      assert.deepEqual(actual, expected, `file:\n${JSON.stringify(text.toString('latin1'))}`);
      const left = readdirSync(files.dir).filter((file) => file.startsWith(`${name}.`) && file !== `${name}.csv` && file !== `${name}.cbt`);
      assert.deepEqual(left, [], 'no column files are left');
      // A plain, valid file of several rows must really have been cut.
      if (plain && 'trace' in expected && expected.trace.length >= workers) {
        const input = await openTraceInput(path);
        const direct = await spillCsvInRanges(input, join(files.dir, `${name}.direct.cbt`), {
          header: options.header ?? true,
          mapping: options.columns === undefined ? {} : parseColumnsOption(options.columns),
          ...cut,
        });
        if (direct !== ONE_THREAD) {
          ranged++;
          assert.deepEqual(await binaryTrace(join(files.dir, `${name}.direct.cbt`), path), expected.trace);
        }
      }
    }),
    { numRuns: 60, seed: 20261204 },
  );
  assert.ok(ranged > 15, `many valid files should have been converted in ranges, got ${ranged}`);
});

test('every text format converts to the binary trace of its load, unknown sizes filled as in memory', async () => {
  for (const file of [
    'twitter.csv',
    'cachelib.csv',
    'msr.csv',
    'arc.lis',
    'cdn.tr',
    'access.log',
    'monitor.txt',
    'watch.log',
    'twitter.csv.zst',
  ]) {
    const out = join(files.dir, `${file}.cbt`);
    const written = await convertToBinaryTrace(fixture(file), out);
    const loaded = await loadTrace(fixture(file));
    assert.deepEqual(await binaryTrace(out, fixture(file)), comparableTrace(loaded), file);
    assert.deepEqual(written, { requests: loaded.length, keySpace: loaded.keySpace });
    assert.ok(await isBinaryTraceOf(out, fixture(file)), `${file}: the binary trace stands for its file`);
    assert.ok(!(await isBinaryTraceOf(out, fixture(file), { format: 'csv' })), `${file}: other load options are another trace`);
  }
});

/** The same rows through a TraceBuilder and a SpillingStore, compared as loaded traces. */
async function sameAsBuilder(
  name: string,
  rows: (each: (push: (store: TraceBuilder | SpillingStore) => void) => void) => void,
  fill = false,
): Promise<Trace> {
  const builder = new TraceBuilder();
  const out = join(files.dir, `${name}.cbt`);
  const spill = new SpillingStore(out);
  spill.expectUnknownSizes();
  rows((push) => {
    push(builder);
    push(spill);
  });
  const expected = builder.build(name, 50, undefined, fill);
  spill.build(name, 50, undefined, fill);
  assert.deepEqual(await binaryTrace(out, name), comparableTrace(expected), name);
  return expected;
}

test('columns that first appear after several buffers get the builder defaults for the rows before', async () => {
  // 200,000 rows, more than three buffers: sizes from row 70,000, times from 140,000 (the
  // earlier rows take their request numbers), ops from 199,999 only, ttls never.
  const trace = await sameAsBuilder('late-columns', (each) => {
    for (let i = 0; i < 200_000; i++) {
      each((store) => {
        store.push(i % 50, i >= 70_000 ? 1 + (i % 7) : undefined, i >= 140_000 ? 140_000 + i : undefined, i === 199_999 ? 2 : undefined);
      });
    }
  });
  assert.ok(trace.times instanceof Uint32Array && trace.sizes && trace.ops);
  // Batches too, and a fractional time that widens the column late.
  const batch = (start: number, count: number, fractional: boolean): [Uint32Array, Float64Array] => [
    Uint32Array.from({ length: count }, (_, i) => (start + i) % 50),
    Float64Array.from({ length: count }, (_, i) => start + i + (fractional && i === count - 1 ? 0.5 : 0)),
  ];
  const wide = await sameAsBuilder('late-fraction', (each) => {
    for (let start = 0; start < 150_000; start += 5000) {
      const [ids, times] = batch(start, 5000, start === 145_000);
      each((store) => {
        store.pushBatch(5000, ids, undefined, start >= 20_000 ? times : undefined);
      });
    }
  });
  assert.ok(wide.times instanceof Float64Array && wide.times[149_999] === 149_999.5);
});

test('unknown sizes are filled from the same key across buffers, and from the median for keys never sized', async () => {
  const trace = await sameAsBuilder(
    'unknown-sizes',
    (each) => {
      for (let i = 0; i < 150_000; i++) {
        // Key 0 is never sized; the others are sized only from row 100,000 on, every third row.
        const key = i % 50;
        const size = key !== 0 && i >= 100_000 && i % 3 === 0 ? 10 + key : UNKNOWN_SIZE;
        each((store) => {
          store.push(key, size);
        });
      }
    },
    true,
  );
  assert.ok(!trace.sizes!.includes(UNKNOWN_SIZE));
  assert.equal(trace.sizes![1], 11);
});
