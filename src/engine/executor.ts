/**
 * The executor: runs a list of jobs (jobs.ts) over one trace, in this thread or on several
 * threads (the calling thread and cores - 1 worker threads). Every command runs its replays
 * through here; results come back in job order whatever ran them.
 *
 * The calling thread replays jobs too rather than wait: it needs no start-up and has often
 * compiled the replay code already, and it starts at once while the workers are still
 * starting (about 0.1 s each), so a pool only adds the workers' start-up on cores that
 * would otherwise be idle. Every thread claims jobs from one queue in shared memory
 * (job-queue.ts: costliest first, one policy per thread where possible); the trace's columns
 * are copied once into SharedArrayBuffers that every worker reads. Results are stored by job
 * index, so their order (and the JSON built from them) does not depend on scheduling.
 * Small grids run in the calling thread alone.
 *
 * Workers load the compiled worker.js next to this file (dist/src/engine/worker.js).
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { nodeWorkers } from '../lazy-builtins.js';
import { CancelledError, UsageError } from '../errors.js';
import type { Trace } from '../trace/trace.js';
import { createJobQueue, JobTaker, progressOf, stopQueue, type JobQueue } from './job-queue.js';
import { jobCost, jobGroup, runJob, toWire, withKeyTtls, type Job, type JobCounts, type ReplaySettings, type WireJob } from './jobs.js';

export interface ExecutorOptions {
  /** Threads replaying at once, the calling one included; default os.availableParallelism(). 1 means in-process. */
  readonly workers?: number;
  /** 'auto' (default) runs small grids in-process; 'always' uses workers whenever there are two jobs. */
  readonly mode?: 'auto' | 'always' | 'never';
  /** Requests replayed so far over all jobs, and in total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Workers started ahead (startWorkerPool); taken when the replays go parallel. */
  readonly pool?: WorkerPool;
  /** Stops between chunks of requests; the call then rejects with a CancelledError. */
  readonly signal?: AbortSignal;
}

/** How replays run (threads, pool, cancellation), picked from a larger config that carries them. */
export function executorOptionsOf(config: Omit<ExecutorOptions, 'onProgress'>): Omit<ExecutorOptions, 'onProgress'> {
  return {
    ...(config.workers !== undefined && { workers: config.workers }),
    ...(config.mode !== undefined && { mode: config.mode }),
    ...(config.pool !== undefined && { pool: config.pool }),
    ...(config.signal !== undefined && { signal: config.signal }),
  };
}

const WORKER_SCRIPT = new URL('./worker.js', import.meta.url);

/**
 * Worker threads started before the trace is loaded, so that their start-up (about 0.1 s:
 * a Node thread, then the engine's modules) overlaps the load instead of the replays: in a
 * fresh process that start-up was a twentieth of a 1.6 s parallel grid. Idle workers do not
 * keep the process alive; whoever starts a pool closes it when done, which stops any worker
 * that was not taken.
 */
export class WorkerPool {
  private readonly idle: Worker[];

  constructor(count: number) {
    this.idle = Array.from({ length: count }, () => {
      const worker = new (nodeWorkers().Worker)(WORKER_SCRIPT);
      worker.unref();
      // A worker that fails or ends before it is taken is simply not handed out (the replay
      // starts a fresh one instead): a dead worker would never report back.
      worker.on('error', () => {
        this.drop(worker);
      });
      worker.on('exit', () => {
        this.drop(worker);
      });
      return worker;
    });
  }

  /** Up to `count` started workers, now the caller's to use and end. */
  take(count: number): Worker[] {
    const taken = this.idle.splice(0, count);
    for (const worker of taken) {
      worker.removeAllListeners('error');
      worker.removeAllListeners('exit');
      worker.ref();
    }
    return taken;
  }

  /** Stops the workers nobody took. */
  close(): void {
    for (const worker of this.idle.splice(0)) void worker.terminate();
  }

  private drop(worker: Worker): void {
    const at = this.idle.indexOf(worker);
    if (at >= 0) this.idle.splice(at, 1);
  }
}

/**
 * A pool for replays of about `work` requests in all (jobs x trace length), started now; or
 * undefined when such a grid would run in the calling thread alone (replayJobs).
 */
export function startWorkerPool(work: number, threads = defaultWorkerCount()): WorkerPool | undefined {
  if (threads <= 1 || work < MIN_PARALLEL_WORK_WITH_POOL) return undefined;
  return new WorkerPool(Math.min(threads, maxThreads()) - 1);
}

/** Runs `use` with a pool started for `work` (startWorkerPool), closed however `use` ends. */
export async function withWorkerPool<T>(
  work: number,
  threads: number | undefined,
  use: (pool: WorkerPool | undefined) => Promise<T>,
): Promise<T> {
  const pool = startWorkerPool(work, threads);
  try {
    return await use(pool);
  } finally {
    pool?.close();
  }
}

/**
 * Below this many request replays in total, threads cost more than they save. The calling
 * thread works from the start, so a worker only has to start (about 0.1 s, then tens of ms
 * warming up each policy) before the calling thread has finished everything to be of use;
 * at 30-100 M requests/s per core that is a grid of about 20 M request replays. Measured on
 * 2 cores, in a fresh process as the CLI runs it: 12.8 M replays took 0.49 s either way,
 * 25.6 M took 0.80 s serially and 0.64 s on two threads.
 */
export const MIN_PARALLEL_WORK = 20_000_000;

/**
 * The same threshold when the workers were started ahead (WorkerPool) and are up by the time
 * the replays begin: then only their warming up counts against them. Measured the same way,
 * 8 policies over a Zipf trace with a pool started before the trace was made: 2 M replays
 * took 250-290 ms either way, 4 M 308-320 ms serially and 280-291 ms on two threads, 8 M
 * 409-449 ms and 312-356 ms.
 */
export const MIN_PARALLEL_WORK_WITH_POOL = 4_000_000;

/** @internal The data a worker starts with (worker.ts). */
export interface WorkerInit {
  readonly trace: Trace;
  readonly settings: ReplaySettings;
  readonly jobs: readonly WireJob[];
  readonly queue: JobQueue;
}
/** @internal */
export type WorkerReply =
  | { readonly type: 'done'; readonly index: number; readonly counts: JobCounts }
  | { readonly type: 'error'; readonly index: number; readonly name: string; readonly message: string };

export function defaultWorkerCount(): number {
  return availableParallelism();
}

/** Threads beyond this many per core only add memory and start-up (52 threads on 2 cores: 6.9 GB, 33x slower). */
export const MAX_THREADS_PER_CORE = 4;

/** The most threads a grid uses, whatever it is asked for. */
export function maxThreads(): number {
  return MAX_THREADS_PER_CORE * availableParallelism();
}

/** Runs every job; the i-th result belongs to the i-th job. */
export async function executeJobs(
  trace: Trace,
  jobs: readonly Job[],
  settings: ReplaySettings,
  options: ExecutorOptions = {},
): Promise<JobCounts[]> {
  if (options.signal?.aborted) throw new CancelledError();
  const threads = Math.min(options.workers ?? defaultWorkerCount(), jobs.length, maxThreads());
  const mode = options.mode ?? 'auto';
  const threshold = options.pool ? MIN_PARALLEL_WORK_WITH_POOL : MIN_PARALLEL_WORK;
  const worthIt = mode === 'always' || (mode === 'auto' && jobs.length * trace.length >= threshold);
  if (mode === 'never' || threads <= 1 || !worthIt) return runInProcess(trace, jobs, settings, options);
  return runOnThreads(trace, jobs, settings, options, threads - 1);
}

/** A progress callback that also stops the replay (between chunks) once `signal` fires. */
function checked(signal: AbortSignal | undefined, report: ((done: number) => void) | undefined): ((done: number) => void) | undefined {
  if (signal === undefined) return report;
  return (done) => {
    if (signal.aborted) throw new CancelledError();
    report?.(done);
  };
}

async function runInProcess(trace: Trace, jobs: readonly Job[], settings: ReplaySettings, options: ExecutorOptions): Promise<JobCounts[]> {
  const total = jobs.length * trace.length;
  const results: JobCounts[] = [];
  for (const [index, job] of jobs.entries()) {
    const report =
      options.onProgress &&
      ((done: number): void => {
        options.onProgress!(index * trace.length + done, total);
      });
    results.push(runJob(trace, job, settings, checked(options.signal, report)));
    // Between jobs, let timers and signals in (a Ctrl-C handler, a progress bar's redraw).
    if (options.signal !== undefined && index + 1 < jobs.length) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (options.signal?.aborted) throw new CancelledError();
  return results;
}

/** How often progress is reported while the calling thread has no job left and waits. */
const PROGRESS_INTERVAL_MS = 100;

async function runOnThreads(
  trace: Trace,
  jobs: readonly Job[],
  settings: ReplaySettings,
  options: ExecutorOptions,
  workerCount: number,
): Promise<JobCounts[]> {
  const queue = createJobQueue(jobs.map((job) => ({ group: jobGroup(job), cost: jobCost(job, trace.length) })));
  const init: WorkerInit = {
    trace: sharedTrace(trace),
    settings,
    // Per-class TTLs are resolved here, where the trace has its key text; the workers' copy has none.
    jobs: jobs.map((job) => toWire(withKeyTtls(trace, job))),
    queue,
  };
  const results: (JobCounts | undefined)[] = new Array<JobCounts | undefined>(jobs.length);
  const total = jobs.length * trace.length;
  let finished = 0;
  let failure: Error | undefined;
  let running = workerCount;
  let wake: (() => void) | undefined;
  let settled = false;
  const fail = (error: Error): void => {
    if (settled) return;
    failure ??= error;
    stopQueue(queue);
    wake?.();
  };
  const report = options.onProgress
    ? (): void => {
        options.onProgress!(progressOf(queue), total);
      }
    : undefined;
  // A signal stops every thread: the shared queue's stop flag is checked between chunks.
  const onAbort = (): void => {
    fail(new CancelledError());
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  // Started before the calling thread's first job, so they start up while it works, unless
  // a pool started them earlier still.
  const prestarted = options.pool?.take(workerCount) ?? [];
  const started = Array.from({ length: workerCount - prestarted.length }, () => new (nodeWorkers().Worker)(WORKER_SCRIPT));
  const pool = [...prestarted, ...started].map((worker) => {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'done') {
        results[reply.index] = reply.counts;
        finished++;
        if (finished === jobs.length) wake?.();
      } else {
        fail(
          reply.name === 'UsageError'
            ? new UsageError(reply.message)
            : reply.name === 'CancelledError'
              ? new CancelledError()
              : new Error(reply.message),
        );
      }
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      running--;
      // A worker ends by itself only once the queue is empty, after its last results arrived.
      if (code !== 0) fail(new Error(`a replay worker stopped unexpectedly (exit code ${code})`));
      else wake?.();
    });
    worker.postMessage(init);
    return worker;
  });

  try {
    const taker = new JobTaker(queue);
    for (let index = taker.next(); index >= 0; index = taker.next()) {
      results[index] = runJob(trace, jobs[index]!, settings, (done: number) => {
        if (Atomics.load(queue.stopped, 0) !== 0) throw new CancelledError();
        Atomics.store(queue.progress, index, done);
        report?.();
      });
      finished++;
      // Lets the workers' messages in between jobs, so a failure stops this thread too.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    fail(error instanceof Error ? error : new Error(String(error)));
  }

  // The rest is the workers' jobs: wait for their results, reporting progress meanwhile.
  const ticker = report && setInterval(report, PROGRESS_INTERVAL_MS);
  while (failure === undefined && finished < jobs.length && running > 0) {
    await new Promise<void>((resolve) => (wake = resolve));
  }
  settled = true;
  wake = undefined;
  if (ticker) clearInterval(ticker);
  options.signal?.removeEventListener('abort', onAbort);
  // Workers that never got a job may still be starting up; nothing waits for them.
  for (const worker of pool) void worker.terminate();
  if (failure) throw failure;
  if (finished < jobs.length) throw new Error('the replay workers ended with jobs left undone');
  report?.();
  return results as JobCounts[];
}

const shared = new WeakMap<Trace, Trace>();

/** The trace with every column in a SharedArrayBuffer (copied once per trace, then reused). */
export function sharedTrace(trace: Trace): Trace {
  const cached = shared.get(trace);
  if (cached) return cached;
  const result: Trace = {
    source: trace.source,
    length: trace.length,
    keySpace: trace.keySpace,
    keys: share(trace.keys),
    ...(trace.sizes && { sizes: share(trace.sizes) }),
    ...(trace.times && { times: share(trace.times) }),
    ...(trace.ops && { ops: share(trace.ops) }),
    ...(trace.ttls && { ttls: share(trace.ttls) }),
    ...(trace.costs && { costs: share(trace.costs) }),
    // Workers get no key text, but the memory models need each key's length: the same in every thread.
    ...((trace.keyNameBytes ?? trace.keyNames) && { keyNameBytes: share(trace.keyNameBytes ?? trace.keyNames!.byteLengths()) }),
  };
  shared.set(trace, result);
  return result;
}

function share<A extends Uint32Array | Float64Array | Uint8Array>(array: A): A {
  if (array.buffer instanceof SharedArrayBuffer) return array;
  const Type = array.constructor as { new (buffer: SharedArrayBuffer): A };
  const copy = new Type(new SharedArrayBuffer(array.byteLength));
  copy.set(array);
  return copy;
}
