/**
 * A streamed grid on several threads: the cells are split into groups balanced by cost, one
 * group per thread (this one included), and every thread advances its group over the same
 * chunks. This thread reads each chunk once into one of two shared slots; the workers read
 * it there (no copy) while the next chunk is being read into the other slot, and a slot is
 * reused only once every worker is done with it. The counts are those of one thread: each
 * cell still sees every request in order.
 *
 * Control words (Int32, shared): per slot the number of the chunk it holds (1-based) and
 * how many workers have still to replay it; then a failure flag any side may raise, after
 * which every side stops at its next wait.
 */
import type { Worker } from 'node:worker_threads';
import { nodeWorkers } from '../lazy-builtins.js';
import { CancelledError, UsageError } from '../errors.js';
import type { Trace, TraceChunk } from '../trace/trace.js';
import { sharedTrace } from './executor.js';
import { jobCost, toWire, type Job, type JobCounts, type ReplaySettings, type WireJob } from './jobs.js';
import type { NextUseFile } from './next-uses.js';

const WORKER_SCRIPT = new URL('./stream-worker.js', import.meta.url);
const SLOTS = 2;
const SEQUENCE = 0;
const PENDING = SLOTS;
const FAILED = 2 * SLOTS;
const CONTROL_WORDS = 2 * SLOTS + 1;
/** How long a wait sleeps before looking at the failure flag again, ms. */
const WAIT_MS = 100;

type ColumnName = 'keys' | 'sizes' | 'times' | 'ops' | 'ttls' | 'costs';
const COLUMN_NAMES: readonly ColumnName[] = ['keys', 'sizes', 'times', 'ops', 'ttls', 'costs'];
type Column = Uint8Array | Uint32Array | Float64Array;

/** What a worker is started with (all shared memory, nothing copied per chunk). */
export interface StreamWorkerInit {
  readonly shape: Trace;
  readonly jobs: readonly WireJob[];
  readonly settings: ReplaySettings;
  readonly warmup: number;
  /** The next uses of a trace with offline policies in the grid (next-uses.ts). */
  readonly nextUses?: NextUseFile;
  readonly control: Int32Array;
  /** Per slot: its chunk's start and length. */
  readonly bounds: Float64Array;
  /** Per slot: the columns the trace has, each `capacity` long. */
  readonly slots: readonly Partial<Record<ColumnName, Column>>[];
}

export type StreamWorkerReply =
  | { readonly type: 'done'; readonly counts: JobCounts[] }
  | { readonly type: 'error'; readonly name: string; readonly message: string }
  | { readonly type: 'stopped' };

/** The jobs split into `groups` lists of indices, balanced by cost (largest first onto the lightest group). */
export function groupsOf(jobs: readonly Job[], groups: number, requests: number): number[][] {
  const order = jobs.map((job, index) => ({ index, cost: jobCost(job, requests) })).sort((a, b) => b.cost - a.cost || a.index - b.index);
  const lists: number[][] = Array.from({ length: groups }, () => []);
  const loads = new Array<number>(groups).fill(0);
  for (const { index, cost } of order) {
    let lightest = 0;
    for (let g = 1; g < groups; g++) if (loads[g]! < loads[lightest]!) lightest = g;
    lists[lightest]!.push(index);
    loads[lightest]! += cost;
  }
  return lists.map((list) => list.sort((a, b) => a - b));
}

/** Blocks until control[index] equals `value`, or throws once the failure flag is up. */
function waitFor(control: Int32Array, index: number, value: number): boolean {
  for (;;) {
    const now = Atomics.load(control, index);
    if (now === value) return true;
    if (Atomics.load(control, FAILED) !== 0) return false;
    Atomics.wait(control, index, now, WAIT_MS);
  }
}

/** A slot's columns as a chunk of `length` requests from `start`. */
export function slotChunk(slot: Partial<Record<ColumnName, Column>>, start: number, length: number): TraceChunk {
  const chunk: Record<string, unknown> = { start, length };
  for (const name of COLUMN_NAMES) {
    const column = slot[name];
    if (column !== undefined) chunk[name] = column.subarray(0, length);
  }
  return chunk as unknown as TraceChunk;
}

/** Waits for a chunk in a worker: the slot's sequence reaching `sequence`; false once the failure flag is up. */
export function awaitChunk(control: Int32Array, slot: number, sequence: number): boolean {
  return waitFor(control, SEQUENCE + slot, sequence);
}

/** A worker is done with the chunk in `slot`. */
export function releaseChunk(control: Int32Array, slot: number): void {
  Atomics.sub(control, PENDING + slot, 1);
  Atomics.notify(control, PENDING + slot);
}

/** Raises the failure flag and wakes every waiter. */
export function raiseFailure(control: Int32Array): void {
  Atomics.store(control, FAILED, 1);
  for (let i = 0; i < FAILED; i++) Atomics.notify(control, i);
}

export const STREAM_SLOTS = SLOTS;

/**
 * Feeds the chunks of `source` to `workerGroups.length` workers, each replaying its jobs,
 * while `replayHere` replays this thread's on each chunk as it passes; resolves with the
 * workers' counts, by job index.
 */
export async function feedWorkers(
  shape: Trace,
  chunks: Iterable<TraceChunk>,
  jobs: readonly Job[],
  workerGroups: readonly (readonly number[])[],
  common: Pick<StreamWorkerInit, 'settings' | 'warmup' | 'nextUses'>,
  replayHere: (chunk: TraceChunk) => Promise<void>,
  signal?: AbortSignal,
): Promise<Map<number, JobCounts>> {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * Int32Array.BYTES_PER_ELEMENT));
  const bounds = new Float64Array(new SharedArrayBuffer(2 * SLOTS * Float64Array.BYTES_PER_ELEMENT));
  let slots: Partial<Record<ColumnName, Column>>[] | undefined;
  const workers: Worker[] = [];
  const outcomes: Promise<StreamWorkerReply>[] = [];
  const start = (capacity: number): void => {
    slots = Array.from({ length: SLOTS }, () => slotOf(shape, capacity));
    const shared = sharedTrace(shape);
    for (const group of workerGroups) {
      const init: StreamWorkerInit = {
        ...common,
        shape: shared,
        jobs: group.map((index) => toWire(jobs[index]!)),
        control,
        bounds,
        slots,
      };
      const worker = new (nodeWorkers().Worker)(WORKER_SCRIPT, { workerData: init });
      workers.push(worker);
      outcomes.push(
        new Promise<StreamWorkerReply>((resolve) => {
          worker.once('message', resolve);
          worker.once('error', (error) => {
            resolve({ type: 'error', name: error.name, message: error.message });
          });
          worker.once('exit', () => {
            resolve({ type: 'stopped' });
          });
        }),
      );
    }
  };
  try {
    let index = 0;
    for (const chunk of chunks) {
      if (signal?.aborted === true) throw new CancelledError();
      if (slots === undefined) start(chunk.length);
      const slot = index % SLOTS;
      if (!waitFor(control, PENDING + slot, 0)) break;
      copyInto(slots![slot]!, chunk);
      bounds[2 * slot] = chunk.start;
      bounds[2 * slot + 1] = chunk.length;
      Atomics.store(control, PENDING + slot, workers.length);
      Atomics.store(control, SEQUENCE + slot, index + 1);
      Atomics.notify(control, SEQUENCE + slot);
      await replayHere(chunk);
      index++;
    }
    const replies = await Promise.all(outcomes);
    const failure = replies.find((reply) => reply.type === 'error');
    if (failure !== undefined)
      throw failure.name === 'UsageError' ? new UsageError(failure.message) : new Error(`${failure.name}: ${failure.message}`);
    const counts = new Map<number, JobCounts>();
    replies.forEach((reply, w) => {
      if (reply.type !== 'done') throw new Error('a replay thread stopped before the end of the trace');
      workerGroups[w]!.forEach((job, k) => counts.set(job, reply.counts[k]!));
    });
    return counts;
  } catch (error) {
    raiseFailure(control);
    await Promise.all(workers.map((worker) => worker.terminate()));
    throw error;
  }
}

function slotOf(shape: Trace, capacity: number): Partial<Record<ColumnName, Column>> {
  const slot: Partial<Record<ColumnName, Column>> = {};
  for (const name of COLUMN_NAMES) {
    const column = shape[name];
    if (column === undefined) continue;
    const Type = column.constructor as { new (buffer: SharedArrayBuffer): Column; BYTES_PER_ELEMENT: number };
    slot[name] = new Type(new SharedArrayBuffer(Math.max(1, capacity) * Type.BYTES_PER_ELEMENT));
  }
  return slot;
}

function copyInto(slot: Partial<Record<ColumnName, Column>>, chunk: TraceChunk): void {
  for (const name of COLUMN_NAMES) {
    const from = chunk[name];
    const to = slot[name];
    if (from === undefined || to === undefined) continue;
    if (from.length > to.length) throw new Error(`a chunk of ${from.length} requests for slots of ${to.length}`);
    to.set(from);
  }
}
