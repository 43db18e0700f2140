/** LIRS: hand-worked transitions, a differential test against a naive array model, invariants. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createPolicy, parsePolicySpec } from '../../src/policies/index.js';
import { LirsPolicy } from '../../src/policies/lirs.js';
import { UsageError } from '../../src/errors.js';
import { traceOf } from '../helpers/trace.js';

function lirsFor(keys: readonly string[], capacity: number, spec = 'lirs'): { policy: LirsPolicy; ids: Uint32Array } {
  const trace = traceOf(keys);
  const policy = createPolicy(parsePolicySpec(spec), { capacity, unit: 'entries', keySpace: trace.keySpace, seed: 1, trace });
  assert.ok(policy instanceof LirsPolicy);
  return { policy, ids: trace.keys };
}

test('lirs: warm-up, ghost re-reference, HIR hit in S becoming LIR, pruning', () => {
  // Capacity 3: HIR share max(1, floor(0.03)) = 1 entry, LIR set 2 entries. Ids: a0 b1 c2 d3.
  const keys = [...'abcdcbaadcdba'];
  const { policy, ids } = lirsFor(keys, 3);
  assert.equal(policy.hirLimit, 1);
  assert.equal(policy.lirLimit, 2);
  const [a, b, c, d] = [0, 1, 2, 3];
  const out: string[] = [];
  const step = (i: number): void => {
    out.push(policy.access(ids[i]!, 1, i) ? 'H' : 'M');
  };
  // 1-2  a, b miss and become LIR (the LIR set is not full yet). S = [b a].
  step(0);
  step(1);
  assert.deepEqual([policy.statusOf(a), policy.statusOf(b)], ['LIR', 'LIR']);
  // 3    c misses; the LIR set is full, so c is resident HIR: S = [c b a], Q = [c].
  // 4    d misses; Q's front c is evicted and, still in S, becomes a ghost: S = [d c' b a], Q = [d].
  step(2);
  step(3);
  assert.deepEqual([policy.statusOf(c), policy.statusOf(d)], ['ghost', 'HIR']);
  assert.deepEqual(policy.stackOrder(), [d, c, b, a]);
  // 5    c misses but is a ghost in S: Q's front d is evicted (ghost), c becomes LIR and the
  //      bottom LIR a is demoted to Q. Pruning stops at b (LIR): S = [c d' b], Q = [a].
  step(4);
  assert.deepEqual([policy.statusOf(a), policy.statusOf(c), policy.statusOf(d)], ['HIR', 'LIR', 'ghost']);
  assert.deepEqual(policy.stackOrder(), [c, d, b]);
  assert.deepEqual(policy.queueOrder(), [a]);
  // 6    b hits (LIR) and moves to the top; pruning removes the ghost d: S = [b c].
  step(5);
  assert.deepEqual(policy.stackOrder(), [b, c]);
  assert.equal(policy.statusOf(d), 'absent');
  // 7    a hits as a HIR key not in S: it is pushed on S and stays HIR: S = [a b c], Q = [a].
  step(6);
  assert.equal(policy.statusOf(a), 'HIR');
  // 8    a hits again, now HIR *in S*: it becomes LIR and the bottom LIR c is demoted:
  //      S = [a b], Q = [c].
  step(7);
  assert.deepEqual([policy.statusOf(a), policy.statusOf(c)], ['LIR', 'HIR']);
  assert.deepEqual(policy.stackOrder(), [a, b]);
  assert.deepEqual(policy.queueOrder(), [c]);
  // 9    d misses (pruned, so not a ghost): c is evicted from Q and forgotten (not in S);
  //      d enters as HIR: S = [d a b], Q = [d].
  // 10   c misses: d is evicted and becomes a ghost: S = [c d' a b], Q = [c].
  // 11   d misses as a ghost: c is evicted (ghost), d becomes LIR, b is demoted:
  //      S = [d c' a], Q = [b].
  // 12   b hits as HIR not in S: S = [b d c' a].
  // 13   a hits (LIR): to the top, then pruning removes the ghost c: S = [a b d].
  for (let i = 8; i < keys.length; i++) step(i);
  assert.equal(out.join(''), 'MMMMMHHHMMMHH');
  assert.deepEqual(policy.stackOrder(), [a, b, d]);
  assert.deepEqual([policy.statusOf(a), policy.statusOf(b), policy.statusOf(c), policy.statusOf(d)], ['LIR', 'HIR', 'absent', 'LIR']);
  // LRU on the same trace: MMMMHHMHMMHMM (it keeps neither a nor d across the short loops).
});

test('lirs resists a scan that flushes LRU', () => {
  // Capacity 10 (LIR 9, HIR 1): nine hot keys touched twice become LIR; a scan of 50 one-time
  // keys only cycles through the single HIR slot, so all nine hot keys still hit afterwards.
  const hot = Array.from({ length: 9 }, (_, i) => `h${i}`);
  const scan = Array.from({ length: 50 }, (_, i) => `s${i}`);
  const keys = [...hot, ...hot, ...scan, ...hot];
  const { policy, ids } = lirsFor(keys, 10);
  const hits = Array.from(ids, (id, i) => policy.access(id, 1, i));
  assert.deepEqual(hits.slice(-9), Array(9).fill(true));
  // Ghosts from the scan are bounded: S never holds more than 2 x capacity entries.
  assert.ok(policy.stackOrder().length <= 20);
});

/** A direct, array-based transcription of the same rules (entries only), for differential testing. */
class NaiveLirs {
  stack: number[] = []; // top first
  queue: number[] = []; // newest first; the front (victim) is the last element
  status = new Map<number, 'LIR' | 'HIR' | 'ghost'>();
  constructor(
    readonly capacity: number,
    readonly lirLimit: number,
  ) {}
  count(kind: string): number {
    return [...this.status.values()].filter((s) => s === kind).length;
  }
  resident(): number {
    return this.count('LIR') + this.count('HIR');
  }
  toTop(id: number): void {
    this.stack = [id, ...this.stack.filter((x) => x !== id)];
  }
  prune(): void {
    while (this.stack.length > 1 && this.status.get(this.stack.at(-1)!) !== 'LIR') {
      const bottom = this.stack.pop()!;
      if (this.status.get(bottom) === 'ghost') this.status.delete(bottom);
    }
  }
  demote(): void {
    const bottom = this.stack.pop()!;
    this.status.set(bottom, 'HIR');
    this.queue.unshift(bottom);
    this.prune();
  }
  makeRoom(): void {
    while (this.resident() + 1 > this.capacity) {
      if (this.queue.length === 0) {
        this.prune();
        this.demote();
        continue;
      }
      const victim = this.queue.pop()!;
      if (this.stack.includes(victim)) this.status.set(victim, 'ghost');
      else this.status.delete(victim);
    }
  }
  promote(id: number): void {
    this.status.set(id, 'LIR');
    this.prune();
    while (this.count('LIR') > this.lirLimit && this.stack.at(-1) !== id) this.demote();
  }
  limit(): void {
    while (this.stack.length > 2 * this.capacity) {
      // The oldest ghost is the one that lost residency first: tracked by `ghostOrder`.
      const ghost = this.ghostOrder.find((g) => this.status.get(g) === 'ghost' && this.stack.includes(g));
      if (ghost === undefined) break;
      this.ghostOrder = this.ghostOrder.filter((g) => g !== ghost);
      this.stack = this.stack.filter((x) => x !== ghost);
      this.status.delete(ghost);
    }
  }
  ghostOrder: number[] = [];
  access(id: number): boolean {
    const s = this.status.get(id);
    let hit = false;
    if (s === 'LIR') {
      this.toTop(id);
      this.prune();
      hit = true;
    } else if (s === 'HIR') {
      if (this.stack.includes(id)) {
        this.toTop(id);
        this.queue = this.queue.filter((x) => x !== id);
        this.promote(id);
      } else {
        this.stack.unshift(id);
        this.queue = [id, ...this.queue.filter((x) => x !== id)];
      }
      hit = true;
    } else if (s === 'ghost') {
      this.ghostOrder = this.ghostOrder.filter((g) => g !== id);
      this.toTop(id);
      this.makeRoom();
      this.promote(id);
    } else {
      this.makeRoom();
      this.stack.unshift(id);
      if (this.count('LIR') + 1 <= this.lirLimit) this.status.set(id, 'LIR');
      else {
        this.status.set(id, 'HIR');
        this.queue.unshift(id);
      }
    }
    // Record new ghosts in the order they appeared.
    for (const [key, state] of this.status) if (state === 'ghost' && !this.ghostOrder.includes(key)) this.ghostOrder.push(key);
    this.ghostOrder = this.ghostOrder.filter((g) => this.status.get(g) === 'ghost');
    this.limit();
    return hit;
  }
}

test('lirs matches a naive array transcription of the same rules', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 300, size: 'max' }),
      fc.integer({ min: 2, max: 12 }),
      fc.constantFrom('lirs', 'lirs:hir=0.25', 'lirs:hir=0.5'),
      (keys, capacity, spec) => {
        // A larger HIR share gives Q several entries, so its order matters too.
        const { policy, ids } = lirsFor(keys.map(String), capacity, spec);
        const naive = new NaiveLirs(capacity, policy.lirLimit);
        Array.from(ids).forEach((id, i) => {
          assert.equal(policy.access(id, 1, i), naive.access(id), `request ${i}`);
          assert.deepEqual(policy.stackOrder(), naive.stack, `stack after request ${i}`);
          assert.deepEqual(policy.queueOrder(), naive.queue, `queue after request ${i}`);
        });
      },
    ),
    { numRuns: 200 },
  );
});

test('lirs invariants: occupancy, LIR share, bounded stack, deletes (entries and bytes)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.boolean()), { maxLength: 300, size: 'max' }),
      fc.integer({ min: 1, max: 300 }),
      fc.boolean(),
      (requests, capacity, bytes) => {
        const sizeOf = (key: number): number => (bytes ? 1 + ((key * 7) % 5) : 1);
        const trace = traceOf(requests.map(([key]) => key));
        const policy = new LirsPolicy(
          { capacity, unit: bytes ? 'bytes' : 'entries', keySpace: trace.keySpace, seed: 1, trace },
          { hir: 0.05, stack: 2 },
        );
        requests.forEach(([key, del], i) => {
          const id = trace.keys[i]!;
          if (del && i % 3 === 0) policy.delete(id);
          else policy.access(id, sizeOf(key), i);
          assert.ok(policy.bytes <= capacity);
          let resident = 0;
          let residentBytes = 0;
          for (let k = 0; k < trace.keySpace; k++) {
            if (policy.has(k)) {
              resident++;
              residentBytes += sizeOf(Number(trace.keyNames!.get(k)));
            }
          }
          assert.equal(policy.size, resident);
          assert.equal(policy.bytes, residentBytes);
          if (!bytes && capacity >= 2) {
            const lir = Array.from({ length: trace.keySpace }, (_, k) => policy.statusOf(k)).filter((s) => s === 'LIR').length;
            assert.ok(lir <= policy.lirLimit);
          }
          const stack = policy.stackOrder();
          assert.ok(stack.length <= Math.max(2 * capacity, 1));
          assert.equal(new Set(stack).size, stack.length);
        });
      },
    ),
    { numRuns: 200 },
  );
});

test('lirs parameters are validated', () => {
  assert.throws(() => parsePolicySpec('lirs:hir=1.5'), UsageError);
  assert.throws(() => parsePolicySpec('lirs:stack=0.5'), UsageError);
  assert.equal(parsePolicySpec('lirs:hir=0.1').params['hir'], 0.1);
  const trace = traceOf(['a']);
  assert.throws(() => new LirsPolicy({ capacity: 4, unit: 'entries', keySpace: 1, seed: 1, trace }, { hir: 0, stack: 2 }), RangeError);
});
