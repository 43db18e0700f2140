/**
 * Gzip'd traces are sized from an estimate (the gzip trailer's uncompressed size over the
 * first chunk's mean line length) instead of a second decompression. The estimate only sizes
 * the columns: whether it is close, low, or unavailable, the loaded trace must be exactly
 * the one the uncompressed file gives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { loadTraceFile } from '../../src/trace/csv.js';
import { estimateGzipSize, openTraceInput } from '../../src/trace/input.js';
import { comparableTrace } from '../helpers/trace.js';
import { tempDir } from '../helpers/temp-files.js';

const files = tempDir('gzip-size');

async function estimate(name: string, content: Buffer): Promise<{ rows: number; bytes: number } | undefined> {
  return estimateGzipSize(await openTraceInput(files.write(name, content)));
}

async function loadsLikePlain(name: string, text: string, gz: Buffer): Promise<void> {
  const plain = await loadTraceFile(files.write(`${name}.csv`, text));
  const zipped = await loadTraceFile(files.write(`${name}.csv.gz`, gz));
  assert.deepEqual(comparableTrace({ ...zipped, source: plain.source }), comparableTrace(plain));
}

function rows(count: number, row: (i: number) => string): string {
  let text = 'key,time,size\n';
  for (let i = 0; i < count; i++) text += row(i) + '\n';
  return text;
}

test('a file of even lines is estimated a little above its line count, with its exact size', async () => {
  const text = rows(60_000, (i) => `key${String(i % 5000).padStart(5, '0')},${1_700_000_000 + i},${100 + (i % 900)}`);
  const lines = text.split('\n').length;
  const size = await estimate('even.csv.gz', gzipSync(text));
  assert.equal(size?.bytes, Buffer.byteLength(text));
  assert.ok(size.rows >= lines && size.rows <= lines * 1.1, `${size.rows} for ${lines} lines`);
  await loadsLikePlain('even', text, gzipSync(text));
});

test('a file within the first chunk is counted exactly', async () => {
  const text = 'key\na\nb\na\n';
  assert.deepEqual(await estimate('small.csv.gz', gzipSync(text)), { rows: 5, bytes: text.length });
});

test('an estimate that falls short only means the columns grow: the trace is the same', async () => {
  // Long lines first (the sample), then many short ones: the estimate is far too low.
  const text =
    rows(3000, (i) => `${'long-key-'.repeat(12)}${i},${i},1`) +
    rows(200_000, (i) => `k${i % 300},${3000 + i},2`).slice('key,time,size\n'.length);
  const lines = text.split('\n').length;
  const size = await estimate('short.csv.gz', gzipSync(text));
  assert.ok(size!.rows < lines / 2, `${size!.rows} for ${lines} lines`);
  await loadsLikePlain('short', text, gzipSync(text));
});

test('a multi-member gzip file, whose trailer gives only the last member, is not estimated', async () => {
  const first = rows(20_000, (i) => `a${i},${i},3`);
  const second = 'b,20000,4\n';
  const gz = Buffer.concat([gzipSync(first), gzipSync(second)]);
  assert.equal(await estimate('members.csv.gz', gz), undefined);
  await loadsLikePlain('members', first + second, gz);
});
