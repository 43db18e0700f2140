import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createJobQueue, JobTaker, progressOf, stopQueue, type QueuedJob } from '../../src/engine/job-queue.js';
import { cacheJob, jobCost } from '../../src/engine/jobs.js';
import { parsePolicySpec } from '../../src/policies/index.js';

const cost = (policy: string, capacity: number, ttl: number | null, requests: number): number =>
  jobCost(cacheJob(parsePolicySpec(policy), capacity, ttl, 0), requests);

// Group a: costs 1 + 5 = 6; group b: 4 + 4 + 4 = 12; group c: 2. Jobs 0..5 in input order.
const JOBS: QueuedJob[] = [
  { group: 'a', cost: 1 },
  { group: 'b', cost: 4 },
  { group: 'a', cost: 5 },
  { group: 'c', cost: 2 },
  { group: 'b', cost: 4 },
  { group: 'b', cost: 4 },
];

test('groups are laid out costliest first, and so are the jobs within a group', () => {
  const queue = createJobQueue(JOBS);
  // b (12) then a (6) then c (2); equal costs in b keep input order; a's 5 before its 1.
  assert.deepEqual(Array.from(queue.order), [1, 4, 5, 2, 0, 3]);
  assert.deepEqual(Array.from(queue.groupStart), [0, 3, 5, 6]);
  assert.ok(queue.claimed.buffer instanceof SharedArrayBuffer);
  assert.ok(queue.progress.buffer instanceof SharedArrayBuffer);
});

test('a thread stays on its group, the next takes an unstarted group, then they share the rest', () => {
  const queue = createJobQueue(JOBS);
  const first = new JobTaker(queue);
  const second = new JobTaker(queue);
  assert.equal(first.next(), 1); // group b, the costliest
  assert.equal(second.next(), 2); // b is started, so group a
  assert.equal(first.next(), 4); // still b
  assert.equal(second.next(), 0); // still a, now used up
  assert.equal(second.next(), 3); // c, the last unstarted group
  // Nothing unstarted is left: the second thread helps with b, the group with jobs left.
  assert.equal(second.next(), 5);
  assert.equal(first.next(), -1);
  assert.equal(second.next(), -1);
});

test('however threads interleave, every job is handed out exactly once', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ group: fc.constantFrom('x', 'y', 'z', 'w'), cost: fc.integer({ min: 1, max: 9 }) }), { maxLength: 40 }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 200 }),
      (jobs, turns) => {
        const queue = createJobQueue(jobs);
        const takers = [new JobTaker(queue), new JobTaker(queue), new JobTaker(queue)];
        const seen: number[] = [];
        // Threads take turns in the generated order, then each drains what is left.
        for (const t of turns) {
          const index = takers[t]!.next();
          if (index >= 0) seen.push(index);
        }
        for (const taker of takers) for (let i = taker.next(); i >= 0; i = taker.next()) seen.push(i);
        assert.deepEqual(
          [...seen].sort((a, b) => a - b),
          jobs.map((_, i) => i),
        );
      },
    ),
  );
});

test('a stopped queue hands out nothing more', () => {
  const queue = createJobQueue(JOBS);
  const taker = new JobTaker(queue);
  assert.equal(taker.next(), 1);
  stopQueue(queue);
  assert.equal(taker.next(), -1);
  assert.equal(new JobTaker(queue).next(), -1);
});

test("progress is the sum of every job's count", () => {
  const queue = createJobQueue(JOBS);
  queue.progress[0] = 10;
  queue.progress[5] = 32;
  assert.equal(progressOf(queue), 42);
});

test('job costs rank slow policies, TTLs and small caches as costlier', () => {
  assert.ok(cost('redis-lru', 100, null, 1000) > cost('lru', 100, null, 1000));
  assert.ok(cost('lru', 100, 60, 1000) > cost('lru', 100, null, 1000));
  assert.ok(cost('lru', 100, null, 1000) > cost('lru', 10_000, null, 1000));
  assert.ok(cost('lru', 100, null, 2000) > cost('lru', 100, null, 1000));
  assert.ok(cost('lru', 0, null, 1000) > 0);
});
