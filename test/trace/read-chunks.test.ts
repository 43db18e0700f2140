/**
 * Reading an uncompressed file: the chunks, read ahead into three buffers in turn, are the
 * file's bytes in order, each valid until the next-but-one is asked for; and the line count
 * that sizes a load's columns, made four bytes at a time, is the file's count of line feeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { chunkBuffers, countLines, lineFeedsIn, openTraceInput, readChunks } from '../../src/trace/input.js';
import { tempDir } from '../helpers/temp-files.js';

const files = tempDir('read-chunks');

function naiveLineFeeds(bytes: Uint8Array): number {
  let count = 0;
  for (const byte of bytes) if (byte === 10) count++;
  return count;
}

test('line feeds are counted exactly, at every alignment and length, beside bytes one off from a line feed', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 200, size: 'max' }),
      fc.array(fc.nat(199), { maxLength: 60 }),
      fc.nat(7),
      (noise, feeds, offset) => {
        // Bytes 9, 11, 0x8a and 0x0a0a-like words around the feeds are what a wrong mask would miscount.
        const bytes = Uint8Array.from(noise, (byte) => [9, 10, 11, 0x8a, 0x0b, byte][byte % 6]!);
        for (const at of feeds) if (at < bytes.length) bytes[at] = 10;
        const backing = Buffer.alloc(bytes.length + 8);
        backing.set(bytes, offset);
        const chunk = backing.subarray(offset, offset + bytes.length);
        assert.equal(lineFeedsIn(chunk), naiveLineFeeds(bytes));
      },
    ),
    { numRuns: 400, seed: 5 },
  );
});

test('a file read ahead into three buffers comes out whole and in order, each chunk intact until the next-but-one is asked for', async () => {
  // Several chunks and a short last one; every byte's value tells its position.
  const size = 3 * (1 << 18) + 12_345;
  const content = Buffer.alloc(size);
  for (let i = 0; i < size; i++) content[i] = (i * 7 + (i >>> 9)) & 0xff;
  content[size - 1] = 10;
  const path = files.write('chunks.bin', content);
  const input = await openTraceInput(path);
  const seen: Buffer[] = [];
  let at = 0;
  let previous: { chunk: Buffer; copy: Buffer } | undefined;
  for await (const chunk of readChunks(input, { buffers: chunkBuffers() })) {
    // The chunk before this one has not been overwritten by the read ahead.
    if (previous) assert.ok(previous.chunk.equals(previous.copy), 'the previous chunk changed while the next was read');
    assert.ok(chunk.equals(content.subarray(at, at + chunk.length)), `bytes ${at}.. out of place`);
    at += chunk.length;
    previous = { chunk, copy: Buffer.from(chunk) };
    seen.push(previous.copy);
  }
  assert.equal(at, size);
  assert.ok(Buffer.concat(seen).equals(content));
  assert.equal(await countLines(input), naiveLineFeeds(content) + 1);
});

test('a reader that stops early leaves no read behind: the same buffers serve the next pass', async () => {
  const content = Buffer.from('key\n' + Array.from({ length: 200_000 }, (_, i) => String(i)).join('\n') + '\n');
  const input = await openTraceInput(files.write('early.csv', content));
  const buffers = chunkBuffers();
  for await (const chunk of readChunks(input, { buffers })) {
    assert.ok(chunk.length > 0);
    break;
  }
  assert.equal(await countLines(input, buffers), naiveLineFeeds(content) + 1);
});
