/** Known-answer traces for SIEVE, worked by hand (lists written head = newest first). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineHits, ids, run, sequenceOf } from './helpers.js';
import type { SievePolicy } from '../../src/policies/sieve.js';

test('sieve keeps its hand where it stopped instead of resetting it to the tail', () => {
  // cap 3. A B C miss -> [C B A]. A hit: visited(A).
  // D miss: hand unset, start at the tail A: visited, clear it and step toward the head to B:
  // unvisited, evict B; the hand stays on B's predecessor C. -> [D C A], A not moved.
  // E miss: the hand is on C, unvisited: evict C, hand -> D. -> [E D A].
  // A hits; C misses. (Resetting the hand to the tail would have evicted A at E instead.)
  assert.equal(sequenceOf('sieve', 3, 'ABCADEAC'), 'MMMHMMHM');
  assert.equal(engineHits('sieve', 3, ids('ABCADEAC')), 2);
});

test('sieve wraps the hand from the head back to the tail and never moves survivors', () => {
  // cap 2. A B miss -> [B A]. A hit, B hit: both visited.
  // C: start at the tail A: clear, step to B: clear, step past the head: wrap to the tail A,
  // now unvisited: evict A, hand -> B. -> [C B]; order untouched by the sweep.
  // D: the hand is on B (unvisited): evict B, hand -> C. -> [D C]. C hits.
  const { sequence, policy } = run('sieve', 2, ids('ABABCDC'));
  assert.equal(sequence, 'MMHHMMH');
  const sieve = policy as SievePolicy;
  assert.deepEqual(sieve.order(), ids('DC'));
  assert.equal(sieve.handPosition(), ids('C')[0]);
});
