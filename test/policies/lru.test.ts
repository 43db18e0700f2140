import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LRUCache } from 'lru-cache';
import { parsePolicySpec, createPolicy } from '../../src/policies/index.js';
import { replay } from '../../src/engine/replay.js';
import { traceOf } from '../helpers/trace.js';

function hitSequence(policyName: string, keys: number[], capacity: number): boolean[] {
  const trace = traceOf(keys);
  const policy = createPolicy(parsePolicySpec(policyName), { capacity, unit: 'entries', keySpace: trace.keySpace, seed: 1, trace });
  return Array.from(trace.keys, (id, i) => policy.access(id, 1, i));
}

test('known answers from shared/reference (functools.lru_cache)', () => {
  const lru = parsePolicySpec('lru');
  // Working set 3 > maxsize 2: LRU thrashes and every request misses.
  const thrash = replay(traceOf([1, 2, 3, 1]), { policy: lru, capacity: 2, unit: 'entries', seed: 1 });
  assert.deepEqual([thrash.hits, thrash.misses, thrash.finalEntries], [0, 4, 2]);
  // The hit on 2 makes 1 the LRU victim when 4 arrives, so the final 1 misses.
  const three = replay(traceOf([1, 2, 3, 2, 4, 1]), { policy: lru, capacity: 3, unit: 'entries', seed: 1 });
  assert.deepEqual([three.hits, three.misses, three.finalEntries], [1, 5, 3]);
});

test('memoised fib(35) with maxsize 128: 33 hits, 36 misses, size 36', () => {
  // lru_cache's wrapper looks up fib(n) before recursing; a miss computes fib(n-1) then fib(n-2).
  const calls: number[] = [];
  const memo = new Set<number>();
  const fib = (n: number): void => {
    calls.push(n);
    if (memo.has(n)) return;
    if (n >= 2) {
      fib(n - 1);
      fib(n - 2);
    }
    memo.add(n);
  };
  fib(35);
  const counts = replay(traceOf(calls), { policy: parsePolicySpec('lru'), capacity: 128, unit: 'entries', seed: 1 });
  assert.deepEqual([counts.hits, counts.misses, counts.finalEntries], [33, 36, 36]);
});

test('lru gives the same hit/miss sequence as the real lru-cache package', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 400 }), fc.integer({ min: 1, max: 30 }), (keys, capacity) => {
      const reference = new LRUCache<number, number>({ max: capacity });
      const expected = keys.map((key) => {
        if (reference.get(key) !== undefined) return true;
        reference.set(key, 1);
        return false;
      });
      assert.deepEqual(hitSequence('lru', keys, capacity), expected);
      assert.deepEqual(hitSequence('lru-cache', keys, capacity), expected);
    }),
    { numRuns: 300 },
  );
});

test('byte-capacity lru matches lru-cache with maxSize and refuses oversized objects', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 1, max: 60 })), { maxLength: 300 }),
      fc.integer({ min: 1, max: 200 }),
      (requests, capacity) => {
        // One fixed size per key, as objects keep their size.
        const sizeOf = (key: number): number => requests.find(([k]) => k === key)?.[1] ?? 1;
        const keys = requests.map(([key]) => key);
        const trace = traceOf(keys, { sizes: keys.map(sizeOf) });
        const ours = createPolicy(parsePolicySpec('lru'), { capacity, unit: 'bytes', keySpace: trace.keySpace, seed: 1, trace });
        const reference = new LRUCache<number, number>({
          maxSize: capacity,
          maxEntrySize: capacity,
          sizeCalculation: (_v, k) => sizeOf(k),
        });
        keys.forEach((key, i) => {
          const expected = reference.get(key) !== undefined;
          if (!expected) reference.set(key, 1);
          assert.equal(ours.access(trace.keys[i]!, sizeOf(key), i), expected);
          assert.ok(ours.bytes <= capacity);
        });
        assert.equal(ours.size, reference.size);
        assert.equal(ours.bytes, reference.calculatedSize);
      },
    ),
    { numRuns: 200 },
  );
});
