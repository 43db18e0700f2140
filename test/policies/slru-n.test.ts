/** slru-n (libCacheSim's n-segment SLRU): a hand-worked trace and a literal transcription of SLRU.c. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ids, run, sequenceOf } from './helpers.js';
import type { SegmentedLruPolicy } from '../../src/policies/slru-n.js';

test('slru-n fills the higher segments while warming, promotes one segment per hit and cools downwards', () => {
  // capacity 4, 2 segments of 2 (segments written head first).
  // A B miss -> s0=[B A]. C D miss: s0 is full, s1 has room -> s1=[D C].
  // A hit in s0 -> s1=[A D C] is over 2: its tail C cools to s0=[C B]; s1=[A D].
  // B hit in s0 -> s1=[B A D]: D cools -> s0=[D C]; s1=[B A].
  // E miss: the cache is full -> evict s0's tail C; s0 has room -> s0=[E D].
  // C miss evicts D -> s0=[C E]. D miss evicts E -> s0=[D C]. E miss evicts C -> s0=[E D].
  // LRU (order E B A D after E) keeps E until the end instead: MMMMHHMMMH.
  const { sequence, policy } = run('slru-n:segments=2', 4, ids('ABCDABECDE'));
  assert.equal(sequence, 'MMMMHHMMMM');
  assert.equal(sequenceOf('lru', 4, 'ABCDABECDE'), 'MMMMHHMMMH');
  const s = policy as SegmentedLruPolicy;
  assert.deepEqual(
    ['A', 'B', 'C', 'D', 'E'].map((l) => s.segmentOf(ids(l)[0]!)),
    [1, 1, undefined, 0, 0],
  );
});

test('slru-n refuses an object larger than one segment, as libCacheSim does', () => {
  // 10 bytes in 4 segments of 2: a 3-byte object fits the cache but no segment.
  const { sequence, policy } = run('slru-n', 10, [0, 0, 1, 1], { sizes: [3, 3, 2, 2] });
  assert.equal(sequence, 'MMMH');
  assert.equal(policy.has(0), false);
});

/**
 * libCacheSim's `SLRU.c` transcribed line by line with plain arrays (index 0 = head): find
 * promotes and cools, cache_get_base evicts until the object fits and then inserts into the
 * first segment with room, or segment 0. Sizes are fixed per key, as libCacheSim keeps them.
 */
class LibCacheSimSlru {
  readonly lists: number[][];
  readonly bytes: number[];
  readonly max: number;
  private readonly segmentOf = new Map<number, number>();
  private occupied = 0;

  constructor(
    readonly capacity: number,
    readonly n: number,
    readonly sizeOf: (id: number) => number,
  ) {
    this.lists = Array.from({ length: n }, () => []);
    this.bytes = Array.from({ length: n }, () => 0);
    this.max = Math.floor(capacity / n);
  }

  get(id: number): boolean {
    const seg = this.segmentOf.get(id);
    const size = this.sizeOf(id);
    if (seg !== undefined) {
      if (seg === this.n - 1) {
        this.unlink(id, seg);
        this.lists[seg]!.unshift(id);
      } else {
        this.unlink(id, seg);
        this.bytes[seg]! -= size;
        this.lists[seg + 1]!.unshift(id);
        this.bytes[seg + 1]! += size;
        this.segmentOf.set(id, seg + 1);
        while (this.bytes[seg + 1]! > this.max) this.cool(seg + 1);
      }
      return true;
    }
    if (size > this.capacity || size > this.max) return false;
    while (this.occupied + size > this.capacity) this.evict();
    let nth = -1;
    for (let i = 0; i < this.n; i++) {
      if (this.bytes[i]! + size <= this.max) {
        nth = i;
        break;
      }
    }
    if (nth === -1) {
      while (this.occupied + size > this.capacity) this.evict();
      nth = 0;
    }
    this.lists[nth]!.unshift(id);
    this.bytes[nth]! += size;
    this.segmentOf.set(id, nth);
    this.occupied += size;
    return false;
  }

  private unlink(id: number, seg: number): void {
    const list = this.lists[seg]!;
    list.splice(list.indexOf(id), 1);
  }

  private evict(): void {
    for (let i = 0; i < this.n; i++) {
      if (this.bytes[i]! > 0) {
        const id = this.lists[i]!.pop()!;
        this.bytes[i]! -= this.sizeOf(id);
        this.occupied -= this.sizeOf(id);
        this.segmentOf.delete(id);
        return;
      }
    }
  }

  private cool(id: number): void {
    if (id === 0) {
      this.evict();
      return;
    }
    const obj = this.lists[id]!.pop()!;
    this.lists[id - 1]!.unshift(obj);
    this.segmentOf.set(obj, id - 1);
    this.bytes[id]! -= this.sizeOf(obj);
    this.bytes[id - 1]! += this.sizeOf(obj);
    while (this.bytes[id - 1]! > this.max) this.cool(id - 1);
  }
}

test('slru-n gives libCacheSim SLRU.c hit for hit, in entries and in bytes, at every segment count', () => {
  let promotions = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 40 }),
      fc.boolean(),
      fc.array(fc.integer({ min: 0, max: 24 }), { minLength: 1, maxLength: 300, size: 'max' }),
      (segments, capacity, inBytes, keys) => {
        const sizeOf = (id: number): number => (inBytes ? 1 + ((id * 7) % 5) : 1);
        const reference = new LibCacheSimSlru(capacity, segments, sizeOf);
        const expected = keys.map((id) => (reference.get(id) ? 'H' : 'M')).join('');
        const options = inBytes ? { sizes: keys.map(sizeOf) } : {};
        assert.equal(run(`slru-n:segments=${segments}`, capacity, keys, options).sequence, expected);
        if (segments > 1 && expected.includes('H')) promotions++;
      },
    ),
    { numRuns: 400, seed: 11 },
  );
  // The property is only worth something if the traces hit in segmented caches.
  assert.ok(promotions > 100, `only ${promotions} traces promoted anything`);
});

test('slru-n with one segment is exactly lru', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 12 }),
      fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 200, size: 'max' }),
      (capacity, keys) => {
        assert.equal(run('slru-n:segments=1', capacity, keys).sequence, run('lru', capacity, keys).sequence);
      },
    ),
    { numRuns: 200, seed: 5 },
  );
});
