/**
 * lfu against a naive reference that states the rule directly: evict the resident entry with
 * the smallest (access count, time of its last access); a hit adds one to the count; a
 * changed size is taken on a hit and evicts (possibly the entry itself) until the cache fits;
 * an object larger than the cache is never stored. Random traces with sizes and deletes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createPolicy, parsePolicySpec } from '../../src/policies/index.js';
import { TraceBuilder } from '../../src/trace/trace.js';

class ReferenceLfu {
  private readonly entries = new Map<number, { count: number; last: number; size: number }>();
  private used = 0;
  constructor(private readonly capacity: number) {}

  access(id: number, size: number, now: number): boolean {
    const entry = this.entries.get(id);
    if (entry) {
      entry.count++;
      entry.last = now;
      this.used += size - entry.size;
      entry.size = size;
      if (size > this.capacity) this.delete(id);
      else while (this.used > this.capacity) this.evict();
      return true;
    }
    if (size > this.capacity) return false;
    while (this.used + size > this.capacity) this.evict();
    this.entries.set(id, { count: 1, last: now, size });
    this.used += size;
    return false;
  }

  delete(id: number): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    this.used -= entry.size;
    return true;
  }

  private evict(): void {
    let victim = -1;
    let best = { count: Infinity, last: Infinity };
    for (const [id, entry] of this.entries) {
      if (entry.count < best.count || (entry.count === best.count && entry.last < best.last)) {
        victim = id;
        best = entry;
      }
    }
    this.delete(victim);
  }

  get size(): number {
    return this.entries.size;
  }
}

test('lfu makes exactly the reference decisions: hits, evictions, sizes and deletes', () => {
  fc.assert(
    fc.property(
      // remove === 0 (one request in ten) is a delete.
      fc.array(fc.record({ key: fc.integer({ min: 0, max: 11 }), size: fc.integer({ min: 1, max: 6 }), remove: fc.nat({ max: 9 }) }), {
        maxLength: 300,
      }),
      fc.integer({ min: 1, max: 20 }),
      fc.boolean(),
      (requests, capacity, sized) => {
        const trace = new TraceBuilder(4).build('t', 12);
        const policy = createPolicy(parsePolicySpec('lfu'), { capacity, unit: sized ? 'bytes' : 'entries', keySpace: 12, seed: 1, trace });
        const reference = new ReferenceLfu(capacity);
        requests.forEach((r, now) => {
          const size = sized ? r.size : 1;
          if (r.remove === 0) assert.equal(policy.delete(r.key), reference.delete(r.key), `delete ${r.key} at ${now}`);
          else assert.equal(policy.access(r.key, size, now), reference.access(r.key, size, now), `request ${now}`);
          assert.equal(policy.size, reference.size, `size after ${now}`);
        });
      },
    ),
    { numRuns: 400, seed: 42 },
  );
});

test('lfu memory does not grow with access counts: a key hit a million times', () => {
  const trace = new TraceBuilder(4).build('t', 4);
  const policy = createPolicy(parsePolicySpec('lfu'), { capacity: 2, unit: 'entries', keySpace: 4, seed: 1, trace });
  for (let i = 0; i < 1_000_000; i++) policy.access(i % 64 === 0 ? 1 + ((i >> 6) % 3) : 0, 1, i);
  // Key 0 has a count near a million; the others keep replacing each other at count 1.
  assert.equal(policy.has(0), true);
  const held = Object.values(policy).reduce((bytes: number, field) => bytes + (ArrayBuffer.isView(field) ? field.byteLength : 0), 0);
  assert.ok(held < 4096, `lfu holds ${held} bytes of arrays for 4 keys`);
});
