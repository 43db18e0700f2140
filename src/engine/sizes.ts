/**
 * Cache sizes as users write them: a list of counts (`64,256,1e4`) for entries, or of byte
 * sizes (`64MB,1GB`) for byte capacity. Sizes are sorted ascending and de-duplicated so
 * every table and curve reads left to right.
 */
import { UsageError } from '../errors.js';
import { parseBytes, parseCount } from '../units.js';

export type CapacityUnit = 'entries' | 'bytes';

export function parseSizeList(text: string, unit: CapacityUnit, flag: string): number[] {
  const pieces = text.split(',').map((piece) => piece.trim()).filter((piece) => piece !== '');
  if (pieces.length === 0) throw new UsageError('expected at least one size', flag);
  const sizes = pieces.map((piece) => (unit === 'bytes' ? parseBytes(piece, flag) : parseCount(piece, flag)));
  return [...new Set(sizes)].sort((a, b) => a - b);
}
