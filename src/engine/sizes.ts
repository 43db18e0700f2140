/**
 * Cache sizes as users write them: lists (`64,256,1e4`), ranges and mixtures of both, in
 * entries or, for byte capacity, in byte sizes (`64MB,1GB`, `1MB..1GB`), or as shares of the
 * trace's working set (`1%..50%`: of its distinct keys, or of its distinct bytes).
 *
 * Ranges, whose two ends are always included:
 *   `a..b`       geometric, doubling from a (16..100 gives 16,32,64,100)
 *   `a..bx1.5`   geometric with another factor (> 1)
 *   `a..b:step`  linear, `step` in the same unit as the ends
 *   `a..b` with `points` = N: N geometrically spaced sizes from a to b
 * Sizes are whole numbers, sorted ascending and de-duplicated so every table and curve reads
 * left to right. A reversed range, a zero size or a useless step is a UsageError naming the flag.
 */
import { UsageError } from '../errors.js';
import { parseBytes, parseCount, parseNumber } from '../units.js';

export type CapacityUnit = 'entries' | 'bytes';

/** More sizes than this is a typo (`1..1e9:1`), not a sweep. */
export const MAX_SIZES = 10_000;

const RANGE_RE = /^(.+?)\.\.(.+?)(?:([:xX])(.+))?$/;

export interface SizeParseOptions {
  /** `--points N`: spread every `a..b` range over N geometric points instead of doubling. */
  readonly points?: number;
  /**
   * The working set (distinct keys, or distinct bytes for byte capacity): sizes written as a
   * share of it (`1%..50%`) are taken of this. Without it a share is a usage error.
   */
  readonly workingSet?: number;
}

/** Whether the text writes any size as a share of the working set (`10%`), which needs the trace to resolve. */
export function hasShareSizes(text: string): boolean {
  return /%/.test(text);
}

/** Parses a list of sizes and ranges. Returns ascending, distinct, positive whole numbers. */
export function parseSizes(text: string, unit: CapacityUnit, flag: string, options: SizeParseOptions = {}): number[] {
  const pieces = text
    .split(',')
    .map((piece) => piece.trim())
    .filter((piece) => piece !== '');
  if (pieces.length === 0) throw new UsageError('expected at least one size', flag);
  const parseOne = (piece: string): number => {
    if (piece.endsWith('%')) return share(piece, options.workingSet, unit, flag);
    return unit === 'bytes' ? parseBytes(piece, flag) : parseCount(piece, flag);
  };
  if (options.points !== undefined && !(Number.isInteger(options.points) && options.points >= 1 && options.points <= MAX_SIZES)) {
    throw new UsageError(`--points must be a whole number from 1 to ${MAX_SIZES}`, flag);
  }
  const sizes: number[] = [];
  let sawRange = false;
  for (const piece of pieces) {
    const range = RANGE_RE.exec(piece);
    if (!range) {
      sizes.push(parseOne(piece));
      continue;
    }
    sawRange = true;
    const [, fromText, toText, kind, stepText] = range;
    const from = parseOne(fromText!);
    const to = parseOne(toText!);
    if (from > to) throw new UsageError(`range '${piece}' is reversed (write the smaller size first)`, flag);
    if (kind === ':') {
      if (options.points !== undefined) throw new UsageError(`'${piece}' has a step, so --points cannot apply to it`, flag);
      const step = parseOne(stepText!);
      if ((to - from) / step + 1 > MAX_SIZES) throw new UsageError(`range '${piece}' gives more than ${MAX_SIZES} sizes`, flag);
      for (let size = from; size < to; size += step) sizes.push(size);
      sizes.push(to);
    } else if (kind !== undefined) {
      if (options.points !== undefined) throw new UsageError(`'${piece}' has a factor, so --points cannot apply to it`, flag);
      const factor = parseNumber(stepText!, flag);
      if (!(factor > 1)) throw new UsageError(`the factor in '${piece}' must be greater than 1`, flag);
      sizes.push(...geometric(from, to, factor, piece, flag));
    } else if (options.points !== undefined) {
      sizes.push(...spread(from, to, options.points));
    } else {
      sizes.push(...geometric(from, to, 2, piece, flag));
    }
  }
  if (options.points !== undefined && !sawRange) throw new UsageError('--points needs a range such as 16..4096', flag);
  const distinct = [...new Set(sizes)].sort((a, b) => a - b);
  if (distinct.length > MAX_SIZES) throw new UsageError(`more than ${MAX_SIZES} sizes`, flag);
  return distinct;
}

/** `10%` of the working set as a whole size, at least 1. */
function share(piece: string, workingSet: number | undefined, unit: CapacityUnit, flag: string): number {
  const percent = Number(piece.slice(0, -1).trim());
  if (piece.slice(0, -1).trim() === '' || Number.isNaN(percent)) throw new UsageError(`'${piece}' is not a share (write e.g. 10%)`, flag);
  if (!(percent > 0) || !Number.isFinite(percent)) throw new UsageError(`'${piece}' must be a share above 0%`, flag);
  if (workingSet === undefined) throw new UsageError(`'${piece}' is a share of the working set, which only a trace has`, flag);
  if (workingSet === 0)
    throw new UsageError(`'${piece}': the trace has no ${unit === 'bytes' ? 'bytes' : 'keys'} to take a share of`, flag);
  return Math.max(1, Math.round((workingSet * percent) / 100));
}

/** The list-only form, kept for callers that never accept ranges. */
export function parseSizeList(text: string, unit: CapacityUnit, flag: string): number[] {
  return parseSizes(text, unit, flag);
}

/** from, from*f, from*f^2, ... below `to`, then `to`, rounded to whole sizes. */
function geometric(from: number, to: number, factor: number, piece: string, flag: string): number[] {
  if (Math.log(to / from) / Math.log(factor) + 1 > MAX_SIZES) {
    throw new UsageError(`range '${piece}' gives more than ${MAX_SIZES} sizes`, flag);
  }
  const sizes: number[] = [];
  // The tolerance keeps 16..4096 from ending in both 4095.9999 and 4096.
  for (let k = 0, size = from; size < to * (1 - 1e-9); k++, size = from * factor ** k) sizes.push(Math.round(size));
  sizes.push(to);
  return sizes;
}

/** `points` sizes spaced evenly on a log scale from `from` to `to` (fewer if rounding merges some). */
function spread(from: number, to: number, points: number): number[] {
  if (points === 1 || from === to) return [from, to];
  const ratio = to / from;
  const sizes: number[] = [];
  for (let i = 0; i < points; i++) sizes.push(i === points - 1 ? to : Math.round(from * ratio ** (i / (points - 1))));
  return sizes;
}
