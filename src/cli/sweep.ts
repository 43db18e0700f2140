/**
 * `cachebench sweep TRACE --maxsize 16..4096`: hit-rate curves for each policy and TTL over a
 * range of sizes, the recommended size per curve with its reason, the best policy there, and a
 * chart. Without --maxsize/--capacity the range runs from 16 entries to the trace's key count.
 */
import type { Command } from 'commander';
import { withWorkerPool } from '../engine/parallel.js';
import { runSweep } from '../engine/sweep.js';
import { renderSweep } from '../report/sweep.js';
import {
  addGridOptions,
  addSweepOptions,
  addTraceOptions,
  capacitiesFrom,
  checkTraceSupports,
  costFrom,
  expectedRequests,
  loadTraceFrom,
  policiesFrom,
  recommendFrom,
  sampleFrom,
  seedFrom,
  ttlsFrom,
  workersFrom,
  type SweepFlags,
} from './options.js';
import type { CliIo } from './io.js';
import { addOutputOptions, deliverResult, prepareOutput, type OutputFlags } from './output.js';
import { progressBar } from './progress.js';
import { ttlJitterFrom } from './time-options.js';

export function registerSweep(program: Command, io: CliIo): void {
  const command = program
    .command('sweep')
    .description('hit rate against cache size for each policy and TTL, and the recommended size')
    .argument('<trace>', 'a CSV/text/.gz trace file, or a spec such as zipf:alpha=0.9,keys=1e5,requests=1e6')
    .addHelpText(
      'after',
      '\nSizes: 16..4096 (doubling), 16..4096x1.5 (factor), 100..1000:100 (step), 16..4096 --points 32, 64,256,1024; bytes: --capacity 1MB..1GB',
    );
  addGridOptions(command, { policies: 'lru,fifo,lfu' });
  addSweepOptions(command);
  addTraceOptions(command);
  addOutputOptions(command);
  command.action(async (source: string, flags: SweepFlags & OutputFlags) => {
    const output = await prepareOutput(flags, { command: 'sweep', source });
    const policies = policiesFrom(flags);
    const ranged = flags.maxsize !== undefined || flags.capacity !== undefined;
    // Check the flags before the (possibly slow) load; the default range needs the trace.
    let sizes = ranged ? capacitiesFrom(flags, '') : undefined;
    const ttls = ttlsFrom(flags);
    const ttlJitter = ttlJitterFrom(flags);
    const cost = costFrom(flags);
    const seed = seedFrom(flags);
    const sample = sampleFrom(flags);
    const recommend = recommendFrom(flags);
    const workers = workersFrom(flags);
    // Worker threads start while the trace loads when the replays look big enough to use
    // them: lru is usually one pass, every other policy one replay per size (16 when the
    // range waits for the trace), of the sample only when sampling.
    const replayed = policies.filter((policy) => policy.definition.name !== 'lru').length;
    const work = replayed * (sizes?.capacities.length ?? 16) * ttls.length * expectedRequests(source) * (sample ?? 1);
    const result = await withWorkerPool(work, workers, async (pool) => {
      const trace = await loadTraceFrom(source, flags, io);
      sizes ??= capacitiesFrom(flags, `16..${Math.max(32, trace.keySpace)}`);
      checkTraceSupports(trace, source, sizes.unit, ttls);
      const progress = progressBar('sweeping');
      const swept = await runSweep(trace, {
        policies,
        capacities: sizes.capacities,
        unit: sizes.unit,
        ttls,
        ...(ttlJitter !== undefined && { ttlJitter }),
        cost,
        seed,
        command: 'sweep',
        recommend,
        ...(sample !== undefined && { sample }),
        ...(workers !== undefined && { workers }),
        onProgress: (done, total) => { progress.update(done, total); },
        ...(pool && { pool }),
      });
      progress.done();
      return swept;
    });
    await deliverResult(result, output, { io, table: renderSweep });
  });
}
