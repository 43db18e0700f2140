/**
 * Differential test of the two CSV readers: on random files (valid and invalid cells,
 * wrong field counts, blank lines, LF or CRLF, byte-order marks, quoted keys, stray CRs),
 * the fast path and csv-parse give the same trace, or fail with the same message at the
 * same line and column. Files that need no quoting rules must be taken by the fast path
 * itself (reader 'fast' does not refuse them), so the comparison is not vacuous.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { loadTraceFile, type LoadOptions } from '../../src/trace/csv.js';
import { tempDir } from '../helpers/temp-files.js';
import { comparableTrace } from '../helpers/trace.js';

const files = tempDir('fast-csv');

type Outcome = { trace: ReturnType<typeof comparableTrace> } | { error: string; kind: string };

async function outcome(path: string, options: LoadOptions): Promise<Outcome> {
  try {
    return { trace: comparableTrace(await loadTraceFile(path, options)) };
  } catch (error) {
    return { error: (error as Error).message, kind: (error as Error).name };
  }
}

const OPTIONAL = ['time', 'size', 'op', 'ttl', 'cost'] as const;

const keyCell = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('a', 'b', 'c', 'key1', '007', '7', 'ключ', '中文', ' a', 'x y') },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9é_.-]{1,6}$/) },
  // Markers for bytes that are not UTF-8 (0xFF and 0xFE, put in by render): csv-parse reads
  // both as U+FFFD, one key; the fast path must leave such files to csv-parse.
  { weight: 1, arbitrary: fc.constantFrom('\u0000bad', '\u0001bad') },
);
const sizeCell = fc.constantFrom('0', '1', '12', '4294967295', '4294967296', '', ' 7', '-1', '1.5', 'abc', '00012', '1234567890123456');
const opCell = fc.constantFrom('get', 'GET', 'set', 'Write', 'del', 'delete', 'r', '', 'bogus', ' set');
const secondsCell = fc.constantFrom(
  '60',
  '5ms',
  '1.5',
  '2m',
  '',
  '0',
  '-1',
  '10 parsecs',
  ' 60s',
  '1e2',
  '123456789012345678',
  '0.001',
  '123.456789012345',
  '1234567.891234567',
  '.',
  '1.',
);
const timeStep = fc.oneof(
  // Steps of 0.1 make times such as 0.30000000000000004 (17 digits), beyond the fast decimal path.
  {
    weight: 10,
    arbitrary: fc.constantFrom(0, 1, 2, 0.25, 0.1, 0.001, 1234.5678).map((step) => ({ step, text: undefined as string | undefined })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('', 'x', '-5', '0.5', '1e12', ' 3', '+4', '5.', '.5', '1.2.3', '99999999999999.9', '999999999999999.9')
      .map((text) => ({ step: 0, text })),
  },
);

const rowArb = fc.record({
  key: keyCell,
  time: timeStep,
  size: sizeCell,
  op: opCell,
  ttl: secondsCell,
  cost: secondsCell,
  shape: fc.constantFrom(
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'ok',
    'short',
    'long',
    'blank',
  ),
  quoteKey: fc.constantFrom(
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    false,
    true,
  ),
});

const fileArb = fc.record({
  columns: fc.subarray([...OPTIONAL]),
  extraColumn: fc.boolean(),
  keyFirst: fc.boolean(),
  header: fc.boolean(),
  upperCaseHeader: fc.boolean(),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  finalNewline: fc.boolean(),
  strayCr: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
  rows: fc.array(rowArb, { minLength: 0, maxLength: 25 }),
});

type FileSpec = typeof fileArb extends fc.Arbitrary<infer T> ? T : never;

function render(spec: FileSpec): { text: Buffer; options: LoadOptions; plain: boolean } {
  const order: string[] = spec.keyFirst ? ['key', ...spec.columns] : [...spec.columns, 'key'];
  if (spec.extraColumn) order.splice(1, 0, 'extra');
  const eol = spec.crlf ? '\r\n' : '\n';
  const lines: string[] = [];
  if (spec.header) lines.push(order.map((name) => (spec.upperCaseHeader ? name.toUpperCase() : name)).join(','));
  let time = 0;
  let plain = true;
  for (const row of spec.rows) {
    if (row.shape === 'blank') {
      lines.push('');
      continue;
    }
    time += row.time.step;
    const cells = order.map((name) => {
      switch (name) {
        case 'key':
          if (row.quoteKey) {
            plain = false;
            return `"${row.key},q"`;
          }
          return row.key;
        case 'time':
          return row.time.text ?? String(time);
        case 'size':
          return row.size;
        case 'op':
          return row.op;
        case 'ttl':
          return row.ttl;
        case 'cost':
          return row.cost;
        default:
          return 'ignored';
      }
    });
    if (row.shape === 'short') cells.pop();
    if (row.shape === 'long') cells.push('surplus');
    lines.push(cells.join(','));
  }
  let text = lines.join(eol) + (spec.finalNewline ? eol : '');
  if (spec.strayCr && text.length > 2) {
    const at = Math.floor(text.length / 2);
    text = text.slice(0, at) + '\r' + text.slice(at);
    plain = false;
  }
  if (spec.bom) text = '\ufeff' + text;
  if (/[\u0000\u0001]/.test(text)) plain = false;
  const bytes = Buffer.from(text, 'utf8').map((byte) => (byte === 0 ? 0xff : byte === 1 ? 0xfe : byte));
  const options: LoadOptions = spec.header
    ? {}
    : { header: false, columns: order.flatMap((name, i) => (name === 'extra' ? [] : [`${name}=${i + 1}`])).join(',') };
  return { text: Buffer.from(bytes), options, plain };
}

test('fast path and csv-parse agree on random CSV files, traces and errors alike', async () => {
  let fileNumber = 0;
  let plainFiles = 0;
  await fc.assert(
    fc.asyncProperty(fileArb, async (spec) => {
      const { text, options, plain } = render(spec);
      const path = files.write(`random-${fileNumber++}.csv`, text);
      const reference = await outcome(path, { ...options, reader: 'csv-parse' });
      const auto = await outcome(path, { ...options, reader: 'auto' });
      assert.deepEqual(auto, reference, `file:\n${JSON.stringify(text.toString('latin1'))}`);
      if (plain) {
        plainFiles++;
        const fast = await outcome(path, { ...options, reader: 'fast' });
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
  assert.equal(fast.length, 80_000);
  assert.equal(fast.keySpace, 5003);
  // Gunzip hands out chunks of its own; the trace is the same apart from its source.
  const gzipped = await loadTraceFile(files.write('two-chunks.csv.gz', gzipSync(text)), { reader: 'fast' });
  assert.deepEqual(comparableTrace({ ...gzipped, source: path }), comparableTrace(fast));
});
