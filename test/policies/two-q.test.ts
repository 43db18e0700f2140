/**
 * Known-answer traces for 2Q, worked by hand. cap 4 with ain=0.25: A1in's share is 1 entry,
 * A1out holds floor(0.5 * 4) = 2 keys, Am the rest. Queues are written head (newest) first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineHits, ids, run } from './helpers.js';
import type { TwoQPolicy } from '../../src/policies/two-q.js';

test('2q: a hit in A1in changes nothing; an A1out hit is a miss that enters Am', () => {
  // A B C D miss -> A1in=[D C B A] (Am is empty, so A1in may exceed its share).
  // A hits in A1in: nothing moves (promoting here would put A in Am and keep it).
  // E: A1in holds 4 > 1 -> its oldest, A, is evicted and remembered: A1out=[A]. A1in=[E D C B].
  // A: in A1out -> MISS; A1in is over its share -> B goes to A1out=[B]; A -> Am=[A].
  // B: in A1out -> MISS; A1in=[E D C] over -> C goes to A1out=[C]; B -> Am=[B A].
  // A hits in Am -> Am=[A B].
  const { sequence, policy } = run('two-q:ain=0.25', 4, ids('ABCDAEABA'));
  assert.equal(sequence, 'MMMMHMMMH');
  const q = policy as TwoQPolicy;
  const where = (letter: string) => q.segmentOf(ids(letter)[0]!);
  assert.deepEqual(['A', 'B', 'C', 'D', 'E'].map(where), ['am', 'am', 'a1out', 'a1in', 'a1in']);
  assert.equal(engineHits('two-q:ain=0.25', 4, ids('ABCDAEABA')), 2);
});

test('2q: A1out is bounded and Am evictions leave no ghost', () => {
  // Continue: A1in=[E D], Am=[A B], A1out=[C].
  // F: A1in holds 2 > 1 -> D to A1out=[D C]; F -> A1in=[F E].
  // G: E to A1out, which is full: C drops out -> A1out=[E D]; A1in=[G F].
  // C: no longer remembered -> plain miss into A1in (F goes to A1out, D drops out).
  // E: still in A1out -> miss into Am, which is within its 3-entry share; A1in's G goes to A1out.
  // Now A1in=[C], Am=[E A B] (4 resident). X: A1in is at its share (1), not over -> Am's LRU B
  // is evicted with no ghost; X -> A1in=[X C]. B: a plain miss; A1in's C goes to A1out.
  const { sequence, policy } = run('two-q:ain=0.25', 4, ids('ABCDAEABA' + 'FGCEXB'));
  assert.equal(sequence.slice(9), 'MMMMMM');
  const q = policy as TwoQPolicy;
  assert.equal(q.segmentOf(ids('C')[0]!), 'a1out');
  assert.equal(q.segmentOf(ids('D')[0]!), undefined);
  assert.equal(q.segmentOf(ids('E')[0]!), 'am');
  assert.equal(q.segmentOf(ids('B')[0]!), 'a1in');
});
