/**
 * The binary trace cache: a saved trace loads back identical (every column, NaNs, key
 * names), bad files are rejected with a located error, and loadTraceCached reuses the cache
 * only when it was made from the same file with the same load options.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import fc from 'fast-check';
import { TraceFormatError } from '../../src/errors.js';
import { loadTraceBinary, loadTraceCachedWithStatus, saveTraceBinary, BINARY_TRACE_MAGIC } from '../../src/trace/binary.js';
import { loadTraceFile } from '../../src/trace/csv.js';
import { TraceBuilder, type Trace } from '../../src/trace/trace.js';
import { generateTrace } from '../../src/trace/spec.js';
import { lastSizesOf, requestedKeys, summarizeTrace } from '../../src/trace/summary.js';
import { tempDir } from '../helpers/temp-files.js';
import { comparableTrace } from '../helpers/trace.js';

const files = tempDir('binary');

/** The trace as plain data: no cache metadata, key names as an array. */
function withoutMeta(trace: Trace & { meta?: unknown }): ReturnType<typeof comparableTrace> {
  const { meta: _meta, ...rest } = trace;
  return comparableTrace(rest);
}

const requestArb = fc.record({
  id: fc.integer({ min: 0, max: 40 }),
  size: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
  time: fc.option(fc.double({ min: 0, max: 1e9, noNaN: true }), { nil: undefined }),
  op: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
  ttl: fc.option(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(NaN)), { nil: undefined }),
  cost: fc.option(fc.double({ min: 0, max: 10, noNaN: true }), { nil: undefined }),
});

test('save then load gives back the identical trace, for any mix of columns', async () => {
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(requestArb, { minLength: 1, maxLength: 60 }), fc.boolean(), async (requests, names) => {
      const builder = new TraceBuilder(4);
      for (const r of requests) builder.push(r.id, r.size, r.time, r.op, r.ttl, r.cost);
      const keySpace = 41;
      const keyNames = names
        ? Array.from({ length: keySpace }, (_, id) => (id % 3 === 0 ? `ключ-${id}` : id % 3 === 1 ? `a,"b"\n${id}` : ''))
        : undefined;
      const trace = builder.build('random', keySpace, keyNames);
      const path = `${files.dir}/random-${n++}.cbt`;
      await saveTraceBinary(trace, path);
      const loaded = await loadTraceBinary(path);
      assert.deepEqual(withoutMeta(loaded), withoutMeta(trace));
      // The summary stored with it is the summary of the trace.
      assert.deepEqual(summarizeTrace(loaded), summarizeTrace(trace));
      assert.equal(requestedKeys(loaded), requestedKeys(trace));
      assert.deepEqual(lastSizesOf(loaded), lastSizesOf(trace));
    }),
    { numRuns: 60, seed: 7 },
  );
});

test('key names can be left out', async () => {
  const trace = await loadTraceFile(files.write('names.csv', 'key,size\nalpha,1\nbeta,2\n'));
  const path = `${files.dir}/no-names.cbt`;
  await saveTraceBinary(trace, path, { keyNames: false });
  const loaded = withoutMeta(await loadTraceBinary(path));
  assert.equal(loaded.keyNames, undefined);
  const { keyNames: _names, ...rest } = trace;
  assert.deepEqual(loaded, rest);
});

test('a file that is not a binary trace, a newer format version or a truncated file is rejected', async () => {
  const trace = await loadTraceFile(files.write('small.csv', 'key,time\na,1\nb,2\n'));
  const good = `${files.dir}/good.cbt`;
  await saveTraceBinary(trace, good);
  const bytes = readFileSync(good);
  assert.equal(bytes.toString('latin1', 0, 8), BINARY_TRACE_MAGIC);

  const notTrace = files.write('not.cbt', 'key,time\na,1\n'.repeat(5));
  await assert.rejects(
    loadTraceBinary(notTrace),
    (e: Error) => e instanceof TraceFormatError && e.message === `${notTrace}: not a valid binary trace (bad magic)`,
  );
  const future = Buffer.from(bytes);
  future.writeUInt32LE(99, 8);
  const futurePath = files.write('future.cbt', future);
  await assert.rejects(loadTraceBinary(futurePath), /not a valid binary trace \(format version 99, this build reads 1 to 4\)/);
  const truncated = files.write('truncated.cbt', bytes.subarray(0, bytes.length - 4));
  await assert.rejects(loadTraceBinary(truncated), /not a valid binary trace \(truncated/);
});

test('a file damaged inside an intact header is refused by its checksum, and a damaged cache is rebuilt', async () => {
  const rows = ['key,time'];
  for (let i = 0; i < 2000; i++) rows.push(`k${(i * 7) % 301},${i}`);
  const csv = files.write('damaged.csv', rows.join('\n') + '\n');
  const first = await loadTraceCachedWithStatus(csv);
  assert.equal(first.cache, 'written');
  // Flip one byte in the middle of the key column: the header and the metadata stay intact.
  const bytes = readFileSync(first.cachePath);
  bytes[Math.floor(bytes.length / 2)]! ^= 0x5a;
  writeFileSync(first.cachePath, bytes);
  utimesSync(first.cachePath, new Date(), new Date(Date.now() + 1000));
  await assert.rejects(loadTraceBinary(first.cachePath), /not a valid binary trace \(checksum mismatch: the file is damaged\)/);
  const again = await loadTraceCachedWithStatus(csv);
  assert.equal(again.cache, 'written', 'rebuilt');
  assert.match(again.damaged!, /checksum mismatch/);
  assert.deepEqual(Array.from(again.trace.keys), Array.from(first.trace.keys));
  assert.equal((await loadTraceCachedWithStatus(csv)).cache, 'hit', 'and the rebuilt cache is used again');
});

test('loadTraceCached writes the cache, reuses it, and leaves no temporary files', async () => {
  const csv = files.write('cached.csv', 'key,size\na,10\nb,20\na,10\n');
  const first = await loadTraceCachedWithStatus(csv);
  assert.equal(first.cache, 'written');
  assert.equal(first.cachePath, `${csv}.cbt`);
  const second = await loadTraceCachedWithStatus(csv);
  assert.equal(second.cache, 'hit');
  // The names come as bytes and lengths from the cache, as bytes and offsets from the CSV.
  assert.deepEqual(comparableTrace(second.trace), comparableTrace(first.trace));
  assert.deepEqual(comparableTrace(second.trace), comparableTrace(await loadTraceFile(csv)));
  assert.deepEqual(
    readdirSync(files.dir).filter((name) => name.includes('.tmp')),
    [],
  );
});

test('a stale cache is not used: the CSV changed, or the load options differ', async () => {
  const csv = files.write('stale.csv', 'id,key\n1,a\n2,b\n');
  const cachePath = `${files.dir}/stale-elsewhere.cbt`;
  assert.equal((await loadTraceCachedWithStatus(csv, {}, cachePath)).cache, 'written');
  assert.equal((await loadTraceCachedWithStatus(csv, {}, cachePath)).cache, 'hit');

  // Other options give another trace: key=id reads the first column.
  const remapped = await loadTraceCachedWithStatus(csv, { columns: 'key=id' }, cachePath);
  assert.equal(remapped.cache, 'written');
  assert.deepEqual(remapped.trace.keyNames?.toArray(), ['1', '2']);
  assert.equal((await loadTraceCachedWithStatus(csv, { columns: 'key=id' }, cachePath)).cache, 'hit');
  assert.equal((await loadTraceCachedWithStatus(csv, {}, cachePath)).cache, 'written');

  // The CSV is rewritten (same length, so only its time tells) after the cache was made.
  writeFileSync(csv, 'id,key\n1,c\n2,d\n');
  const later = new Date(Date.now() + 5000);
  utimesSync(csv, later, later);
  const fresh = await loadTraceCachedWithStatus(csv, {}, cachePath);
  assert.equal(fresh.cache, 'written');
  assert.deepEqual(fresh.trace.keyNames?.toArray(), ['c', 'd']);
});

test('a corrupt cache is ignored and replaced', async () => {
  const csv = files.write('corrupt.csv', 'key\nx\ny\n');
  const cachePath = `${csv}.cbt`;
  writeFileSync(cachePath, 'garbage');
  const loaded = await loadTraceCachedWithStatus(csv);
  assert.equal(loaded.cache, 'written');
  assert.deepEqual(loaded.trace.keyNames?.toArray(), ['x', 'y']);
  assert.equal((await loadTraceCachedWithStatus(csv)).cache, 'hit');
});

test('columns are read and written in pieces when one read or write cannot take them whole', async () => {
  // Real files past 2 GiB are too big for a test; pieces of 7 and 4096 bytes take the same path.
  const text = [
    'key,time,size,op',
    ...Array.from({ length: 3000 }, (_, i) => `k${i % 211},${i * 0.5},${i % 97},${i % 5 === 0 ? 'set' : 'get'}`),
  ].join('\n');
  const trace = await loadTraceFile(files.write('pieces.csv', text));
  for (const ioChunkBytes of [7, 4096]) {
    const path = `${files.dir}/pieces-${ioChunkBytes}.cbt`;
    await saveTraceBinary(trace, path, { ioChunkBytes });
    assert.deepEqual(withoutMeta(await loadTraceBinary(path, { ioChunkBytes })), withoutMeta(trace));
    assert.deepEqual(withoutMeta(await loadTraceBinary(path)), withoutMeta(trace));
  }
});

/** The file with its checksum trailer made anew over everything before it (a file edited on purpose). */
function resealed(bytes: Buffer): Buffer {
  const body = bytes.subarray(0, bytes.length - 8);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(body), 0);
  return Buffer.concat([body, trailer]);
}

test('a load takes the summary stored in the file, passes over one that does not fit, and reads version-3 files', async () => {
  const trace = generateTrace('zipf:alpha=0.9,keys=300,requests=5000,seed=5,sizes=10..100');
  const truth = summarizeTrace(trace);
  const path = `${files.dir}/summarized.cbt`;
  await saveTraceBinary(trace, path);
  const bytes = readFileSync(path);
  const json = bytes.indexOf('{"summary":');
  assert.ok(json > 0 && json % 8 === 0, 'the summary is stored, on an 8-byte boundary');
  const stored = JSON.parse(bytes.toString('utf8', json, json + bytes.readUInt32LE(json - 8))) as { summary: { oneHitWonders: number } };
  assert.equal(stored.summary.oneHitWonders, truth.oneHitWonders);

  // An edited count of the same width, resealed: what the load reports is what the file says, so no pass made it.
  const edit = (from: string, to: string): Buffer => {
    const text = Buffer.from(bytes);
    const at = text.indexOf(from, json);
    assert.ok(at > 0 && from.length === to.length);
    text.write(to, at, 'latin1');
    return resealed(text);
  };
  const wonders = `"oneHitWonders":${truth.oneHitWonders}`;
  const other = `"oneHitWonders":${String(truth.oneHitWonders + 1).padStart(String(truth.oneHitWonders).length, '0')}`;
  const edited = await loadTraceBinary(files.write('edited.cbt', edit(wonders, other)));
  assert.equal(summarizeTrace(edited).oneHitWonders, truth.oneHitWonders + 1);
  // A record for another trace (a request count that is not the file's) is passed over: the trace is summarized.
  const foreign = await loadTraceBinary(files.write('foreign.cbt', edit('"requests":5000', '"requests":5001')));
  assert.deepEqual(summarizeTrace(foreign), truth);
  assert.deepEqual(lastSizesOf(foreign), lastSizesOf(trace));
  // So is one whose numbers are not numbers.
  const min = String(truth.sizes!.min);
  const notNumber = await loadTraceBinary(files.write('not-number.cbt', edit(`"min":${min}`, `"min":"${'x'.repeat(min.length - 2)}"`)));
  assert.deepEqual(summarizeTrace(notNumber), truth);
  // Bytes that are not JSON are a damaged file.
  await assert.rejects(
    loadTraceBinary(files.write('garbled.cbt', edit('{"summary":', '{"summary"!'))),
    /not a valid binary trace \(bad summary\)/,
  );

  // Version 3: the same file without the summary section (its prefix and JSON), which loads and is summarized.
  const v3 = Buffer.from(bytes.subarray(0, json - 8 + 8));
  v3.writeUInt32LE(3, 8);
  const old = await loadTraceBinary(files.write('v3.cbt', resealed(Buffer.concat([v3.subarray(0, json - 8), Buffer.alloc(8)]))));
  assert.deepEqual(withoutMeta(old), withoutMeta(await loadTraceBinary(path)));
  assert.deepEqual(summarizeTrace(old), truth);
  assert.deepEqual(lastSizesOf(old), lastSizesOf(trace));
});
