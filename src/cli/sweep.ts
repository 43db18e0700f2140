/**
 * `cachebench sweep TRACE --maxsize 16..4096`: hit-rate curves for each policy and TTL over a
 * range of sizes, the recommended size per curve with its reason, the best policy there, and a
 * chart. Without --maxsize/--capacity the range runs from 16 entries to the trace's key count.
 */
import type { Command } from 'commander';
import { checkSweepOptions, type SweepOptions } from '../api/options.js';
import { defaultSweepSizes, sweep } from '../api/simulate.js';
import { sweepShard, type ShardPart } from '../api/shards.js';
import { addShardOption, deliverPart, shardFrom } from './shard.js';
import { withWorkerPool } from '../engine/executor.js';
import { renderSweep } from '../report/sweep.js';
import {
  addGridOptions,
  addSweepOptions,
  addTraceOptions,
  asFlagError,
  expectedRequests,
  gridOptionsFrom,
  loadTraceFrom,
  recommendFrom,
  sampleFrom,
  shareSizesFor,
  workersFrom,
  type SweepFlags,
} from './options.js';
import type { CliIo } from './io.js';
import { addOutputOptions, deliverResult, prepareOutput, type OutputFlags } from './output.js';
import { progressBar } from './progress.js';
import { addTimeOptions, type TimeFlags } from './time-options.js';
import { parseCount } from '../units.js';
import type { RunResult } from '../model/result.js';
import { addStreamOption, streamsByItself, withTraceStream } from './stream.js';
import { addConfigOption, applyConfig, blameConfig, reportConfig, type ConfigFlags } from './config-defaults.js';

export function registerSweep(program: Command, io: CliIo): void {
  const command = program
    .command('sweep')
    .description('hit rate against cache size for each policy and TTL, and the recommended size')
    .argument(
      '[trace]',
      'a trace file in any format (cachebench formats lists them; gzip, zstd, xz too), - for stdin, or a spec such as zipf:alpha=0.9,keys=1e5,requests=1e6',
    )
    .addHelpText(
      'after',
      "\nSizes: 16..4096 (doubling), 16..4096x1.5 (factor), 100..1000:100 (step), 16..4096 --points 32, 64,256,1024; bytes: --capacity 1MB..1GB\nTiers: --tiers 'lru:1000@0.05ms,redis-lru:*@1ms' sweeps the tier written '*' over the sizes",
    );
  addGridOptions(command, { policies: 'lru,fifo,lfu' });
  addSweepOptions(command);
  addTraceOptions(command);
  addTimeOptions(command);
  addOutputOptions(command);
  addConfigOption(command);
  addShardOption(command);
  addStreamOption(command);
  command.action(
    async (given: string | undefined, flags: SweepFlags & TimeFlags & OutputFlags & ConfigFlags & { shard?: string; stream?: boolean }) => {
      const applied = await applyConfig(command, flags as unknown as Record<string, unknown> & ConfigFlags, given);
      const source = applied.source;
      const rename = (error: unknown): unknown => blameConfig(asFlagError(error, undefined, flags.capacity !== undefined), applied);
      try {
        const shard = shardFrom(flags);
        const output = shard === undefined ? await prepareOutput(flags, { command: 'sweep', source }) : undefined;
        const sample = sampleFrom(flags);
        const workers = workersFrom(flags, io);
        const options: SweepOptions = {
          ...gridOptionsFrom(flags, { sweep: true }),
          recommend: recommendFrom(flags),
          ...(sample !== undefined && { sample }),
          ...(workers !== undefined && { workers }),
          ...(io.fromShards && { fromShards: io.fromShards }),
        };
        // Check everything before the (possibly slow) load; the default range needs the trace.
        const plan = checkSweepOptions(options);
        if (flags.stream === true || streamsByItself(source, io)) {
          const points = flags.points === undefined ? undefined : parseCount(flags.points, '--points');
          // A shard streams its slice of the curves and sizes; merging streams the trace once more, for its summary.
          const streamed = await withTraceStream<RunResult | ShardPart>(
            source,
            flags,
            io,
            (error) => error,
            'sweeping',
            (stream, shares, onProgress) => {
              const all = {
                ...options,
                capacities: shares ?? options.capacities ?? defaultSweepSizes(stream.shape.keySpace, points),
                onProgress,
              };
              return shard === undefined ? sweep(stream, all) : sweepShard(stream, all, shard);
            },
          );
          if ('fingerprint' in streamed) {
            await deliverPart(streamed, flags, command, io);
            return;
          }
          await deliverResult(streamed, output!, { io, table: renderSweep });
          reportConfig(applied, io);
          return;
        }
        // Worker threads start while the trace loads when the replays look big enough to use
        // them: a one-pass curve is one read, every other curve one replay per size (16 when the
        // range waits for the trace), of the sample only when sampling.
        const replayed = plan.grid.timed ? 1 : plan.grid.policies.filter((policy) => policy.definition.curve === undefined).length;
        const work =
          replayed *
          (plan.grid.capacities?.length ?? 16) *
          plan.grid.ttls.length *
          expectedRequests(source) *
          (typeof sample === 'number' ? sample : 1);
        const result = await withWorkerPool(work, workers, async (pool) => {
          const trace = await loadTraceFrom(source, flags, io, workers);
          const points = flags.points === undefined ? undefined : parseCount(flags.points, '--points');
          const capacities =
            (options.capacities && shareSizesFor(flags, trace)) ?? options.capacities ?? defaultSweepSizes(trace.keySpace, points);
          const progress = progressBar('sweeping');
          try {
            const all: SweepOptions = {
              ...options,
              capacities,
              onProgress: (done, total) => {
                progress.update(done, total);
              },
              ...(pool && { pool }),
            };
            return shard === undefined ? await sweep(trace, all) : await sweepShard(trace, all, shard);
          } finally {
            progress.done();
          }
        });
        if ('fingerprint' in result) await deliverPart(result, flags, command, io);
        else await deliverResult(result, output!, { io, table: renderSweep });
        reportConfig(applied, io);
      } catch (error) {
        throw rename(error);
      }
    },
  );
}
