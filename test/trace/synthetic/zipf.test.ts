import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/trace/synthetic/rng.js';
import { ZipfGenerator, ZipfRankSampler } from '../../../src/trace/synthetic/zipf.js';
import { generateTrace } from '../../../src/trace/spec.js';

test('rank frequencies match the exact Zipf pmf for alpha below, at and above 1 (chi-square)', () => {
  const n = 10;
  const draws = 200_000;
  for (const alpha of [0, 0.5, 0.99, 1, 1.01, 1.5, 3]) {
    const sampler = new ZipfRankSampler(n, alpha, new Rng(11));
    const counts = new Array<number>(n + 1).fill(0);
    for (let i = 0; i < draws; i++) {
      const rank = sampler.sample();
      assert.ok(Number.isInteger(rank) && rank >= 1 && rank <= n);
      counts[rank]!++;
    }
    let normaliser = 0;
    for (let k = 1; k <= n; k++) normaliser += k ** -alpha;
    let chiSquare = 0;
    for (let k = 1; k <= n; k++) {
      const expected = (draws * k ** -alpha) / normaliser;
      chiSquare += (counts[k]! - expected) ** 2 / expected;
    }
    // 9 degrees of freedom: P(chi2 > 40) ~ 7e-6. A sampler off by half a rank in its
    // inversion, or Gray's approximate generator, lands in the hundreds or thousands.
    assert.ok(chiSquare < 40, `alpha ${alpha}: chi-square ${chiSquare.toFixed(1)}, counts ${counts.slice(1).join(',')}`);
  }
});

test('one key, and two keys at alpha 1, are sampled correctly', () => {
  const single = new ZipfRankSampler(1, 0.8, new Rng(1));
  for (let i = 0; i < 100; i++) assert.equal(single.sample(), 1);
  const pair = new ZipfRankSampler(2, 1, new Rng(1));
  let ones = 0;
  for (let i = 0; i < 30_000; i++) if (pair.sample() === 1) ones++;
  // P(rank 1) = 1 / (1 + 1/2) = 2/3: expect 20000, binomial sd ~ 82.
  assert.ok(Math.abs(ones - 20_000) < 500, `${ones} of 30000 were rank 1`);
});

test('rejects invalid parameters', () => {
  assert.throws(() => new ZipfRankSampler(0, 1, new Rng(1)), RangeError);
  assert.throws(() => new ZipfRankSampler(10, -0.1, new Rng(1)), RangeError);
  assert.throws(() => new ZipfRankSampler(10, NaN, new Rng(1)), RangeError);
});

/** Least-squares slope of log(frequency) against log(rank), over ranks with >= 50 hits (at most 1000). */
function rankFrequencySlope(keys: Uint32Array, keySpace: number): { slope: number; points: number } {
  const counts = new Float64Array(keySpace);
  for (const id of keys) counts[id]!++;
  counts.sort().reverse();
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let rank = 1; rank <= 1000 && counts[rank - 1]! >= 50; rank++) {
    const x = Math.log(rank);
    const y = Math.log(counts[rank - 1]!);
    n++;
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  return { slope: (n * sxy - sx * sy) / (n * sxx - sx * sx), points: n };
}

for (const alpha of [0.7, 1.0, 1.3]) {
  test(`1e6 draws at alpha ${alpha} have log-log rank-frequency slope -alpha within 0.05`, () => {
    const trace = generateTrace(`zipf:alpha=${alpha},keys=1e4,requests=1e6,seed=1`);
    const { slope, points } = rankFrequencySlope(trace.keys, trace.keySpace);
    assert.ok(points >= 500, `only ${points} ranks have 50+ hits`);
    assert.ok(Math.abs(slope + alpha) < 0.05, `slope ${slope.toFixed(4)} for alpha ${alpha}`);
  });
}

test('popularity does not follow key order: the hottest labels are scattered', () => {
  const generator = new ZipfGenerator(100_000, 1, new Rng(1), 99);
  const top = Array.from({ length: 20 }, (_, i) => generator.labelOfRank(i + 1));
  assert.equal(new Set(top).size, 20);
  assert.ok(top.some((label) => label > 50_000) && top.some((label) => label < 50_000), `top labels ${top.join(',')}`);
  assert.ok(!top.every((label, i) => i === 0 || label > top[i - 1]!), 'top labels are sorted');
});
