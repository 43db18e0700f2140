/**
 * Whole-second times are kept in a Uint32Array (4 bytes a request instead of 8). The form
 * must never change a value: every reader, the binary cache and the replay engine must see
 * exactly the times a Float64Array would hold, and the first time that does not fit must
 * widen the column without losing the ones before it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { replay } from '../../src/engine/replay.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import { loadTraceBinary, saveTraceBinary } from '../../src/trace/binary.js';
import { loadTraceFile } from '../../src/trace/csv.js';
import { generateTrace } from '../../src/trace/spec.js';
import { TraceBuilder, type Trace } from '../../src/trace/trace.js';
import { tempDir } from '../helpers/temp-files.js';

const files = tempDir('time-column');

const timeValue = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  fc.double({ min: 0, max: 2 ** 33, noNaN: true }),
  fc.constantFrom(2 ** 32, 0.5, 1e-9),
);

test('the column is a Uint32Array exactly when every time is a whole second below 2^32, and holds the values given', () => {
  fc.assert(
    fc.property(fc.array(fc.option(timeValue, { nil: undefined }), { minLength: 1, maxLength: 60 }), (times) => {
      const builder = new TraceBuilder(4);
      times.forEach((time) => builder.push(0, undefined, time));
      const trace = builder.build('t', 1);
      const given = times.filter((time) => time !== undefined);
      if (given.length === 0) {
        assert.equal(trace.times, undefined);
        return;
      }
      const whole = given.every((time) => Number.isInteger(time) && time < 2 ** 32);
      assert.equal(trace.times instanceof Uint32Array, whole);
      assert.equal(trace.times instanceof Float64Array, !whole);
      // Rows without a time before the first one take their index; after it, also their index.
      assert.deepEqual(
        Array.from(trace.times!),
        times.map((time, i) => time ?? i),
      );
    }),
    { numRuns: 300, seed: 5 },
  );
});

test('CSV: whole seconds load as Uint32, a fraction anywhere (even after the first batch) widens the column, both readers agree', async () => {
  let whole = 'key,time,size\n';
  for (let i = 0; i < 6000; i++) whole += `k${i % 97},${1_700_000_000 + (i >> 2)},${i % 500}\n`;
  const late = whole + 'k1,1700002000.25,7\nk2,1700002001,8\n';
  for (const reader of ['auto', 'csv-parse'] as const) {
    const wholeTrace = await loadTraceFile(files.write(`whole-${reader}.csv`, whole), { reader });
    assert.ok(wholeTrace.times instanceof Uint32Array, reader);
    assert.equal(wholeTrace.times[5999], 1_700_000_000 + (5999 >> 2));

    const lateTrace = await loadTraceFile(files.write(`late-${reader}.csv`, late), { reader });
    assert.ok(lateTrace.times instanceof Float64Array, reader);
    assert.deepEqual(Array.from(lateTrace.times.subarray(0, 6000)), Array.from(wholeTrace.times));
    assert.deepEqual(Array.from(lateTrace.times.subarray(6000)), [1700002000.25, 1700002001]);
  }
});

test('the binary cache keeps a whole-second column as such, and still reads version-1 files', async () => {
  const trace = await loadTraceFile(files.write('cache.csv', 'key,time\na,10\nb,11\na,4000000000\n'));
  assert.ok(trace.times instanceof Uint32Array);
  const path = `${files.dir}/cache.cbt`;
  await saveTraceBinary(trace, path);
  const loaded = await loadTraceBinary(path);
  assert.ok(loaded.times instanceof Uint32Array);
  assert.deepEqual(Array.from(loaded.times), [10, 11, 4e9]);

  // A version-1 file: Float64 times, no whole-seconds flag.
  const fractional = await loadTraceFile(files.write('v1.csv', 'key,time\na,0.5\nb,1.5\n'));
  const v1Path = `${files.dir}/v1.cbt`;
  await saveTraceBinary(fractional, v1Path);
  const bytes = readFileSync(v1Path);
  bytes.writeUInt32LE(1, 8);
  const v1 = await loadTraceBinary(files.write('v1-patched.cbt', bytes));
  assert.ok(v1.times instanceof Float64Array);
  assert.deepEqual(Array.from(v1.times), [0.5, 1.5]);
});

test('replays give identical counts whether the same times are held as Uint32 or Float64', () => {
  // Whole-second arrivals (rate=1, fixed) make the synthetic generator's column Uint32.
  const narrow = generateTrace('zipf:alpha=0.9,keys=500,requests=20000,seed=3,rate=1,arrivals=fixed,sizes=10..1000');
  assert.ok(narrow.times instanceof Uint32Array);
  const wide: Trace = { ...narrow, times: Float64Array.from(narrow.times) };
  for (const policy of ['ttl', 'lru', 'redis-lru', 's3-fifo']) {
    for (const ttl of [undefined, 30]) {
      const config = {
        policy: parsePolicySpec(policy),
        capacity: 100,
        unit: 'entries' as const,
        seed: 1,
        ...(ttl !== undefined && { ttl }),
      };
      assert.deepEqual(replay(narrow, config), replay(wide, config), `${policy} ttl=${ttl}`);
    }
  }
});
