/** `cachebench run TRACE`: replay a trace through every policy x TTL x size and report. */
import type { Command } from 'commander';
import { runGridParallel, withWorkerPool } from '../engine/parallel.js';
import type { RunResult } from '../model/result.js';
import {
  addGridOptions,
  addTraceOptions,
  capacitiesFrom,
  checkTraceSupports,
  costFrom,
  expectedRequests,
  loadTraceFrom,
  policiesFrom,
  seedFrom,
  ttlsFrom,
  type CommonFlags,
} from './options.js';
import type { CliIo } from './io.js';
import { addOutputOptions, deliverResult, prepareOutput, type OutputFlags } from './output.js';
import { progressBar } from './progress.js';
import { addTimeOptions, checkTimedPolicies, checkTimedTrace, timedFrom, ttlJitterFrom, type TimeFlags } from './time-options.js';

export function registerRun(program: Command, io: CliIo): void {
  const command = program
    .command('run')
    .description('replay a trace (CSV file or synthetic spec) through policies, sizes and TTLs')
    .argument('<trace>', 'a CSV/text/.gz trace file, or a spec such as zipf:alpha=0.9,keys=1e5,requests=1e6');
  addGridOptions(command, { policies: 'lru,lfu,ttl' });
  addTraceOptions(command);
  addTimeOptions(command);
  addOutputOptions(command);
  command.action(async (source: string, flags: CommonFlags & TimeFlags & OutputFlags) => {
    const explicitGrid = ['policies', 'maxsize', 'capacity']
      .filter((name) => command.getOptionValueSource(name) === 'cli')
      .map((name) => `--${name}`);
    const output = await prepareOutput(flags, { command: 'run', source });
    const result = await runFromFlags(source, flags, { command: 'run', explicitGrid, io });
    await deliverResult(result, output, { io });
  });
}

/**
 * Validates the grid and time flags, loads the trace and replays the grid. Shared with `gate`.
 * `explicitGrid` names the grid flags the user gave (they clash with --tiers).
 */
export async function runFromFlags(
  source: string,
  flags: CommonFlags & TimeFlags,
  { command: commandName, explicitGrid, io }: { command: string; explicitGrid: readonly string[]; io: CliIo },
): Promise<RunResult> {
  const setup = timedFrom(flags, explicitGrid);
  const policies = policiesFrom(flags);
  checkTimedPolicies(policies, setup);
  const { unit: gridUnit, capacities } = capacitiesFrom(flags, '1024');
  const unit = setup.unit ?? gridUnit;
  const ttls = ttlsFrom(flags);
  const ttlJitter = ttlJitterFrom(flags);
  const cost = costFrom(flags);
  const seed = seedFrom(flags);
  // A grid big enough for worker threads starts them now, so they start while the trace loads.
  const work = setup.timed === undefined ? policies.length * capacities.length * ttls.length * expectedRequests(source) : 0;
  return withWorkerPool(work, undefined, async (pool) => {
    const trace = await loadTraceFrom(source, flags, io);
    checkTraceSupports(trace, source, unit, ttls);
    checkTimedTrace(trace, source, setup);
    const progress = progressBar('replaying');
    const result = await runGridParallel(trace, {
      policies,
      capacities,
      unit,
      ttls,
      cost,
      seed,
      ...(ttlJitter !== undefined && { ttlJitter }),
      ...(setup.timed !== undefined && { timed: setup.timed }),
      command: commandName,
      onProgress: (done, total) => { progress.update(done, total); },
      ...(pool && { pool }),
    });
    progress.done();
    return result;
  });
}
