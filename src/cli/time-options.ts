/**
 * Flags of the time-aware simulation (`--write-policy`, `--flush-interval`, `--stampede`,
 * `--tiers`, and the jitter in `--ttl 60s~10%`), kept apart from options.ts so `run` and
 * `sweep` can opt in. Everything is validated here, at the CLI edge.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { TimedOptions } from '../engine/grid.js';
import { parseWritePolicy } from '../engine/time/freshness.js';
import { parseStampede } from '../engine/time/stampede.js';
import { parseTiers } from '../engine/time/tiers.js';
import type { PolicySpec } from '../policies/index.js';
import type { Trace } from '../trace/trace.js';
import { parseDuration, parseNumber } from '../units.js';

export interface TimeFlags {
  ttl?: string;
  writePolicy?: string;
  flushInterval?: string;
  stampede?: string;
  tiers?: string;
}

export function addTimeOptions(command: Command): Command {
  return command
    .option('--write-policy <policy>', 'what a set does to the cache: invalidate, write-through, write-behind or ttl-only')
    .option('--flush-interval <duration>', 'write-behind: time between flushes to the origin (default: 1s)')
    .option('--stampede <mode>', 'concurrent misses on one key: none, coalesce, xfetch[:beta=1] or stale-while-revalidate')
    .option('--tiers <list>', "cache tiers, L1 first, as policy:size@lookup-latency, e.g. 'lru:1000@0.05ms,lru:100000@1ms'");
}

/**
 * The jitter of `--ttl 60s~10%` (a fraction; `~0.1` works too). One jitter for the whole
 * list: `--ttl 30s~10%,60s` jitters both, and two different jitters are an error.
 */
export function ttlJitterFrom(flags: TimeFlags): number | undefined {
  if (flags.ttl === undefined) return undefined;
  const jitters = new Set<number>();
  for (const piece of flags.ttl.split(',')) {
    const tilde = piece.indexOf('~');
    if (tilde < 0) continue;
    const text = piece.slice(tilde + 1).trim();
    const percent = text.endsWith('%');
    const value = parseNumber(percent ? text.slice(0, -1) : text, '--ttl') / (percent ? 100 : 1);
    if (!(value >= 0 && value < 1)) throw new UsageError(`jitter '${text}' must be at least 0 and below 100%`, '--ttl');
    jitters.add(value);
  }
  if (jitters.size > 1) throw new UsageError('give one jitter for all TTLs (e.g. 30s~10%,60s~10%)', '--ttl');
  const [jitter] = jitters;
  return jitter === undefined || jitter === 0 ? undefined : jitter;
}

export interface TimedSetup {
  readonly timed?: TimedOptions;
  /** Set when `--tiers` fixes the capacity unit. */
  readonly unit?: 'entries' | 'bytes';
}

/** Parses the time flags; `explicitGrid` says whether -p/-m/-c were typed (they clash with --tiers). */
export function timedFrom(flags: TimeFlags, explicitGrid: readonly string[]): TimedSetup {
  const writePolicy = flags.writePolicy === undefined ? undefined : parseWritePolicy(flags.writePolicy);
  let flushInterval: number | undefined;
  if (flags.flushInterval !== undefined) {
    if (writePolicy !== 'write-behind') throw new UsageError('only applies with --write-policy write-behind', '--flush-interval');
    flushInterval = parseDuration(flags.flushInterval, '--flush-interval');
    if (!(flushInterval > 0)) throw new UsageError(`'${flags.flushInterval}' must be a positive duration`, '--flush-interval');
  }
  const stampede = flags.stampede === undefined ? undefined : parseStampede(flags.stampede);
  let tiers: TimedOptions['tiers'];
  let unit: 'entries' | 'bytes' | undefined;
  if (flags.tiers !== undefined) {
    if (explicitGrid.length > 0) {
      throw new UsageError(`--tiers gives each tier its policy and size, so drop ${explicitGrid.join(' and ')}`, '--tiers');
    }
    ({ tiers, unit } = parseTiers(flags.tiers));
  }
  if (writePolicy === undefined && stampede === undefined && tiers === undefined) return {};
  return {
    timed: {
      ...(tiers !== undefined && { tiers }),
      ...(writePolicy !== undefined && { writePolicy }),
      ...(flushInterval !== undefined && { flushInterval }),
      ...(stampede !== undefined && { stampede }),
    },
    ...(unit !== undefined && { unit }),
  };
}

/** Checks that the trace can drive the features asked for. */
export function checkTimedTrace(trace: Trace, source: string, setup: TimedSetup): void {
  const timed = setup.timed;
  if (timed?.stampede !== undefined && !trace.times) {
    throw new UsageError(`${source} has no time column, so concurrent fetches cannot be simulated (add times, or rate= to a synthetic spec)`, '--stampede');
  }
  if (setup.unit === 'bytes' && !trace.sizes) {
    throw new UsageError(`${source} has no size column, so byte-sized tiers cannot be simulated (give tier sizes as counts)`, '--tiers');
  }
}

/**
 * Offline policies (belady) count their own accesses to know where they are in the trace;
 * the timed simulator changes which requests reach a policy (invalidations, deferred fills),
 * so they are refused there rather than silently wrong.
 */
export function checkTimedPolicies(policies: readonly PolicySpec[], setup: TimedSetup): void {
  if (setup.timed === undefined || setup.timed.tiers !== undefined) return;
  const offline = policies.find((spec) => spec.definition.offline);
  if (offline) {
    throw new UsageError(`'${offline.name}' is an offline bound and cannot run with --write-policy or --stampede`, '--policies');
  }
}
