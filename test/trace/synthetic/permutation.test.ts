import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyPermutation } from '../../../src/trace/synthetic/permutation.js';

test('maps 0..size-1 onto itself exactly once, for awkward and power-of-two sizes', () => {
  for (const size of [1, 2, 3, 7, 16, 17, 1000, 65_537]) {
    for (const seed of [1, 2]) {
      const permutation = new KeyPermutation(size, seed);
      const hit = new Uint8Array(size);
      for (let i = 0; i < size; i++) {
        const image = permutation.map(i);
        assert.ok(Number.isInteger(image) && image >= 0 && image < size, `size ${size}: ${i} -> ${image}`);
        hit[image]!++;
      }
      assert.ok(
        hit.every((h) => h === 1),
        `size ${size} seed ${seed} is not a bijection`,
      );
    }
  }
});

test('scatters order: few fixed points, top ranks far apart, seed-dependent', () => {
  const size = 10_000;
  const permutation = new KeyPermutation(size, 1);
  let fixedPoints = 0;
  for (let i = 0; i < size; i++) if (permutation.map(i) === i) fixedPoints++;
  // A random permutation has one fixed point on average.
  assert.ok(fixedPoints < 10, `${fixedPoints} fixed points`);
  const top = Array.from({ length: 10 }, (_, i) => permutation.map(i));
  assert.ok(Math.max(...top) - Math.min(...top) > size / 4, `top ranks land on ${top.join(',')}`);
  const other = new KeyPermutation(size, 2);
  assert.notDeepEqual(
    top,
    Array.from({ length: 10 }, (_, i) => other.map(i)),
  );
});

test('works at the 32-bit limit', () => {
  const permutation = new KeyPermutation(2 ** 32, 5);
  const images = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const image = permutation.map(2 ** 32 - 1 - i);
    assert.ok(image >= 0 && image < 2 ** 32 && Number.isInteger(image));
    images.add(image);
  }
  assert.equal(images.size, 1000);
});
