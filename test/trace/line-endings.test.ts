/**
 * Line endings mixed within one file (a file edited on two systems): every line may end in
 * LF or CRLF, on the fast path and through csv-parse alike, with the right line numbers and
 * no raw CR in a message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceFormatError } from '../../src/errors.js';
import { loadTraceFile } from '../../src/trace/csv.js';
import { tempDir } from '../helpers/temp-files.js';

const files = tempDir('endings');

async function keysOf(content: string, reader: 'fast' | 'csv-parse' | 'auto' = 'auto') {
  const trace = await loadTraceFile(files.write(`t${Math.random().toString(36).slice(2)}.csv`, content), { reader });
  return { keys: trace.keySpace, ids: Array.from(trace.keys), names: trace.keyNames!.toArray() };
}

test('mixed LF and CRLF rows read as the same keys, with either reader', async () => {
  for (const reader of ['fast', 'csv-parse'] as const) {
    const mixed = await keysOf('time,key\n1,a\r\n2,b\n3,a\n', reader);
    assert.deepEqual(mixed, { keys: 2, ids: [0, 1, 0], names: ['a', 'b'] }, reader);
    // A CRLF header with LF rows, and a one-column file.
    assert.deepEqual((await keysOf('key,size\r\na,1\nb,2\n', reader)).names, ['a', 'b'], reader);
    assert.deepEqual((await keysOf('key\na\r\nb\na\n', reader)).ids, [0, 1, 0], reader);
  }
  // A CR on its own (old Mac endings) goes to csv-parse, which reads it as a line end too.
  assert.deepEqual((await keysOf('key\ra\rb\ra\r')).ids, [0, 1, 0]);
});

test('errors in files with mixed endings name the right line and show no raw CR', async () => {
  const path = files.write('mixed-error.csv', 'key,size\r\na,1\r\nb,2\nc,2\r\nd,x\r\n');
  const error = await loadTraceFile(path).catch((caught: unknown) => caught);
  assert.ok(error instanceof TraceFormatError);
  assert.equal(error.line, 5);
  assert.equal(error.message, `${path}:5:2: column 2 (size): 'x' is not a whole number of bytes`);
  // A value that itself holds a CR (quoted, so csv-parse keeps it) is shown escaped.
  const quoted = files.write('quoted-cr.csv', 'key,size\na,"x\ry"\n');
  const message = ((await loadTraceFile(quoted).catch((caught: unknown) => caught)) as Error).message;
  assert.ok(!message.includes('\r'), message);
  assert.match(message, /\\r/);
});
