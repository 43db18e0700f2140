import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/errors.js';
import { generateTrace, isSyntheticSpec, parseTraceSpec } from '../../src/trace/spec.js';
import type { Trace } from '../../src/trace/trace.js';
import { traceToCsv } from '../../src/trace/write.js';

/** The key label of every request, in order. */
function labels(trace: Trace): number[] {
  return Array.from(trace.keys, (id) => Number(trace.keyNames!.get(id)));
}

test('recognises spec strings, not file names', () => {
  for (const text of ['zipf:alpha=1,keys=10,requests=5', 'uniform:keys=1', 'scan', 'mix:zipf(alpha=1,keys=2)']) {
    assert.ok(isSyntheticSpec(text), text);
  }
  for (const text of ['traces/sample.csv', 'zipfian.csv', 'scans/x.csv', 'mixed:1']) assert.ok(!isSyntheticSpec(text), text);
});

test('parses every parameter, with defaults resolved', () => {
  assert.deepEqual(parseTraceSpec('zipf:alpha=0.9,keys=1e5,requests=100_000'), {
    text: 'zipf:alpha=0.9,keys=1e5,requests=100_000',
    workload: { kind: 'zipf', alpha: 0.9, keys: 100_000 },
    requests: 100_000,
    seed: 1,
    arrivals: 'poisson',
  });
  assert.deepEqual(
    parseTraceSpec(
      ' mix: zipf(alpha=1, keys=1e3)*4 + scan(keys=500), requests=1e4, seed=0, rate=50, arrivals=fixed, sizes=1KB..2KB, keyspace=shared ',
    ),
    {
      text: 'mix: zipf(alpha=1, keys=1e3)*4 + scan(keys=500), requests=1e4, seed=0, rate=50, arrivals=fixed, sizes=1KB..2KB, keyspace=shared',
      workload: {
        kind: 'mix',
        components: [
          { workload: { kind: 'zipf', alpha: 1, keys: 1000 }, weight: 4 },
          { workload: { kind: 'scan', keys: 500 }, weight: 1 },
        ],
        keySpace: 'shared',
      },
      requests: 10_000,
      seed: 0,
      rate: 50,
      arrivals: 'fixed',
      sizes: { min: 1024, max: 2048 },
    },
  );
  assert.equal(parseTraceSpec('scan:keys=4,requests=8,size=4KB').size, 4096);
});

test('the same spec and seed give byte-identical CSV; another seed differs', () => {
  const spec = 'mix:zipf(alpha=0.9,keys=1e4)*0.8+uniform(keys=100)*0.2,requests=2e4,rate=100,sizes=10..1000';
  const first = traceToCsv(generateTrace(spec + ',seed=7'));
  assert.equal(traceToCsv(generateTrace(spec + ',seed=7')), first);
  assert.notEqual(traceToCsv(generateTrace(spec + ',seed=8')), first);
  // The default seed is 1.
  assert.equal(
    traceToCsv(generateTrace('zipf:alpha=1,keys=100,requests=1000')),
    traceToCsv(generateTrace('zipf:alpha=1,keys=100,requests=1000,seed=1')),
  );
});

test('ids are dense in first-seen order and keyNames give each id its label', () => {
  const trace = generateTrace('zipf:alpha=1.1,keys=1e4,requests=5000,seed=3');
  assert.equal(trace.length, 5000);
  assert.equal(trace.source, 'zipf:alpha=1.1,keys=1e4,requests=5000,seed=3');
  assert.equal(trace.keyNames!.length, trace.keySpace);
  let nextNew = 0;
  for (const id of trace.keys) {
    assert.ok(id <= nextNew, `id ${id} appears before id ${nextNew}`);
    if (id === nextNew) nextNew++;
  }
  assert.equal(nextNew, trace.keySpace);
  assert.equal(new Set(trace.keyNames).size, trace.keySpace);
  for (const name of trace.keyNames!) assert.ok(/^\d+$/.test(name) && Number(name) < 10_000, name);
});

test('scan walks keys 0..keys-1 in order and wraps around', () => {
  const trace = generateTrace('scan:keys=3,requests=8');
  assert.deepEqual(labels(trace), [0, 1, 2, 0, 1, 2, 0, 1]);
  assert.deepEqual(Array.from(trace.keys), [0, 1, 2, 0, 1, 2, 0, 1]);
  assert.equal(trace.keySpace, 3);
  assert.equal(trace.times, undefined);
  assert.equal(trace.sizes, undefined);
  // Fewer requests than keys: only the keys reached exist.
  assert.equal(generateTrace('scan:keys=1e6,requests=10').keySpace, 10);
});

test('uniform draws every key about equally often (chi-square)', () => {
  const keys = 100;
  const requests = 100_000;
  const trace = generateTrace(`uniform:keys=${keys},requests=${requests},seed=5`);
  assert.equal(trace.keySpace, keys);
  const counts = new Array<number>(keys).fill(0);
  for (const label of labels(trace)) counts[label]!++;
  const expected = requests / keys;
  const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
  // 99 degrees of freedom (mean 99, sd 14): P(chi2 > 180) ~ 1e-6.
  assert.ok(chiSquare < 180, `chi-square ${chiSquare.toFixed(1)}`);
});

test('alpha=0 zipf is uniform', () => {
  const trace = generateTrace('zipf:alpha=0,keys=50,requests=50000');
  const counts = new Array<number>(50).fill(0);
  for (const label of labels(trace)) counts[label]!++;
  const chiSquare = counts.reduce((sum, c) => sum + (c - 1000) ** 2 / 1000, 0);
  // 49 degrees of freedom: P(chi2 > 110) ~ 2e-6.
  assert.ok(chiSquare < 110, `chi-square ${chiSquare.toFixed(1)}`);
});

test('mix: component shares follow the weights and key spaces are disjoint by default', () => {
  const trace = generateTrace('mix:zipf(alpha=0.9,keys=1000)*0.8+scan(keys=500)*0.2,requests=1e5,seed=2');
  const all = labels(trace);
  // Disjoint: zipf labels are 0..999, the scan's are shifted to 1000..1499.
  const scan = all.filter((label) => label >= 1000);
  assert.ok(all.every((label) => label < 1500));
  // Share of the scan: binomial sd sqrt(0.16 / 1e5) ~ 0.0013.
  assert.ok(Math.abs(scan.length / all.length - 0.2) < 0.01, `scan share ${scan.length / all.length}`);
  // The scan advances only when picked, so its own subsequence is an exact loop.
  scan.forEach((label, i) => {
    assert.equal(label, 1000 + (i % 500));
  });
  assert.equal(trace.keySpace, new Set(all).size);
});

test('mix: weights are relative and default to 1; three components', () => {
  const trace = generateTrace('mix:scan(keys=10)+scan(keys=10)*2+uniform(keys=10)*1,requests=40000,seed=4');
  const shares = [0, 0, 0];
  for (const label of labels(trace)) shares[Math.floor(label / 10)]!++;
  const expected = [0.25, 0.5, 0.25];
  shares.forEach((count, i) => {
    assert.ok(Math.abs(count / 40000 - expected[i]!) < 0.015, `component ${i}: ${count / 40000}`);
  });
});

test('mix: keyspace=shared overlays the components on the same labels', () => {
  const shared = generateTrace('mix:zipf(alpha=1,keys=50)+scan(keys=100),requests=1e4,keyspace=shared');
  assert.equal(shared.keySpace, 100);
  assert.ok(shared.keyNames!.toArray().every((name) => Number(name) < 100));
  const disjoint = generateTrace('mix:zipf(alpha=1,keys=50)+scan(keys=100),requests=1e4');
  assert.equal(disjoint.keySpace, 150);
});

test('rate: Poisson arrivals are non-decreasing with mean gap 1/rate and exponential spread', () => {
  const trace = generateTrace('zipf:alpha=1,keys=1000,requests=1e5,rate=1000');
  const times = trace.times!;
  assert.equal(times[0], 0);
  let sum = 0;
  let sumSquares = 0;
  for (let i = 1; i < times.length; i++) {
    const gap = times[i]! - times[i - 1]!;
    assert.ok(gap >= 0, `time goes back at ${i}`);
    sum += gap;
    sumSquares += gap * gap;
  }
  const mean = sum / (times.length - 1);
  // Standard error of the mean gap is 1e-3 / sqrt(1e5) ~ 0.3%.
  assert.ok(Math.abs(mean - 1e-3) < 2e-5, `mean gap ${mean}`);
  // Exponential gaps have coefficient of variation 1 (evenly spaced ones would have 0).
  const cv = Math.sqrt(sumSquares / (times.length - 1) - mean * mean) / mean;
  assert.ok(Math.abs(cv - 1) < 0.05, `coefficient of variation ${cv}`);
});

test('rate with arrivals=fixed spaces requests exactly 1/rate apart', () => {
  const trace = generateTrace('scan:keys=5,requests=1000,rate=250,arrivals=fixed');
  for (let i = 0; i < 1000; i++) assert.equal(trace.times![i], i / 250);
});

test('adding rate or sizes does not change the key sequence', () => {
  const base = generateTrace('mix:zipf(alpha=0.8,keys=1e4)*3+uniform(keys=1e3),requests=1e4,seed=9');
  const decorated = generateTrace('mix:zipf(alpha=0.8,keys=1e4)*3+uniform(keys=1e3),requests=1e4,seed=9,rate=10,sizes=1..1e6');
  assert.deepEqual(decorated.keys, base.keys);
  assert.deepEqual(decorated.keyNames?.toArray(), base.keyNames?.toArray());
});

test('sizes: fixed per key, within the range, spread log-uniformly; size: one value', () => {
  const trace = generateTrace('uniform:keys=2000,requests=2e4,sizes=100..10000');
  const sizeOf = new Map<number, number>();
  let belowGeometricMiddle = 0;
  for (let i = 0; i < trace.length; i++) {
    const id = trace.keys[i]!;
    const size = trace.sizes![i]!;
    assert.ok(size >= 100 && size <= 10_000, `size ${size}`);
    const earlier = sizeOf.get(id);
    if (earlier === undefined) {
      sizeOf.set(id, size);
      if (size < 1000) belowGeometricMiddle++;
    } else assert.equal(size, earlier, `key ${id} changed size`);
  }
  // Log-uniform: half the keys below sqrt(100 x 10000) = 1000 (binomial sd ~ 22 of 2000).
  assert.ok(Math.abs(belowGeometricMiddle / sizeOf.size - 0.5) < 0.05, `${belowGeometricMiddle} of ${sizeOf.size} below 1000`);
  const fixed = generateTrace('scan:keys=3,requests=6,size=4KB');
  assert.deepEqual(Array.from(fixed.sizes!), [4096, 4096, 4096, 4096, 4096, 4096]);
  const single = generateTrace('scan:keys=3,requests=3,sizes=64..64');
  assert.deepEqual(Array.from(single.sizes!), [64, 64, 64]);
});

test('zipf over a key space far larger than the trace keeps only the keys seen', () => {
  const trace = generateTrace('zipf:alpha=0.6,keys=4e9,requests=1000');
  assert.ok(trace.keySpace <= 1000 && trace.keySpace > 900, `keySpace ${trace.keySpace}`);
  assert.ok(trace.keyNames!.toArray().every((name) => Number(name) < 4e9));
});

const BAD_SPECS: [spec: string, fragment: string][] = [
  ['zipff:alpha=1,keys=10,requests=5', "unknown generator 'zipff'"],
  ['zipf:alpha=1,keys=10', "missing parameter 'requests'"],
  ['zipf:keys=10,requests=5', "missing parameter 'alpha' for zipf"],
  ['uniform:requests=5', "missing parameter 'keys' for uniform"],
  ['zipf:alpha=1,keys=10,requests=5,alpah=2', "unknown parameter 'alpah' for zipf"],
  ['scan:keys=10,requests=5,alpha=1', "unknown parameter 'alpha' for scan"],
  ['zipf:alpha=-0.5,keys=10,requests=5', "alpha must be >= 0, got '-0.5'"],
  ['zipf:alpha=abc,keys=10,requests=5', "alpha: 'abc' is not a number"],
  ['zipf:alpha=1,keys=0,requests=5', "keys: '0' is not a positive whole number"],
  ['scan:keys=10,requests=1.5', "requests: '1.5' is not a positive whole number"],
  ['scan:keys=10,requests=5,keys=3', "parameter 'keys' given twice"],
  ['scan:keys=10,,requests=5', 'empty parameter'],
  ['scan:keys=10,requests', "'requests' should be name=value"],
  ['scan:keys=10,requests=5,seed=-1', "seed: '-1' is not a non-negative whole number"],
  ['scan:keys=10,requests=5,rate=0', 'rate must be a positive number'],
  ['scan:keys=10,requests=5,arrivals=fixed', 'arrivals needs rate='],
  ['scan:keys=10,requests=5,rate=1,arrivals=burst', "arrivals must be 'poisson' or 'fixed'"],
  ['scan:keys=10,requests=5,size=0', "size: '0' must be a positive byte size"],
  ['scan:keys=10,requests=5,sizes=100', 'sizes must be a range LO..HI'],
  ['scan:keys=10,requests=5,sizes=1000..10', 'sizes: 1000 is larger than 10'],
  ['scan:keys=10,requests=5,size=1,sizes=1..2', 'not both'],
  ['scan:keys=10,requests=5,size=100..10000', 'for a range of sizes give sizes=100..10000'],
  ['mix:requests=5', "mix needs components right after 'mix:'"],
  ['mix:zipf(alpha=1,keys=10)*0+scan(keys=3),requests=5', "weight of zipf(...) must be positive, got '0'"],
  ['mix:zipf(alpha=1,keys=10)*-2+scan(keys=3),requests=5', "weight of zipf(...) must be positive, got '-2'"],
  ['mix:zipf(alpha=1,keys=10)+lru(keys=3),requests=5', "unknown mix component 'lru'"],
  ['mix:zipf(alpha=1,keys=10,requests=5)+scan(keys=3),requests=5', "'requests' applies to the whole mix"],
  ['mix:zipf(alpha=1,keys=10+scan(keys=3),requests=5', "unbalanced '('"],
  ['mix:zipf(keys=10)+scan(keys=3),requests=5', "missing parameter 'alpha' for zipf"],
  ['mix:zipf(alpha=1,keys=10)+scan(keys=3),requests=5,keyspace=overlap', "keyspace must be 'disjoint' or 'shared'"],
  ['uniform:keys=10,requests=5,keyspace=shared', "unknown parameter 'keyspace' for uniform"],
  ['scan:keys=5e9,requests=5', 'more than the limit of 2^32'],
];

for (const [spec, fragment] of BAD_SPECS) {
  test(`bad spec '${spec}' is a one-line UsageError naming the spec and '${fragment}'`, () => {
    assert.throws(
      () => generateTrace(spec),
      (error: unknown) => {
        assert.ok(error instanceof UsageError, `not a UsageError: ${String(error)}`);
        assert.ok(error.message.startsWith(`trace spec '${spec}': `), error.message);
        assert.ok(error.message.includes(fragment), `'${error.message}' lacks '${fragment}'`);
        assert.ok(!error.message.includes('\n'), 'message spans lines');
        return true;
      },
    );
  });
}

test("prefix= names a component's keys for per-class TTLs, and leaves the key sequence as it was", () => {
  const plain = generateTrace('mix:zipf(alpha=1,keys=100)*0.8+uniform(keys=50)*0.2,requests=2000,seed=3');
  const named = generateTrace('mix:zipf(alpha=1,keys=100,prefix=user:)*0.8+uniform(keys=50,prefix=order:)*0.2,requests=2000,seed=3');
  assert.deepEqual(named.keys, plain.keys);
  for (let id = 0; id < named.keySpace; id++) {
    const label = Number(plain.keyNames!.get(id));
    assert.equal(named.keyNames!.get(id), `${label < 100 ? 'user:' : 'order:'}${label}`);
  }
  assert.equal(generateTrace('zipf:alpha=1,keys=10,requests=5,prefix=k-').keyNames!.get(0).startsWith('k-'), true);
  assert.throws(
    () => parseTraceSpec('mix:zipf(alpha=1,keys=10,prefix=a:)+uniform(keys=5),requests=9,keyspace=shared'),
    /keyspace=disjoint/,
  );
  assert.throws(() => parseTraceSpec('zipf:alpha=1,keys=10,requests=5,prefix=a b'), UsageError);
});
