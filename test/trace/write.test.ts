import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { generateTrace } from '../../src/trace/spec.js';
import { OP_DELETE, OP_GET, OP_NAMES, OP_SET, TraceBuilder, type Trace } from '../../src/trace/trace.js';
import { presentColumns, traceCsvChunks, traceToCsv, writeTraceCsv } from '../../src/trace/write.js';

/**
 * Reads the CSV back with csv-parse (the library the trace loader is built on) and checks
 * every field against the trace. Deliberately not a loader: it only compares.
 */
function assertCsvMatches(csv: string, trace: Trace): void {
  const rows: string[][] = parse(csv, { relax_column_count: false });
  const [header, ...body] = rows;
  assert.deepEqual(header, ['key', ...presentColumns(trace)]);
  assert.equal(body.length, trace.length);
  const column = (name: string) => header.indexOf(name);
  body.forEach((row, i) => {
    const id = trace.keys[i]!;
    assert.equal(row[0], trace.keyNames ? trace.keyNames.get(id) : String(id), `row ${i} key`);
    if (trace.times) assert.equal(Number(row[column('time')]), trace.times[i], `row ${i} time`);
    if (trace.sizes) assert.equal(Number(row[column('size')]), trace.sizes[i], `row ${i} size`);
    if (trace.ops) assert.equal(row[column('op')], OP_NAMES[trace.ops[i]!], `row ${i} op`);
    for (const [name, values] of [
      ['ttl', trace.ttls],
      ['cost', trace.costs],
    ] as const) {
      if (!values) continue;
      const text = row[column(name)]!;
      if (Number.isNaN(values[i])) assert.equal(text, '', `row ${i} ${name}`);
      else assert.equal(Number(text), values[i], `row ${i} ${name}`);
    }
  });
}

test('a key-only trace is a single key column', () => {
  assert.equal(traceToCsv(generateTrace('scan:keys=3,requests=5')), 'key\n0\n1\n2\n0\n1\n');
});

test('every optional column round-trips, numbers exactly, NaN ttl/cost as empty fields', () => {
  // A loadable trace: ids in first-seen order and times that never decrease.
  const builder = new TraceBuilder(4);
  builder.push(0, 7, 1e-7, OP_GET, undefined, 1 / 3);
  builder.push(1, 100, 0.1 + 0.2, OP_SET, 30, 0.005);
  builder.push(1, 4_000_000_000, 123456.789, OP_DELETE, 2.5, undefined);
  builder.push(2, 1, 1e21, OP_GET, Number.MIN_VALUE, 0);
  const trace = builder.build('test', 3, ['has,comma', 'plain', 'say "hi"\nthere']);
  const csv = traceToCsv(trace);
  assert.equal(
    csv,
    'key,time,size,op,ttl,cost\n' +
      '"has,comma",1e-7,7,get,,0.3333333333333333\n' +
      'plain,0.30000000000000004,100,set,30,0.005\n' +
      'plain,123456.789,4000000000,delete,2.5,\n' +
      '"say ""hi""\nthere",1e+21,1,get,5e-324,0\n',
  );
  assertCsvMatches(csv, trace);
});

test('a generated trace with time and size columns reads back field for field', () => {
  const trace = generateTrace('mix:zipf(alpha=1,keys=1e3)*0.7+scan(keys=200)*0.3,requests=5000,rate=123.4,sizes=1..1e6,seed=3');
  assertCsvMatches(traceToCsv(trace), trace);
});

test('chunks hold whole rows and join to the same text', () => {
  const trace = generateTrace('uniform:keys=50,requests=1000,rate=10');
  const chunks = [...traceCsvChunks(trace, 64)];
  // Header plus 1000 rows in chunks of 64 rows: 16 chunks (the header rides in the first).
  assert.equal(chunks.length, 16);
  for (const chunk of chunks) assert.ok(chunk.endsWith('\n'));
  assert.equal(chunks.join(''), traceToCsv(trace));
});

test('writeTraceCsv streams the same bytes and honours backpressure', async () => {
  const trace = generateTrace('zipf:alpha=0.9,keys=1e4,requests=3e4,rate=100');
  const received: string[] = [];
  let drains = 0;
  const slow = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, callback) {
      received.push(chunk.toString());
      setImmediate(callback);
    },
  });
  slow.on('drain', () => drains++);
  await writeTraceCsv(trace, slow);
  assert.equal(received.join(''), traceToCsv(trace));
  assert.ok(drains > 0, 'never waited for drain');
});
