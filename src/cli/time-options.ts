/**
 * Flags of the time-aware simulation (`--write-policy`, `--flush-interval`, `--stampede`,
 * `--tiers`, and the jitter in `--ttl 60s~10%`), kept apart from options.ts so `run` and
 * `sweep` share them. Text becomes typed options here; the library checks what they ask.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseWritePolicy } from '../engine/time/freshness.js';
import { parseStampede } from '../engine/time/stampede.js';
import type { SimulateOptions } from '../api/options.js';
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

/** `--write-policy`, `--flush-interval` and `--stampede` as library options (the library checks how they combine). */
export function timeOptionsFrom(flags: TimeFlags): Pick<SimulateOptions, 'writePolicy' | 'flushIntervalMs' | 'stampede'> {
  const writePolicy = flags.writePolicy === undefined ? undefined : parseWritePolicy(flags.writePolicy, '--write-policy');
  const flushInterval = flags.flushInterval === undefined ? undefined : parseDuration(flags.flushInterval, '--flush-interval');
  const stampede = flags.stampede === undefined ? undefined : parseStampede(flags.stampede, '--stampede');
  return {
    ...(writePolicy !== undefined && { writePolicy }),
    ...(flushInterval !== undefined && { flushIntervalMs: flushInterval * 1e3 }),
    ...(stampede !== undefined && { stampede }),
  };
}
