/** Number formatting shared by every renderer, so the table, markdown and CSV agree. */
import chalk from 'chalk';
import Table from 'cli-table3';
import { formatBytes, formatDuration, type ByteUnitStyle } from '../units.js';
import type { RowModes, RunOptions } from '../model/result.js';

/** A compact terminal table: no rules between rows; text columns left-aligned, numbers right. */
export function terminalTable(head: readonly string[], leftColumns: readonly number[] = [0]): Table.Table {
  return new Table({
    head: head.map((h) => chalk.cyan(h)),
    colAligns: head.map((_, i) => (leftColumns.includes(i) ? 'left' : 'right')),
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
}

export function percent(rate: number, digits = 2): string {
  return `${(rate * 100).toFixed(digits)}%`;
}

/**
 * What tells a curve apart in a legend, pivot heading or row label: the policy, then the
 * write policy and stampede mode when the run compares several (one is a setting of the run,
 * said once), then the TTL when `showTtl`.
 */
export function seriesLabel(
  series: RowModes & { readonly policy: string; readonly ttl: number | null },
  options: Pick<RunOptions, 'writePolicies' | 'stampedes' | 'fleets'>,
  showTtl: boolean,
): string {
  const ttl = series.ttlClasses !== undefined ? [`ttl=${series.ttlClasses}`] : showTtl ? [`ttl=${ttlLabel(series.ttl)}`] : [];
  return [series.policy, ...comparedModes(series, options), ...ttl].join(' ');
}

/** Whether the run compares several instance counts, and several invalidations. */
export function comparedFleetModes(options: Pick<RunOptions, 'fleets'>): { instances: boolean; invalidation: boolean } {
  const fleets = options.fleets ?? [];
  return {
    instances: new Set(fleets.map((fleet) => fleet.instances)).size > 1,
    invalidation: new Set(fleets.map((fleet) => fleet.invalidation)).size > 1,
  };
}

/** The series' instances, invalidation, write policy and stampede mode, each only when the run compares several. */
export function comparedModes(series: RowModes, options: Pick<RunOptions, 'writePolicies' | 'stampedes' | 'fleets'>): string[] {
  const fleet = comparedFleetModes(options);
  return [
    ...(fleet.instances && series.instances !== undefined ? [`×${series.instances}`] : []),
    ...(fleet.invalidation && series.invalidation !== undefined ? [series.invalidation] : []),
    ...((options.writePolicies?.length ?? 0) > 1 && series.writePolicy !== undefined ? [series.writePolicy] : []),
    ...((options.stampedes?.length ?? 0) > 1 && series.stampede !== undefined ? [series.stampede] : []),
  ];
}

/** Milliseconds with enough precision for both 0.05ms lookups and 5000ms misses. */
export function ms(value: number): string {
  if (value === 0) return '0ms';
  if (value >= 100) return `${value.toFixed(0)}ms`;
  if (value >= 1) return `${Number(value.toFixed(2))}ms`;
  return `${Number(value.toPrecision(3))}ms`;
}

export function ttlLabel(ttl: number | null): string {
  return ttl === null ? 'off' : formatDuration(ttl);
}

/** What a size is shown in: entries, or bytes in the unit family the user typed ('bytes' = the default, KiB). */
export type DisplayUnit = 'entries' | 'bytes' | ByteUnitStyle;

/** The display unit of a result's sizes. */
export function displayUnit(options: Pick<RunOptions, 'unit' | 'byteUnits'>): DisplayUnit {
  return options.unit === 'bytes' ? (options.byteUnits ?? 'KiB') : 'entries';
}

export function capacityLabel(capacity: number, unit: DisplayUnit): string {
  if (unit === 'entries') return integer(capacity);
  return formatBytes(capacity, unit === 'bytes' ? 'KiB' : unit);
}

export function integer(value: number): string {
  return value.toLocaleString('en-US');
}

export function speedup(value: number): string {
  if (!Number.isFinite(value)) return '∞';
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(2)}x`;
}
