/**
 * Sharded runs: `simulateShard()` / `sweepShard()` compute the K-th of N slices of a grid and
 * return a part; `simulate()` / `sweep()` with `fromShards` finish the run from every part.
 * See engine/slices.ts for how the work is split and why the merge is exact.
 */
import { UsageError } from '../errors.js';
import { runGridSlice, runGridStreamedSlice } from '../engine/grid.js';
import { MAX_SLICES, parseSlice, type Slice, type SliceResults } from '../engine/slices.js';
import { runSweepSlice, runSweepStreamedSlice } from '../engine/sweep.js';
import type { TraceStream } from '../trace/stream.js';
import type { Trace } from '../trace/trace.js';
import { VERSION } from '../version.js';
import { checkAgainstTrace, checkSimulateOptions, type SimulateOptions, type SweepOptions } from './options.js';
import { executorOf, gridOf, isTraceStream, sourceOf, streamedOf, sweepConfigOf } from './simulate.js';

/** The `format` field of every part. */
export const SHARD_PART_FORMAT = 'cachebench-shard';

/** One slice of a sharded run: plain JSON, to be written to a file and merged elsewhere. */
export interface ShardPart extends SliceResults {
  readonly format: typeof SHARD_PART_FORMAT;
  /** The cachebench version that computed it: parts of other versions are not merged. */
  readonly version: string;
  readonly command: 'run' | 'sweep';
}

/**
 * The K-th of N slices of `simulate(trace, options)`. `shard` is `{ index: K, count: N }` or the
 * text `K/N`. A streamed trace (`openTraceStream`) is read once for the slice's cells; its
 * parts merge with those of the loaded trace, and either way.
 */
export async function simulateShard(trace: Trace | TraceStream, options: SimulateOptions, shard: Slice | string): Promise<ShardPart> {
  const slice = sliceOf(shard);
  const plan = checkSimulateOptions(options);
  if (isTraceStream(trace)) {
    checkAgainstTrace(plan, trace.shape, { streamed: true });
    const config = { ...gridOf(plan, plan.grid.capacities!), ...streamedOf(plan, options) };
    return partOf('run', await runGridStreamedSlice(sourceOf(trace), config, slice));
  }
  checkAgainstTrace(plan, trace);
  const results = await runGridSlice(trace, { ...gridOf(plan, plan.grid.capacities!), ...executorOf(plan, options) }, slice);
  return partOf('run', results);
}

/** The K-th of N slices of `sweep(trace, options)`; a streamed trace is read once for the slice's curves and sizes. */
export async function sweepShard(trace: Trace | TraceStream, options: SweepOptions, shard: Slice | string): Promise<ShardPart> {
  const slice = sliceOf(shard);
  const { plan, config } = sweepConfigOf(trace, options);
  const results = isTraceStream(trace)
    ? await runSweepStreamedSlice(sourceOf(trace), { ...config, ...streamedOf(plan, options) }, slice)
    : await runSweepSlice(trace, config, slice);
  return partOf('sweep', results);
}

function sliceOf(shard: Slice | string): Slice {
  if (typeof shard === 'string') return parseSlice(shard);
  return parseSlice(`${shard.index}/${shard.count}`);
}

function partOf(command: 'run' | 'sweep', results: SliceResults): ShardPart {
  return { format: SHARD_PART_FORMAT, version: VERSION, command, ...results };
}

/**
 * The parts as the engine takes them, after checking that each is a part of `command` made
 * by this version. A part's `name` (its file) goes into errors.
 */
export function checkShardParts(parts: readonly unknown[], command: 'run' | 'sweep'): ShardPart[] {
  return parts.map((given, at) => {
    const part = given as Partial<ShardPart> | null;
    const name = (part !== null && typeof part === 'object' && typeof part.name === 'string' && part.name) || `fromShards[${at}]`;
    if (part === null || typeof part !== 'object' || part.format !== SHARD_PART_FORMAT) {
      throw new UsageError(`${name} is not a part of a sharded run (no "format": "${SHARD_PART_FORMAT}")`, 'fromShards');
    }
    if (part.version !== VERSION) {
      throw new UsageError(
        `${name} was made by cachebench ${String(part.version)}, not ${VERSION}: shard and merge with one version`,
        'fromShards',
      );
    }
    if (part.command !== command) {
      throw new UsageError(`${name} is a part of a ${String(part.command)}, not of a ${command}`, 'fromShards');
    }
    const slice = part.slice;
    const units = part.units;
    if (
      slice === undefined ||
      !Number.isInteger(slice.index) ||
      !Number.isInteger(slice.count) ||
      slice.count < 1 ||
      slice.count > MAX_SLICES ||
      slice.index < 1 ||
      slice.index > slice.count ||
      typeof part.fingerprint !== 'string' ||
      !Number.isInteger(units) ||
      !Array.isArray(part.results)
    ) {
      throw new UsageError(`${name} is damaged: its slice, fingerprint, units or results are missing or invalid`, 'fromShards');
    }
    return part as ShardPart;
  });
}
