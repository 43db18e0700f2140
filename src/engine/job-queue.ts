/**
 * The queue of replay jobs that the main thread and the pool's workers (parallel.ts,
 * worker.ts) take work from, kept in shared memory so that taking a job needs no message.
 *
 * Why shared memory: the main thread replays jobs too, synchronously, so it cannot answer a
 * worker's "next job?" until its own job ends; a worker would sit idle for up to a job's
 * length each time. Instead every thread claims jobs itself with an atomic increment.
 *
 * Why groups: jobs of one policy form a group, and a thread keeps taking jobs from the
 * group it is on. Each thread pays V8's warm-up (compiling the policy and its per-class
 * replay loop, per-class.ts) once per policy it touches, so one thread working through a
 * policy warms up once where two sharing it would both pay. A thread whose group runs out
 * takes the costliest group nobody has started, and only when none is left does it help
 * with the group that has the most jobs left, so every core stays busy to the end.
 *
 * Why this order: groups are laid out costliest first and, within a group, the costliest
 * jobs first (estimates only: see jobCost), so the last jobs of the grid are short ones and
 * no thread is left finishing one long job while the others have stopped. The order never
 * changes results: every result is stored by its job's index.
 */

/** What the queue needs to know of a job to order it. */
export interface QueuedJob {
  /** Jobs with the same group key (the policy spec) are kept on one thread where possible. */
  readonly group: string;
  /** Relative cost; only the order of costs matters. */
  readonly cost: number;
}

/** The queue's state: plain data with SharedArrayBuffer views, so it can be posted to workers. */
export interface JobQueue {
  /** Job indexes in the order they are handed out; each group is one run of it. */
  readonly order: Int32Array;
  /** Group g's jobs are order[groupStart[g]] .. order[groupStart[g + 1] - 1]. */
  readonly groupStart: Int32Array;
  /** Shared: how many of group g's jobs have been claimed (may run past the group's size). */
  readonly claimed: Int32Array;
  /** Shared: [0] is 1 once the grid has failed, so no thread starts another job. */
  readonly stopped: Int32Array;
  /** Shared: requests replayed so far by each job (written by the thread running it). */
  readonly progress: Int32Array;
}

export function createJobQueue(jobs: readonly QueuedJob[]): JobQueue {
  const groups = new Map<string, number[]>();
  jobs.forEach((job, index) => {
    const members = groups.get(job.group);
    if (members) members.push(index);
    else groups.set(job.group, [index]);
  });
  const costOf = (members: number[]): number => members.reduce((sum, i) => sum + jobs[i]!.cost, 0);
  // Stable sorts with the job index as the last word keep the order itself deterministic.
  const ordered = [...groups.values()].sort((a, b) => costOf(b) - costOf(a) || a[0]! - b[0]!);
  const order = new Int32Array(jobs.length);
  const groupStart = new Int32Array(ordered.length + 1);
  let at = 0;
  ordered.forEach((members, g) => {
    groupStart[g] = at;
    for (const index of [...members].sort((a, b) => jobs[b]!.cost - jobs[a]!.cost || a - b)) order[at++] = index;
  });
  groupStart[ordered.length] = at;
  return {
    order,
    groupStart,
    claimed: new Int32Array(new SharedArrayBuffer(4 * ordered.length)),
    stopped: new Int32Array(new SharedArrayBuffer(4)),
    progress: new Int32Array(new SharedArrayBuffer(4 * jobs.length)),
  };
}

/** One thread's view of the queue: remembers the group it is working through. */
export class JobTaker {
  private group = -1;

  constructor(private readonly queue: JobQueue) {}

  /** The index of the next job this thread should run, or -1 when there is none left. */
  next(): number {
    const { order, groupStart, claimed, stopped } = this.queue;
    while (Atomics.load(stopped, 0) === 0) {
      if (this.group < 0) this.group = this.pickGroup();
      if (this.group < 0) return -1;
      const g = this.group;
      const slot = Atomics.add(claimed, g, 1);
      if (slot < groupStart[g + 1]! - groupStart[g]!) return order[groupStart[g]! + slot]!;
      this.group = -1;
    }
    return -1;
  }

  /** The first group nobody has started (costliest first), else the one with most jobs left. */
  private pickGroup(): number {
    const { groupStart, claimed } = this.queue;
    let busiest = -1;
    let mostLeft = 0;
    for (let g = 0; g + 1 < groupStart.length; g++) {
      const taken = Atomics.load(claimed, g);
      if (taken === 0) return g;
      const left = groupStart[g + 1]! - groupStart[g]! - taken;
      if (left > mostLeft) {
        mostLeft = left;
        busiest = g;
      }
    }
    return busiest;
  }
}

/** Marks the queue failed: threads finish the job they are on and take no other. */
export function stopQueue(queue: JobQueue): void {
  Atomics.store(queue.stopped, 0, 1);
}

/** Requests replayed so far over all jobs. */
export function progressOf(queue: JobQueue): number {
  let done = 0;
  for (let i = 0; i < queue.progress.length; i++) done += Atomics.load(queue.progress, i);
  return done;
}
