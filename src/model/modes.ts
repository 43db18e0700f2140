/**
 * A row's identity beyond policy, TTL and size: the write policy and stampede mode it ran
 * under. One place reads them off a row and compares them, so curves, picks, assertions and
 * baselines tell `lru coalesce` from `lru none` the same way.
 */
import type { ResultRow, RowModes } from './result.js';

/** The modes a row ran under (only those the run set). */
export function modesOf(row: Pick<ResultRow, 'freshness' | 'stampede'>): RowModes {
  return {
    ...(row.freshness !== undefined && { writePolicy: row.freshness.writePolicy }),
    ...(row.stampede !== undefined && { stampede: row.stampede.mode }),
  };
}

export function sameModes(a: RowModes, b: RowModes): boolean {
  return a.writePolicy === b.writePolicy && a.stampede === b.stampede;
}

/** The modes as part of a map key. */
export function modesKey(modes: RowModes): string {
  return `${modes.writePolicy ?? ''}\u0000${modes.stampede ?? ''}`;
}

/** Only the mode fields of a curve or pick, for spreading into another record. */
export function modeFields(modes: RowModes): RowModes {
  return {
    ...(modes.writePolicy !== undefined && { writePolicy: modes.writePolicy }),
    ...(modes.stampede !== undefined && { stampede: modes.stampede }),
  };
}

/** A row as a member of its curve: policy, modes and TTL. */
export function seriesOf(row: ResultRow): RowModes & { readonly policy: string; readonly ttl: number | null } {
  return { policy: row.policy, ...modesOf(row), ttl: row.ttl };
}
