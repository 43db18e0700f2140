/** Known-answer traces for k-bit CLOCK, worked by hand (lists written head first, tail = hand). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicySpec } from '../../src/policies/index.js';
import { UsageError } from '../../src/errors.js';
import { buildTrace, engineHits, ids, sequenceOf } from './helpers.js';
import { ClockPolicy } from '../../src/policies/clock.js';

test('clock and lru diverge when every entry has been used: clock falls back to FIFO order', () => {
  // cap 3. A B C miss -> [C B A], bits 0. Hits C, B, A set all three bits; LRU order is now
  // A B C (A most recent, C least). D miss: the hand clears A, B, C in turn (each moves to the
  // head) and comes back to A with bit 0: CLOCK evicts A -> [D C B]. LRU evicts C.
  // Then A: CLOCK miss (evicts B, bit 0 at the tail), C: CLOCK hit.
  //       LRU: A hit, C miss.
  assert.equal(sequenceOf('clock', 3, 'ABCCBADAC'), 'MMMHHHMMH');
  assert.equal(sequenceOf('lru', 3, 'ABCCBADAC'), 'MMMHHHMHM');
  assert.equal(engineHits('clock', 3, ids('ABCCBADAC')), 4);
});

test('new entries enter with the bit clear; initial=1 makes a fresh entry survive one sweep', () => {
  // cap 3, A B C A D B.
  // initial=0: A hit sets A. D: A cleared and moved to the head, B (bit 0) evicted -> B misses.
  assert.equal(sequenceOf('clock', 3, 'ABCADB'), 'MMMHMM');
  // initial=1: A B C all start at 1, A's hit changes nothing (saturated). D: the hand clears
  // A, B, C and evicts A (back at the tail with 0) -> the final B hits.
  assert.equal(sequenceOf('clock:initial=1', 3, 'ABCADB'), 'MMMHMH');
});

test('a 2-bit counter remembers two hits: the entry survives two sweeps', () => {
  // cap 3, A B C A A D E F A.
  // bits=2: A reaches 2. D: A 2->1 to the head, B evicted -> [D A C]. E: C evicted -> [E D A].
  // F: A 1->0 to the head, D evicted -> [F A E]. A hits.
  assert.equal(sequenceOf('clock:bits=2', 3, 'ABCAADEFA'), 'MMMHHMMMH');
  // bits=1: A saturates at 1. D: A cleared, B evicted; E: C evicted; F: A (bit 0) evicted.
  assert.equal(sequenceOf('clock', 3, 'ABCAADEFA'), 'MMMHHMMMM');
});

test('clock rejects an initial value the counter cannot hold', () => {
  const trace = buildTrace([0]);
  const context = { capacity: 2, unit: 'entries' as const, keySpace: 1, seed: 1, trace };
  assert.throws(() => parsePolicySpec('clock:bits=9'), UsageError);
  // The cross-parameter rule is the registry row's check, so the spec parser refuses it.
  assert.throws(() => parsePolicySpec('clock:initial=2'), /clock: initial must be between 0 and 1/);
  // The constructor only asserts.
  assert.throws(() => new ClockPolicy(context, 1, 2), RangeError);
  assert.doesNotThrow(() => new ClockPolicy(context, 2, 3));
});
