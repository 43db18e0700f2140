/** `simulate()` and `sweep()`: validate the options against the trace, run the grid, return the result object. */
import { runGridParallel, runGridStreamed, type GridConfig } from '../engine/grid.js';
import { availableParallelism } from 'node:os';
import type { TraceStream } from '../trace/stream.js';
import { parseSizes } from '../engine/sizes.js';
import { runSweep, runSweepStreamed } from '../engine/sweep.js';
import type { ChunkSource } from '../engine/stream.js';
import { bestChoice, curvesOf } from '../engine/recommend.js';
import type { RunResult } from '../model/result.js';
import type { Trace } from '../trace/trace.js';
import { checkShardParts } from './shards.js';
import {
  checkAgainstTrace,
  checkSimulateOptions,
  checkSweepOptions,
  type Plan,
  type SimulateOptions,
  type SweepOptions,
} from './options.js';

/**
 * Replays `trace` through every policy x TTL x capacity (or the chain of `tiers` per TTL) and
 * returns the result object the CLI prints as JSON, ending with `best`, the best deployable
 * row (diminishing returns across its sizes, ties to the simpler policy): byte-identical for the same inputs and
 * seed, whatever the thread count.
 *
 * @throws UsageError naming the option path when an option is invalid or the trace cannot honour it.
 * @throws CancelledError when `signal` fires.
 */
export async function simulate(trace: Trace | TraceStream, options: SimulateOptions = {}): Promise<RunResult> {
  const plan = checkSimulateOptions(options);
  if (isTraceStream(trace)) return simulateStreamed(trace, plan, options);
  checkAgainstTrace(plan, trace);
  const result = await runGridParallel(trace, {
    ...gridOf(plan, plan.grid.capacities!),
    ...executorOf(plan, options),
    ...(options.fromShards !== undefined && { fromSlices: checkShardParts(options.fromShards, 'run') }),
  });
  // A run ends with its verdict: the best deployable row, under the sweep's default criterion.
  return { ...result, best: bestChoice(curvesOf(result.rows), plan.recommend) };
}

/** A trace opened by `openTraceStream` rather than loaded. */
export function isTraceStream(trace: Trace | TraceStream): trace is TraceStream {
  return 'chunks' in trace && typeof trace.chunks === 'function';
}

/** @internal A TraceStream as the engine reads it: forwards, and backwards for offline policies. */
export function sourceOf(stream: TraceStream): ChunkSource {
  return { shape: stream.shape, chunks: () => stream.chunks(), chunksFromEnd: () => stream.chunksFromEnd() };
}

/** Threads a streamed grid replays on: every core unless told. */
function threadsOf(plan: Plan): number {
  return plan.parallel === 'never' ? 1 : (plan.workers ?? availableParallelism());
}

/** `simulate` over a streamed trace: one read of it for the whole grid, in O(keys + chunk) memory. */
async function simulateStreamed(stream: TraceStream, plan: Plan, options: SimulateOptions): Promise<RunResult> {
  checkAgainstTrace(plan, stream.shape, { streamed: true });
  // Merging parts reads the stream once, for its summary and to check the parts are of it.
  const result = await runGridStreamed(sourceOf(stream), {
    ...gridOf(plan, plan.grid.capacities!),
    ...streamedOf(plan, options),
    ...(options.fromShards !== undefined && { fromSlices: checkShardParts(options.fromShards, 'run') }),
  });
  return { ...result, best: bestChoice(curvesOf(result.rows), plan.recommend) };
}

/** @internal What a streamed replay takes of the options: cancelling, progress and threads. */
export function streamedOf(plan: Plan, options: SimulateOptions) {
  return {
    ...(options.signal !== undefined && { signal: options.signal }),
    ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
    threads: threadsOf(plan),
  };
}

/**
 * Hit-rate curves over many sizes for every policy x TTL, the recommended size per curve
 * (`recommendations`) and the best choice overall (`best`). Without `capacities`, sizes double
 * from 16 up to the trace's key count.
 *
 * @throws UsageError naming the option path when an option is invalid or the trace cannot honour it.
 * @throws CancelledError when `signal` fires.
 */
export async function sweep(trace: Trace | TraceStream, options: SweepOptions = {}): Promise<RunResult> {
  const { plan, config: checked } = sweepConfigOf(trace, options);
  const config = {
    ...checked,
    ...(options.fromShards !== undefined && { fromSlices: checkShardParts(options.fromShards, 'sweep') }),
  };
  if (!isTraceStream(trace)) return runSweep(trace, config);
  // A streamed sweep: one read of the file for every curve, in O(keys + chunk) memory.
  return runSweepStreamed(sourceOf(trace), { ...config, threads: threadsOf(plan) });
}

/**
 * @internal The options checked against the trace (or stream) and the sweep's engine config:
 * its sizes (by default doubling up to the key count), recommendation and sampling.
 */
export function sweepConfigOf(trace: Trace | TraceStream, options: SweepOptions) {
  const plan = checkSweepOptions(options);
  const shape = isTraceStream(trace) ? trace.shape : trace;
  checkAgainstTrace(plan, shape, { streamed: isTraceStream(trace) });
  const capacities = plan.grid.capacities ?? defaultSweepSizes(shape.keySpace);
  const config = {
    ...gridOf(plan, capacities),
    ...executorOf(plan, options),
    recommend: plan.recommend,
    ...(plan.sample !== undefined && { sample: plan.sample }),
  };
  return { plan, config };
}

/** 16, 32, ... doubling, always ending at the trace's key count (at least 32). */
export function defaultSweepSizes(keys: number, points?: number): number[] {
  return parseSizes(`16..${Math.max(32, keys)}`, 'entries', 'capacities', points === undefined ? {} : { points });
}

/** @internal */
export function gridOf(plan: Plan, capacities: readonly number[]): GridConfig {
  return { ...plan.grid, capacities };
}

/** @internal */
export function executorOf(plan: Plan, options: SimulateOptions) {
  return {
    ...(plan.workers !== undefined && { workers: plan.workers }),
    ...(plan.parallel !== undefined && { mode: plan.parallel }),
    ...(options.pool !== undefined && { pool: options.pool }),
    ...(options.signal !== undefined && { signal: options.signal }),
    ...(options.onProgress !== undefined && { onProgress: options.onProgress }),
  };
}
