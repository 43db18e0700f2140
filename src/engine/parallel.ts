/**
 * Replays many (policy, capacity, TTL) jobs over one trace on a pool of worker threads.
 *
 * The trace's columns are copied once into SharedArrayBuffers, so every worker reads the same
 * memory; each worker replays one job at a time and asks for the next when done, which keeps
 * all cores busy even when jobs differ in cost. Results are stored by job index, so their
 * order (and the JSON built from them) does not depend on scheduling. Small grids run in the
 * calling thread: starting workers costs tens of milliseconds each.
 *
 * Workers load the compiled worker.js next to this file (dist/src/engine/worker.js).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UsageError } from '../errors.js';
import type { PolicySpec } from '../policies/index.js';
import type { ResultRow, RunResult } from '../report/model.js';
import type { Trace } from '../trace/trace.js';
import { resultOf, runGrid, toRow, type GridConfig } from './grid.js';
import { replay, type ReplayCounts } from './replay.js';

export interface ReplayJob {
  readonly policy: PolicySpec;
  readonly capacity: number;
  /** Seconds, or null for no TTL. */
  readonly ttl: number | null;
}

export interface ParallelOptions {
  readonly unit: 'entries' | 'bytes';
  readonly seed: number;
  readonly defaultMissCost: number;
  /** Worker threads; default os.availableParallelism(). 1 means in-process. */
  readonly workers?: number;
  /** 'auto' (default) runs small grids in-process; 'always' uses workers whenever there are two jobs. */
  readonly mode?: 'auto' | 'always' | 'never';
  readonly onProgress?: (done: number, total: number) => void;
}

/** Below this many request replays in total, threads cost more than they save. */
export const MIN_PARALLEL_WORK = 2_000_000;

/** @internal The messages between the pool and worker.ts. */
export interface WorkerInit {
  readonly trace: Trace;
  readonly unit: 'entries' | 'bytes';
  readonly seed: number;
  readonly defaultMissCost: number;
}
/** @internal */
export interface WorkerJob {
  readonly index: number;
  readonly policy: string;
  readonly capacity: number;
  readonly ttl: number | null;
}
/** @internal */
export type WorkerReply =
  | { readonly type: 'progress'; readonly index: number; readonly done: number }
  | { readonly type: 'done'; readonly index: number; readonly counts: ReplayCounts }
  | { readonly type: 'error'; readonly index: number; readonly name: string; readonly message: string };

export function defaultWorkerCount(): number {
  return availableParallelism();
}

/** Replays every job; the i-th result belongs to the i-th job. */
export async function replayJobs(trace: Trace, jobs: readonly ReplayJob[], options: ParallelOptions): Promise<ReplayCounts[]> {
  const workers = Math.min(options.workers ?? defaultWorkerCount(), jobs.length);
  const mode = options.mode ?? 'auto';
  const worthIt = mode === 'always' || (mode === 'auto' && jobs.length * trace.length >= MIN_PARALLEL_WORK);
  if (mode === 'never' || workers <= 1 || !worthIt) return replayInProcess(trace, jobs, options);
  return replayOnWorkers(trace, jobs, options, workers);
}

function replayInProcess(trace: Trace, jobs: readonly ReplayJob[], options: ParallelOptions): ReplayCounts[] {
  const total = jobs.length * trace.length;
  return jobs.map((job, index) =>
    replay(trace, {
      policy: job.policy,
      capacity: job.capacity,
      unit: options.unit,
      ...(job.ttl !== null && { ttl: job.ttl }),
      seed: options.seed,
      defaultMissCost: options.defaultMissCost,
      ...(options.onProgress && { onProgress: (done: number) => options.onProgress!(index * trace.length + done, total) }),
    }),
  );
}

function replayOnWorkers(trace: Trace, jobs: readonly ReplayJob[], options: ParallelOptions, count: number): Promise<ReplayCounts[]> {
  const init: WorkerInit = { trace: sharedTrace(trace), unit: options.unit, seed: options.seed, defaultMissCost: options.defaultMissCost };
  const results: (ReplayCounts | undefined)[] = new Array(jobs.length);
  const progress = new Float64Array(jobs.length);
  const total = jobs.length * trace.length;
  let doneSoFar = 0;
  let next = 0;
  let finished = 0;
  const pool: Worker[] = [];

  return new Promise<ReplayCounts[]>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      for (const worker of pool) void worker.terminate();
      reject(error);
    };
    const dispatch = (worker: Worker): void => {
      if (next >= jobs.length) return;
      const index = next++;
      const job = jobs[index]!;
      const message: WorkerJob = { index, policy: job.policy.name, capacity: job.capacity, ttl: job.ttl };
      worker.postMessage(message);
    };
    for (let w = 0; w < count; w++) {
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
      pool.push(worker);
      worker.on('message', (reply: WorkerReply) => {
        if (settled) return;
        if (reply.type === 'progress') {
          doneSoFar += reply.done - progress[reply.index]!;
          progress[reply.index] = reply.done;
          options.onProgress?.(doneSoFar, total);
        } else if (reply.type === 'done') {
          results[reply.index] = reply.counts;
          finished++;
          if (finished === jobs.length) {
            settled = true;
            for (const each of pool) void each.terminate();
            resolve(results as ReplayCounts[]);
          } else {
            dispatch(worker);
          }
        } else {
          fail(reply.name === 'UsageError' ? new UsageError(reply.message) : new Error(reply.message));
        }
      });
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`a replay worker stopped unexpectedly (exit code ${code})`)));
      dispatch(worker);
    }
  });
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

/** The grid settings the pool knows how to hand to workers. */
const POOLED_SETTINGS = new Set(['policies', 'capacities', 'unit', 'ttls', 'cost', 'seed', 'command', 'onProgress', 'workers', 'mode']);

/** Whether every setting of this grid config is one the pool passes on to its workers. */
export function poolCanRun(config: object): boolean {
  return Object.entries(config).every(([key, value]) => value === undefined || POOLED_SETTINGS.has(key));
}

/**
 * `runGrid` on worker threads: the same result, row for row, byte for byte. A grid with any
 * setting the pool does not know (a feature added to `runGrid` later) runs serially through
 * `runGrid`, so no setting is ever silently dropped on the way to a worker.
 */
export async function runGridParallel(
  trace: Trace,
  config: GridConfig & Pick<ParallelOptions, 'workers' | 'mode'>,
): Promise<RunResult> {
  if (!poolCanRun(config)) return runGrid(trace, config);
  const jobs: ReplayJob[] = [];
  for (const policy of config.policies) {
    for (const ttl of config.ttls) for (const capacity of config.capacities) jobs.push({ policy, capacity, ttl });
  }
  const counts = await replayJobs(trace, jobs, {
    unit: config.unit,
    seed: config.seed,
    defaultMissCost: config.cost.missCost,
    ...(config.workers !== undefined && { workers: config.workers }),
    ...(config.mode !== undefined && { mode: config.mode }),
    ...(config.onProgress && { onProgress: config.onProgress }),
  });
  const rows: ResultRow[] = jobs.map((job, i) => toRow(job.policy.name, job.ttl, job.capacity, counts[i]!, config.cost));
  return resultOf(trace, config, rows);
}
