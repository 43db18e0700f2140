/**
 * What the terminal, markdown and HTML reports say of fleets, incidents and the origin's
 * limit, in one place so the three say the same: a sentence per row with a fleet, one per
 * incident, and the per-instance table (configuration, instance, gets, L1 hit rate, stale reads).
 */
import type { ResultRow, RunResult } from '../model/result.js';
import { integer, ms, percent } from './format.js';
import { rowLabel } from './timeline.js';

/** Rows that carry a fleet, an origin limit or incidents. */
function eventful(result: RunResult): ResultRow[] {
  return result.rows.filter((row) => row.fleet !== undefined || row.originLimit !== undefined || row.incidents !== undefined);
}

/** One line per row with a fleet, origin limit or incidents, then one per incident; [] when none. */
export function fleetLines(result: RunResult): string[] {
  const lines: string[] = [];
  for (const row of eventful(result)) {
    const label = rowLabel(row, result);
    const parts: string[] = [];
    const fleet = row.fleet;
    if (fleet !== undefined) {
      const rates = fleet.perInstance.map((instance) => instance.l1HitRate);
      const spread = rates.length > 1 ? ` (instances ${percent(Math.min(...rates))}–${percent(Math.max(...rates))})` : '';
      parts.push(
        `${fleet.instances} instance${fleet.instances === 1 ? '' : 's'} (${fleet.balance}, invalidation ${fleet.invalidation}): ` +
          `L1 hit rate ${percent(fleet.l1HitRate)}${spread}` +
          (fleet.sharedHitRate === null ? '' : `, shared tiers ${percent(fleet.sharedHitRate)} of what reached them`) +
          `, ${integer(fleet.originFetches)} origin fetches, ${integer(fleet.staleReads)} stale reads`,
      );
      const age = row.freshness?.staleAge;
      if (age !== undefined) parts.push(`stale for ${ms(age.p50Ms)} at the median, ${ms(age.p99Ms)} at p99, ${ms(age.maxMs)} at most`);
    }
    const limit = row.originLimit;
    if (limit !== undefined) {
      parts.push(
        `origin limit ${limit.limit}: ${integer(limit.shed)} gets shed, ${integer(limit.delayed)} fetches delayed` +
          (limit.delayed > 0 ? ` (${ms(limit.meanDelayMs)} on average, ${ms(limit.longestDelayMs)} at most)` : ''),
      );
    }
    if (parts.length > 0) lines.push(`${label}: ${parts.join('; ')}`);
    for (const incident of row.incidents ?? []) lines.push(`${label}: ${incidentText(incident)}`);
  }
  return lines;
}

function incidentText(incident: NonNullable<ResultRow['incidents']>[number]): string {
  const scope = incident.tier === 'L1' ? 'L1 hit rate' : `L1–${incident.tier} hit rate`;
  const before = incident.steadyHitRate === null ? 'no steady rate before it' : `${scope} ${percent(incident.steadyHitRate)} before`;
  const during =
    incident.hitRateDuring === null
      ? ''
      : `, ${percent(incident.hitRateDuring)} ${incident.kind === 'outage' ? 'during' : 'in the 10 s after'}`;
  const recovery =
    incident.steadyHitRate === null
      ? ''
      : incident.recoverySeconds === null
        ? '; not back within 1 point by the end of the trace'
        : `; back within 1 point ${incident.recoverySeconds} s after it ${incident.kind === 'outage' ? 'ended' : 'restarted'}`;
  return `${incident.incident}: ${before}${during}${recovery}; origin peaked at ${integer(incident.originPeakPerSecond)}/s`;
}

/** The per-instance table: a row per configuration and instance; null without a fleet of several. */
export function instanceTable(result: RunResult): { head: string[]; rows: string[][] } | null {
  const rows = result.rows.filter((row) => (row.fleet?.instances ?? 0) > 1);
  if (rows.length === 0) return null;
  return {
    head: ['configuration', 'instance', 'gets', 'L1 hit rate', 'stale reads'],
    rows: rows.flatMap((row) =>
      row.fleet!.perInstance.map((instance, i) => [
        rowLabel(row, result),
        String(i + 1),
        integer(instance.gets),
        percent(instance.l1HitRate),
        integer(instance.staleReads),
      ]),
    ),
  };
}
