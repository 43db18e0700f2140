/**
 * Trace loading: every column parsed exactly, header / headerless / --columns mapping,
 * gzip, key lists, and each bad input located to file:line:column. Every case runs through
 * both CSV readers (the fast path and csv-parse) and must give the same answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { TraceFormatError, UsageError } from '../../src/errors.js';
import { loadTraceFile, type LoadOptions } from '../../src/trace/csv.js';
import { generateTrace } from '../../src/trace/spec.js';
import { OP_DELETE, OP_GET, OP_SET, TraceBuilder, type Trace } from '../../src/trace/trace.js';
import { traceToCsv } from '../../src/trace/write.js';
import { tempDir } from '../helpers/temp-files.js';

const files = tempDir('csv');
const READERS = ['auto', 'csv-parse'] as const;

/** Loads with both readers, checks they agree, returns the trace. */
async function load(path: string, options: LoadOptions = {}): Promise<Trace> {
  const fast = await loadTraceFile(path, { ...options, reader: 'auto' });
  const slow = await loadTraceFile(path, { ...options, reader: 'csv-parse' });
  assert.deepEqual(plain(fast), plain(slow));
  assert.equal(fast.source, slow.source);
  return fast;
}

/** Loading fails the same way under both readers; returns the error. */
async function loadError(path: string, options: LoadOptions = {}): Promise<Error> {
  const errors: Error[] = [];
  for (const reader of READERS) {
    await assert.rejects(loadTraceFile(path, { ...options, reader }), (error: Error) => {
      errors.push(error);
      return true;
    });
  }
  assert.equal(errors[0]!.message, errors[1]!.message);
  assert.equal(errors[0]!.constructor, errors[1]!.constructor);
  return errors[0]!;
}

function plain(trace: Trace): Record<string, unknown> {
  return {
    keys: [...trace.keys],
    keySpace: trace.keySpace,
    keyNames: trace.keyNames?.toArray(),
    sizes: trace.sizes && [...trace.sizes],
    times: trace.times && [...trace.times],
    ops: trace.ops && [...trace.ops],
    ttls: trace.ttls && [...trace.ttls],
    costs: trace.costs && [...trace.costs],
  };
}

test('every column is parsed exactly, unknown columns are ignored, header names ignore case', async () => {
  const path = files.write(
    'all.csv',
    'Time,KEY,extra,Size,op,TTL,cost\n' +
      '0,a,x,100,get,60,0.005\n' +
      '1.5,b,y,200,SET,60s,5ms\n' +
      '2,a,z,0,Delete,1.5m,\n' +
      '2,ключ,w,4294967295,read,,2\n',
  );
  const trace = await load(path);
  assert.equal(trace.source, path);
  assert.equal(trace.length, 4);
  assert.deepEqual(plain(trace), {
    keys: [0, 1, 0, 2],
    keySpace: 3,
    keyNames: ['a', 'b', 'ключ'],
    sizes: [100, 200, 0, 4294967295],
    times: [0, 1.5, 2, 2],
    ops: [OP_GET, OP_SET, OP_DELETE, OP_GET],
    ttls: [60, 60, 90, NaN],
    costs: [0.005, 0.005, NaN, 2],
  });
});

test('a key-only file has no optional columns', async () => {
  const trace = await load(files.write('keys.csv', 'key\n1\n2\n3\n1\n'));
  assert.deepEqual(plain(trace), {
    keys: [0, 1, 2, 0],
    keySpace: 3,
    keyNames: ['1', '2', '3'],
    sizes: undefined,
    times: undefined,
    ops: undefined,
    ttls: undefined,
    costs: undefined,
  });
});

test('keys are used exactly as written: case, spaces and leading zeros all distinguish keys', async () => {
  const trace = await load(files.write('exact.csv', 'key,size\nA,1\na,1\n a,1\n007,1\n7,1\na,1\n'));
  assert.deepEqual([...trace.keys], [0, 1, 2, 3, 4, 1]);
  assert.deepEqual(trace.keyNames?.toArray(), ['A', 'a', ' a', '007', '7']);
});

test('empty optional cells: size 1, op get, ttl/cost NaN, time repeats the previous row', async () => {
  const trace = await load(files.write('empty.csv', 'key,time,size,op,ttl,cost\na,,,,,\nb,5,7,set,1,1\nc,,,,,\n'));
  assert.deepEqual(plain(trace), {
    keys: [0, 1, 2],
    keySpace: 3,
    keyNames: ['a', 'b', 'c'],
    sizes: [1, 7, 1],
    times: [0, 5, 5],
    ops: [OP_GET, OP_SET, OP_GET],
    ttls: [NaN, 1, NaN],
    costs: [NaN, 1, NaN],
  });
});

test('op words: memcached verbs and read/write/del aliases, any letter case', async () => {
  const words = [
    'get',
    'GETS',
    'Read',
    'r',
    'lookup',
    'set',
    'WRITE',
    'w',
    'put',
    'add',
    'replace',
    'cas',
    'incr',
    'delete',
    'DEL',
    'd',
    'remove',
  ];
  const trace = await load(files.write('ops.csv', 'key,op\n' + words.map((word) => `k,${word}`).join('\n') + '\n'));
  assert.deepEqual([...trace.ops!], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
});

test('CRLF line endings, a byte-order mark, blank lines and a missing final newline', async () => {
  const path = files.write('crlf.csv', '\ufeffkey,size\r\n\r\na,1\r\nb,2\r\n\r\nc,3');
  const trace = await load(path);
  assert.deepEqual(trace.keyNames?.toArray(), ['a', 'b', 'c']);
  assert.deepEqual([...trace.sizes!], [1, 2, 3]);
});

test('quoted fields (commas, quotes and line breaks inside keys) go through csv-parse', async () => {
  const path = files.write('quoted.csv', 'key,size\n"a,b",1\n"say ""hi""",2\n"two\nlines",3\nplain,4\n');
  const trace = await load(path);
  assert.deepEqual(trace.keyNames?.toArray(), ['a,b', 'say "hi"', 'two\nlines', 'plain']);
  await assert.rejects(loadTraceFile(path, { reader: 'fast' }), /cannot read this file/);
});

test('keys that are not UTF-8 read as U+FFFD, so distinct bad bytes are one key under both readers', async () => {
  const path = files.write('latin1.csv', Buffer.concat([Buffer.from('key\n'), Buffer.from([0xff, 0x61, 0x0a, 0xfe, 0x61, 0x0a])]));
  const trace = await load(path);
  assert.deepEqual([...trace.keys], [0, 0]);
  assert.deepEqual(trace.keyNames?.toArray(), ['\ufffda']);
});

test('--columns maps header names, case-insensitively, and the rest are found by their own names', async () => {
  const path = files.write('mapped.csv', 'ts,obj_id,size,bytes\n1,x,5,500\n2,y,6,600\n');
  const trace = await load(path, { columns: 'key=OBJ_ID, time=ts, size=bytes' });
  assert.deepEqual(plain(trace), {
    keys: [0, 1],
    keySpace: 2,
    keyNames: ['x', 'y'],
    sizes: [500, 600],
    times: [1, 2],
    ops: undefined,
    ttls: undefined,
    costs: undefined,
  });
});

test('headerless files map 1-based positions (libCacheSim style); the key defaults to field 1', async () => {
  const path = files.write('headerless.csv', '10,k1,100\n11,k2,200\n12,k1,100\n');
  const mapped = await load(path, { header: false, columns: 'time=1,key=2,size=3' });
  assert.deepEqual([...mapped.keys], [0, 1, 0]);
  assert.deepEqual(mapped.keyNames?.toArray(), ['k1', 'k2']);
  assert.deepEqual([...mapped.times!], [10, 11, 12]);
  assert.deepEqual([...mapped.sizes!], [100, 200, 100]);

  const defaultKey = await load(path, { header: false });
  assert.deepEqual(defaultKey.keyNames?.toArray(), ['10', '11', '12']);
  assert.equal(defaultKey.sizes, undefined);
});

test('gzip input is recognised by the .gz extension', async () => {
  const text = 'key,size\na,1\nb,2\na,1\n';
  const trace = await load(files.write('trace.csv.gz', gzipSync(text)));
  assert.deepEqual(plain(trace), plain(await load(files.write('trace-plain.csv', text))));
  const error = await loadError(files.write('broken.csv.gz', 'not gzip at all'));
  assert.ok(error instanceof TraceFormatError);
  assert.match(error.message, /broken\.csv\.gz: not a valid gzip file/);
});

test('a .txt file is one key per line, taken whole (commas and quotes included)', async () => {
  const trace = await loadTraceFile(files.write('keys.txt', 'a,b\r\n"q"\n\nkey\na,b\n'));
  assert.deepEqual(trace.keyNames?.toArray(), ['a,b', '"q"', 'key']);
  assert.deepEqual([...trace.keys], [0, 1, 2, 0]);
  assert.equal(trace.sizes, undefined);
  const gz = await loadTraceFile(files.write('keys.txt.gz', gzipSync('x\ny\nx')));
  assert.deepEqual([...gz.keys], [0, 1, 0]);
});

test('lines longer than a read chunk are carried over whole', async () => {
  // Over two chunks long, so one chunk holds no line end at all.
  const longKey = 'k'.repeat((2 << 20) + 4096);
  const trace = await load(files.write('long.csv', `key,size\n${longKey},5\nshort,6\n${longKey},5\n`));
  assert.deepEqual([...trace.keys], [0, 1, 0]);
  assert.equal(trace.keyNames!.get(0).length, longKey.length);
});

// --- errors ---------------------------------------------------------------------------

async function expectFormatError(name: string, content: string, message: string, options: LoadOptions = {}): Promise<void> {
  const path = files.write(name, content);
  const error = await loadError(path, options);
  assert.ok(error instanceof TraceFormatError, `${error.name}: ${error.message}`);
  assert.equal(error.message, `${path}${message}`);
}

const rowErrors: [string, string, string][] = [
  ['no key cell', 'key,size\na,1\n,2\n', ':3:1: column 1 (key): the row has no key'],
  ['non-numeric size', 'key,size\na,1\nb,12x\n', ":3:2: column 2 (size): '12x' is not a whole number of bytes"],
  ['negative size', 'key,size\na,-1\n', ":2:2: column 2 (size): '-1' is not a whole number of bytes"],
  ['fractional size', 'key,size\na,1.5\n', ":2:2: column 2 (size): '1.5' is not a whole number of bytes"],
  ['size beyond 32 bits', 'key,size\na,4294967296\n', ":2:2: column 2 (size): '4294967296' is too large (at most 4294967295 bytes)"],
  [
    'bad op',
    'key,op\na,get\nb,fetchall\n',
    ":3:2: column 2 (op): 'fetchall' is not an op (use get, set or delete; read/write/del also work)",
  ],
  ['bad time', 'size,time,key\n1,1,a\n1,soon,b\n', ":3:2: column 2 (time): 'soon' is not a number of seconds"],
  [
    'decreasing time',
    'key,time\na,5\nb,7\nc,6\n',
    ":4:2: column 2 (time): 6 is earlier than the previous row's 7 (times must not decrease)",
  ],
  ['bad ttl', 'key,ttl\na,60\nb,5 parsecs\n', ":3:2: column 2 (ttl): '5 parsecs' is not a duration (use e.g. 250ms, 60s, 5m, 1h)"],
  ['negative cost', 'key,cost\na,-2\n', ":2:2: column 2 (cost): '-2' must be a non-negative number of seconds"],
  ['too few fields', 'key,size\na,1\nb\n', ':3: the row has 1 field, but the header has 2'],
  ['too many fields', 'key,size\r\na,1\r\nb,2,3\r\n', ':3: the row has 3 fields, but the header has 2'],
  [
    'header without key',
    'obj,size\na,1\n',
    ":1: the header has no 'key' column (header: obj, size); name it key or map a column to it (key=NAME)",
  ],
  ['unclosed quote', 'key,size\na,1\n"b,2\nc,3\n', ':4: the file ends inside a quoted field (a closing " is missing)'],
  ['text after a closing quote', 'key,size\na,1\n"b"x,2\n', ':3: unexpected text after a closing quote'],
  [
    'quote inside a field',
    'key,size\na,1\nb"c,2\n',
    ':3: a quote inside an unquoted field (quote the whole field and double inner quotes)',
  ],
  ['empty lines only', '\n\n\n', ': the file has no rows'],
  ['header only', 'key,size\n', ': the header is not followed by any requests'],
];

for (const [what, content, message] of rowErrors) {
  test(`error: ${what}`, () => expectFormatError(`${what.replace(/\W+/g, '-')}.csv`, content, message));
}

test('error positions count blank lines and lines of earlier quoted fields', async () => {
  await expectFormatError('blank-lines.csv', 'key,size\n\na,1\n\n\nb,x\n', ":6:2: column 2 (size): 'x' is not a whole number of bytes");
  const path = files.write('multiline.csv', 'key,size\n"a\nb",1\nc,x\n');
  const error = await loadTraceFile(path).catch((caught: unknown) => caught as Error);
  assert.equal((error as Error).message, `${path}:4:2: column 2 (size): 'x' is not a whole number of bytes`);
});

test('a mapped column the header lacks, and a position past the first row, are located', async () => {
  await expectFormatError(
    'no-obj.csv',
    'key,ts\na,1\n',
    ":1: the header has no column 'obj_id' (named by the column map's key=obj_id; header: key, ts)",
    { columns: 'key=obj_id' },
  );
  await expectFormatError('short-row.csv', 'a,1\n', ":1: the column map's size=3: the first row has only 2 fields", {
    header: false,
    columns: 'key=1,size=3',
  });
});

test('missing file, directory and empty file: one line naming the file', async () => {
  const missing = files.dir + '/x.csv';
  await assert.rejects(
    loadTraceFile(missing),
    (error: Error) => error instanceof TraceFormatError && error.message === `${missing}: no such file`,
  );
  await assert.rejects(
    loadTraceFile(files.dir),
    (error: Error) => error instanceof TraceFormatError && error.message === `${files.dir}: is a directory, not a trace file`,
  );
  const empty = files.write('empty-file.csv', '');
  await assert.rejects(
    loadTraceFile(empty),
    (error: Error) => error instanceof TraceFormatError && error.message === `${empty}: the file is empty`,
  );
});

test('bad --columns text is a UsageError naming --columns', async () => {
  const path = files.write('usage.csv', 'key,a,b\n1,2,3\n');
  const cases: [LoadOptions, RegExp][] = [
    [{ columns: 'key' }, /^columns: 'key' is not COLUMN=NAME or COLUMN=POSITION/],
    [{ columns: 'color=2' }, /^columns: unknown column 'color' \(known: key, time, size, op, ttl, cost\)/],
    [{ columns: 'key=1,key=2' }, /^columns: column 'key' is mapped twice/],
    [{ columns: 'key=0' }, /^columns: 'key=0': positions are 1-based/],
    [{ columns: 'key=a,size=A' }, /^columns: 'A' is mapped to both key and size/],
    [{ columns: ' , ' }, /^columns: ' , ' is empty/],
    [{ columns: 'key=obj_id', header: false }, /^columns: 'key=obj_id' names a header column, but the file is read without a header/],
    [{ columns: 'size=1', header: false }, /^columns: field 1 would feed both key and size \(without a header the key is field 1/],
    [{ columns: 'size=key' }, /^columns: field 1 \('key'\) would feed both key and size/],
  ];
  for (const [options, message] of cases) {
    await assert.rejects(
      loadTraceFile(path, options),
      (error: Error) => error instanceof UsageError && message.test(error.message),
      JSON.stringify(options),
    );
  }
});

// --- round trip with the CSV writer (`cachebench gen`) --------------------------------------

function assertSameRequests(loaded: Trace, original: Trace): void {
  assert.equal(loaded.length, original.length);
  for (let i = 0; i < original.length; i++) {
    const id = original.keys[i]!;
    assert.equal(loaded.keyNames!.get(loaded.keys[i]!), original.keyNames ? original.keyNames.get(id) : String(id), `request ${i}`);
  }
  assert.deepEqual(loaded.times, original.times);
  assert.deepEqual(loaded.sizes, original.sizes);
  assert.deepEqual(loaded.ops, original.ops);
  assert.deepEqual(loaded.ttls, original.ttls);
  assert.deepEqual(loaded.costs, original.costs);
}

test('a generated trace written by traceToCsv loads back request for request', async () => {
  const original = generateTrace('mix:zipf(alpha=1,keys=1e3)*0.7+scan(keys=200)*0.3,requests=5000,rate=123.4,sizes=1..1e6,seed=3');
  const loaded = await load(files.write('generated.csv', traceToCsv(original)));
  assertSameRequests(loaded, original);
});

test('awkward keys and numbers survive the writer and the loader (csv-parse path for the quotes)', async () => {
  const builder = new TraceBuilder(4);
  builder.push(0, 7, 1e-7, OP_GET, undefined, 1 / 3);
  builder.push(1, 100, 0.1 + 0.2, OP_SET, 30, 0.005);
  builder.push(1, 4_000_000_000, 123456.789, OP_DELETE, 2.5, undefined);
  builder.push(2, 1, 1e21, OP_GET, Number.MIN_VALUE, 0);
  const original = builder.build('test', 3, ['has,comma', 'plain', 'say "hi"\nthere']);
  assertSameRequests(await load(files.write('awkward.csv', traceToCsv(original))), original);
});

test('loading reports the bytes of the file read so far, ending at its size, for every reader', async () => {
  let text = 'key,time\n';
  for (let i = 0; i < 60_000; i++) text += `key-${i % 977},${i}\n`;
  // A quote near the end sends the file to csv-parse after the fast path has read most of it.
  const quotedLate = text + '"late",60000\n';
  const cases: [string, string | Buffer][] = [
    ['progress.csv', text],
    ['progress.csv.gz', gzipSync(text)],
    ['progress.txt', text],
    ['progress-quoted.csv', quotedLate],
  ];
  for (const [name, content] of cases) {
    const path = files.write(name, content);
    const reports: [number, number][] = [];
    await loadTraceFile(path, { onProgress: (done, total) => reports.push([done, total]) });
    const size = typeof content === 'string' ? Buffer.byteLength(content) : content.length;
    assert.ok(reports.length >= 2, `${name}: ${reports.length} reports`);
    assert.ok(
      reports.every(([, total]) => total === size),
      name,
    );
    // Progress only moves forward, except that a file handed to csv-parse is read again from the start.
    const restarts = reports.filter(([done], i) => i > 0 && done < reports[i - 1]![0]).length;
    assert.equal(restarts, name === 'progress-quoted.csv' ? 1 : 0, `${name}: restarts`);
    assert.equal(reports.at(-1)![0], size, name);
  }
});

test('a column named twice in the header, and a negative first time, are refused with what is wrong', async () => {
  const dup = files.write('dup.csv', 'key,size,key\na,1,b\n');
  await assert.rejects(
    loadTraceFile(dup),
    (error: unknown) => error instanceof TraceFormatError && error.message === `${dup}:1: the header names 'key' twice (fields 1 and 3)`,
  );
  const negative = files.write('negative.csv', 'time,key\n-5,a\n');
  await assert.rejects(loadTraceFile(negative), /negative\.csv:2:1: column 1 \(time\): -5 is negative \(times are seconds from 0 on\)/);
});

test('read without a header and without a column map, a first row of column names is refused, not counted', async () => {
  const file = files.write('headerless.csv', 'key,time\na,1\n');
  for (const reader of ['fast', 'csv-parse'] as const) {
    await assert.rejects(
      loadTraceFile(file, { header: false, reader }),
      (error: unknown) =>
        error instanceof TraceFormatError &&
        error.message === `${file}:1: the first row (key, time) is a header, but the file is read as having none`,
    );
  }
  // Keys that merely look like words load as keys.
  assert.equal((await loadTraceFile(files.write('words.csv', 'apple\nkey2\napple\n'), { header: false })).length, 3);
});
