/** Known-answer tests for fifo, lfu and ttl, with the reasoning for each expected sequence. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPolicy, parsePolicySpec } from '../../src/policies/index.js';
import { replay } from '../../src/engine/replay.js';
import { traceOf } from '../helpers/trace.js';

/** 'H' or 'M' per request, driving the policy directly at time = request index. */
function sequence(name: string, keys: string, capacity: number): string {
  const trace = traceOf([...keys]);
  const policy = createPolicy(parsePolicySpec(name), { capacity, unit: 'entries', keySpace: trace.keySpace, seed: 1, trace });
  return Array.from(trace.keys, (id, i) => (policy.access(id, 1, i) ? 'H' : 'M')).join('');
}

test('fifo ignores hits when choosing a victim', () => {
  // cap 2: a b miss; a hits but keeps its place; c evicts a, the oldest insertion -> {b, c};
  // a misses and evicts b -> {c, a}; b misses.
  assert.equal(sequence('fifo', 'abacab', 2), 'MMHMMM');
  // LRU on the same trace keeps a after its hit: c evicts b, a hits, b misses.
  assert.equal(sequence('lru', 'abacab', 2), 'MMHMHM');
});

test('lfu evicts the least frequent, and the least recent among ties', () => {
  // cap 2: a(1) a(2) b(1) | c evicts b, the only count-1 entry | b evicts c (count 1) | a hits.
  assert.equal(sequence('lfu', 'aabcba', 2), 'MHMMMH');
  // a b a b: both reach count 2, b touched last. c evicts a (least recent at count 2);
  // a then evicts c (count 1 beats count 2); b still hits.
  assert.equal(sequence('lfu', 'ababcab', 2), 'MMHHMMH');
});

test('lfu keeps its counts consistent through deletes', () => {
  const trace = traceOf(['a', 'b', 'c']);
  const policy = createPolicy(parsePolicySpec('lfu'), { capacity: 2, unit: 'entries', keySpace: 3, seed: 1, trace });
  policy.access(0, 1, 0);
  policy.access(0, 1, 1);
  policy.access(1, 1, 2);
  assert.equal(policy.delete(1), true);
  assert.equal(policy.delete(1), false);
  assert.equal(policy.size, 1);
  // With b gone the only count-1 bucket is empty; c must still insert and a must survive.
  assert.equal(policy.access(2, 1, 3), false);
  assert.equal(policy.access(1, 1, 4), false); // evicts c (count 1), not a (count 2)
  assert.equal(policy.has(0), true);
  assert.equal(policy.has(2), false);
});

test('an entry past its TTL is an expired miss, for any policy', () => {
  // a@0 expires at 10; b@1; a@5 hits; c@6; a@20 finds a expired -> miss, re-inserted.
  const trace = traceOf(['a', 'b', 'a', 'c', 'a'], { times: [0, 1, 5, 6, 20] });
  for (const name of ['lru', 'lfu', 'fifo', 'ttl', 'lru-cache']) {
    const counts = replay(trace, { policy: parsePolicySpec(name), capacity: 10, unit: 'entries', ttl: 10, seed: 1 });
    assert.deepEqual([counts.hits, counts.misses, counts.expiredMisses], [1, 4, 1], name);
  }
  // A TTL longer than the trace changes nothing.
  const long = replay(trace, { policy: parsePolicySpec('lru'), capacity: 2, unit: 'entries', ttl: 1e6, seed: 1 });
  const none = replay(trace, { policy: parsePolicySpec('lru'), capacity: 2, unit: 'entries', seed: 1 });
  assert.deepEqual(long, none);
});

test('ttl (cachetools TTLCache) purges expired entries before evicting live ones', () => {
  // cap 2, ttl 10: a@0 (expires 10), b@5 (15), a@8 hits so b is least recent.
  // c@12: ttl purges the expired a first, so b survives and b@13 hits.
  // lru with the same TTL evicts b (least recent) instead, so b@13 misses.
  const trace = traceOf(['a', 'b', 'a', 'c', 'b'], { times: [0, 5, 8, 12, 13] });
  const ttl = replay(trace, { policy: parsePolicySpec('ttl'), capacity: 2, unit: 'entries', ttl: 10, seed: 1 });
  const lru = replay(trace, { policy: parsePolicySpec('lru'), capacity: 2, unit: 'entries', ttl: 10, seed: 1 });
  assert.equal(ttl.hits, 2);
  assert.equal(lru.hits, 1);
  assert.equal(ttl.finalEntries, 2);
});

test('set writes without counting a lookup; delete removes', () => {
  const GET = 0,
    SET = 1,
    DEL = 2;
  // set a, get a (hit), delete a, get a (miss), get a (hit)
  const trace = traceOf(['a', 'a', 'a', 'a', 'a'], { ops: [SET, GET, DEL, GET, GET] });
  const counts = replay(trace, { policy: parsePolicySpec('lru'), capacity: 4, unit: 'entries', seed: 1 });
  assert.deepEqual([counts.requests, counts.hits, counts.misses, counts.writes, counts.deletes], [3, 2, 1, 1, 1]);
});

test('byte capacity never stores an object larger than the cache', () => {
  const trace = traceOf(['a', 'big', 'a', 'big'], { sizes: [10, 500, 10, 500] });
  const counts = replay(trace, { policy: parsePolicySpec('lru'), capacity: 100, unit: 'bytes', seed: 1 });
  assert.deepEqual([counts.hits, counts.misses, counts.uncacheable, counts.finalBytes], [1, 3, 2, 10]);
  assert.equal(counts.bytesHit, 10);
  assert.equal(counts.bytesRequested, 1020);
});

test('byte hit rate counts real sizes even when capacity counts entries', () => {
  // 2 entries: a(10) b(1000) a(10) -> one hit worth 10 of the 1020 bytes requested.
  const trace = traceOf(['a', 'b', 'a'], { sizes: [10, 1000, 10] });
  const counts = replay(trace, { policy: parsePolicySpec('lru'), capacity: 2, unit: 'entries', seed: 1 });
  assert.deepEqual([counts.hits, counts.bytesHit, counts.bytesRequested], [1, 10, 1020]);
});

test('the lru-cache policy allocates for the keys a trace has, not for a huge capacity', () => {
  const trace = traceOf([0, 1, 2, 0, 1, 2]);
  const before = process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;
  const policy = createPolicy(parsePolicySpec('lru-cache'), { capacity: 1e9, unit: 'entries', keySpace: trace.keySpace, seed: 1, trace });
  const grown = process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed - before;
  assert.ok(grown < 50e6, `allocated ${grown} bytes`);
  assert.deepEqual(
    [0, 1, 2, 0, 1, 2].map((id) => policy.access(id, 1, 0)),
    [false, false, false, true, true, true],
  );
});
