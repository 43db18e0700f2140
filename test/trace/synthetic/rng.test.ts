import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hash32, hashSeedBase, hashUnit, mix32, mix32Signed, Rng } from '../../../src/trace/synthetic/rng.js';

test('xoshiro128** matches the reference implementation from state {1, 2, 3, 4}', () => {
  // Worked through the reference C (xoshiro128starstar.c) by hand:
  // out = rotl(s1 * 5, 7) * 9; s1 = 2 -> 10 -> 1280 -> 11520. The state update then gives
  // s = {7, 0, 1026, 12288}, so the next output is rotl(0, 7) * 9 = 0; then
  // s = {12295, 1029, 1029, 25165824}: 1029 * 5 = 5145, rotl 7 = 658560, * 9 = 5927040.
  const rng = Rng.fromState(1, 2, 3, 4);
  assert.deepEqual([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()], [11520, 0, 5927040, 70819200]);
});

test('the same seed and stream repeat; other seeds and streams differ', () => {
  const draw = (rng: Rng) => Array.from({ length: 8 }, () => rng.nextUint32());
  assert.deepEqual(draw(new Rng(42)), draw(new Rng(42)));
  assert.notDeepEqual(draw(new Rng(42)), draw(new Rng(43)));
  assert.notDeepEqual(draw(new Rng(42, 0)), draw(new Rng(42, 1)));
  // Seeds above 2^32 are not truncated to their low word.
  assert.notDeepEqual(draw(new Rng(5)), draw(new Rng(5 + 2 ** 32)));
  assert.throws(() => new Rng(-1), RangeError);
  assert.throws(() => new Rng(1.5), RangeError);
});

test('nextFloat stays in [0, 1) with mean near 1/2', () => {
  const rng = new Rng(7);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const u = rng.nextFloat();
    assert.ok(u >= 0 && u < 1);
    sum += u;
  }
  // Standard error of the mean is 1/sqrt(12e5) ~ 0.0009; 0.005 is over five of them.
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.005, `mean ${sum / 100_000}`);
});

test('nextInt is in range and even across residues (chi-square)', () => {
  for (const n of [1, 3, 10, 2 ** 32]) {
    const rng = new Rng(n);
    for (let i = 0; i < 1000; i++) {
      const r = rng.nextInt(n);
      assert.ok(Number.isInteger(r) && r >= 0 && r < n);
    }
  }
  const n = 10;
  const draws = 100_000;
  const counts = new Array<number>(n).fill(0);
  const rng = new Rng(3);
  for (let i = 0; i < draws; i++) counts[rng.nextInt(n)]!++;
  const expected = draws / n;
  const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
  // 9 degrees of freedom: P(chi2 > 40) ~ 7e-6.
  assert.ok(chiSquare < 40, `chi-square ${chiSquare}`);
});

test('mix32 is a bijection: no two of 2^16 consecutive inputs collide, and it avalanches', () => {
  const seen = new Set<number>();
  for (let i = 0; i < 1 << 16; i++) seen.add(mix32(i));
  assert.equal(seen.size, 1 << 16);
  // Flipping one input bit flips about half the output bits.
  let flipped = 0;
  for (let i = 0; i < 1000; i++) flipped += popcount(mix32(i) ^ mix32(i ^ 1));
  assert.ok(Math.abs(flipped / 1000 - 16) < 1.5, `mean flipped bits ${flipped / 1000}`);
});

test('hash32 depends on the seed and on high bits of large keys; hashUnit is in [0, 1)', () => {
  assert.equal(hash32(12345, 9), hash32(12345, 9));
  assert.notEqual(hash32(12345, 9), hash32(12345, 10));
  assert.notEqual(hash32(7), hash32(7 + 2 ** 32));
  let below = 0;
  for (let key = 0; key < 10_000; key++) {
    const u = hashUnit(key, 1);
    assert.ok(u >= 0 && u < 1);
    if (u < 0.1) below++;
  }
  // Sampling 10% of keys by hash keeps close to 10% (binomial sd 30).
  assert.ok(Math.abs(below - 1000) < 150, `${below} of 10000 below 0.1`);
});

function popcount(x: number): number {
  let count = 0;
  for (x >>>= 0; x !== 0; x >>>= 1) count += x & 1;
  return count;
}

test('the split-out hash pieces give the same hashes: known values, the seed base and the signed mix', () => {
  // Values computed with the single-function hash32/mix32 before the seed part was split out.
  assert.equal(hash32(12345, 9), 3874659826);
  assert.equal(hash32(0, 1), 3330041933);
  assert.equal(hash32(99999, 2 ** 40 + 7), 2682743350);
  assert.equal(hash32(7 + 2 ** 32, 3), 8724087);
  assert.equal(mix32(0x80000001), 38497969);
  for (const seed of [0, 1, 9, 0xffffffff, 2 ** 40 + 7]) {
    for (const key of [0, 1, 12345, 0x7fffffff, 0x80000000, 0xfffffffe]) {
      assert.equal(mix32((hashSeedBase(seed) ^ key) >>> 0), hash32(key, seed), `key ${key}, seed ${seed}`);
      assert.equal(mix32Signed(hashSeedBase(seed) ^ key) >>> 0, hash32(key, seed));
    }
  }
  for (const x of [0, 1, -1, 0x7fffffff, -0x80000000, 0x9e3779b9 | 0]) {
    assert.equal(mix32Signed(x) >>> 0, mix32(x >>> 0));
    assert.equal(mix32Signed(x) | 0, mix32Signed(x), 'signed result is an int32');
  }
});
