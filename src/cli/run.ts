/** `cachebench run TRACE`: replay a trace through every policy x TTL x size and report. */
import type { Command } from 'commander';
import { runGrid } from '../engine/grid.js';
import { ttlApplies } from '../engine/replay.js';
import { UsageError } from '../errors.js';
import type { RunResult } from '../report/model.js';
import { loadTrace } from '../trace/index.js';
import {
  addGridOptions,
  addTraceOptions,
  capacitiesFrom,
  costFrom,
  loadOptionsFrom,
  policiesFrom,
  seedFrom,
  ttlsFrom,
  type CommonFlags,
} from './options.js';
import type { CliIo } from './io.js';
import { addOutputOptions, deliverResult, prepareOutput, type OutputFlags } from './output.js';
import { progressBar } from './progress.js';

export function registerRun(program: Command, io: CliIo): void {
  const command = program
    .command('run')
    .description('replay a trace (CSV file or synthetic spec) through policies, sizes and TTLs')
    .argument('<trace>', 'a CSV/text/.gz trace file, or a spec such as zipf:alpha=0.9,keys=1e5,requests=1e6');
  addGridOptions(command, { policies: 'lru,lfu,ttl' });
  addTraceOptions(command);
  addOutputOptions(command);
  command.action(async (source: string, flags: CommonFlags & OutputFlags) => {
    const output = await prepareOutput(flags, { command: 'run', source });
    const result = await runFromFlags(source, flags, 'run');
    await deliverResult(result, output, { io });
  });
}

/** Validates the grid flags, loads the trace and replays the grid. Shared with `gate`. */
export async function runFromFlags(source: string, flags: CommonFlags, commandName: string): Promise<RunResult> {
  const policies = policiesFrom(flags);
  const { unit, capacities } = capacitiesFrom(flags, '1024');
  const ttls = ttlsFrom(flags);
  const cost = costFrom(flags);
  const seed = seedFrom(flags);
  const trace = await loadTrace(source, loadOptionsFrom(flags));
  if (unit === 'bytes' && !trace.sizes) {
    throw new UsageError(`${source} has no size column, so byte capacity cannot be simulated (use --maxsize)`, '--capacity');
  }
  if (ttls.some((ttl) => ttl !== null) && !trace.times) {
    throw new UsageError(`${source} has no time column, so a TTL cannot expire anything (add times, or rate= to a synthetic spec)`, '--ttl');
  }
  if (trace.ttls && !trace.times && ttlApplies(trace, undefined)) {
    throw new UsageError(`${source} has a ttl column but no time column`, '--ttl');
  }
  const progress = progressBar('replaying');
  const result = runGrid(trace, {
    policies,
    capacities,
    unit,
    ttls,
    cost,
    seed,
    command: commandName,
    onProgress: (done, total) => progress.update(done, total),
  });
  progress.done();
  return result;
}
