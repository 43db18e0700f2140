/**
 * CSV output: one line per result row with flat, snake_case columns, for spreadsheets and
 * pandas. RFC 4180: CRLF line ends, fields quoted only when they hold a comma, quote or
 * line break, quotes doubled. Numbers keep 12 significant digits, TTL in
 * seconds (empty = no TTL), latencies in milliseconds, an infinite speed-up as empty.
 * Columns of the time-aware features (write policy, stampede, tiers) are appended only when
 * the run used them.
 */
import type { ResultRow, RunResult } from '../model/result.js';

interface Column {
  readonly name: string;
  readonly value: (row: ResultRow, result: RunResult) => string | number | boolean | null;
}

const COLUMNS: readonly Column[] = [
  { name: 'policy', value: (row) => row.policy },
  { name: 'ttl_s', value: (row) => row.ttl },
  { name: 'capacity', value: (row) => row.capacity },
  { name: 'unit', value: (_row, result) => result.options.unit },
  { name: 'requests', value: (row) => row.requests },
  { name: 'hits', value: (row) => row.hits },
  { name: 'misses', value: (row) => row.misses },
  { name: 'expired_misses', value: (row) => row.expiredMisses },
  { name: 'cold_misses', value: (row) => row.coldMisses ?? null },
  { name: 'capacity_misses', value: (row) => row.capacityMisses ?? null },
  { name: 'uncacheable', value: (row) => row.uncacheable },
  { name: 'writes', value: (row) => row.writes },
  { name: 'deletes', value: (row) => row.deletes },
  { name: 'hit_rate', value: (row) => row.hitRate },
  { name: 'byte_hit_rate', value: (row) => row.byteHitRate },
  { name: 'latency_mean_ms', value: (row) => row.latency.mean },
  { name: 'latency_p50_ms', value: (row) => row.latency.p50 },
  { name: 'latency_p95_ms', value: (row) => row.latency.p95 },
  { name: 'latency_p99_ms', value: (row) => row.latency.p99 },
  { name: 'latency_p999_ms', value: (row) => row.latency.p999 },
  { name: 'latency_max_ms', value: (row) => row.latency.max },
  { name: 'no_cache_ms', value: (row) => row.latency.noCache },
  { name: 'speedup', value: (row) => row.latency.speedup },
  { name: 'slower_than_no_cache', value: (row) => row.latency.slowerThanNoCache },
  { name: 'final_entries', value: (row) => row.finalEntries },
  { name: 'final_bytes', value: (row) => row.finalBytes },
];

export const CSV_COLUMNS: readonly string[] = COLUMNS.map((column) => column.name);

/** Columns of the time-aware features, present only when the run used the feature. */
function timeAwareColumns(result: RunResult): Column[] {
  const { options } = result;
  const columns: Column[] = [];
  if (options.ttlClasses !== undefined) columns.push({ name: 'ttl_classes', value: (row) => row.ttlClasses ?? null });
  if (options.fleets !== undefined) {
    const rates = (row: ResultRow): number[] => row.fleet?.perInstance.map((instance) => instance.l1HitRate) ?? [];
    columns.push(
      { name: 'instances', value: (row) => row.fleet?.instances ?? null },
      { name: 'balance', value: (row) => row.fleet?.balance ?? null },
      { name: 'invalidation', value: (row) => row.fleet?.invalidation ?? null },
      { name: 'l1_hit_rate_min', value: (row) => (rates(row).length ? Math.min(...rates(row)) : null) },
      { name: 'l1_hit_rate_max', value: (row) => (rates(row).length ? Math.max(...rates(row)) : null) },
    );
  }
  if (options.writePolicies !== undefined || options.fleets !== undefined) {
    columns.push(
      { name: 'write_policy', value: (row) => row.freshness?.writePolicy ?? null },
      { name: 'stale_reads', value: (row) => row.freshness?.staleReads ?? null },
      { name: 'stale_read_rate', value: (row) => row.freshness?.staleReadRate ?? null },
      { name: 'stale_age_p50_ms', value: (row) => row.freshness?.staleAge?.p50Ms ?? null },
      { name: 'stale_age_p99_ms', value: (row) => row.freshness?.staleAge?.p99Ms ?? null },
    );
    if (options.writePolicies?.includes('write-behind') === true) {
      columns.push(
        { name: 'writes_coalesced', value: (row) => row.freshness?.writesCoalesced ?? null },
        { name: 'longest_pending_ms', value: (row) => row.freshness?.longestPendingMs ?? null },
        { name: 'flushes', value: (row) => row.freshness?.flushes ?? null },
      );
    }
  }
  if (options.stampedes !== undefined) {
    columns.push(
      { name: 'stampede', value: (row) => row.stampede?.mode ?? null },
      { name: 'origin_fetches', value: (row) => row.stampede?.originFetches ?? null },
      { name: 'peak_concurrent_fetches', value: (row) => row.stampede?.peakConcurrentFetches ?? null },
      { name: 'coalesced_waits', value: (row) => row.stampede?.coalescedWaits ?? null },
      { name: 'early_refreshes', value: (row) => row.stampede?.earlyRefreshes ?? null },
      { name: 'stale_serves', value: (row) => row.stampede?.staleServes ?? null },
      { name: 'origin_waits', value: (row) => row.stampede?.originWaits.requests ?? null },
      { name: 'origin_wait_p50_ms', value: (row) => row.stampede?.originWaits.p50 ?? null },
      { name: 'origin_wait_p90_ms', value: (row) => row.stampede?.originWaits.p90 ?? null },
      { name: 'origin_wait_p99_ms', value: (row) => row.stampede?.originWaits.p99 ?? null },
      { name: 'origin_wait_max_ms', value: (row) => row.stampede?.originWaits.max ?? null },
    );
  }
  if (result.rows.some((row) => row.originLoad !== undefined)) {
    columns.push(
      { name: 'origin_seconds', value: (row) => row.originLoad?.seconds ?? null },
      { name: 'origin_peak_per_s', value: (row) => row.originLoad?.peakPerSecond ?? null },
      { name: 'origin_p99_per_s', value: (row) => row.originLoad?.p99PerSecond ?? null },
      { name: 'origin_mean_per_s', value: (row) => row.originLoad?.meanPerSecond ?? null },
    );
  }
  if (options.originLimit !== undefined) {
    columns.push(
      { name: 'origin_shed', value: (row) => row.originLimit?.shed ?? null },
      { name: 'origin_delayed', value: (row) => row.originLimit?.delayed ?? null },
      { name: 'origin_delay_max_ms', value: (row) => row.originLimit?.longestDelayMs ?? null },
    );
  }
  (options.incidents ?? []).forEach((_, k) => {
    columns.push(
      { name: `incident${k + 1}_steady_hit_rate`, value: (row) => row.incidents?.[k]?.steadyHitRate ?? null },
      { name: `incident${k + 1}_hit_rate_during`, value: (row) => row.incidents?.[k]?.hitRateDuring ?? null },
      { name: `incident${k + 1}_recovery_s`, value: (row) => row.incidents?.[k]?.recoverySeconds ?? null },
      { name: `incident${k + 1}_origin_peak_per_s`, value: (row) => row.incidents?.[k]?.originPeakPerSecond ?? null },
    );
  });
  (options.tiers ?? []).forEach((_, t) => {
    columns.push(
      { name: `l${t + 1}_lookups`, value: (row) => row.tiers?.[t]?.lookups ?? null },
      { name: `l${t + 1}_hits`, value: (row) => row.tiers?.[t]?.hits ?? null },
      { name: `l${t + 1}_hit_rate`, value: (row) => row.tiers?.[t]?.hitRate ?? null },
    );
  });
  return columns;
}

export function renderCsv(result: RunResult): string {
  const columns = [...COLUMNS, ...timeAwareColumns(result)];
  const lines = [columns.map((column) => quoteField(column.name)).join(',')];
  for (const row of result.rows) {
    lines.push(columns.map((column) => quoteField(fieldText(column.value(row, result)))).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

function fieldText(value: string | number | boolean | null): string {
  if (value === null) return '';
  // 12 significant digits: exact for counts, and drops binary noise like 5.1000000000000005.
  if (typeof value === 'number') return Number.isFinite(value) ? String(Number(value.toPrecision(12))) : '';
  return String(value);
}

export function quoteField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
