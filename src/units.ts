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

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  p: 1e15,
  pb: 1e15,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  pib: 1024 ** 5,
};

/** Parses a byte size ("64MB" = 64e6, "64MiB" = 64 x 2^20) to a whole number of bytes. */
export function parseBytes(text: string, flag?: string): number {
  const match = BYTES_RE.exec(text.trim());
  const factor = match ? BYTE_UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new UsageError(`'${text}' is not a byte size (use e.g. 512KB, 64MB, 1GiB)`, flag);
  }
  const value = Math.round(Number(match[1]) * factor);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`'${text}' must be a positive byte size`, flag);
  }
  // Past 2^53 bytes (8 PiB) sizes stop being exact numbers: no cache is that big.
  if (!Number.isSafeInteger(value)) throw new UsageError(`'${text}' is more than the largest size counted exactly (8PiB)`, flag);
  return value;
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
 * Formats bytes in the units people type them in: IEC ("512MiB") for a size that is a whole
 * number of KiB, MiB, GiB or TiB (a sweep from 1MiB doubles through 2MiB, 4MiB, ...), SI
 * ("64MB") for everything else, so a size is shown as it was typed rather than as 1.049MB.
 */
export function formatBytes(bytes: number): string {
  const iec = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let power = 0;
  while (power < iec.length - 1 && bytes >= 1024 ** (power + 1)) power++;
  if (power > 0 && Number.isInteger(bytes / 1024 ** power)) return `${bytes / 1024 ** power}${iec[power]}`;
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${round(value)}${units[unit]}`;
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
