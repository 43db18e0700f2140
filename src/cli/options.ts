/**
 * Flags shared by `run` and `sweep`, and their translation from text to validated values.
 * This is the CLI edge: everything is checked here, so the engine never validates.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { parsePolicySpec, splitPolicyList, type PolicySpec } from '../policies/index.js';
import { parseSizeList, type CapacityUnit } from '../engine/sizes.js';
import type { CostModel } from '../engine/cost.js';
import { parseCount, parseDuration } from '../units.js';
import { existsSync } from 'node:fs';
import { isSyntheticSpec, loadTrace, loadTraceCachedWithStatus, type LoadOptions, type Trace } from '../trace/index.js';
import type { CliIo } from './io.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/render.js';

export interface CommonFlags {
  policies: string;
  maxsize?: string;
  capacity?: string;
  ttl?: string;
  lookupCost: string;
  missCost: string;
  seed: string;
  format?: string;
  columns?: string;
  header: boolean;
  cacheTrace?: string | boolean;
}

export const FORMATS = REPORT_FORMATS;
export type Format = ReportFormat;

export function addTraceOptions(command: Command): Command {
  return command
    .option('--columns <map>', 'map trace columns: key=obj_id,time=ts (names) or time=1,key=2 (1-based positions)')
    .option('--no-header', 'the CSV file has no header row (use --columns with positions)')
    .option('--cache-trace [file]', 'keep a parsed binary copy of the trace (default FILE.cbt) and reuse it while the CSV is unchanged');
}

export function addGridOptions(command: Command, defaults: { policies: string }): Command {
  return command
    .option('-p, --policies <list>', 'policies to compare, e.g. lru,lfu,s3-fifo:small=0.2', defaults.policies)
    .option('-m, --maxsize <sizes>', 'cache sizes in entries, e.g. 1024 or 64,256,1024')
    .option('-c, --capacity <bytes>', "cache sizes in bytes, using the trace's size column, e.g. 64MB,1GB")
    .option('--ttl <durations>', 'TTLs to try, e.g. 60s or off,30s,5m; 60s~10% adds jitter (default: off)')
    .option('--lookup-cost <duration>', 'time of one cache lookup', '0.1ms')
    .option('--miss-cost <duration>', "time to compute or fetch a missed value (the trace's cost column wins)", '5ms')
    .option('--seed <n>', 'seed for synthetic traces and randomised policies', '1')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMATS]));
}

export function policiesFrom(flags: CommonFlags): PolicySpec[] {
  const specs = splitPolicyList(flags.policies).map((spec) => parsePolicySpec(spec, '--policies'));
  if (specs.length === 0) throw new UsageError('name at least one policy', '--policies');
  const seen = new Set<string>();
  for (const spec of specs) {
    if (seen.has(spec.name)) throw new UsageError(`'${spec.name}' is listed twice`, '--policies');
    seen.add(spec.name);
  }
  return specs;
}

export function capacitiesFrom(flags: CommonFlags, fallback: string): { unit: CapacityUnit; capacities: number[] } {
  if (flags.maxsize !== undefined && flags.capacity !== undefined) {
    throw new UsageError('give either --maxsize (entries) or --capacity (bytes), not both', '--capacity');
  }
  if (flags.capacity !== undefined) return { unit: 'bytes', capacities: parseSizeList(flags.capacity, 'bytes', '--capacity') };
  return { unit: 'entries', capacities: parseSizeList(flags.maxsize ?? fallback, 'entries', '--maxsize') };
}

/** `off` (or `none`, `0`) means no TTL; the list may mix both. */
export function ttlsFrom(flags: CommonFlags): (number | null)[] {
  if (flags.ttl === undefined) return [null];
  const ttls = flags.ttl.split(',').map((piece) => {
    // `60s~10%` carries a jitter, read by ttlJitterFrom (time-options.ts).
    const text = piece.split('~')[0]!.trim().toLowerCase();
    if (text === 'off' || text === 'none' || text === '0') return null;
    const seconds = parseDuration(text, '--ttl');
    if (seconds <= 0) throw new UsageError(`'${piece}' must be a positive duration or off`, '--ttl');
    return seconds;
  });
  return [...new Set(ttls)];
}

export function costFrom(flags: CommonFlags): CostModel {
  return {
    lookupCost: parseDuration(flags.lookupCost, '--lookup-cost', 'ms'),
    missCost: parseDuration(flags.missCost, '--miss-cost', 'ms'),
  };
}

export function seedFrom(flags: CommonFlags): number {
  return parseCount(flags.seed, '--seed', { allowZero: true });
}

export function loadOptionsFrom(flags: CommonFlags): LoadOptions {
  return { ...(flags.columns !== undefined && { columns: flags.columns }), header: flags.header };
}

/**
 * Loads the trace named on the command line: a synthetic spec, a file, or (with
 * --cache-trace) a file through its binary cache, so repeated runs skip parsing.
 */
export async function loadTraceFrom(source: string, flags: CommonFlags, io: CliIo): Promise<Trace> {
  const options = loadOptionsFrom(flags);
  if (flags.cacheTrace === undefined || flags.cacheTrace === false || (!existsSync(source) && isSyntheticSpec(source))) {
    return loadTrace(source, options);
  }
  const cachePath = typeof flags.cacheTrace === 'string' ? flags.cacheTrace : undefined;
  const loaded = await loadTraceCachedWithStatus(source, options, cachePath);
  if (loaded.cache === 'unwritable') io.err(`cachebench: warning: could not write the trace cache ${loaded.cachePath}\n`);
  return loaded.trace;
}
