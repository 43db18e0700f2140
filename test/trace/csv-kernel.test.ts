/**
 * The CSV kernel (wasm/csv-kernel.ts) on files larger than its batch, its input chunk and its
 * first key tables: the same trace as the fast path's JavaScript reader and csv-parse, id for
 * id, with the lines it leaves to the reader in place; the same error at the same line and
 * column deep in a file; csv-parse for a quote late in the file; the same trace when a file
 * needs the reader so often that the kernel gives way; and the summary it tallies as it reads
 * equal to the one the summary pass makes of the trace.
 */
import { test } from 'node:test';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { loadTraceFile, type LoadOptions } from '../../src/trace/csv.js';
import { tempDir } from '../helpers/temp-files.js';
import fc from 'fast-check';
import { csvFileArb, loadOutcome, renderCsv } from '../helpers/random-csv.js';
import { comparableTrace } from '../helpers/trace.js';
import { requestedKeys, summarizeTrace } from '../../src/trace/summary.js';
import type { Trace } from '../../src/trace/trace.js';

/** The summary a trace was given, and the one the summary pass makes of the same columns. */
function summaries(trace: Trace): { given: unknown; made: unknown } {
  const given = { summary: summarizeTrace(trace), requested: requestedKeys(trace) };
  const copy: Trace = { ...trace };
  return { given, made: { summary: summarizeTrace(copy), requested: requestedKeys(copy) } };
}

const files = tempDir('csv-kernel');

/** A small deterministic generator (xorshift32), so that a failure reproduces. */
function randomOf(seed: number): () => number {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/**
 * Keys of every kind the key table tells apart: decimal numbers (its numbers table, more
 * than its first 3072 slots), numbers it must keep as text (leading zeros, 2^32 and more),
 * text keys (its byte table, also past its first slots) and non-ASCII keys (left to the reader).
 */
function keyOf(random: () => number): string {
  const kind = random();
  const n = Math.floor(random() * 12_000);
  if (kind < 0.45) return String(n);
  if (kind < 0.5) return `00${n}`;
  if (kind < 0.53) return String(4_294_967_290 + (n % 20));
  if (kind < 0.97) return `user:${n}`;
  return `ключ-${n % 50}`;
}

async function readerAgreement(
  path: string,
  options: LoadOptions = {},
  readers: readonly ('kernel' | 'auto' | 'fast')[] = ['kernel', 'auto', 'fast'],
): Promise<void> {
  const reference = await loadOutcome(path, { ...options, reader: 'csv-parse' });
  for (const reader of readers) assert.deepEqual(await loadOutcome(path, { ...options, reader }), reference, `reader ${reader} on ${path}`);
}

test('the kernel reads a large file of every kind of key and cell as the reader and csv-parse do', async () => {
  const random = randomOf(20261204);
  const lines = ['time,key,size,op,ttl,cost'];
  let time = 0;
  for (let i = 0; i < 60_000; i++) {
    time += random() < 0.5 ? 0 : Math.floor(random() * 3) + random() * 0.5;
    const plain = random() < 0.97;
    // Cells the kernel leaves to the reader: a TTL with a unit, an op alias, a padded size.
    const ttl = plain ? (random() < 0.3 ? '' : String(Math.floor(random() * 600))) : '60s';
    const op = plain ? (['get', 'set', 'GET', 'Delete', ''] as const)[Math.floor(random() * 5)]! : 'Fetch ';
    const size = plain ? (random() < 0.1 ? '' : String(Math.floor(random() * 5000))) : ' 12';
    const timeCell = random() < 0.05 ? '' : String(Math.round(time * 1000) / 1000);
    lines.push(`${timeCell},${keyOf(random)},${size},${op},${ttl},${random() < 0.5 ? '' : (random() * 10).toFixed(3)}`);
    if (random() < 0.01) lines.push(random() < 0.5 ? '' : '\r');
  }
  const text = lines.join('\n').replace(/\n\r\n/g, '\r\n') + '\n';
  const path = files.write('large.csv', text);
  assert.ok(text.length > 1 << 20, 'several input chunks');
  const kernel = await loadTraceFile(path, { reader: 'kernel' });
  const reference = await loadTraceFile(path, { reader: 'csv-parse' });
  assert.deepEqual(comparableTrace(kernel), comparableTrace(reference));
  assert.deepEqual(comparableTrace(await loadTraceFile(path, { reader: 'fast' })), comparableTrace(reference));
  assert.ok(kernel.keySpace > 20_000, `many keys of each kind (got ${kernel.keySpace})`);
  // The summary the kernel tallied as it read is the one the summary pass makes.
  const { given, made } = summaries(kernel);
  assert.deepEqual(given, made);
  // Gzip'd, the kernel takes gunzip's chunks (copied, reserving from the size estimate): the same trace but its source.
  const gzipped = await loadTraceFile(files.write('large.csv.gz', gzipSync(text)), { reader: 'kernel' });
  assert.deepEqual(comparableTrace({ ...gzipped, source: path }), comparableTrace(reference));
  assert.deepEqual(summaries(gzipped).given, summaries(gzipped).made);
});

test('a key-only file of decimal keys, and one without a header, read the same through the kernel', async () => {
  const random = randomOf(7);
  const keys = Array.from({ length: 50_000 }, () => String(Math.floor(random() ** 2 * 40_000)));
  // Keys that look like numbers and are not (leading zeros, 2^32 and more), or text: each its own key.
  keys.splice(25_000, 0, '007', '7', '0', '00', '4294967295', '4294967296', '12345678901', '7a', '-7', '7', '007');
  await readerAgreement(files.write('keys.csv', ['key', ...keys].join('\n')));
  await readerAgreement(files.write('headerless.csv', keys.join('\r\n') + '\r\n'), { header: false });
  for (const [name, header] of [
    ['keys.csv', true],
    ['headerless.csv', false],
  ] as const) {
    const { given, made } = summaries(await loadTraceFile(join(files.dir, name), { reader: 'kernel', header }));
    assert.deepEqual(given, made, name);
  }
});

test('an error deep in the file is the reader\u2019s, at the same line and column', async () => {
  const rows = Array.from({ length: 20_000 }, (_, i) => `k${i % 999},${i % 7}`);
  for (const [name, bad] of [
    ['size', 'k1,-4'],
    ['fields', 'k1,2,3'],
    ['key', ',5'],
  ] as const) {
    const lines = ['key,size', ...rows];
    lines.splice(12_345, 0, bad);
    const path = files.write(`bad-${name}.csv`, lines.join('\n') + '\n');
    const outcome = await loadOutcome(path, { reader: 'kernel' });
    assert.ok('error' in outcome, `${name}: an error`);
    assert.match(outcome.error, /:12346\b/, `${name}: at line 12346 (${outcome.error})`);
    assert.deepEqual(outcome, await loadOutcome(path, { reader: 'fast' }));
  }
  // Times must not go back, also between the kernel's rows.
  const times = Array.from({ length: 9000 }, (_, i) => `${i},k${i % 10}`);
  times[7000] = '5,k1';
  const path = files.write('time-back.csv', ['time,key', ...times].join('\n'));
  assert.deepEqual(await loadOutcome(path, { reader: 'kernel' }), await loadOutcome(path, { reader: 'fast' }));
});

test('a quote late in the file gives the file to csv-parse, and a file of unusual cells to the reader alone', async () => {
  const rows = Array.from({ length: 10_000 }, (_, i) => `k${i % 321},${i % 13}`);
  rows[9_000] = '"k,1",5';
  // (The fast path alone refuses such a file rather than hand it to csv-parse.)
  await readerAgreement(files.write('late-quote.csv', ['key,size', ...rows].join('\n')), {}, ['kernel', 'auto']);
  // Every TTL has a unit: each line is the reader's, and 'auto' reads the file again without the kernel.
  const units = Array.from({ length: 5000 }, (_, i) => `k${i % 77},${i % 3}m`);
  await readerAgreement(files.write('units.csv', ['key,ttl', ...units].join('\n')));
});

test('the summary the kernel tallies as it reads is the summary pass\u2019s, on random files', async () => {
  let fileNumber = 0;
  let read = 0;
  await fc.assert(
    fc.asyncProperty(csvFileArb(40, { valid: true }), async (spec) => {
      const { text, options } = renderCsv(spec);
      const path = files.write(`random-${fileNumber++}.csv`, text);
      let trace: Trace;
      try {
        trace = await loadTraceFile(path, { ...options, reader: 'kernel' });
      } catch {
        return; // a file without requests
      }
      read++;
      const { given, made } = summaries(trace);
      assert.deepEqual(given, made, JSON.stringify(text.toString('latin1')));
    }),
    { numRuns: 200, seed: 20261204 },
  );
  assert.ok(read > 150, `most random files load (got ${read})`);
});
