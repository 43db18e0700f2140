/**
 * Binary traces read and written a chunk at a time: a file written by saveTraceBinary reads
 * back chunk by chunk as the trace it holds, a file written by TraceWriter loads whole as
 * the trace written (checksum included), bad files are refused naming the file, and a
 * writer that gives up leaves nothing behind. Then the streamed grid against the grid in
 * memory, through the library and the CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { TraceFormatError, UsageError } from '../../src/errors.js';
import { loadTraceBinary, readTraceBinary, saveTraceBinary } from '../../src/trace/binary.js';
import { summaryRecordOf } from '../../src/trace/summary.js';
import { chunksFromEndOf, chunksOf, shapeOf, streamColumnsOf } from '../../src/trace/chunks.js';
import { NextUseWindow, writeNextUses } from '../../src/engine/next-uses.js';
import { nextUses } from '../../src/policies/belady.js';
import { tmpdir } from 'node:os';
import { openTraceStream, TraceWriter } from '../../src/trace/stream.js';
import { generateChunks, generateTrace, parseTraceSpec } from '../../src/trace/spec.js';
import { TraceBuilder, type Trace, type TraceChunk } from '../../src/trace/trace.js';
import { simulate, sweep } from '../../src/api/simulate.js';
import type { SimulateOptions, SweepOptions } from '../../src/api/options.js';
import { tempDir } from '../helpers/temp-files.js';
import { comparableTrace, traceFromRequests } from '../helpers/trace.js';
import { assertOneLineFailure, spawnCli } from '../helpers/cli.js';

const files = tempDir('stream');

const requestArb = fc.record({
  id: fc.integer({ min: 0, max: 30 }),
  size: fc.integer({ min: 0, max: 0xffffffff }),
  time: fc.integer({ min: 0, max: 1e6 }),
  op: fc.integer({ min: 0, max: 2 }),
  ttl: fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(NaN)),
  cost: fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constant(NaN)),
});
const columnsArb = fc.record({ sizes: fc.boolean(), times: fc.boolean(), ops: fc.boolean(), ttls: fc.boolean(), costs: fc.boolean() });

type Request = typeof requestArb extends fc.Arbitrary<infer R> ? R : never;
type Columns = typeof columnsArb extends fc.Arbitrary<infer C> ? C : never;

function buildTrace(requests: readonly Request[], columns: Columns, names: boolean): Trace {
  const trace = traceFromRequests(
    requests.map((r) => ({ key: r.id, size: r.size, gap: r.time, op: r.op, ttl: r.ttl, cost: r.cost })),
    columns,
    31,
    'stream-test',
  );
  return names ? generateNamed(trace) : trace;
}

/** The trace with key names `key-<id>` (as a parsed file has). */
function generateNamed(trace: Trace): Trace {
  const named = new TraceBuilder(trace.length);
  for (let i = 0; i < trace.length; i++) named.push(trace.keys[i]!);
  const withNames = named.build(
    'x',
    trace.keySpace,
    Array.from({ length: trace.keySpace }, (_, id) => `key-${id}`),
  );
  return { ...trace, ...(withNames.keyNames && { keyNames: withNames.keyNames }) };
}

/** A chunked read of the file gathered back into whole columns. */
function readStreamed(path: string, chunk: number): Trace {
  const stream = openTraceStream(path);
  try {
    const { shape } = stream;
    const gather = <A extends Uint8Array | Uint32Array | Float64Array>(
      empty: A | undefined,
      name: 'keys' | 'sizes' | 'times' | 'ops' | 'ttls' | 'costs',
    ): A | undefined => {
      if (empty === undefined) return undefined;
      const whole = new (empty.constructor as new (n: number) => A)(shape.length);
      let at = 0;
      for (const part of stream.chunks(chunk)) {
        assert.equal(part.start, at);
        whole.set(part[name] as A, at);
        at += part.length;
      }
      assert.equal(at, shape.length);
      return whole;
    };
    const keys = gather(shape.keys, 'keys')!;
    const [sizes, times, ops, ttls, costs] = [
      gather(shape.sizes, 'sizes'),
      gather(shape.times, 'times'),
      gather(shape.ops, 'ops'),
      gather(shape.ttls, 'ttls'),
      gather(shape.costs, 'costs'),
    ];
    return {
      source: shape.source,
      length: shape.length,
      keySpace: shape.keySpace,
      keys,
      ...(sizes && { sizes }),
      ...(times && { times }),
      ...(ops && { ops }),
      ...(ttls && { ttls }),
      ...(costs && { costs }),
      ...(shape.keyNames && { keyNames: shape.keyNames }),
    };
  } finally {
    stream.close();
  }
}

test('a saved binary trace reads back chunk by chunk as the trace it holds, every column and key name', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(requestArb, { minLength: 0, maxLength: 120 }),
      columnsArb,
      fc.boolean(),
      fc.integer({ min: 1, max: 50 }),
      async (requests, columns, names, chunk) => {
        const trace = buildTrace(requests, columns, names);
        const path = join(files.dir, `saved-${run++}.cbt`);
        await saveTraceBinary(trace, path);
        assert.deepEqual(comparableTrace(readStreamed(path, chunk)), comparableTrace(trace));
      },
    ),
    { numRuns: 60, seed: 3 },
  );
});

test('a trace written chunk by chunk loads whole, checksum checked, as the trace written', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(requestArb, { minLength: 0, maxLength: 120 }),
      columnsArb,
      fc.boolean(),
      fc.integer({ min: 1, max: 50 }),
      async (requests, columns, names, chunk) => {
        const trace = buildTrace(requests, columns, names);
        const path = join(files.dir, `written-${run++}.cbt`);
        const writer = new TraceWriter(path, { length: trace.length, columns: streamColumnsOf(trace), source: trace.source });
        for (const part of chunksOf(trace, chunk)) writer.write(part);
        writer.finish({ keySpace: trace.keySpace, ...(trace.keyNames && { keyNames: trace.keyNames }) });
        const { meta: _meta, ...loaded } = await loadTraceBinary(path);
        assert.deepEqual(comparableTrace(loaded), comparableTrace(trace));
      },
    ),
    { numRuns: 60, seed: 4 },
  );
  assert.deepEqual(
    readdirSync(files.dir).filter((name) => name.endsWith('.tmp')),
    [],
    'no temporary file is left',
  );
});

test('a writer that stops short, or gives up, leaves no file behind', () => {
  const path = join(files.dir, 'short.cbt');
  const writer = new TraceWriter(path, { length: 10, columns: {}, source: 'short' });
  writer.write({ start: 0, length: 4, keys: Uint32Array.from([0, 1, 2, 0]) });
  assert.throws(() => {
    writer.finish({ keySpace: 3 });
  }, /4 of 10 requests written/);
  const other = new TraceWriter(path, { length: 10, columns: { sizes: true }, source: 'short' });
  assert.throws(() => {
    other.write({ start: 0, length: 1, keys: Uint32Array.from([0]) });
  }, /no sizes column/);
  other.abort();
  assert.deepEqual(
    readdirSync(files.dir).filter((name) => name.startsWith('short')),
    [],
  );
});

test('a file that is not a whole binary trace is refused, naming it', async () => {
  const trace = generateTrace('zipf:alpha=0.8,keys=50,requests=500,seed=2');
  const path = join(files.dir, 'whole.cbt');
  await saveTraceBinary(trace, path);
  const bytes = readFileSync(path);
  const truncated = files.write('truncated.cbt', bytes.subarray(0, bytes.length - 100));
  const extended = files.write('extended.cbt', Buffer.concat([bytes, Buffer.alloc(8)]));
  const csv = files.write('not.cbt', 'key\na\n');
  for (const [file, why] of [
    [truncated, /truncated/],
    [extended, /bytes after its end/],
    [csv, /bad magic/],
    [join(files.dir, 'missing.cbt'), /no such file/],
  ] as const) {
    assert.throws(
      () => openTraceStream(file),
      (error: unknown) => error instanceof TraceFormatError && error.message.includes(file) && why.test(error.message),
    );
  }
});

test('the streamed grid gives the result of the grid in memory, byte for byte: TTLs, sizes, sets, warm-up and intervals', async () => {
  // Sets and deletes, sizes and times: the general loop, per-class state across chunks.
  const trace = generateTrace('zipf:alpha=0.9,keys=400,requests=20000,rate=100,writes=0.1,sizes=100..5000,seed=9');
  const path = join(files.dir, 'grid.cbt');
  await saveTraceBinary(trace, path);
  const options = {
    policies: ['lru', 's3-fifo', 'w-tinylfu', 'arc', 'lfu', 'sieve'],
    capacities: [20, 100, 300],
    ttlsMs: [null, 5000],
    warmup: { share: 0.1 },
    intervalRequests: 3000,
  };
  const inMemory = await simulate(trace, options);
  // One thread, and the cells split over 3 threads sharing each chunk: the same bytes.
  for (const [chunk, workers] of [
    [1000, 1],
    [4096, 3],
    [777, 2],
  ] as const) {
    const stream = openTraceStream(path);
    const chunks = stream.chunks.bind(stream);
    const streamed = await simulate(Object.assign(stream, { chunks: () => chunks(chunk) }), { ...options, workers });
    stream.close();
    assert.equal(JSON.stringify(streamed), JSON.stringify(inMemory), `chunks of ${chunk} on ${workers} threads`);
  }
  const { capacities: _entries, ...rest } = options;
  const bytes = { ...rest, unit: 'bytes' as const, capacities: [50_000, 400_000] };
  const stream = openTraceStream(path);
  assert.equal(JSON.stringify(await simulate(stream, bytes)), JSON.stringify(await simulate(trace, bytes)));
  stream.close();
});

test('run --stream on a CSV converts it as it is read: into the trace cache, a named file, or a temporary one; bad rows fail as loading does', () => {
  const csv = join(files.dir, 'convert.csv');
  const trace = generateTrace('zipf:alpha=0.9,keys=3000,requests=300000,rate=100,seed=7');
  // Over a megabyte, so that the trace cache takes it.
  writeFileSync(
    csv,
    'key,time,size\n' + Array.from(trace.keys, (id, i) => `user:${id},${trace.times![i]},${100 + (id % 900)}`).join('\n') + '\n',
  );
  const grid = ['--policies', 'lru,s3-fifo', '--maxsize', '100,1000', '--ttl', 'off,60s', '--format', 'json'];
  const loaded = spawnCli('run', csv, '--no-trace-cache', ...grid);
  assert.equal(loaded.code, 0, loaded.stderr);
  const temporaries = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith(`cachebench-stream-`));
  const before = temporaries();

  const first = spawnCli('run', csv, '--stream', ...grid);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, loaded.stdout);
  assert.match(first.stderr, /converting .*convert\.csv to a binary trace for --stream \(kept in the trace cache/);
  // The next run streams the cached conversion at once, and a load of the file reads it too.
  const again = spawnCli('run', csv, '--stream', ...grid);
  assert.equal(again.stdout, loaded.stdout);
  assert.doesNotMatch(again.stderr, /converting/);

  const named = join(files.dir, 'named.cbt');
  const into = spawnCli('run', csv, '--stream', '--cache-trace', named, ...grid);
  assert.equal(into.stdout, loaded.stdout);
  assert.match(into.stderr, /into .*named\.cbt/);
  assert.deepEqual(comparableTrace({ ...openTraceStream(named).shape, source: csv }).length, trace.length);

  const temporary = spawnCli('run', csv, '--stream', '--no-trace-cache', ...grid);
  assert.equal(temporary.stdout, loaded.stdout);
  assert.match(temporary.stderr, /converting/);
  assert.deepEqual(temporaries(), before, 'the temporary binary trace is removed');

  // A bad row deep in the file: the load's own one-line error, and no binary trace left behind.
  const bad = join(files.dir, 'bad.csv');
  const lines = readFileSync(csv, 'utf8').split('\n');
  lines[250_000] = 'user:5,soon,10';
  writeFileSync(bad, lines.join('\n'));
  const badNamed = join(files.dir, 'bad.cbt');
  const failed = spawnCli('run', bad, '--stream', '--cache-trace', badNamed, ...grid);
  assert.equal(failed.code, 2, failed.stderr);
  assert.match(failed.stderr, /bad\.csv:250001:2: column 2 \(time\): 'soon' is not a number of seconds/);
  assert.equal(failed.stderr.trim().split('\n').length, 2, 'the converting line, then the error');
  assert.deepEqual(
    readdirSync(files.dir).filter((name) => name.startsWith('bad.cbt')),
    [],
  );
});

test('what needs the whole trace at once is refused on a stream, saying why', async () => {
  const trace = generateTrace('zipf:alpha=0.9,keys=100,requests=2000,rate=10,seed=1');
  const path = join(files.dir, 'refused.cbt');
  await saveTraceBinary(trace, path);
  const refusals: [SimulateOptions, RegExp][] = [
    [{ policies: ['lru'], capacities: [10], warmup: { ms: 30_000 } }, /not a duration/],
    [{ policies: ['lru'], capacities: [10], stampede: 'coalesce' }, /need the whole trace in memory/],
  ];
  for (const [options, why] of refusals) {
    const stream = openTraceStream(path);
    await assert.rejects(simulate(stream, options), (error: unknown) => error instanceof UsageError && why.test(error.message));
    stream.close();
  }
});

test('cachebench run --stream prints what run prints for the loaded trace, and refuses what it cannot stream', () => {
  const csv = join(files.dir, 'cli.csv');
  const trace = generateTrace('zipf:alpha=0.9,keys=300,requests=30000,seed=5');
  writeFileSync(csv, 'key\n' + Array.from(trace.keys, (id) => `k${id}`).join('\n') + '\n');
  const cbt = join(files.dir, 'cli.cbt');
  const grid = ['--policies', 'lru,s3-fifo,w-tinylfu', '--maxsize', '10%,50', '--format', 'json'];
  const loaded = spawnCli('run', csv, '--cache-trace', cbt, ...grid);
  assert.equal(loaded.code, 0, loaded.stderr);
  const streamed = spawnCli('run', cbt, '--stream', ...grid);
  assert.equal(streamed.code, 0, streamed.stderr);
  assert.equal(streamed.stdout, loaded.stdout);

  // A binary trace too big to load comfortably streams without being asked, and says so.
  process.env.CACHEBENCH_STREAM_ABOVE = '1KiB';
  try {
    const byItself = spawnCli('run', cbt, ...grid);
    assert.equal(byItself.code, 0, byItself.stderr);
    assert.match(byItself.stderr, /cli\.cbt takes .*, more than 1KiB loaded: streaming it \(as --stream\)/);
    assert.equal(byItself.stdout, loaded.stdout);
  } finally {
    delete process.env.CACHEBENCH_STREAM_ABOVE;
  }
  // Belady's next uses come from a backward pass over the file, kept on disk: the same rows.
  const offline = ['--policies', 'belady,belady:bypass=true', '--maxsize', '10,50', '--format', 'json'];
  const offlineLoaded = spawnCli('run', cbt, '--no-trace-cache', ...offline);
  const offlineStreamed = spawnCli('run', cbt, '--stream', ...offline);
  assert.equal(offlineStreamed.code, 0, offlineStreamed.stderr);
  assert.equal(offlineStreamed.stdout, offlineLoaded.stdout);
  assertOneLineFailure(spawnCli('run', cbt, '--stream', '--capacity', '10%'), /--capacity/);
  assertOneLineFailure(spawnCli('run', cbt, '--stream', '--tiers', 'lru:10@0.05ms,lru:100@1ms'), /^cachebench: --stream: tiers, fleets/);
});

test('next uses from a backward pass on disk, read a window at a time, are those Belady computes in memory, deletes and all', () => {
  fc.assert(
    fc.property(
      fc.array(requestArb, { minLength: 0, maxLength: 200 }),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 16 }),
      (requests, chunk, window) => {
        const trace = buildTrace(requests, { sizes: false, times: false, ops: true, ttls: false, costs: false }, false);
        const file = writeNextUses({
          shape: shapeOf(trace),
          chunks: () => chunksOf(trace, chunk),
          chunksFromEnd: () => chunksFromEndOf(trace, chunk),
        });
        try {
          const expected = nextUses({ capacity: 1, unit: 'entries', keySpace: trace.keySpace, seed: 1, trace });
          assert.equal(file.count, expected.length);
          const reader = new NextUseWindow(file, window);
          const read = Array.from({ length: expected.length + 2 }, (_, t) => reader.at(t));
          assert.deepEqual(read, [...expected, Infinity, Infinity]);
        } finally {
          file.remove();
        }
      },
    ),
    { numRuns: 80, seed: 8 },
  );
});

test('Belady streamed over a trace with deletes, on one thread and on three, gives the rows of Belady in memory', async () => {
  const requests = Array.from({ length: 3000 }, (_, i) => ({
    id: ((i * 7919) % 97) % (1 + (i % 41)),
    size: 1,
    time: 1,
    op: i % 13 === 0 ? 2 : i % 5 === 0 ? 1 : 0,
    ttl: NaN,
    cost: NaN,
  }));
  const trace = buildTrace(requests, { sizes: false, times: true, ops: true, ttls: false, costs: false }, false);
  const path = join(files.dir, 'belady.cbt');
  await saveTraceBinary(trace, path);
  const options: SimulateOptions = { policies: ['belady', 'belady:bypass=true', 'lru'], capacities: [4, 16, 30] };
  const inMemory = JSON.stringify(await simulate(trace, options));
  for (const workers of [1, 3]) {
    const stream = openTraceStream(path);
    assert.equal(JSON.stringify(await simulate(stream, { ...options, workers })), inMemory, `${workers} threads`);
    stream.close();
  }
  assert.deepEqual(
    readdirSync(tmpdir()).filter((name) => name.startsWith('cachebench-next-uses-')),
    [],
    'the next-use file is removed',
  );
});

test('a spec drawn chunk by chunk is the trace generateTrace gives, column for column and name for name', () => {
  for (const text of [
    'zipf:alpha=0.9,keys=500,requests=5000,seed=3',
    'uniform:keys=300,requests=4000,rate=50,arrivals=poisson,writes=0.2,sizes=10..1000,seed=4',
    'mix:zipf(alpha=1.1,keys=200,prefix=a:)*0.7+scan(keys=300,prefix=b:)*0.3,requests=3000,size=64,rate=10',
  ]) {
    const whole = generateTrace(text);
    for (const chunk of [1, 999, 5000]) {
      const chunks = generateChunks(parseTraceSpec(text), chunk);
      const parts: TraceChunk[] = [];
      let step = chunks.next();
      for (; step.done !== true; step = chunks.next()) parts.push(structuredClone(step.value));
      const column = (name: 'keys' | 'sizes' | 'times' | 'ops'): number[] | undefined =>
        parts[0]?.[name] === undefined ? undefined : parts.flatMap((part) => Array.from(part[name]!));
      assert.deepEqual(column('keys'), Array.from(whole.keys), `${text} keys in chunks of ${chunk}`);
      assert.deepEqual(column('sizes'), whole.sizes && Array.from(whole.sizes));
      assert.deepEqual(column('times'), whole.times && Array.from(whole.times));
      assert.deepEqual(column('ops'), whole.ops && Array.from(whole.ops));
      assert.equal(step.value.keySpace, whole.keySpace);
      assert.deepEqual(step.value.keyNames, whole.keyNames?.toArray());
    }
  }
});

test('cachebench gen SPEC --out FILE.cbt writes a binary trace as it is drawn, which --stream replays as run replays the spec', () => {
  const spec = 'zipf:alpha=0.9,keys=2000,requests=50000,rate=100,writes=0.1,seed=6';
  const cbt = join(files.dir, 'gen.cbt');
  const gen = spawnCli('gen', spec, '--out', cbt);
  assert.equal(gen.code, 0, gen.stderr);
  assert.match(gen.stderr, /wrote .*gen\.cbt: 50,000 requests over 1,999 keys, binary/);
  const grid = ['--policies', 'lru,s3-fifo,belady', '--maxsize', '100,500', '--ttl', 'off,30s', '--format', 'json'];
  const fromSpec = spawnCli('run', spec, ...grid);
  const streamed = spawnCli('run', cbt, '--stream', ...grid);
  assert.equal(streamed.code, 0, streamed.stderr);
  assert.equal(streamed.stdout, fromSpec.stdout);
  assertOneLineFailure(spawnCli('gen', 'hotkey:rate=100,duration=10s,ttl=1s', '--out', join(files.dir, 'hot.cbt')), /--out.*hotkey/);
  assert.deepEqual(
    readdirSync(files.dir).filter((name) => name.startsWith('hot')),
    [],
  );
});

test('cachebench gen SPEC --out FILE.cbt stores the summary of the trace it draws, as every other writer does', async () => {
  // Past the summarizer's first 4096 ids and over two chunks (new ids in the second), with sizes
  // (each key's last size); and with writes and times.
  for (const spec of [
    'zipf:alpha=0.6,keys=300000,requests=1200000,sizes=10..2000,seed=4',
    'zipf:alpha=0.9,keys=2000,requests=50000,rate=100,writes=0.1,seed=6',
  ]) {
    const cbt = join(files.dir, 'gen-summary.cbt');
    const gen = spawnCli('gen', spec, '--out', cbt);
    assert.equal(gen.code, 0, gen.stderr);
    const { summary } = await readTraceBinary(cbt);
    assert.ok(summary !== undefined, `${spec}: a summary is stored`);
    assert.deepEqual(summary, summaryRecordOf(generateTrace(spec)), spec);
  }
});

test('the streamed sweep gives the sweep in memory byte for byte: Mattson LRU curves, replayed curves, deletes, bytes, sampling', async () => {
  const withSizes = generateTrace('zipf:alpha=0.9,keys=3000,requests=40000,sizes=10..2000,seed=12');
  const deleting = buildTrace(
    Array.from({ length: 6000 }, (_, i) => ({
      id: (i * 31) % 29,
      size: 1,
      time: 1,
      op: i % 17 === 0 ? 2 : i % 7 === 0 ? 1 : 0,
      ttl: NaN,
      cost: NaN,
    })),
    { sizes: false, times: true, ops: true, ttls: false, costs: false },
    true,
  );
  const cases: [Trace, SweepOptions][] = [
    [withSizes, { policies: ['lru', 's3-fifo', 'sieve'], capacities: [16, 64, 256, 1024, 2048] }],
    [withSizes, { policies: ['lru', 'arc'], unit: 'bytes', capacities: [10_000, 100_000, 1_000_000] }],
    [deleting, { policies: ['lru', 'belady'], capacities: [2, 4, 8, 16], ttlsMs: [null, 3000] }],
    [deleting, { policies: ['lru'] }],
    // Sampled as it is read: SHARDS and MiniSim on the four samples, bands and all.
    [withSizes, { policies: ['lru', 's3-fifo'], capacities: [256, 1024, 2048], sample: 0.3 }],
    [deleting, { policies: ['lru', 'fifo'], capacities: [8, 16], sample: 0.5 }],
  ];
  let k = 0;
  for (const [trace, options] of cases) {
    const path = join(files.dir, `sweep-${k++}.cbt`);
    await saveTraceBinary(trace, path);
    const inMemory = await sweep(trace, options);
    const stream = openTraceStream(path);
    const streamed = await sweep(stream, { ...options, workers: 2 });
    stream.close();
    assert.equal(JSON.stringify(streamed), JSON.stringify(inMemory), `case ${k}`);
  }
  const path = join(files.dir, 'sweep-0.cbt');
  for (const [options, why] of [[{ recommend: { targetHitRate: 0.5 } }, /bisecting sizes/]] as const) {
    const stream = openTraceStream(path);
    await assert.rejects(sweep(stream, options), (error: unknown) => error instanceof UsageError && why.test(error.message));
    stream.close();
  }
});

test('cachebench sweep --stream prints what sweep prints for the loaded trace', () => {
  const cbt = join(files.dir, 'sweep-cli.cbt');
  assert.equal(spawnCli('gen', 'zipf:alpha=0.8,keys=5000,requests=60000,seed=2', '--out', cbt).code, 0);
  const args = ['sweep', cbt, '-p', 'lru,s3-fifo', '-m', '16..4096', '--format', 'json'];
  const loaded = spawnCli(...args, '--no-trace-cache');
  const streamed = spawnCli(...args, '--stream');
  assert.equal(streamed.code, 0, streamed.stderr);
  assert.equal(streamed.stdout, loaded.stdout);
  assertOneLineFailure(spawnCli(...args, '--stream', '--shard', '1/2', '--sample', '0.2'), /drop --shard or --sample/);
  assertOneLineFailure(spawnCli(...args, '--stream', '--target-hit-rate', '0.5'), /--target-hit-rate: a target is met by bisecting sizes/);
  const sampledLoaded = spawnCli(...args, '--sample', '0.2', '--no-trace-cache');
  const sampledStreamed = spawnCli(...args, '--sample', '0.2', '--stream');
  assert.equal(sampledStreamed.code, 0, sampledStreamed.stderr);
  assert.equal(sampledStreamed.stdout, sampledLoaded.stdout);
  assert.match(sampledStreamed.stdout, /"estimates": true/);
  // A budget in keys (fixed-size SHARDS), streamed or not.
  const budgetLoaded = spawnCli(...args, '--sample', '1000keys', '--no-trace-cache');
  const budgetStreamed = spawnCli(...args, '--sample', '1000keys', '--stream');
  assert.equal(budgetStreamed.code, 0, budgetStreamed.stderr);
  assert.equal(budgetStreamed.stdout, budgetLoaded.stdout);
  assert.ok((JSON.parse(budgetStreamed.stdout) as { sampling: { sampledKeys: number } }).sampling.sampledKeys <= 1000);
  assertOneLineFailure(spawnCli(...args, '--sample', 'manykeys'), /--sample/);
});

test('cachebench gate over a binary trace past the streaming line streams it, with the verdict and JSON of the loaded run', () => {
  const cbt = join(files.dir, 'gate.cbt');
  assert.equal(spawnCli('gen', 'zipf:alpha=0.9,keys=2000,requests=40000,seed=8', '--out', cbt).code, 0);
  const config = join(files.dir, 'cachebench.config.json');
  writeFileSync(
    config,
    JSON.stringify({ trace: cbt, policies: ['lru', 's3-fifo'], maxsize: [64, 512], asserts: ['s3-fifo@512.hitRate>=0.5'] }),
  );
  const loaded = spawnCli('gate', '--config', config, '--format', 'json');
  assert.equal(loaded.code, 0, loaded.stderr);
  process.env.CACHEBENCH_STREAM_ABOVE = '1KiB';
  try {
    const streamed = spawnCli('gate', '--config', config, '--format', 'json');
    assert.equal(streamed.code, 0, streamed.stderr);
    assert.match(streamed.stderr, /streaming it \(as --stream\)/);
    assert.match(streamed.stderr, /pass s3-fifo@512\.hitRate>=0\.5/);
    assert.equal(streamed.stdout, loaded.stdout);
    const failing = spawnCli('gate', '--config', config, '--assert', 'lru@64.hitRate>=0.99');
    assert.equal(failing.code, 1, failing.stderr);
  } finally {
    delete process.env.CACHEBENCH_STREAM_ABOVE;
  }
});
