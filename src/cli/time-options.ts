/**
 * Flags of the time-aware simulation (`--write-policy`, `--flush-interval`, `--stampede`,
 * `--tiers`, and the jitter in `--ttl 60s~10%`) and of hit rate over time (`--interval`), kept apart from options.ts so `run` and
 * `sweep` share them. Text becomes typed options here; the library checks what they ask.
 */
import type { Command } from 'commander';
import { parseWritePolicies } from '../engine/time/freshness.js';
import { parseStampedes } from '../engine/time/stampede.js';
import type { SimulateOptions } from '../api/options.js';
import { parseDuration } from '../units.js';
import { fleetOptionsOf, type FleetNames } from '../engine/time/fleet-text.js';

/** The flags the fleet and incident settings are typed as, for their errors. */
const FLEET_FLAGS: FleetNames = {
  instances: '--instances',
  balance: '--balance',
  invalidation: '--invalidation',
  outage: '--outage',
  restart: '--restart',
  originLimit: '--origin-limit',
};
import { UsageError } from '../errors.js';

export interface TimeFlags {
  ttl?: string;
  writePolicy?: string;
  flushInterval?: string;
  stampede?: string;
  tiers?: string;
  interval?: string;
  warmup?: string;
  instances?: string;
  balance?: string;
  invalidation?: string;
  outage?: string;
  restart?: string;
  originLimit?: string;
}

export function addTimeOptions(command: Command): Command {
  return command
    .option(
      '--write-policy <list>',
      'what a set does to the cache: invalidate, write-through, write-behind or ttl-only; several (invalidate,ttl-only) compare side by side',
    )
    .option('--flush-interval <duration>', 'write-behind: time between flushes to the origin (default: 1s)')
    .option(
      '--stampede <list>',
      'concurrent misses on one key: none, coalesce, xfetch[:beta=1] or stale-while-revalidate (swr); several (none,coalesce,swr) compare side by side',
    )
    .option('--tiers <list>', "cache tiers, L1 first, as policy:size@lookup-latency, e.g. 'lru:1000@0.05ms,lru:100000@1ms'")
    .option('--interval <n|duration>', 'hit rate over time too: every N requests (10000, 1e5) or every span of trace time (1m, 30s)')
    .option(
      '--warmup <n|duration|share>',
      'leave the cold start out of the counts: the first N requests, the first 30s of trace time, or the first 10%',
    )
    .option(
      '--instances <list>',
      'a fleet: N application instances, each with its own L1 (the first tier), over the shared tiers; 1,4,16 compares',
    )
    .option('--balance <how>', 'how requests spread over the instances: round-robin, random or key-hash (default: round-robin)')
    .option(
      '--invalidation <list>',
      'what the other instances learn of a write: pubsub:delay=5ms, ttl-only or none; several compare (default: pubsub:delay=0ms)',
    )
    .option('--outage <list>', 'a tier unreachable for a while: L2@10m+30s (from 10 minutes after the first request, for 30 s)')
    .option('--restart <list>', 'a tier starts cold: L1@1h (every instance: a deploy)')
    .option('--origin-limit <rate>', 'at most this many origin fetches a second: 500/s sheds the rest, 500/s:queue makes them wait');
}

/** A number with no unit: `10000`, `1e5`. */
const BARE_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

/** `--warmup`: a bare number counts requests, a percentage is a share of them, a number with a unit is trace time. */
export function warmupFrom(text: string | undefined): Pick<SimulateOptions, 'warmup'> {
  if (text === undefined) return {};
  const trimmed = text.trim();
  if (trimmed.endsWith('%')) {
    const percent = Number(trimmed.slice(0, -1));
    if (trimmed === '%' || !(percent >= 0 && percent < 100))
      throw new UsageError(`'${text}' must be a share from 0% to below 100%`, '--warmup');
    return { warmup: { share: percent / 100 } };
  }
  if (BARE_NUMBER.test(trimmed)) {
    const requests = Number(trimmed);
    if (!Number.isSafeInteger(requests) || requests < 0)
      throw new UsageError(`'${text}' is not a whole number of requests (or give a duration, 30s, or a share, 10%)`, '--warmup');
    return { warmup: { requests } };
  }
  return { warmup: { ms: parseDuration(trimmed, '--warmup') * 1e3 } };
}

/** `--interval`: a bare number counts requests, a number with a unit is trace time. */
export function intervalFrom(text: string | undefined): Pick<SimulateOptions, 'intervalRequests' | 'intervalMs'> {
  if (text === undefined) return {};
  const trimmed = text.trim();
  if (BARE_NUMBER.test(trimmed)) {
    const requests = Number(trimmed);
    if (!Number.isSafeInteger(requests) || requests < 1)
      throw new UsageError(`'${text}' is not a whole number of requests, 1 or more (or give a duration: 1m)`, '--interval');
    return { intervalRequests: requests };
  }
  const seconds = parseDuration(trimmed, '--interval');
  if (seconds <= 0) throw new UsageError(`'${text}' must be longer than nothing`, '--interval');
  return { intervalMs: seconds * 1e3 };
}

/** `--write-policy`, `--flush-interval` and `--stampede` as library options (the library checks how they combine). */
export function timeOptionsFrom(
  flags: TimeFlags,
): Pick<
  SimulateOptions,
  | 'writePolicy'
  | 'flushIntervalMs'
  | 'stampede'
  | 'intervalRequests'
  | 'intervalMs'
  | 'warmup'
  | 'instances'
  | 'balance'
  | 'invalidation'
  | 'outages'
  | 'restarts'
  | 'originLimit'
> {
  const writePolicy = flags.writePolicy === undefined ? undefined : parseWritePolicies(flags.writePolicy, '--write-policy');
  const flushInterval = flags.flushInterval === undefined ? undefined : parseDuration(flags.flushInterval, '--flush-interval');
  const stampede = flags.stampede === undefined ? undefined : parseStampedes(flags.stampede, '--stampede');
  return {
    ...(writePolicy !== undefined && { writePolicy }),
    ...(flushInterval !== undefined && { flushIntervalMs: flushInterval * 1e3 }),
    ...(stampede !== undefined && { stampede }),
    ...intervalFrom(flags.interval),
    ...warmupFrom(flags.warmup),
    ...fleetOptionsOf(flags, FLEET_FLAGS),
  };
}
