/** Known-answer traces for MRU, worked by hand (lists written head = most recent first). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineHits, ids, sequenceOf } from './helpers.js';

test('mru evicts the most recent entry before inserting, never the newcomer', () => {
  // cap 3. A B C miss -> [C B A]. A hit -> [A C B].
  // D miss: evict the head A first, then insert -> [D C B].
  // B hit -> [B D C], C hit -> [C B D], D hit: D survived because it was inserted after the
  // eviction. Inserting first would have evicted D itself, and this last D would miss.
  assert.equal(sequenceOf('mru', 3, 'ABCADBCD'), 'MMMHMHHH');
});

test('mru keeps most of a loop one larger than the cache, where lru keeps nothing', () => {
  // cap 3, loop 1 2 3 4 1 2 3 4 (A..D). A B C miss -> [C B A]; D miss evicts C -> [D B A].
  // A hit [A D B], B hit [B A D], C miss evicts B -> [C A D], D hit.
  assert.equal(sequenceOf('mru', 3, 'ABCDABCD'), 'MMMMHHMH');
  assert.equal(sequenceOf('lru', 3, 'ABCDABCD'), 'MMMMMMMM');
  assert.equal(engineHits('mru', 3, ids('ABCDABCD')), 3);
});
