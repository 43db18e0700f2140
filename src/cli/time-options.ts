/**
 * Flags of the time-aware simulation (`--write-policy`, `--flush-interval`, `--stampede`,
 * `--tiers`, and the jitter in `--ttl 60s~10%`), kept apart from options.ts so `run` and
 * `sweep` share them. Text becomes typed options here; the library checks what they ask.
 */
import type { Command } from 'commander';
import { parseWritePolicy } from '../engine/time/freshness.js';
import { parseStampede } from '../engine/time/stampede.js';
import type { SimulateOptions } from '../api/options.js';
import { parseDuration } from '../units.js';

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
