/**
 * Differential test of the CSV readers: on random files (valid and invalid cells, wrong
 * field counts, blank lines, LF or CRLF, byte-order marks, quoted keys, stray CRs), the
 * fast path, the fast path with the CSV kernel and csv-parse give the same trace, or fail
 * with the same message at the same line and column. Files that need no quoting rules must
 * be taken by the fast path itself (reader 'fast' does not refuse them), so the comparison
 * is not vacuous; the kernel (reader 'kernel') never gives way to the reader alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { loadTraceFile } from '../../src/trace/csv.js';
import { tempDir } from '../helpers/temp-files.js';
import { csvFileArb, loadOutcome, renderCsv } from '../helpers/random-csv.js';
import { comparableTrace } from '../helpers/trace.js';

const files = tempDir('fast-csv');

test('fast path and csv-parse agree on random CSV files, traces and errors alike', async () => {
  let fileNumber = 0;
  let plainFiles = 0;
  await fc.assert(
    fc.asyncProperty(csvFileArb(), async (spec) => {
      const { text, options, plain } = renderCsv(spec);
      const path = files.write(`random-${fileNumber++}.csv`, text);
      const reference = await loadOutcome(path, { ...options, reader: 'csv-parse' });
      const auto = await loadOutcome(path, { ...options, reader: 'auto' });
      assert.deepEqual(auto, reference, `file:\n${JSON.stringify(text.toString('latin1'))}`);
      const kernel = await loadOutcome(path, { ...options, reader: 'kernel' });
      assert.deepEqual(kernel, reference, `kernel on:\n${JSON.stringify(text.toString('latin1'))}`);
      if (plain) {
        plainFiles++;
        const fast = await loadOutcome(path, { ...options, reader: 'fast' });
        assert.deepEqual(fast, reference, `fast reader on:\n${JSON.stringify(text.toString('latin1'))}`);
      }
    }),
    { numRuns: 300, seed: 20261124 },
  );
  assert.ok(plainFiles > 150, `most random files should be plain, got ${plainFiles}`);
});

test('the fast path reads quote-free files larger than one chunk exactly like csv-parse', async () => {
  let text = 'key,time,size,ttl\n';
  for (let i = 0; i < 80_000; i++) text += `k${(i * 7919) % 5003},${i >> 3},${(i * 31) % 2000},${i % 5 === 0 ? '' : `${i % 90}s`}\n`;
  const path = files.write('two-chunks.csv', text);
  assert.ok(text.length > 1 << 20);
  const fast = await loadTraceFile(path, { reader: 'fast' });
  const reference = await loadTraceFile(path, { reader: 'csv-parse' });
  assert.deepEqual(comparableTrace(fast), comparableTrace(reference));
  assert.deepEqual(comparableTrace(await loadTraceFile(path, { reader: 'kernel' })), comparableTrace(reference));
  assert.equal(fast.length, 80_000);
  assert.equal(fast.keySpace, 5003);
  // Gunzip hands out chunks of its own; the trace is the same apart from its source.
  const gzipped = await loadTraceFile(files.write('two-chunks.csv.gz', gzipSync(text)), { reader: 'fast' });
  assert.deepEqual(comparableTrace({ ...gzipped, source: path }), comparableTrace(fast));
});
