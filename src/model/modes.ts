/**
 * A row's identity beyond policy, TTL and size: the write policy and stampede mode it ran
 * under. One place reads them off a row and compares them, so curves, picks, assertions and
 * baselines tell `lru coalesce` from `lru none` the same way.
 */
import type { ResultRow, RowModes } from './result.js';

/** The modes a row ran under (only those the run set). */
export function modesOf(row: Pick<ResultRow, 'freshness' | 'stampede' | 'fleet' | 'ttlClasses'>): RowModes {
  return {
    ...(row.freshness !== undefined && { writePolicy: row.freshness.writePolicy }),
    ...(row.stampede !== undefined && { stampede: row.stampede.mode }),
    ...(row.fleet !== undefined && { instances: row.fleet.instances, invalidation: row.fleet.invalidation }),
    ...(row.ttlClasses !== undefined && { ttlClasses: row.ttlClasses }),
  };
}

export function sameModes(a: RowModes, b: RowModes): boolean {
  return modesKey(a) === modesKey(b);
}

/** The modes as part of a map key. */
export function modesKey(modes: RowModes): string {
  return [modes.writePolicy, modes.stampede, modes.instances, modes.invalidation, modes.ttlClasses].map((m) => m ?? '').join('\u0000');
}

/** Only the mode fields of a curve or pick, for spreading into another record. */
export function modeFields(modes: RowModes): RowModes {
  return {
    ...(modes.writePolicy !== undefined && { writePolicy: modes.writePolicy }),
    ...(modes.stampede !== undefined && { stampede: modes.stampede }),
    ...(modes.instances !== undefined && { instances: modes.instances }),
    ...(modes.invalidation !== undefined && { invalidation: modes.invalidation }),
    ...(modes.ttlClasses !== undefined && { ttlClasses: modes.ttlClasses }),
  };
}

/** A row as a member of its curve: policy, modes and TTL. */
export function seriesOf(row: ResultRow): RowModes & { readonly policy: string; readonly ttl: number | null } {
  return { policy: row.policy, ...modesOf(row), ttl: row.ttl };
}
