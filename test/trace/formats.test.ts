/**
 * Every row of the format table against a fixture written by hand from the format's public
 * description: it is detected (from its content, or its name where the format has nothing
 * else), and it loads to exactly the requests of an equivalent CSV written beside it. Content
 * that does not fit the format it is read as is refused with the file and line, never read as
 * something else.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadTrace } from '../../src/index.js';
import { detectTraceFormat } from '../../src/trace/formats/index.js';
import { OP_NAMES, type Trace } from '../../src/trace/trace.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-files.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'formats');
const files = tempDir('formats');
const fixture = (name: string): string => join(FIXTURES, name);

interface Row {
  key: string;
  time: number | undefined;
  size: number | undefined;
  op: string;
  ttl: number | undefined;
  cost: number | undefined;
}

/** The trace as rows by key name, so that traces whose keys were interned differently compare. */
function rowsOf(trace: Trace): Row[] {
  const names = trace.keyNames!;
  const rows: Row[] = [];
  for (let i = 0; i < trace.length; i++) {
    const ttl = trace.ttls?.[i];
    const cost = trace.costs?.[i];
    rows.push({
      key: names.get(trace.keys[i]!),
      // Decimal text and a sum of seconds and microseconds may differ in the last bit.
      time: trace.times === undefined ? undefined : Math.round(trace.times[i]! * 1e6) / 1e6,
      size: trace.sizes?.[i],
      op: OP_NAMES[trace.ops?.[i] ?? 0] ?? 'get',
      ttl: ttl === undefined || Number.isNaN(ttl) ? undefined : ttl,
      cost: cost === undefined || Number.isNaN(cost) ? undefined : cost,
    });
  }
  return rows;
}

async function assertLoadsLike(path: string, expectedCsv: string, format?: string): Promise<void> {
  const expected = rowsOf(await loadTrace(fixture(expectedCsv)));
  const loaded = rowsOf(await loadTrace(path, format === undefined ? {} : { format }));
  assert.deepEqual(loaded, expected);
}

const TEXT_FIXTURES: ReadonlyArray<readonly [file: string, format: string, expected: string]> = [
  ['twitter.csv', 'twitter', 'twitter.expected.csv'],
  ['cachelib.csv', 'cachelib', 'cachelib.expected.csv'],
  ['msr.csv', 'msr', 'msr.expected.csv'],
  ['arc.lis', 'lis', 'arc.expected.csv'],
  ['cdn.tr', 'cdn', 'cdn.expected.csv'],
  ['wiki2019.tsv', 'cdn', 'wiki2019.expected.csv'],
  ['access.log', 'access-log', 'access.expected.csv'],
  ['monitor.txt', 'redis-monitor', 'monitor.expected.csv'],
  ['watch.log', 'memcached-watch', 'watch.expected.csv'],
];

for (const [file, format, expected] of TEXT_FIXTURES) {
  test(`${format}: ${file} is detected and loads to the requests of ${expected}`, async () => {
    assert.equal((await detectTraceFormat(fixture(file))).id, format);
    await assertLoadsLike(fixture(file), expected);
    await assertLoadsLike(fixture(file), expected, format);
  });
}

test('a Redis MONITOR dump saved as .txt is read as MONITOR output, not as one key per line', async () => {
  const trace = await loadTrace(fixture('monitor.txt'));
  assert.ok(trace.ops, 'MONITOR gives sets and deletes');
  assert.equal(trace.keyNames!.get(trace.keys[0]!), 'user:1');
  // Named explicitly, txt still means one key per line.
  const asKeys = await loadTrace(fixture('monitor.txt'), { format: 'txt' });
  assert.equal(asKeys.keyNames!.get(asKeys.keys[0]!), 'OK');
});

test('msr takes a block size, from the format spec or formatParams', async () => {
  const bigBlocks = await loadTrace(fixture('msr.csv'), { format: 'msr:block-size=16384' });
  // With 16 KiB blocks every I/O of the fixture touches block 0 of its disk.
  assert.deepEqual([...new Set(rowsOf(bigBlocks).map((row) => row.key))], ['hm:0:0', 'hm:1:0']);
  assert.deepEqual(rowsOf(await loadTrace(fixture('msr.csv'), { formatParams: { 'block-size': '16384' } })), rowsOf(bigBlocks));
  await assert.rejects(loadTrace(fixture('msr.csv'), { format: 'msr:block-size=0' }), /block-size must be a whole number/);
  await assert.rejects(
    loadTrace(fixture('twitter.csv'), { formatParams: { 'block-size': '512' } }),
    /read as twitter, which takes no block-size/,
  );
});

test('access-log: query=drop folds URLs that differ by query, and statuses= chooses what a cache stores', async () => {
  const dropped = rowsOf(await loadTrace(fixture('access.log'), { format: 'access-log:query=drop' }));
  assert.ok(dropped.some((row) => row.key === '/index.html'));
  assert.ok(!dropped.some((row) => row.key.includes('?')));
  const onlyOk = rowsOf(await loadTrace(fixture('access.log'), { format: 'access-log:statuses=200-299,query=keep' }));
  assert.ok(!onlyOk.some((row) => row.key === '/missing'), '404 is not in 200-299');
  await assert.rejects(loadTrace(fixture('access.log'), { format: 'access-log:statuses=ok' }), /statuses: 'ok' is not a status/);
});

// --- Binary formats, packed here field by field from libCacheSim's descriptions ---

/** oracleGeneral: uint32 time, uint64 id, uint32 size, int64 next access; little-endian, no header. */
function oracleGeneral(records: ReadonlyArray<readonly [time: number, id: bigint, size: number]>): Buffer {
  const buf = Buffer.alloc(records.length * 24);
  records.forEach(([time, id, size], i) => {
    buf.writeUInt32LE(time, i * 24);
    buf.writeBigUInt64LE(id, i * 24 + 4);
    buf.writeUInt32LE(size, i * 24 + 12);
    buf.writeBigInt64LE(-1n, i * 24 + 16);
  });
  return buf;
}

const ORACLE_RECORDS = [
  [10, 42n, 100],
  [11, 7n, 0], // size 0: left out, as libCacheSim's cachesim does
  [11, 2n ** 63n + 5n, 4096], // an id beyond 2^53 stays exact
  [12, 42n, 100],
] as const;
const ORACLE_CSV = `key,time,size\n42,10,100\n${(2n ** 63n + 5n).toString()},11,4096\n42,12,100\n`;

test('oracle-general: 24-byte records load as the CSV of the same requests, plain, gzip and zstd', async () => {
  const expected = rowsOf(await loadTrace(files.write('oracle.csv', ORACLE_CSV)));
  const plain = files.write('w01.oracleGeneral.bin', oracleGeneral(ORACLE_RECORDS));
  assert.equal((await detectTraceFormat(plain)).id, 'oracle-general');
  assert.deepEqual(rowsOf(await loadTrace(plain)), expected);
  assert.deepEqual(rowsOf(await loadTrace(files.write('w01.oracleGeneral.bin.gz', gzipSync(oracleGeneral(ORACLE_RECORDS))))), expected);
  // A zstd frame made by the zstd tool from the same bytes, committed beside the text fixtures.
  const zst = fixture('w01.oracleGeneral.bin.zst');
  assert.deepEqual(readFileSync(zst).subarray(0, 4), Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
  assert.deepEqual(rowsOf(await loadTrace(zst)), expected);
});

test('oracle-general: a file cut inside a record names the record and the bytes left over', async () => {
  const cut = files.write('cut.oracleGeneral', oracleGeneral(ORACLE_RECORDS).subarray(0, 24 * 2 + 10));
  await assert.rejects(loadTrace(cut), /cut\.oracleGeneral: the file ends inside record 3: 10 of its 24 bytes/);
});

/** An lcs header (1024 bytes) for a Python struct `format`, with 1-based field positions. */
function lcsHeader(
  format: string,
  fields: { id: number; size?: number; time?: number; op?: number; ttl?: number },
  itemBytes: number,
): Buffer {
  const header = Buffer.alloc(1024);
  header.writeBigUInt64LE(0x123456789abcdef0n, 0);
  header.write(format, 8, 'latin1');
  header[248] = fields.id;
  header[249] = fields.size ?? 0;
  header[250] = fields.time ?? 0;
  header[253] = fields.op ?? 0;
  header[254] = fields.ttl ?? 0;
  header.writeUInt32LE(format.length - 1, 1000);
  header.writeUInt32LE(itemBytes, 1004);
  header.writeBigUInt64LE(2n, 1008);
  header.writeBigUInt64LE(0x123456789abcdef0n, 1016);
  return header;
}

test('lcs: the header describes the records; time, id, size, op and TTL load as the same CSV', async () => {
  // <IQIqbi: time, id, size, next access, op (libCacheSim codes), ttl.
  const record = (time: number, id: bigint, size: number, op: number, ttl: number): Buffer => {
    const buf = Buffer.alloc(29);
    buf.writeUInt32LE(time, 0);
    buf.writeBigUInt64LE(id, 4);
    buf.writeUInt32LE(size, 12);
    buf.writeBigInt64LE(-1n, 16);
    buf.writeInt8(op, 24);
    buf.writeInt32LE(ttl, 25);
    return buf;
  };
  const body = [record(1, 5n, 300, 1, 0), record(2, 6n, 50, 3, 30), record(3, 5n, 300, 2, 0), record(4, 6n, 50, 9, 0)];
  const path = files.write('t.lcs', Buffer.concat([lcsHeader('<IQIqbi', { time: 1, id: 2, size: 3, op: 5, ttl: 6 }, 29), ...body]));
  assert.equal((await detectTraceFormat(path)).id, 'lcs');
  const csv = files.write('lcs.csv', 'key,time,size,op,ttl\n5,1,300,get,never\n6,2,50,set,30\n5,3,300,get,never\n6,4,50,delete,never\n');
  assert.deepEqual(rowsOf(await loadTrace(path)), rowsOf(await loadTrace(csv)));
  const badSize = files.write('bad.lcs', Buffer.concat([lcsHeader('<IQIqbi', { time: 1, id: 2, size: 3 }, 30), ...body]));
  await assert.rejects(loadTrace(badSize), /bad\.lcs: not a valid lcs trace \(records of 30 bytes, but the format '<IQIqbi' makes 29\)/);
});

// --- Content that does not fit ---

test('a file named as a format it is not in is refused at its first wrong line', async () => {
  await assert.rejects(loadTrace(fixture('twitter.csv'), { format: 'redis-monitor' }), /twitter\.csv:1: not a MONITOR line/);
  await assert.rejects(loadTrace(fixture('monitor.txt'), { format: 'twitter' }), /monitor\.txt:1: a row has 7 fields/);
  await assert.rejects(loadTrace(fixture('cdn.tr'), { format: 'access-log' }), /cdn\.tr:1: not an access log line/);
  const badOp = files.write('bad-op.csv', '0,k,1,2,3,get,0\n1,k,1,2,3,fetch,0\n');
  await assert.rejects(loadTrace(badOp, { format: 'twitter' }), /bad-op\.csv:2:6: field 6 \(op\): 'fetch' is not a memcached verb/);
  const back = files.write('back.log', '1700000005.0 [0 1.2.3.4:5] "GET" "a"\n1700000001.0 [0 1.2.3.4:5] "GET" "a"\n');
  await assert.rejects(loadTrace(back), /back\.log:2: the time 1700000001 is earlier than the previous request's 1700000005/);
});

test('--columns and --no-header belong to CSV: with another format they are refused, not ignored', async () => {
  await assert.rejects(loadTrace(fixture('twitter.csv'), { columns: 'key=2' }), /read as twitter, which has its own columns/);
  await assert.rejects(loadTrace(fixture('arc.lis'), { header: false }), /--no-header is for CSV/);
});

test('unknown format names and parameters are refused, listing the known ones', async () => {
  await assert.rejects(
    loadTrace(fixture('msr.csv'), { format: 'blktrace' }),
    /unknown trace format 'blktrace' \(known: cbt, lcs, redis-monitor/,
  );
  await assert.rejects(
    loadTrace(fixture('msr.csv'), { format: 'msr:blocks=4' }),
    /unknown parameter 'blocks' for trace format 'msr' \(parameters: block-size\)/,
  );
});

test('zstd and xz are told by their magic bytes, whatever the name', async () => {
  // Made by the zstd and xz tools from twitter.csv.
  const expected = rowsOf(await loadTrace(fixture('twitter.csv')));
  const zst = files.write('twitter-zst', readFileSync(fixture('twitter.csv.zst')));
  const xz = files.write('twitter.data', readFileSync(fixture('twitter.csv.xz')));
  assert.deepEqual(rowsOf(await loadTrace(zst)), expected);
  assert.deepEqual(rowsOf(await loadTrace(xz)), expected);
  const broken = files.write('broken.zst', Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(40, 7)]));
  await assert.rejects(loadTrace(broken), /broken\.zst: not a valid zstd stream/);
});

test('the README documents every format of the table, with its columns', async () => {
  const { TRACE_FORMATS } = await import('../../src/trace/formats/index.js');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Trace formats'), readme.indexOf('**Synthetic specs**'));
  for (const format of TRACE_FORMATS) {
    const row = section.split('\n').find((line) => line.startsWith(`| \`${format.id}\` |`));
    assert.ok(row, `no README row for ${format.id}`);
    assert.ok(
      row.includes(format.columns.replace(/\|/g, '\\|')),
      `the README row of ${format.id} has another column mapping than the code`,
    );
  }
});

test('cachebench formats lists every format with its columns and parameters', async () => {
  const { TRACE_FORMATS } = await import('../../src/trace/formats/index.js');
  const { cli } = await import('../helpers/cli.js');
  const run = await cli('formats');
  assert.equal(run.code, 0);
  for (const format of TRACE_FORMATS)
    assert.match(run.stdout, new RegExp(`^${format.id} +${format.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  assert.match(run.stdout, /block-size=4096 +bytes per cached block/);
  assert.match(run.stdout, /statuses=200,203,204,206,300,301,308,404,405,410,414,501/);
});
