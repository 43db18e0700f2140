/** Random replacement: seeded, reproducible, and uniform over the resident entries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ids, run } from './helpers.js';

function zipfLikeKeys(n: number, keys: number): number[] {
  // A fixed skewed sequence without any randomness: key = floor(k^2 / keys) folds many
  // requests onto small ids.
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.floor(((i * 7919) % keys) ** 2 / keys));
  return out;
}

test('random is identical for the same seed and differs across seeds', () => {
  const keys = zipfLikeKeys(2000, 200);
  const a = run('random', 20, keys, { seed: 7 }).sequence;
  const b = run('random', 20, keys, { seed: 7 }).sequence;
  assert.equal(a, b);
  const others = [1, 2, 3, 4, 5].map((seed) => run('random', 20, keys, { seed }).sequence);
  assert.ok(
    others.some((s) => s !== a),
    'five other seeds all gave the same sequence',
  );
  assert.ok(new Set(others).size > 1, 'different seeds gave identical runs');
});

test('random picks its victim uniformly among residents', () => {
  // cap 2: A B fill the cache, C evicts one of them at random, then A tells which: a hit
  // means B went. Over 400 seeds each outcome should come up about 200 times; the draw
  // sequence for a given seed is fixed, so this cannot flake.
  let keptA = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const { sequence } = run('random', 2, ids('ABCA'), { seed });
    assert.equal(sequence.slice(0, 3), 'MMM');
    if (sequence[3] === 'H') keptA++;
  }
  assert.ok(keptA > 150 && keptA < 250, `A survived ${keptA}/400 times`);
});

test('random never evicts the newcomer and hits never change the contents', () => {
  // cap 1: every miss must evict the single resident and keep the newcomer.
  assert.equal(run('random', 1, ids('AABBA'), { seed: 3 }).sequence, 'MHMHM');
});
