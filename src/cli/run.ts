/** `cachebench run TRACE`: replay a trace through every policy x TTL x size and report. */
import type { Command } from 'commander';
import { runGridParallel } from '../engine/parallel.js';
import { renderJson } from '../report/json.js';
import { renderTable } from '../report/table.js';
import { loadTrace } from '../trace/index.js';
import {
  addGridOptions,
  addTraceOptions,
  capacitiesFrom,
  checkTraceSupports,
  costFrom,
  loadOptionsFrom,
  policiesFrom,
  seedFrom,
  ttlsFrom,
  type CommonFlags,
} from './options.js';
import type { CliIo } from './io.js';
import { progressBar } from './progress.js';

export function registerRun(program: Command, io: CliIo): void {
  const command = program
    .command('run')
    .description('replay a trace (CSV file or synthetic spec) through policies, sizes and TTLs')
    .argument('<trace>', 'a CSV/text/.gz trace file, or a spec such as zipf:alpha=0.9,keys=1e5,requests=1e6');
  addGridOptions(command, { policies: 'lru,lfu,ttl' });
  addTraceOptions(command);
  command.action(async (source: string, flags: CommonFlags) => {
    const policies = policiesFrom(flags);
    const { unit, capacities } = capacitiesFrom(flags, '1024');
    const ttls = ttlsFrom(flags);
    const cost = costFrom(flags);
    const seed = seedFrom(flags);
    const trace = await loadTrace(source, loadOptionsFrom(flags));
    checkTraceSupports(trace, source, unit, ttls);
    const progress = progressBar('replaying');
    const result = await runGridParallel(trace, {
      policies,
      capacities,
      unit,
      ttls,
      cost,
      seed,
      command: 'run',
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.done();
    io.out(flags.format === 'json' ? renderJson(result) : renderTable(result));
  });
}
