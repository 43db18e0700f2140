/** `cachebench bench`: measure real per-lookup costs here and print them as --lookup-cost values. */
import chalk from 'chalk';
import { terminalTable } from '../report/format.js';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { calibrate } from '../calibrate.js';
import { splitPolicyList, parsePolicySpec } from '../policies/index.js';
import { parseCount, parseDuration } from '../units.js';
import type { CliIo } from './io.js';

interface BenchFlags {
  entries: string;
  time: string;
  policies: string;
  format?: string;
}

/** The largest cache `cachebench bench` measures. */
const MAX_BENCH_ENTRIES = 10_000_000;

export function registerBench(program: Command, io: CliIo): void {
  program
    .command('bench')
    .description('measure the real cost of one lookup in in-process caches on this machine, as --lookup-cost values')
    .option('--entries <n>', 'cache size in entries', '10000')
    .option('--time <duration>', 'time to spend on each cache', '250ms')
    .option('-p, --policies <list>', 'cachebench policies to measure too', 'lru,lfu')
    .option('-f, --format <format>', 'table or json', 'table')
    .action(async (flags: BenchFlags) => {
      const entries = parseCount(flags.entries, '--entries');
      // The caches measured hold this many entries at once; past this the heap is the limit, not the cache.
      if (entries > MAX_BENCH_ENTRIES)
        throw new UsageError(
          `at most ${MAX_BENCH_ENTRIES.toLocaleString('en-US')} entries (a lookup's cost does not change past a few million)`,
          '--entries',
        );
      const timeMs = parseDuration(flags.time, '--time') * 1e3;
      const policies = splitPolicyList(flags.policies, '--policies').map((spec) => parsePolicySpec(spec).name);
      io.err(chalk.dim(`measuring ${policies.length + 2} caches for ${timeMs}ms each...\n`));
      const results = await calibrate({ entries, timeMs, policies });
      if (flags.format === 'json') {
        io.out(JSON.stringify({ entries, results }, null, 2) + '\n');
        return;
      }
      const table = terminalTable(['cache', 'per lookup', '±', 'hit rate', 'use as'], [0, 4]);
      for (const result of results) {
        const ns = result.nanosPerLookup;
        table.push([
          result.name,
          `${ns.toFixed(1)}ns`,
          `${result.marginPercent.toFixed(1)}%`,
          `${(result.hitRate * 100).toFixed(1)}%`,
          `--lookup-cost ${Number(ns.toPrecision(2))}ns`,
        ]);
      }
      io.out(table.toString() + '\n');
      io.out(
        chalk.dim(`In-process lookups cost nanoseconds; a networked cache (Redis, Memcached) costs a round trip, typically 0.1-1ms.\n`),
      );
    });
}
