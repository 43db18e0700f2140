/** Known-answer traces for SLRU, worked by hand (lists written MRU first). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { engineHits, ids, run, sequenceOf } from './helpers.js';
import type { SlruPolicy } from '../../src/policies/slru.js';

const TRACE = 'ABCDABCEFGBE';

test('slru protects entries hit twice and demotes protected overflow to probation', () => {
  // cap 4, protected=0.5 -> protected holds 2.
  // A B C D miss -> probation=[D C B A].
  // A hit -> protected=[A]; B hit -> protected=[B A]; probation=[D C].
  // C hit -> protected=[C B A] is over 2 -> its LRU A is demoted to probation's MRU end:
  //   probation=[A D], protected=[C B].
  // E: evict probation's LRU D -> probation=[E A].   F: evict A -> [F E].   G: evict E -> [G F].
  // B hits in protected. E misses.
  // LRU on the same trace: after the hits its order is C B A D; E evicts D, F evicts A, G
  // evicts B - so B misses and E (still resident) hits.
  const { sequence, policy } = run('slru:protected=0.5', 4, ids(TRACE));
  assert.equal(sequence, 'MMMMHHHMMMHM');
  assert.equal(sequenceOf('lru', 4, TRACE), 'MMMMHHHMMMMH');
  const s = policy as SlruPolicy;
  assert.deepEqual(
    ['B', 'C', 'E', 'A'].map((l) => s.segmentOf(ids(l)[0]!)),
    ['protected', 'protected', 'probation', undefined],
  );
  assert.equal(engineHits('slru:protected=0.5', 4, ids(TRACE)), 4);
});

test('slru with protected=0 is exactly lru (every promotion is demoted straight back)', () => {
  // With no room in protected, a probation hit moves the entry to protected and the overflow
  // rule demotes it at once to probation's MRU end: the move-to-front of LRU. Misses insert
  // at the MRU end and the victim is the LRU end in both.
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 200, size: 'max' }),
      (capacity, keys) => {
        assert.equal(run('slru:protected=0', capacity, keys).sequence, run('lru', capacity, keys).sequence);
      },
    ),
    { numRuns: 200, seed: 7 },
  );
});
