/**
 * Random CSV files for the differential tests of the readers: valid and invalid cells,
 * wrong field counts, blank lines, LF or CRLF, byte-order marks, quoted keys, stray CRs.
 */
import fc from 'fast-check';
import { loadTraceFile, type LoadOptions } from '../../src/trace/csv.js';
import { comparableTrace } from './trace.js';

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

/** One row's cells as written, its shape (a field short or too many, a blank line) and whether its key is quoted. */
interface CsvRowSpec {
  readonly key: string;
  readonly time: { readonly step: number; readonly text: string | undefined };
  readonly size: string;
  readonly op: string;
  readonly ttl: string;
  readonly cost: string;
  readonly shape: 'ok' | 'short' | 'long' | 'blank';
  readonly quoteKey: boolean;
}

const rowArb: fc.Arbitrary<CsvRowSpec> = fc.record({
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

/** Rows whose every cell is valid: the files differ only in their shape and values. */
const validRowArb: fc.Arbitrary<CsvRowSpec> = fc.record({
  key: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('a', 'b', 'c', 'key1', '007', '7', 'ключ', '中文', ' a', 'x y') },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9é_.-]{1,6}$/) },
  ),
  time: fc.constantFrom(0, 1, 2, 0.25, 0.1, 1234.5678).map((step) => ({ step, text: undefined as string | undefined })),
  size: fc.constantFrom('0', '1', '12', '4294967295', '', ' 7', '00012'),
  op: fc.constantFrom('get', 'GET', 'set', 'Write', 'del', 'r', ''),
  ttl: fc.constantFrom('60', '5ms', '1.5', '2m', '', '0', ' 60s', '1e2', '123.456789012345'),
  cost: fc.constantFrom('0.001', '', '1', '250ms'),
  shape: fc.constantFrom('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'blank'),
  quoteKey: fc.constant(false),
});

/**
 * A random CSV file's description: columns, header, line endings and up to `maxRows` rows,
 * with bad cells, quotes and stray CRs among them unless `valid`.
 */
export function csvFileArb(maxRows = 25, { valid = false } = {}) {
  return fc.record({
    columns: fc.subarray([...OPTIONAL]),
    extraColumn: fc.boolean(),
    keyFirst: fc.boolean(),
    header: fc.boolean(),
    upperCaseHeader: fc.boolean(),
    crlf: fc.boolean(),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
    strayCr: valid ? fc.constant(false) : fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
    rows: fc.array(valid ? validRowArb : rowArb, { minLength: 0, maxLength: maxRows }),
  });
}

export type CsvFileSpec = ReturnType<typeof csvFileArb> extends fc.Arbitrary<infer T> ? T : never;

/**
 * The file's bytes, the load options it needs (positions for a headerless one), and whether
 * it is plain: no quote, stray CR or bytes that are not UTF-8, so the fast path reads it alone.
 */
export function renderCsv(spec: CsvFileSpec): { text: Buffer; options: LoadOptions; plain: boolean } {
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

/** What loading a file gives: its trace (comparable with deepEqual), or its error's message and kind. */
export type LoadOutcome = { trace: ReturnType<typeof comparableTrace> } | { error: string; kind: string };

export async function loadOutcome(path: string, options: LoadOptions): Promise<LoadOutcome> {
  try {
    return { trace: comparableTrace(await loadTraceFile(path, options)) };
  } catch (error) {
    return { error: (error as Error).message, kind: (error as Error).name };
  }
}
