/**
 * Known-answer traces for S3-FIFO, worked by hand. cap 4 with small=0.25 gives a 1-entry
 * small FIFO (S), a 3-entry main FIFO (M) and a ghost of floor(0.9 * 4) = 3 keys (G).
 * Queues are written head (newest) first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineHits, ids, run, sequenceOf } from './helpers.js';
import type { S3FifoPolicy } from '../../src/policies/s3-fifo.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import { UsageError } from '../../src/errors.js';

const TRACE = 'ABCDEEFEEXAB';

test('s3-fifo promotes only after two hits in small, and a ghost hit is a miss that enters main', () => {
  // A -> S=[A]. B, C, D: S is full and nothing has been evicted yet (warm-up) -> M=[D C B].
  // E: cache full; M holds 3 (not over its share), S non-empty -> evict from S: A has freq 0,
  //    so it is evicted and remembered: G=[A]. E -> S=[E].
  // E hit: freq(E)=1.
  // F: evict from S: E has 1 hit < threshold 2 -> evicted to the ghost, G=[E A]. F -> S=[F].
  // E: in the ghost -> a MISS; it leaves G; evict from S: F (freq 0) -> G=[F A]; E -> M=[E D C B].
  // E hit (in main): freq(E)=1.
  // X: main holds 4 > 3 -> evict from M: tail B has freq 0 -> gone (main evictions leave no
  //    ghost). X -> S=[X].
  // A: in the ghost -> MISS; M=[E D C] is within its share, S non-empty -> X evicted to the
  //    ghost, G=[X F]; A -> M=[A E D C].
  // B: evicted from main earlier, not in the ghost -> miss; M over -> C (freq 0) evicted; B -> S.
  const { sequence, policy } = run('s3-fifo:small=0.25', 4, ids(TRACE));
  assert.equal(sequence, 'MMMMMHMMHMMM');
  const s3 = policy as S3FifoPolicy;
  const where = (letter: string) => s3.segmentOf(ids(letter)[0]!);
  assert.deepEqual(['A', 'B', 'C', 'D', 'E', 'F', 'X'].map(where), ['main', 'small', undefined, 'main', 'main', 'ghost', 'ghost']);
  assert.equal(engineHits('s3-fifo:small=0.25', 4, ids(TRACE)), 2);
});

test('with threshold=1 a single hit in small is enough to move to main', () => {
  // Same start. At F, E (1 hit) now moves to M=[E D C B] with freq 0 instead of being evicted;
  // S is empty, so eviction continues in main (4 > 3): B goes. F -> S. The next E hits.
  assert.equal(sequenceOf('s3-fifo:small=0.25,threshold=1', 4, TRACE.slice(0, 8)), 'MMMMMHMH');
});

test('hits saturate the counter at 3, and main reinserts with freq - 1', () => {
  // cap 4, small=0.25: A -> S; B C D -> M. Five hits on B leave its counter at 3.
  const { policy } = run('s3-fifo:small=0.25', 4, ids('ABCDBBBBB'));
  const s3 = policy as S3FifoPolicy;
  assert.equal(s3.freqOf(ids('B')[0]!), 3);
  // X (new) evicts A from S to the ghost; A comes back through the ghost into M (4 > 3), and
  // the next miss Y evicts from main: tail B has freq 3 -> reinserted with 2; C (0) is evicted.
  const after = run('s3-fifo:small=0.25', 4, ids('ABCDBBBBBXAY')).policy as S3FifoPolicy;
  assert.equal(after.freqOf(ids('B')[0]!), 2);
  assert.equal(after.segmentOf(ids('C')[0]!), undefined);
  assert.equal(after.segmentOf(ids('B')[0]!), 'main');
});

test('s3-fifo parameters are validated', () => {
  assert.throws(() => parsePolicySpec('s3-fifo:threshold=4'), UsageError);
  assert.throws(() => parsePolicySpec('s3-fifo:small=1'), UsageError);
  assert.equal(parsePolicySpec('s3-fifo:small=0.2,ghost=0.5').name, 's3-fifo:small=0.2,ghost=0.5');
});

test('in bytes, an object larger than the small FIFO is never stored', () => {
  // cap 100 bytes, small = 10 bytes. A (11 bytes) cannot enter small, so it misses every time
  // and takes no space; B (10 bytes) fits small exactly and hits.
  const { sequence, policy } = run('s3-fifo', 100, ids('AABB'), { sizes: [11, 11, 10, 10] });
  assert.equal(sequence, 'MMMH');
  assert.equal(policy.bytes, 10);
  assert.equal(policy.has(ids('A')[0]!), false);
});
