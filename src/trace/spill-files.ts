/**
 * The names of a spilled trace's column files (spill.ts), apart from it so that the CSV
 * range reader can name (and so clean up) a worker's files without loading the spill code,
 * which reaches back to it through the binary trace format.
 */

/** Every column a spill may write, `keys` first. */
export const SPILLED_COLUMNS = ['keys', 'sizes', 'times', 'ops', 'ttls', 'costs'] as const;
export type SpilledColumnName = (typeof SPILLED_COLUMNS)[number];

/** The file of column `name` of the spill at `prefix`. */
export function spilledColumnFile(prefix: string, name: SpilledColumnName): string {
  return `${prefix}.${name}.column.tmp`;
}
