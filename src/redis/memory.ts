/**
 * `--maxmemory` as Redis itself reads it, so `--maxmemory 64mb` means what `maxmemory 64mb`
 * means in redis.conf: k/m/g are powers of 1000, kb/mb/gb powers of 1024 (case-insensitive).
 * This deliberately differs from src/units.ts, where "MB" is 10^6: a user copying a value
 * from their redis.conf must get the same byte count the server would.
 */
import { UsageError } from '../errors.js';

const REDIS_MEMORY_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1024,
  m: 1e6,
  mb: 1024 ** 2,
  g: 1e9,
  gb: 1024 ** 3,
};

export function parseRedisMemory(text: string, flag?: string): number {
  const match = /^(\d+)\s*([a-z]*)$/.exec(text.trim().toLowerCase());
  const factor = match ? REDIS_MEMORY_UNITS[match[2]!] : undefined;
  if (!match || factor === undefined) {
    throw new UsageError(`'${text}' is not a Redis memory size (use e.g. 64mb, 512kb, 1gb; mb = 1024*1024 as in redis.conf)`, flag);
  }
  const bytes = Number(match[1]) * factor;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new UsageError(`'${text}' must be a positive memory size`, flag);
  return bytes;
}

/** Bytes as Redis users read them ("64mb", "1.5mb"), in redis.conf's binary units. */
export function formatRedisMemory(bytes: number): string {
  const units: [string, number][] = [
    ['gb', 1024 ** 3],
    ['mb', 1024 ** 2],
    ['kb', 1024],
  ];
  for (const [unit, factor] of units) {
    if (bytes >= factor) return `${Number((bytes / factor).toPrecision(4))}${unit}`;
  }
  return `${bytes}b`;
}
