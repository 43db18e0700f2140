/**
 * Flags shared by `run` and `sweep`, and their translation from text to validated values.
 * This is the CLI edge: text becomes the library's typed options here; the library checks
 * their values and names option paths, which asFlagError turns back into flags.
 */
import { Option, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { asFlagError } from './flag-names.js';
import { splitPolicyList } from '../policies/index.js';
import { hasShareSizes, parseSizes, type CapacityUnit } from '../engine/sizes.js';
import { distinctKeys } from '../engine/plain-replay.js';
import { summarizeTrace } from '../trace/summary.js';
import { existsSync, statSync } from 'node:fs';
import { byteUnitStyleOf, parseCount, parseDuration, parseNumber } from '../units.js';
import type { RecommendationOptions } from '../api/options.js';
import { formatByPath, isCompressedPath, isSyntheticSpec, parseTraceSpec, TRACE_FORMATS, type Trace } from '../trace/index.js';
import { loadTraceWithStatus } from '../api/trace.js';
import { userTraceCache, type TraceCacheFolder } from '../trace/trace-cache.js';
import type { SimulateOptions } from '../api/options.js';
import { parseTiers } from '../engine/time/tiers.js';
import { parseTtlSettings, ttlClassOptions } from '../engine/ttl-classes.js';
import { MAX_THREADS_PER_CORE, maxThreads } from '../engine/executor.js';
import { timeOptionsFrom, type TimeFlags } from './time-options.js';
import type { CliIo } from './io.js';
import { progressBar } from './progress.js';
import { REPORT_FORMATS } from '../report/render.js';

export interface CommonFlags {
  policies: string;
  maxsize?: string;
  capacity?: string;
  /** Only on commands that add it (sweep): spread ranges over N geometric points. */
  points?: string;
  ttl?: string;
  lookupCost: string;
  missCost: string;
  seed: string;
  format?: string;
  columns?: string;
  header: boolean;
  cacheTrace?: string | boolean;
  /** False with --no-trace-cache. */
  traceCache?: boolean;
  traceFormat?: string;
  blockSize?: string;
}

export function addTraceOptions(command: Command): Command {
  return addTraceReadOptions(command)
    .option('--cache-trace [file]', 'keep a parsed binary copy of the trace (default FILE.cbt) and reuse it while the CSV is unchanged')
    .option('--no-trace-cache', "don't keep or read the parsed copy of the trace in the user cache folder ($CACHEBENCH_CACHE_DIR)");
}

/** How to read the trace file: its columns, header and format (`traceReadOptionsFrom` turns them into load options). */
export function addTraceReadOptions(command: Command): Command {
  return command
    .option('--columns <map>', 'map trace columns: key=obj_id,time=ts (names) or time=1,key=2 (1-based positions)')
    .option('--no-header', 'the CSV file has no header row (use --columns with positions)')
    .option(
      '--trace-format <format>',
      `read the trace as this format, with its parameters after a colon (${TRACE_FORMATS.map((format) => format.id).join(', ')}); default: detected`,
    )
    .option('--block-size <bytes>', 'bytes per cached block, for block traces (msr); same as --trace-format msr:block-size=N');
}

export function addGridOptions(command: Command, defaults: { policies: string }): Command {
  return command
    .option('-p, --policies <list>', 'policies to compare, e.g. lru,lfu,s3-fifo:small=0.2', defaults.policies)
    .option('-m, --maxsize <sizes>', 'cache sizes in entries, e.g. 1024 or 64,256,1024')
    .option('-c, --capacity <bytes>', "cache sizes in bytes, using the trace's size column, e.g. 64MB,1GB")
    .option(
      '--ttl <durations>',
      "TTLs to try, e.g. 60s or off,30s,5m; 60s~10% adds jitter; per class of key 'user:*=5m,*=60s'; several settings apart by ; (default: off)",
    )
    .option('--lookup-cost <duration>', 'time of one cache lookup', '0.1ms')
    .option('--miss-cost <duration>', "time to compute or fetch a missed value (the trace's cost column wins)", '5ms')
    .option('--seed <n>', 'seed for randomised policies and TTL jitter (a synthetic spec takes its own seed=)', '1')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...REPORT_FORMATS]));
}

export function capacitiesFrom(flags: CommonFlags, fallback: string): { unit: CapacityUnit; capacities: number[] } {
  if (flags.maxsize !== undefined && flags.capacity !== undefined) {
    throw new UsageError('give either --maxsize (entries) or --capacity (bytes), not both', '--capacity');
  }
  const points = flags.points === undefined ? {} : { points: parseCount(flags.points, '--points') };
  // Shares of the working set are checked now (against a stand-in) and resolved once the trace is loaded.
  const standIn = (text: string) => (hasShareSizes(text) ? { ...points, workingSet: 1e9 } : points);
  if (flags.capacity !== undefined)
    return { unit: 'bytes', capacities: parseSizes(flags.capacity, 'bytes', '--capacity', standIn(flags.capacity)) };
  const text = flags.maxsize ?? fallback;
  return { unit: 'entries', capacities: parseSizes(text, 'entries', '--maxsize', standIn(text)) };
}

/**
 * The sizes of `--maxsize` / `--capacity` given as shares of the working set (`1%..50%`),
 * taken of this trace's distinct keys or distinct bytes; undefined when none is a share.
 */
export function shareSizesFor(flags: CommonFlags, trace: Trace): number[] | undefined {
  return shareSizesOf(flags, (bytes) => (bytes ? (summarizeTrace(trace).sizes?.distinctBytes ?? 0) : distinctKeys(trace)));
}

/** `shareSizesFor`, given the working set (distinct bytes when `bytes`, else distinct keys) however it is known. */
export function shareSizesOf(flags: CommonFlags, workingSetOf: (bytes: boolean) => number): number[] | undefined {
  const text = flags.capacity ?? flags.maxsize;
  if (text === undefined || !hasShareSizes(text)) return undefined;
  const bytes = flags.capacity !== undefined;
  const points = flags.points === undefined ? {} : { points: parseCount(flags.points, '--points') };
  return parseSizes(text, bytes ? 'bytes' : 'entries', bytes ? '--capacity' : '--maxsize', { ...points, workingSet: workingSetOf(bytes) });
}

/** `off` (or `none`, `0`) means no TTL; the list may mix both. */
export function seedFrom(flags: CommonFlags): number {
  return parseCount(flags.seed, '--seed', { allowZero: true });
}

/**
 * Roughly how many requests `source` holds, before it is loaded: a spec's requests=, or a
 * file's size over its format's bytes per row (4 for .gz, which compresses about four
 * times): generous, since it only decides whether worker threads are worth starting early.
 * 0 when nothing can be told (a bad spec or a missing file fail properly at load).
 */
export function expectedRequests(source: string): number {
  try {
    if (!existsSync(source)) return isSyntheticSpec(source) ? parseTraceSpec(source).requests : 0;
    const bytes = statSync(source).size;
    return isCompressedPath(source) ? bytes / 4 : bytes / formatByPath(source).bytesPerRow;
  } catch {
    return 0;
  }
}

/**
 * Which cache a load goes through: the file `--cache-trace` names (or FILE.cbt), else the
 * user's cache folder (every repeat run then reads the binary form), unless --no-trace-cache.
 */
function cacheOf(flags: CommonFlags): { cache?: string | boolean | TraceCacheFolder } {
  if (flags.cacheTrace !== undefined && flags.cacheTrace !== false) return { cache: flags.cacheTrace };
  if (flags.traceCache === false) return {};
  return { cache: userTraceCache() };
}

/** The load options the trace flags give (--columns, --no-header, --trace-format, --block-size), in the library's terms. */
export function traceReadOptionsFrom(flags: TraceReadFlags): {
  readonly columns?: string;
  readonly header: boolean;
  readonly format?: string;
  readonly formatParams?: Readonly<Record<string, string>>;
} {
  return {
    ...(flags.columns !== undefined && { columns: flags.columns }),
    header: flags.header,
    ...(flags.traceFormat !== undefined && { format: flags.traceFormat }),
    ...(flags.blockSize !== undefined && { formatParams: { 'block-size': flags.blockSize } }),
  };
}

export type TraceReadFlags = Pick<CommonFlags, 'columns' | 'header' | 'traceFormat' | 'blockSize'>;

/** The flags each load option comes from, for messages. */
export const TRACE_READ_FLAGS: Readonly<Record<string, string>> = {
  format: '--trace-format',
  columns: '--columns',
  header: '--no-header',
  cache: '--cache-trace',
  'formatParams.block-size': '--block-size',
};

/** Loads the trace named on the command line, with a progress bar while it reads (a large CSV on `workers` threads). */
export async function loadTraceFrom(source: string, flags: CommonFlags, io: CliIo, workers?: number): Promise<Trace> {
  if (typeof flags.cacheTrace === 'string' && existsSync(flags.cacheTrace) && statSync(flags.cacheTrace).isDirectory()) {
    throw new UsageError(`${flags.cacheTrace} is a folder; name the cache file (default: the trace's name + .cbt)`, '--cache-trace');
  }
  // A spec is generated, not read: its progress counts requests.
  const generated = !existsSync(source) && isSyntheticSpec(source);
  const progress = generated ? progressBar('generating', process.stderr, 'requests') : progressBar('loading', process.stderr, 'bytes');
  try {
    const loaded = await loadTraceWithStatus(source, {
      ...traceReadOptionsFrom(flags),
      ...cacheOf(flags),
      ...(workers !== undefined && { workers }),
      onProgress: (done, total) => {
        progress.update(done, total);
      },
    });
    if (loaded.damaged !== undefined) io.err(`cachebench: warning: ${loaded.damaged}; rebuilt it from ${source}\n`);
    if (loaded.cache === 'unwritable' && loaded.automatic !== true)
      io.err(`cachebench: warning: could not write the trace cache ${loaded.cachePath ?? ''}\n`);
    return loaded.trace;
  } catch (error) {
    throw asFlagError(error, TRACE_READ_FLAGS);
  } finally {
    progress.done();
  }
}

/** The library options of the grid flags (`run`, `sweep`): typed values, durations in ms. */
export function gridOptionsFrom(flags: CommonFlags & TimeFlags, { sweep }: { sweep: boolean }): SimulateOptions {
  const ranged = flags.maxsize !== undefined || flags.capacity !== undefined;
  const sizes = ranged ? capacitiesFrom(flags, '') : undefined;
  const tiers = flags.tiers === undefined ? undefined : parseTiers(flags.tiers, '--tiers');
  const unit = tiers && !ranged ? tiers.unit : (sizes?.unit ?? 'entries');
  const byteUnits = unit === 'bytes' ? byteUnitStyleOf(flags.capacity ?? flags.tiers ?? '') : undefined;
  const { ttls, jitter: ttlJitter, classes } = parseTtlSettings(flags.ttl, '--ttl');
  const time = timeOptionsFrom(flags);
  return {
    ...(tiers === undefined && { policies: splitPolicyList(flags.policies, '--policies') }),
    ...(sizes !== undefined && (tiers === undefined || sweep) && { capacities: sizes.capacities }),
    unit,
    ...(byteUnits !== undefined && { byteUnits }),
    ...(ttls !== undefined && { ttlsMs: ttls.map((ttl) => (ttl === null ? null : ttl * 1e3)) }),
    ...ttlClassOptions(classes),
    ...(ttlJitter !== undefined && { ttlJitter }),
    lookupCostMs: parseDuration(flags.lookupCost, '--lookup-cost', 'ms') * 1e3,
    missCostMs: parseDuration(flags.missCost, '--miss-cost', 'ms') * 1e3,
    seed: seedFrom(flags),
    ...(tiers !== undefined && {
      tiers: tiers.tiers.map((tier) => ({ policy: tier.policy, capacity: tier.capacity, lookupCostMs: tier.lookupCost * 1e3 })),
    }),
    ...time,
  };
}

export { asFlagError, OPTION_FLAGS, optionOf } from './flag-names.js';

export interface SweepFlags extends CommonFlags {
  sample?: string;
  minGain: string;
  tolerance?: string;
  targetHitRate?: string;
  targetLatency?: string;
  memoryCost?: string;
  maxStale?: string;
  workers?: string;
}

/** The sweep's own flags: sampling, the recommendation criteria and the worker count. */
export function addSweepOptions(command: Command): Command {
  return command
    .option('--points <n>', 'spread each a..b range over n sizes on a log scale')
    .option(
      '--sample <rate|Nkeys>',
      'estimate from this fraction of keys (SHARDS / MiniSim), e.g. 0.01 or 1%, or from at most N keys, e.g. 10000keys',
    )
    .option(
      '--min-gain <points>',
      'recommend the size past which another doubling gains less hit rate than this (0.01 or 1%: one point per doubling)',
      '0.01',
    )
    .option('--tolerance <points>', 'also recommend the smallest size within this much hit rate of the best (0.01 or 1%)')
    .option('--target-hit-rate <rate>', 'recommend the smallest size reaching this hit rate, e.g. 0.9 or 90%')
    .option('--target-latency <duration>', 'recommend the smallest size with mean latency at or below this (default unit ms)')
    .option(
      '--memory-cost <duration>',
      'latency-equivalent price of holding one entry (one byte with --capacity), per request: recommend the size minimising mean latency + price x size, e.g. 0.0001ms',
    )
    .option(
      '--max-stale <share>',
      'a staleness budget (1%): recommend the TTL x size with the best hit rate whose stale reads stay within it (simulates --write-policy ttl-only unless given)',
    )
    .option('--workers <n>', 'threads for per-size replays and for parsing a large CSV, this one included (default: all cores)');
}

/** A fraction written as 0.01 or 1%. */
export function parseFraction(text: string, flag: string, { allowZero = false } = {}): number {
  const trimmed = text.trim();
  const value = trimmed.endsWith('%') ? parseNumber(trimmed.slice(0, -1), flag) / 100 : parseNumber(trimmed, flag);
  if (value > 1 || value < 0 || (!allowZero && value === 0)) {
    throw new UsageError(`'${text}' must be a fraction ${allowZero ? 'from 0' : 'above 0'} up to 1 (or a percentage)`, flag);
  }
  return value;
}

/** `--sample 0.01` / `1%` (a rate), or `--sample 10000keys` (a key budget: fixed-size SHARDS). */
export function sampleFrom(flags: SweepFlags): number | { readonly keys: number } | undefined {
  if (flags.sample === undefined) return undefined;
  const budget = /^\s*(.+?)\s*keys\s*$/i.exec(flags.sample);
  return budget === null ? parseFraction(flags.sample, '--sample') : { keys: parseCount(budget[1]!, '--sample') };
}

export function recommendFrom(flags: SweepFlags): RecommendationOptions {
  return {
    minGain: parseFraction(flags.minGain, '--min-gain'),
    ...(flags.tolerance !== undefined && { tolerance: parseFraction(flags.tolerance, '--tolerance', { allowZero: true }) }),
    ...(flags.targetHitRate !== undefined && { targetHitRate: parseFraction(flags.targetHitRate, '--target-hit-rate') }),
    ...(flags.targetLatency !== undefined && { targetLatencyMs: parseDuration(flags.targetLatency, '--target-latency', 'ms') * 1e3 }),
    ...(flags.memoryCost !== undefined && { memoryCostMs: parseDuration(flags.memoryCost, '--memory-cost', 'ms') * 1e3 }),
    ...(flags.maxStale !== undefined && { maxStale: parseFraction(flags.maxStale, '--max-stale', { allowZero: true }) }),
  };
}

export function workersFrom(flags: SweepFlags, io?: CliIo): number | undefined {
  if (flags.workers === undefined) return undefined;
  const workers = parseCount(flags.workers, '--workers');
  const cap = maxThreads();
  if (workers > cap) {
    io?.err(`cachebench: warning: --workers ${workers} is more than ${MAX_THREADS_PER_CORE} per core; using ${cap}\n`);
    return cap;
  }
  return workers;
}
