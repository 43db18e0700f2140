/**
 * Parsing of the human-friendly quantities users type: durations ("60s", "5m", "0.1ms"),
 * byte sizes ("64MB", "1GiB") and counts ("1e5", "4096"). Each parser returns a plain
 * number (seconds, bytes, count) or throws a UsageError naming the offending text.
 */
import { UsageError } from './errors.js';

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  sec: 1,
  m: 60,
  min: 60,
  h: 3600,
  d: 86400,
};

const NUMBER = String.raw`[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`;
const DURATION_RE = new RegExp(`^(${NUMBER})\\s*([a-zµ]*)$`);
const BYTES_RE = new RegExp(`^(${NUMBER})\\s*([a-zA-Z]*)$`);

/** Parses a duration to seconds. A bare number means `defaultUnit` (seconds unless told). */
export function parseDuration(text: string, flag?: string, defaultUnit = 's'): number {
  const match = DURATION_RE.exec(text.trim().toLowerCase());
  const unit = match ? match[2] || defaultUnit : '';
  const factor = DURATION_UNITS[unit];
  if (!match || factor === undefined) {
    throw new UsageError(`'${text}' is not a duration (use e.g. 250ms, 60s, 5m, 1h)`, flag);
  }
  const value = Number(match[1]) * factor;
  if (!Number.isFinite(value) || value < 0) {
    throw new UsageError(`'${text}' must be a non-negative duration`, flag);
  }
  return value;
}

/**
 * One meaning of byte units in every command, the one redis.conf and memcached's `-m` use:
 * `kb`/`KB`/`KiB` are 1024 bytes, `mb`/`MB`/`MiB` 1024^2, and so on, in any case; a bare
 * letter (`64m`, `1g`) is a power of 1000, exactly as in redis.conf, so a `maxmemory` line
 * copied from a server's config means the same byte count here.
 */
const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  tb: 1024 ** 4,
  pb: 1024 ** 5,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  pib: 1024 ** 5,
};

/**
 * How the user spelled their sizes, so reports show sizes in the unit typed: `KiB` (IEC,
 * the default), `KB` (upper case), `kb` (redis.conf's lower case) or `k` (powers of 1000).
 */
export type ByteUnitStyle = 'KiB' | 'KB' | 'kb' | 'k';

export const BYTE_UNIT_STYLES: readonly ByteUnitStyle[] = ['KiB', 'KB', 'kb', 'k'];

/** Parses a byte size ("64MB" = "64MiB" = 64 x 2^20, "64m" = 64e6) to a whole number of bytes. */
export function parseBytes(text: string, flag?: string): number {
  const match = BYTES_RE.exec(text.trim());
  const factor = match ? BYTE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new UsageError(`'${text}' is not a byte size (use e.g. 512KB, 64MB, 1GiB; MB = MiB = 1024*1024 as in redis.conf)`, flag);
  }
  const value = Math.round(Number(match[1]) * factor);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`'${text}' must be a positive byte size`, flag);
  }
  // Past 2^53 bytes (8 PiB) sizes stop being exact numbers: no cache is that big.
  if (!Number.isSafeInteger(value)) throw new UsageError(`'${text}' is more than the largest size counted exactly (8PiB)`, flag);
  return value;
}

/** The spelling of the first unit in a list of sizes (`64MB..1GB` gives `KB`); undefined when none has a unit. */
export function byteUnitStyleOf(text: string): ByteUnitStyle | undefined {
  const unit = /\d\s*([a-zA-Z]+)/.exec(text)?.[1];
  if (unit === undefined || /^b$/i.test(unit)) return undefined;
  if (/^[a-z]ib$/i.test(unit)) return 'KiB';
  if (unit.length === 1) return 'k';
  return unit === unit.toLowerCase() ? 'kb' : 'KB';
}

/** Parses a positive whole count, accepting scientific notation ("1e5") and underscores ("100_000"). */
export function parseCount(text: string, flag?: string, { allowZero = false } = {}): number {
  const cleaned = text.trim().replace(/_/g, '');
  const value = /^\d+(?:\.\d+)?(?:[eE][+]?\d+)?$/.test(cleaned) ? Number(cleaned) : NaN;
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new UsageError(`'${text}' is not a ${allowZero ? 'non-negative' : 'positive'} whole number`, flag);
  }
  return value;
}

/** Parses a finite number, optionally bounded. */
export function parseNumber(text: string, flag?: string, min = -Infinity, max = Infinity): number {
  const cleaned = text.trim().replace(/_/g, '');
  const value = new RegExp(`^${NUMBER}$`).test(cleaned) ? Number(cleaned) : NaN;
  if (!Number.isFinite(value)) throw new UsageError(`'${text}' is not a number`, flag);
  if (value < min || value > max) {
    throw new UsageError(`'${text}' must be between ${min} and ${max}`, flag);
  }
  return value;
}

/** Formats seconds as the shortest readable duration ("60s", "5m", "0.1ms"). */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60}m`;
  if (seconds >= 1) return `${round(seconds)}s`;
  if (seconds >= 1e-3) return `${round(seconds * 1e3)}ms`;
  return `${round(seconds * 1e6)}us`;
}

/**
 * Formats bytes in the unit family the user typed (see ByteUnitStyle): "512MiB", "64MB",
 * "64mb" or, for powers of 1000, "64m", with up to four significant digits ("1.5GiB").
 */
export function formatBytes(bytes: number, style: ByteUnitStyle = 'KiB'): string {
  const names: Record<ByteUnitStyle, readonly string[]> = {
    KiB: ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'],
    KB: ['B', 'KB', 'MB', 'GB', 'TB', 'PB'],
    kb: ['b', 'kb', 'mb', 'gb', 'tb', 'pb'],
    k: ['B', 'k', 'm', 'g', 't'],
  };
  const units = names[style];
  const base = style === 'k' ? 1000 : 1024;
  let power = 0;
  while (power < units.length - 1 && bytes >= base ** (power + 1)) power++;
  return `${round(bytes / base ** power)}${units[power]}`;
}

function round(value: number): number {
  return Number(value.toPrecision(4));
}

/**
 * A list of TTLs as typed: `off,30s,5m`, where `off` (or `none`) is no TTL and `60s~10%`
 * adds a jitter, one for the whole list. Seconds (null for none), de-duplicated; a TTL of 0
 * is refused (it would expire everything at once), and so are two different jitters.
 */
export function parseTtlList(text: string, where?: string): { ttls: (number | null)[]; jitter: number | undefined } {
  const jitters = new Set<number>();
  const ttls = text.split(',').map((piece) => {
    const tilde = piece.indexOf('~');
    if (tilde >= 0) {
      const jitterText = piece.slice(tilde + 1).trim();
      const percent = jitterText.endsWith('%');
      const value = parseNumber(percent ? jitterText.slice(0, -1) : jitterText, where) / (percent ? 100 : 1);
      if (!(value >= 0 && value < 1)) throw new UsageError(`jitter '${jitterText}' must be at least 0 and below 100%`, where);
      jitters.add(value);
    }
    const ttlText = (tilde < 0 ? piece : piece.slice(0, tilde)).trim().toLowerCase();
    if (ttlText === 'off' || ttlText === 'none') return null;
    if (/^0+(\.0*)?[a-z]*$/.test(ttlText)) throw new UsageError(`'${piece}' would expire everything at once: write off for no TTL`, where);
    const seconds = parseDuration(ttlText, where);
    if (seconds <= 0) throw new UsageError(`'${piece}' must be a positive duration or off`, where);
    return seconds;
  });
  if (jitters.size > 1) throw new UsageError('give one jitter for all TTLs (e.g. 30s~10%,60s~10%)', where);
  const [jitter] = jitters;
  return { ttls: [...new Set(ttls)], jitter: jitter === undefined || jitter === 0 ? undefined : jitter };
}
