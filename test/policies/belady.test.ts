/** Belady / OPT: next-use precomputation and hand-worked eviction choices. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nextUses } from '../../src/policies/belady.js';
import { parsePolicySpec } from '../../src/policies/index.js';
import { replay } from '../../src/engine/replay.js';
import { OP_DELETE, OP_GET, OP_SET, TraceBuilder } from '../../src/trace/trace.js';
import { engineHits, ids, run, sequenceOf } from './helpers.js';

test('next uses are request indices among gets and sets, skipping deletes', () => {
  // Requests: get A, get B, delete A, set C, get A, get C, get B.
  // access indices (deletes excluded): A0 B1 C2 A3 C4 B5.
  const builder = new TraceBuilder();
  const rows: [string, number][] = [
    ['A', OP_GET],
    ['B', OP_GET],
    ['A', OP_DELETE],
    ['C', OP_SET],
    ['A', OP_GET],
    ['C', OP_GET],
    ['B', OP_GET],
  ];
  for (const [key, op] of rows) builder.push(ids(key)[0]!, undefined, undefined, op);
  const trace = builder.build('test', 3);
  const next = nextUses({ capacity: 1, unit: 'entries', keySpace: 3, seed: 1, trace });
  assert.deepEqual([...next], [3, 5, 4, Infinity, Infinity, Infinity]);
});

test('belady evicts the entry reused farthest ahead, never-again first', () => {
  // cap 2: A B C A B.  At C: A is next used at 3, B at 4 -> evict B. A hits.
  // At B: A is never used again, C never again: both +inf, tie broken by key -> A (id 0) goes.
  assert.equal(sequenceOf('belady', 2, 'ABCAB'), 'MMMHM');
  assert.equal(sequenceOf('lru', 2, 'ABCAB'), 'MMMMM');
  // cap 2: A B C. Both A and B are never used again: the smaller id A is evicted.
  const { policy } = run('belady', 2, ids('ABC'));
  assert.deepEqual([policy.has(0), policy.has(1), policy.has(2)], [false, true, true]);
});

test('belady re-keys a hit with its new next use', () => {
  // cap 2: A B A C B A.
  // At C (index 3): A was hit at 2 and is next used at 5; B is next used at 4 -> evict A.
  // (Keeping A's stale next use 2 would make A look nearest and evict B.) B hits; A misses.
  assert.equal(sequenceOf('belady', 2, 'ABACBA'), 'MMHMHM');
});

test('bypass lets the newcomer be the one left out', () => {
  // cap 1: A B A. Demand MIN must store B (evicting A): 0 hits. With bypass B, never reused,
  // is not stored and A hits.
  assert.equal(sequenceOf('belady', 1, 'ABA'), 'MMM');
  assert.equal(sequenceOf('belady:bypass=true', 1, 'ABA'), 'MMH');
});

test('belady through the engine with deletes and sets keeps its request clock in step', () => {
  // cap 2: get A, get B, delete B, get C, get A, get C, get B, get D, get A.
  // Access indices (the delete reaches `delete`, not `access`): A0 B1 C2 A3 C4 B5 D6 A7.
  // After the delete only A is resident, so C fits; A and C then hit. B misses (deleted).
  const builder = new TraceBuilder();
  const rows: [string, number][] = [
    ['A', OP_GET],
    ['B', OP_GET],
    ['B', OP_DELETE],
    ['C', OP_GET],
    ['A', OP_GET],
    ['C', OP_GET],
    ['B', OP_GET],
    ['D', OP_GET],
    ['A', OP_GET],
  ];
  for (const [key, op] of rows) builder.push(ids(key)[0]!, undefined, undefined, op);
  const trace = builder.build('test', 4);
  // At B (5) the residents are A (next 7) and C (never again): C goes. At D (6): A (7) and
  // B (never again): B goes. The final A hits. 8 lookups, hits A, C, A = 3. A clock that
  // also counted the delete would read every next use one slot off.
  const counts = replay(trace, { policy: parsePolicySpec('belady'), capacity: 2, unit: 'entries', seed: 1 });
  assert.equal(counts.hits, 3);
  assert.equal(counts.deletes, 1);
  assert.equal(engineHits('belady', 2, ids('ABCAB')), 1);
});

/**
 * The best hit count any policy can reach on `keys` with `capacity` entries, by exhaustive
 * search over every eviction choice (and, with `mayDecline`, the choice not to store).
 */
function bruteForceBest(keys: readonly number[], capacity: number, mayDecline: boolean): number {
  const memo = new Map<string, number>();
  const best = (i: number, cache: readonly number[]): number => {
    if (i === keys.length) return 0;
    const memoKey = `${i}|${cache.join(',')}`;
    const known = memo.get(memoKey);
    if (known !== undefined) return known;
    const key = keys[i]!;
    let result: number;
    if (cache.includes(key)) {
      result = 1 + best(i + 1, cache);
    } else if (cache.length < capacity) {
      result = best(
        i + 1,
        [...cache, key].sort((a, b) => a - b),
      );
      if (mayDecline) result = Math.max(result, best(i + 1, cache));
    } else {
      result = mayDecline ? best(i + 1, cache) : -Infinity;
      for (const victim of cache) {
        const next = cache
          .filter((k) => k !== victim)
          .concat(key)
          .sort((a, b) => a - b);
        result = Math.max(result, best(i + 1, next));
      }
    }
    memo.set(memoKey, result);
    return result;
  };
  return best(0, []);
}

test('belady reaches the exhaustive-search optimum; bypass reaches it when declining is allowed', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 12, size: 'max' }),
      (capacity, keys) => {
        assert.equal(run('belady', capacity, keys).hits, bruteForceBest(keys, capacity, false));
        assert.equal(run('belady:bypass=true', capacity, keys).hits, bruteForceBest(keys, capacity, true));
      },
    ),
    { numRuns: 300, seed: 3 },
  );
});
