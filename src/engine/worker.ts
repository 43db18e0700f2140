/**
 * A grid worker thread: receives the trace's columns once (SharedArrayBuffer views, so no copy),
 * then replays one (policy, capacity, TTL) job at a time for the pool in parallel.ts, posting
 * progress between chunks and the counts at the end. Policy specs travel as their canonical
 * text and are parsed again here, since parsed specs hold functions that cannot be cloned.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parsePolicySpec } from '../policies/index.js';
import type { Trace } from '../trace/trace.js';
import { replay } from './replay.js';
import type { WorkerInit, WorkerJob, WorkerReply } from './parallel.js';

const init = workerData as WorkerInit;
const trace: Trace = init.trace;
const port = parentPort!;

port.on('message', (job: WorkerJob) => {
  try {
    const counts = replay(trace, {
      policy: parsePolicySpec(job.policy),
      capacity: job.capacity,
      unit: init.unit,
      ...(job.ttl !== null && { ttl: job.ttl }),
      seed: init.seed,
      defaultMissCost: init.defaultMissCost,
      onProgress: (done) => port.postMessage({ type: 'progress', index: job.index, done } satisfies WorkerReply),
    });
    const reply: WorkerReply = { type: 'done', index: job.index, counts };
    port.postMessage(reply, counts.missCosts ? [counts.missCosts.buffer as ArrayBuffer] : []);
  } catch (error) {
    const reply: WorkerReply = {
      type: 'error',
      index: job.index,
      name: error instanceof Error ? error.name : 'Error',
      message: error instanceof Error ? error.message : String(error),
    };
    port.postMessage(reply);
  }
});
