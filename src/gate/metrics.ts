/**
 * What a gate can check on a result row, how a threshold for it is written, and how its
 * values are shown. Rates are fractions (0.85) or percentages (85%), latencies are
 * milliseconds (a bare number) or durations (2ms, 0.5s), counts are whole numbers and the
 * speed-up is a ratio (3 or 3x).
 */
import { UsageError } from '../errors.js';
import type { ResultRow, RunResult } from '../model/result.js';
import { integer, ms, percent, speedup } from '../report/format.js';
import { formatBytes, parseBytes, parseCount, parseDuration, parseNumber } from '../units.js';
import { ttlLabel } from '../report/format.js';

type MetricKind = 'rate' | 'count' | 'ms' | 'ratio';

interface MetricDefinition {
  readonly kind: MetricKind;
  readonly read: (row: ResultRow) => number;
}

export const METRICS = {
  hitRate: { kind: 'rate', read: (row) => row.hitRate },
  byteHitRate: { kind: 'rate', read: (row) => row.byteHitRate },
  hits: { kind: 'count', read: (row) => row.hits },
  misses: { kind: 'count', read: (row) => row.misses },
  'latency.mean': { kind: 'ms', read: (row) => row.latency.mean },
  'latency.p50': { kind: 'ms', read: (row) => row.latency.p50 },
  'latency.p95': { kind: 'ms', read: (row) => row.latency.p95 },
  'latency.p99': { kind: 'ms', read: (row) => row.latency.p99 },
  'latency.p999': { kind: 'ms', read: (row) => row.latency.p999 },
  'latency.max': { kind: 'ms', read: (row) => row.latency.max },
  speedup: { kind: 'ratio', read: (row) => row.latency.speedup },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export function isMetricName(text: string): text is MetricName {
  return Object.hasOwn(METRICS, text);
}

export function readMetric(row: ResultRow, metric: MetricName): number {
  return METRICS[metric].read(row);
}

/** Parses a threshold for `metric`; `context` prefixes error messages (e.g. the assertion). */
export function parseThreshold(metric: MetricName, text: string, flag: string, context: string): number {
  const value = text.trim();
  try {
    switch (METRICS[metric].kind) {
      case 'rate': {
        const rate = value.endsWith('%') ? parseNumber(value.slice(0, -1), flag) / 100 : parseNumber(value, flag);
        if (rate < 0 || rate > 1) throw new UsageError(`${metric} is a fraction from 0 to 1 (write 0.85 or 85%), not '${text}'`, flag);
        return rate;
      }
      case 'count':
        return parseCount(value, flag, { allowZero: true });
      case 'ms':
        return parseDuration(value, flag, 'ms') * 1e3;
      case 'ratio':
        return parseNumber(value.replace(/x$/i, ''), flag, 0);
    }
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${context}: ${stripFlag(error)}`, flag);
    throw error;
  }
}

/** A value of `metric` as people read it. Rates get more digits when two would round alike. */
export function formatMetric(metric: MetricName, value: number, digits = 2): string {
  switch (METRICS[metric].kind) {
    case 'rate':
      return percent(value, digits);
    case 'count':
      return integer(value);
    case 'ms':
      return ms(value);
    case 'ratio':
      return speedup(value);
  }
}

/** Formats two values so that, when they differ, the text differs too (85.00% vs 84.996%). */
export function formatPair(metric: MetricName, actual: number, required: number): [string, string] {
  for (let digits = 2; digits <= 6; digits++) {
    const pair: [string, string] = [formatMetric(metric, actual, digits), formatMetric(metric, required, digits)];
    if (actual === required || pair[0] !== pair[1] || METRICS[metric].kind !== 'rate') return pair;
  }
  return [String(actual), String(required)];
}

/** The row's address in assertion syntax, e.g. `lru@1024`, `ttl@64MB/ttl=60s` or `lru@1024/stampede=coalesce`. */
export function rowLabel(
  row: Pick<ResultRow, 'policy' | 'ttl' | 'capacity' | 'freshness' | 'stampede'>,
  result: Pick<RunResult, 'options'>,
): string {
  const { options } = result;
  const size = sizeText(row.capacity, options);
  const showTtl = options.ttls.length > 1 || row.ttl !== null;
  const write = (options.writePolicies?.length ?? 0) > 1 && row.freshness ? `/write=${row.freshness.writePolicy}` : '';
  const stampede = (options.stampedes?.length ?? 0) > 1 && row.stampede ? `/stampede=${row.stampede.mode}` : '';
  return `${row.policy}@${size}${showTtl ? `/ttl=${ttlLabel(row.ttl)}` : ''}${write}${stampede}`;
}

function sizeText(capacity: number, options: RunResult['options']): string {
  if (options.unit === 'entries') return String(capacity);
  const short = formatBytes(capacity, options.byteUnits);
  // A rounded label (3.906KiB) would name a neighbouring size too: only exact ones stand in.
  return !short.includes('.') && parseBytes(short) === capacity ? short : String(capacity);
}

/** The message of a UsageError without its leading `flag: `. */
export function stripFlag(error: UsageError): string {
  const prefix = error.where ? `${error.where}: ` : '';
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}
