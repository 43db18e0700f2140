/**
 * Jobs replayed over a streamed trace: every cell of the grid advances chunk by chunk over
 * one read of the file (replay.ts, ReplayRun), so memory is O(distinct keys + chunk) per
 * cell, never O(requests). The trace's summary and the facts the counts need (cold keys
 * after the warm-up, each key's last size) are gathered from the same chunks as they pass.
 *
 * Offline policies (Belady looks ahead) get every access's next use from one backward pass
 * written to disk first (next-uses.ts). What needs the whole trace at once is refused with
 * the reason: the time-aware simulator (tiers, fleets, write policies, stampedes,
 * incidents), and warm-ups or intervals measured in seconds (their ends are found by
 * searching the time column).
 */
import { UsageError, CancelledError } from '../errors.js';
import type { TraceSummary } from '../model/result.js';
import { TraceSummarizer } from '../trace/summary.js';
import type { Trace, TraceChunk } from '../trace/trace.js';
import { isTimedJob, replayConfigOf, withKeyTtls, type Job, type JobCounts, type ReplaySettings } from './jobs.js';
import { ReplayRun } from './replay.js';
import { StreamedFacts, type TraceFacts } from './trace-facts.js';
import { warmupEnd } from './warmup.js';
import { feedWorkers, groupsOf } from './stream-threads.js';
import { writeNextUses, type BackwardSource, type NextUseFile } from './next-uses.js';

/** A trace that arrives in chunks: its shape (chunks.ts), then its requests in order. */
export interface ChunkSource {
  readonly shape: Trace;
  chunks(): Iterable<TraceChunk>;
  /** The chunks from the last to the first: when present, offline policies (Belady) can run (next-uses.ts). */
  chunksFromEnd?(): Iterable<TraceChunk>;
}

export interface StreamedCounts {
  /** Per job, in the order given. */
  readonly counts: JobCounts[];
  readonly summary: TraceSummary;
  /** What was gathered of the whole trace on the way (each key's last size, cold keys). */
  readonly facts: TraceFacts;
}

export interface StreamOptions {
  /** Requests of the trace replayed so far (by every job) and in total. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: AbortSignal;
  /** Threads replaying at once, this one included (each takes a group of the jobs); default 1. */
  readonly threads?: number;
  /** Also sees every chunk, on this thread, as it passes (one read of the trace for more than the jobs). */
  readonly observe?: (chunk: TraceChunk) => void;
}

/** Why `job` cannot be replayed from a stream with these settings, or undefined when it can. */
export function streamRefusal(
  job: Job,
  settings: ReplaySettings,
  backwards: boolean,
): { readonly why: string; readonly path: string } | undefined {
  if (isTimedJob(job))
    return { why: 'tiers, fleets, write policies, stampedes and incidents need the whole trace in memory', path: 'stream' };
  const offline = job.tiers.find((tier) => tier.policy.definition.offline === true);
  if (offline !== undefined && !backwards)
    return { why: `${offline.policy.name} looks ahead, and this stream cannot be read backwards to find next uses`, path: 'policies' };
  if (settings.warmup?.unit === 'seconds')
    return { why: 'a streamed warm-up is a number of requests or a share, not a duration', path: 'warmup' };
  if (settings.interval?.unit === 'seconds')
    return { why: 'streamed intervals are a number of requests, not a duration', path: 'intervalMs' };
  return undefined;
}

/**
 * Replays every job over the chunks of `source`, each chunk once for all of them, and
 * returns their counts (exactly those of the same jobs over the trace in memory) and the
 * trace's summary.
 *
 * @throws UsageError when a job cannot be streamed (`streamRefusal`).
 * @throws CancelledError when `signal` fires (checked between chunks).
 */
export async function replayStream(
  source: ChunkSource,
  jobs: readonly Job[],
  settings: ReplaySettings,
  options: StreamOptions = {},
): Promise<StreamedCounts> {
  const backwards = source.chunksFromEnd !== undefined;
  for (const job of jobs) {
    const refusal = streamRefusal(job, settings, backwards);
    if (refusal !== undefined) throw new UsageError(refusal.why, refusal.path);
  }
  const shape = source.shape;
  // Per-class TTLs resolve against the key names here: worker threads get none.
  const resolved = jobs.map((job) => withKeyTtls(shape, job));
  // Offline policies look ahead: one backward pass first writes every access's next use to disk.
  const offline = resolved.some((job) => job.tiers.some((tier) => tier.policy.definition.offline === true));
  const nextUses = offline ? writeNextUses(source as BackwardSource) : undefined;
  try {
    return await replayGroups(source, jobs, resolved, settings, options, nextUses);
  } finally {
    nextUses?.remove();
  }
}

async function replayGroups(
  source: ChunkSource,
  jobs: readonly Job[],
  resolved: readonly Job[],
  settings: ReplaySettings,
  options: StreamOptions,
  nextUses: NextUseFile | undefined,
): Promise<StreamedCounts> {
  const shape = source.shape;
  const warmup = settings.warmup === undefined ? 0 : warmupEnd(shape, settings.warmup);
  const facts = new StreamedFacts(shape.keySpace, shape.sizes !== undefined, [warmup]);
  const summarizer = new TraceSummarizer(shape);
  const threads = shape.length === 0 ? 1 : Math.max(1, Math.min(options.threads ?? 1, jobs.length));
  const groups = groupsOf(resolved, threads, shape.length);
  const here = groups[0]!;
  const withNextUses = nextUses === undefined ? {} : { nextUses: { path: nextUses.path, count: nextUses.count } };
  const runs = here.map((index) => new ReplayRun(shape, { ...replayConfigOf(shape, resolved[index]!, settings), ...withNextUses }, facts));
  const total = shape.length * jobs.length;
  const replayHere = async (chunk: TraceChunk): Promise<void> => {
    facts.observe(chunk);
    summarizer.observe(chunk);
    options.observe?.(chunk);
    for (const run of runs) run.advance(chunk);
    options.onProgress?.((chunk.start + chunk.length) * jobs.length, total);
    // Between chunks the event loop turns: a progress bar redraws, a signal is seen.
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  let elsewhere = new Map<number, JobCounts>();
  if (threads === 1) {
    for (const chunk of source.chunks()) {
      if (options.signal?.aborted === true) throw new CancelledError();
      await replayHere(chunk);
    }
  } else {
    elsewhere = await feedWorkers(
      shape,
      source.chunks(),
      resolved,
      groups.slice(1),
      { settings, warmup, ...withNextUses },
      replayHere,
      options.signal,
    );
  }
  const counts = new Map(here.map((index, k) => [index, runs[k]!.finish()] as const));
  return { counts: jobs.map((_, index) => counts.get(index) ?? elsewhere.get(index)!), summary: summarizer.summary(), facts };
}
