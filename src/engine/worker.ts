/**
 * A grid worker thread: receives the trace's columns (SharedArrayBuffer views, so no copy)
 * and the whole job list once, then claims jobs from the shared queue (job-queue.ts) and
 * replays them until none is left, posting each job's counts; the main thread claims from
 * the same queue. Progress goes into the queue's shared counters, not into messages.
 * Policy specs travel as their canonical text and are parsed again here, since parsed
 * specs hold functions that cannot be cloned. The thread ends by itself when the queue is
 * empty (Node delivers its last messages before the 'exit' event).
 *
 * The work arrives as the first message, not as workerData, so that a pool can start its
 * threads (and load these modules) while the trace is still loading (parallel.ts, WorkerPool).
 */
import { parentPort } from 'node:worker_threads';
import { parsePolicySpec, type PolicySpec } from '../policies/index.js';
import type { Trace } from '../trace/trace.js';
import { JobTaker } from './job-queue.js';
import { replay } from './replay.js';
import type { WorkerInit, WorkerReply } from './parallel.js';

const port = parentPort!;
port.once('message', (init: WorkerInit) => { runJobs(init); });

function runJobs(init: WorkerInit): void {
  const trace: Trace = init.trace;
  const queue = init.queue;
  const specs = new Map<string, PolicySpec>();
  const taker = new JobTaker(queue);

  for (let index = taker.next(); index >= 0; index = taker.next()) {
    const job = init.jobs[index]!;
    try {
      let spec = specs.get(job.policy);
      if (spec === undefined) specs.set(job.policy, (spec = parsePolicySpec(job.policy)));
      const counts = replay(trace, {
        policy: spec,
        capacity: job.capacity,
        unit: init.unit,
        ...(job.ttl !== null && { ttl: job.ttl }),
        seed: init.seed,
        defaultMissCost: init.defaultMissCost,
        ...(init.ttlJitter !== undefined && { ttlJitter: init.ttlJitter }),
        onProgress: (done) => Atomics.store(queue.progress, index, done),
      });
      const reply: WorkerReply = { type: 'done', index, counts };
      port.postMessage(reply, counts.missCosts ? [counts.missCosts.buffer as ArrayBuffer] : []);
    } catch (error) {
      const reply: WorkerReply = {
        type: 'error',
        index,
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      };
      port.postMessage(reply);
      break;
    }
  }
}
