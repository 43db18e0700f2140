/**
 * A worker thread of the executor: receives the trace's columns (SharedArrayBuffer views, so
 * no copy), the grid's settings and the whole job list once, then claims jobs from the shared
 * queue (job-queue.ts) and runs them until none is left, posting each job's counts; the main
 * thread claims from the same queue. Progress goes into the queue's shared counters, not into
 * messages, and the queue's stop flag ends a job between chunks. The thread ends by itself
 * when the queue is empty (Node delivers its last messages before the 'exit' event).
 *
 * The work arrives as the first message, not as workerData, so that a pool can start its
 * threads (and load these modules) while the trace is still loading (executor.ts, WorkerPool).
 */
import { parentPort } from 'node:worker_threads';
import { CancelledError } from '../errors.js';
import type { PolicySpec } from '../policies/index.js';
import type { WorkerInit, WorkerReply } from './executor.js';
import { JobTaker } from './job-queue.js';
import { fromWire, isTimedCounts, runJob, type JobCounts } from './jobs.js';

const port = parentPort!;
port.once('message', (init: WorkerInit) => {
  runJobs(init);
});

function runJobs(init: WorkerInit): void {
  const { trace, queue, settings } = init;
  const specs = new Map<string, PolicySpec>();
  const taker = new JobTaker(queue);

  for (let index = taker.next(); index >= 0; index = taker.next()) {
    try {
      const counts = runJob(trace, fromWire(init.jobs[index]!, specs), settings, (done) => {
        if (Atomics.load(queue.stopped, 0) !== 0) throw new CancelledError();
        Atomics.store(queue.progress, index, done);
      });
      const reply: WorkerReply = { type: 'done', index, counts };
      port.postMessage(reply, transferables(counts));
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

/** The large arrays of a job's counts, moved rather than copied to the main thread. */
function transferables(counts: JobCounts): ArrayBuffer[] {
  const arrays = isTimedCounts(counts) ? [counts.missLatencies] : counts.missCosts ? [counts.missCosts] : [];
  return arrays.map((array) => array.buffer as ArrayBuffer);
}
