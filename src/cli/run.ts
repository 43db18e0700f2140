/** `cachebench run TRACE`: replay a trace through every policy x TTL x size and report. */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { checkSimulateOptions, type SimulateOptions } from '../api/options.js';
import { simulate } from '../api/simulate.js';
import { simulateShard } from '../api/shards.js';
import type { Trace } from '../trace/trace.js';
import { addShardOption, deliverPart, shardFrom } from './shard.js';
import { addStreamOption, streamsByItself, withTraceStream } from './stream.js';
import { withWorkerPool } from '../engine/executor.js';
import type { RunResult } from '../model/result.js';
import {
  addGridOptions,
  addTraceOptions,
  asFlagError,
  expectedRequests,
  gridOptionsFrom,
  loadTraceFrom,
  shareSizesFor,
  type CommonFlags,
} from './options.js';
import type { CliIo } from './io.js';
import { addOutputOptions, deliverResult, prepareOutput, type OutputFlags } from './output.js';
import { progressBar } from './progress.js';
import { addTimeOptions, type TimeFlags } from './time-options.js';
import { addConfigOption, applyConfig, blameConfig, reportConfig, type ConfigFlags } from './config-defaults.js';

export function registerRun(program: Command, io: CliIo): void {
  const command = program
    .command('run')
    .description('replay a trace (a file or a synthetic spec) through policies, sizes and TTLs')
    .argument(
      '[trace]',
      'a trace file in any format (cachebench formats lists them; gzip, zstd, xz too), - for stdin, or a spec such as zipf:alpha=0.9,keys=1e5,requests=1e6',
    );
  addGridOptions(command, { policies: 'lru,lfu,ttl' });
  addTraceOptions(command);
  addTimeOptions(command);
  addOutputOptions(command);
  addConfigOption(command);
  addShardOption(command);
  addStreamOption(command);
  command.action(async (given: string | undefined, flags: RunFlags) => {
    const applied = await applyConfig(command, flags as unknown as Record<string, unknown> & ConfigFlags, given);
    const source = applied.source;
    const rename = (error: unknown): unknown => asFlagError(error, undefined, flags.capacity !== undefined);
    try {
      const shard = shardFrom(flags);
      const options = runOptionsFromFlags(flags, command);
      const fromShards = io.fromShards && { fromShards: io.fromShards };
      if (flags.stream === true || streamsByItself(source, io)) {
        // A shard streams its slice of the cells; merging streams the trace once more, for its summary.
        if (shard !== undefined) {
          const part = await withTraceStream(source, flags, io, rename, 'replaying', (stream, shares, onProgress) =>
            simulateShard(stream, { ...options, ...(shares !== undefined && { capacities: shares }), onProgress }, shard),
          );
          await deliverPart(part, flags, command, io);
          return;
        }
        const output = await prepareOutput(flags, { command: 'run', source });
        const result = await withTraceStream(source, flags, io, rename, 'replaying', (stream, shares, onProgress) =>
          simulate(stream, { ...options, ...(shares !== undefined && { capacities: shares }), ...fromShards, onProgress }),
        );
        await deliverResult(result, output, { io });
        reportConfig(applied, io);
        return;
      }
      if (shard !== undefined) {
        const part = await runSimulation(source, options, flags, io, rename, (trace, all) => simulateShard(trace, all, shard));
        await deliverPart(part, flags, command, io);
        return;
      }
      const output = await prepareOutput(flags, { command: 'run', source });
      const result = await runSimulation(source, { ...options, ...fromShards }, flags, io, rename);
      await deliverResult(result, output, { io });
      reportConfig(applied, io);
    } catch (error) {
      throw blameConfig(error, applied);
    }
  });
}

type RunFlags = CommonFlags & TimeFlags & OutputFlags & ConfigFlags & { shard?: string; stream?: boolean };

/** The library options of `run`'s flags; -p/-m/-c typed together with --tiers are refused. */
function runOptionsFromFlags(flags: CommonFlags & TimeFlags, command: Command): SimulateOptions {
  const options = gridOptionsFrom(flags, { sweep: false });
  if (flags.tiers !== undefined) {
    const typed = ['policies', 'maxsize', 'capacity']
      .filter((name) => command.getOptionValueSource(name) === 'cli')
      .map((name) => `--${name}`);
    if (typed.length > 0)
      throw asFlagError(new UsageError(`--tiers gives each tier its policy and size, so drop ${typed.join(' and ')}`, '--tiers'));
  }
  return options;
}

/**
 * Checks the options, loads the trace (worker threads starting meanwhile when the grid is
 * big) and runs `simulate()` (or `replay`: one shard of it) with a progress bar. Shared with `gate`, which names errors by
 * config field where `run` names flags (`rename`).
 */
export async function runSimulation<T = RunResult>(
  source: string,
  options: SimulateOptions,
  flags: CommonFlags,
  io: CliIo,
  rename: (error: unknown) => unknown,
  replay: (trace: Trace, options: SimulateOptions) => Promise<T> = simulate as (trace: Trace, options: SimulateOptions) => Promise<T>,
): Promise<T> {
  try {
    const plan = checkSimulateOptions(options);
    // A grid big enough for worker threads starts them now, so they start while the trace loads.
    const cells = plan.grid.timed?.tiers
      ? plan.grid.ttls.length
      : plan.grid.policies.length * (plan.grid.capacities?.length ?? 1) * plan.grid.ttls.length;
    return await withWorkerPool(cells * expectedRequests(source), options.workers, async (pool) => {
      const trace = await loadTraceFrom(source, flags, io, options.workers);
      const shares = options.capacities === undefined ? undefined : shareSizesFor(flags, trace);
      const progress = progressBar('replaying');
      try {
        return await replay(trace, {
          ...options,
          ...(shares !== undefined && { capacities: shares }),
          onProgress: (done, total) => {
            progress.update(done, total);
          },
          ...(pool && { pool }),
        });
      } finally {
        progress.done();
      }
    });
  } catch (error) {
    throw rename(error);
  }
}
