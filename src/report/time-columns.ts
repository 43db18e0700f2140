/**
 * The terminal table's extra columns for the time-aware features, each shown only when its
 * feature is on, so a plain run's table is unchanged: the cold/expired/capacity miss split
 * when a TTL applies, stale reads under a write policy, origin load and latency percentiles
 * under the stampede model, and per-tier hit rates with tiers.
 */
import type { ResultRow, RunResult } from '../model/result.js';
import { comparedFleetModes, integer, ms, percent } from './format.js';

export interface TimeColumns {
  /** One dim line under the header naming the time-aware settings ('' when none). */
  readonly note: string;
  readonly missHead: readonly string[];
  readonly latencyHead: readonly string[];
  /** After p99: the far tail, where stampede waits show (time-aware modes only). */
  readonly farTailHead: readonly string[];
  readonly tailHead: readonly string[];
  missCells(row: ResultRow): string[];
  latencyCells(row: ResultRow): string[];
  farTailCells(row: ResultRow): string[];
  tailCells(row: ResultRow): string[];
}

/**
 * The columns that tell rows apart when a run compares several write policies or stampede
 * modes: identity columns like the TTL's, right after the policy.
 */
export function modeColumns(options: RunResult['options']): { head: string[]; cells(row: ResultRow): string[] } {
  const { instances: showInstances, invalidation: showInvalidation } = comparedFleetModes(options);
  const showWrite = (options.writePolicies?.length ?? 0) > 1;
  const showStampede = (options.stampedes?.length ?? 0) > 1;
  const showClasses = options.ttlClasses !== undefined;
  return {
    head: [
      ...(showInstances ? ['instances'] : []),
      ...(showInvalidation ? ['invalidation'] : []),
      ...(showWrite ? ['write'] : []),
      ...(showStampede ? ['stampede'] : []),
      ...(showClasses ? ['ttl classes'] : []),
    ],
    cells: (row) => [
      ...(showInstances ? [String(row.fleet?.instances ?? '')] : []),
      ...(showInvalidation ? [row.fleet?.invalidation ?? ''] : []),
      ...(showWrite ? [row.freshness?.writePolicy ?? ''] : []),
      ...(showStampede ? [row.stampede?.mode ?? ''] : []),
      ...(showClasses ? [row.ttlClasses ?? ''] : []),
    ],
  };
}

export function timeColumns(result: RunResult): TimeColumns {
  const { options, rows } = result;
  const showSplit = options.ttls.some((ttl) => ttl !== null) || rows.some((row) => row.expiredMisses > 0);
  const fleets = options.fleets;
  const showFreshness = options.writePolicies !== undefined || fleets !== undefined;
  const showStaleAge = rows.some((row) => row.freshness?.staleAge !== undefined);
  const showSpread = rows.some((row) => (row.fleet?.instances ?? 0) > 1);
  const showLimit = options.originLimit !== undefined;
  const writeBehind = options.writePolicies?.includes('write-behind') === true;
  const showStampede = options.stampedes !== undefined;
  const tierCount = options.tiers?.length ?? 0;
  const timed = showFreshness || showStampede || tierCount > 0 || options.incidents !== undefined || showLimit;
  const showOrigin = rows.some((row) => row.originLoad !== undefined);

  const notes: string[] = [];
  if (options.ttlJitter !== undefined) notes.push(`ttl jitter ±${percent(options.ttlJitter, 0)}`);
  // One mode is a setting of the whole run; several are a column (modeColumns).
  if (options.writePolicies?.length === 1) notes.push(`write policy ${options.writePolicies[0]!}`);
  if (options.flushIntervalMs !== undefined) notes.push(`flush every ${ms(options.flushIntervalMs)}`);
  if (options.stampedes?.length === 1) notes.push(`stampede ${options.stampedes[0]!}`);
  if (tierCount > 0) notes.push(`tiers ${options.tiers!.join(' > ')}`);
  if (fleets !== undefined) {
    const counts = [...new Set(fleets.map((fleet) => fleet.instances))];
    const invalidations = [...new Set(fleets.map((fleet) => fleet.invalidation))];
    notes.push(`${counts.length === 1 ? `${counts[0]!} instances` : 'instances'} (${fleets[0]!.balance}, each its own L1)`);
    if (invalidations.length === 1) notes.push(`invalidation ${invalidations[0]!}`);
  }
  if (options.incidents !== undefined) notes.push(options.incidents.join(', '));
  if (showLimit) notes.push(`origin limit ${options.originLimit}`);

  const tierNames = Array.from({ length: tierCount }, (_, t) => `L${t + 1}`);
  return {
    note: notes.join(', '),
    missHead: [...(showSplit ? ['cold', 'expired', 'capacity'] : []), ...tierNames.map((name) => `${name} hit rate`)],
    latencyHead: timed ? ['p50', 'p95'] : [],
    farTailHead: timed ? ['p99.9', 'max'] : [],
    tailHead: [
      ...(showSpread ? ['L1 per instance'] : []),
      ...(showFreshness ? ['stale reads'] : []),
      ...(showStaleAge ? ['stale age p99'] : []),
      ...(showLimit ? ['shed', 'delayed'] : []),
      ...(writeBehind ? ['coalesced writes', 'max pending'] : []),
      ...(showStampede ? ['origin fetches', 'peak fetches', 'waits', 'wait p50', 'wait p99', 'stale served'] : []),
      ...(showOrigin ? ['origin/s peak', 'origin/s p99'] : []),
    ],
    missCells: (row) => [
      ...(showSplit ? [integer(row.coldMisses ?? 0), integer(row.expiredMisses), integer(row.capacityMisses ?? 0)] : []),
      ...tierNames.map((_, t) => percent(row.tiers?.[t]?.hitRate ?? 0)),
    ],
    latencyCells: (row) => (timed ? [ms(row.latency.p50), ms(row.latency.p95)] : []),
    farTailCells: (row) => (timed ? [ms(row.latency.p999), ms(row.latency.max)] : []),
    tailCells: (row) => [
      ...(showSpread ? [instanceSpread(row)] : []),
      ...(showFreshness ? [`${integer(row.freshness?.staleReads ?? 0)} (${percent(row.freshness?.staleReadRate ?? 0)})`] : []),
      ...(showStaleAge ? [row.freshness?.staleAge === undefined ? '' : ms(row.freshness.staleAge.p99Ms)] : []),
      ...(showLimit ? [integer(row.originLimit?.shed ?? 0), integer(row.originLimit?.delayed ?? 0)] : []),
      ...(writeBehind ? [integer(row.freshness?.writesCoalesced ?? 0), ms(row.freshness?.longestPendingMs ?? 0)] : []),
      ...(showStampede
        ? [
            integer(row.stampede?.originFetches ?? 0),
            integer(row.stampede?.peakConcurrentFetches ?? 0),
            integer(row.stampede?.coalescedWaits ?? 0),
            ms(row.stampede?.originWaits.p50 ?? 0),
            ms(row.stampede?.originWaits.p99 ?? 0),
            integer(row.stampede?.staleServes ?? 0),
          ]
        : []),
      ...(showOrigin ? [rate(row.originLoad?.peakPerSecond), rate(row.originLoad?.p99PerSecond)] : []),
    ],
  };
}

/** The lowest and highest L1 hit rate over a fleet's instances. */
function instanceSpread(row: ResultRow): string {
  const rates = row.fleet?.perInstance.map((instance) => instance.l1HitRate) ?? [];
  if (rates.length < 2) return '';
  return `${percent(Math.min(...rates), 1)}–${percent(Math.max(...rates), 1)}`;
}

/** Requests per second: whole ones as integers, a wide bucket's mean with one decimal. */
function rate(value: number | undefined): string {
  if (value === undefined) return '';
  return Number.isInteger(value) ? integer(value) : value.toFixed(1);
}
