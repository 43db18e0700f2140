/**
 * Regression gates against a saved result (`--baseline reports/baseline.json`): every row
 * present in both results, matched by policy, TTL and size, must not lose more than
 * `maxDrop` of hit rate (absolute: 0.01 = one percentage point; byte hit rate too with byte
 * capacities), and, when `maxLatencyRise` is given, its mean expected latency must not
 * rise by more than that (a fraction of the baseline's, or a fixed number of milliseconds).
 * Rows present on one side only are reported as notes, not failures: changing the grid is a
 * deliberate edit. A baseline sharing no row with the run is a usage error.
 */
import { modesKey, modesOf } from '../model/modes.js';
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { SCHEMA_VERSION, type ResultRow, type RunResult } from '../model/result.js';
import { ms } from '../report/format.js';
import { parseDuration, parseNumber } from '../units.js';
import { formatMetric, formatPair, rowLabel, type MetricName } from './metrics.js';
import { compare, type Verdict } from './verdict.js';

export type LatencyRise = { readonly kind: 'fraction'; readonly value: number } | { readonly kind: 'ms'; readonly value: number };

/** How much worse than the baseline a row may be. */
export interface BaselineTolerances {
  /** Largest allowed absolute drop of hit rate (0.01 = one percentage point). */
  readonly maxDrop: number;
  /** Largest allowed rise of mean expected latency; unchecked when absent. */
  readonly maxLatencyRise?: LatencyRise | undefined;
}

export const DEFAULT_MAX_DROP = 0.01;

export interface BaselineComparison {
  readonly verdicts: Verdict[];
  readonly notes: string[];
}

/** `0.01` or `1%`: an absolute drop of hit rate. */
export function parseMaxDrop(text: string, flag = 'maxDrop'): number {
  const value = text.trim();
  const drop = value.endsWith('%') ? parseNumber(value.slice(0, -1), flag) / 100 : parseNumber(value, flag);
  if (drop < 0 || drop > 1) throw new UsageError(`'${text}' must be a hit-rate drop from 0 to 1 (e.g. 0.01 or 1%)`, flag);
  return drop;
}

/** `0.1` or `10%`: a fraction of the baseline latency; `0.5ms`, `1s`: an absolute rise. */
export function parseLatencyRise(text: string, flag = 'maxLatencyRise'): LatencyRise {
  const value = text.trim();
  if (value.endsWith('%')) return { kind: 'fraction', value: parseNumber(value.slice(0, -1), flag, 0) / 100 };
  if (/[a-z\u00b5]$/i.test(value)) return { kind: 'ms', value: parseDuration(value, flag) * 1e3 };
  return { kind: 'fraction', value: parseNumber(value, flag, 0) };
}

/** Reads and checks a baseline file: a JSON result of this schema version. */
export async function loadBaseline(path: string, flag = 'baseline'): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (save a JSON result there first)' : (error as Error).message;
    throw new UsageError(`${path}: ${reason}`, flag);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`, flag);
  }
  return checkBaseline(data, path, flag);
}

export function checkBaseline(given: unknown, path: string, flag = 'baseline'): RunResult {
  const fail = (message: string): never => {
    throw new UsageError(`${path}: ${message}`, flag);
  };
  if (!isObject(given)) return fail('expected a cachebench JSON result (an object)');
  let data: Record<string, unknown> = given;
  // Version 2 differs only in how the options name one write policy or stampede mode.
  if (data.schemaVersion !== SCHEMA_VERSION && data.schemaVersion !== 2) {
    return fail(
      `schemaVersion is ${JSON.stringify(data.schemaVersion)}, this cachebench reads 2 and ${SCHEMA_VERSION} (regenerate the baseline)`,
    );
  }
  if (data.schemaVersion === 2 && isObject(data.options)) data = upgradeFromVersion2(data);
  const options = data.options;
  if (!isObject(options) || (options.unit !== 'entries' && options.unit !== 'bytes') || !Array.isArray(options.ttls)) {
    fail('options.unit or options.ttls is missing');
  }
  if (!Array.isArray(data.rows)) return fail('rows is missing');
  data.rows.forEach((row: unknown, i: number) => {
    const at = `rows[${i}]`;
    if (!isObject(row)) return fail(`${at} is not an object`);
    if (typeof row.policy !== 'string') fail(`${at}.policy is not a string`);
    if (typeof row.capacity !== 'number') fail(`${at}.capacity is not a number`);
    if (row.ttl !== null && typeof row.ttl !== 'number') fail(`${at}.ttl is not a number or null`);
    for (const field of ['hitRate', 'byteHitRate'] as const) if (typeof row[field] !== 'number') fail(`${at}.${field} is not a number`);
    if (!isObject(row.latency) || typeof row.latency.mean !== 'number') fail(`${at}.latency.mean is not a number`);
  });
  if (!isObject(data.trace)) fail('trace is missing');
  return data as unknown as RunResult;
}

/** Compares a result with a saved one row by row: verdicts for drops and rises, notes for rows on one side only. */
export function compareToBaseline(
  current: RunResult,
  baseline: RunResult,
  tolerances: BaselineTolerances,
  flag = 'baseline',
): BaselineComparison {
  if (current.options.unit !== baseline.options.unit) {
    throw new UsageError(`the baseline sizes are in ${baseline.options.unit}, this run's in ${current.options.unit}`, flag);
  }
  const verdicts: Verdict[] = [];
  const notes: string[] = [];
  const baseRows = new Map(baseline.rows.map((row) => [rowKey(row), row]));
  const currentKeys = new Set(current.rows.map(rowKey));
  // Byte hit rate only means something when the trace has object sizes.
  const checkBytes = current.trace.sizes !== null;
  let matched = 0;
  for (const row of current.rows) {
    const base = baseRows.get(rowKey(row));
    const label = rowLabel(row, current);
    if (!base) {
      notes.push(`${label} is not in the baseline, so it was not compared`);
      continue;
    }
    matched++;
    verdicts.push(dropVerdict(label, 'hitRate', row.hitRate, base.hitRate, tolerances.maxDrop));
    if (checkBytes) verdicts.push(dropVerdict(label, 'byteHitRate', row.byteHitRate, base.byteHitRate, tolerances.maxDrop));
    if (tolerances.maxLatencyRise) verdicts.push(latencyVerdict(label, row, base, tolerances.maxLatencyRise));
  }
  for (const base of baseline.rows) {
    if (!currentKeys.has(rowKey(base))) notes.push(`${rowLabel(base, baseline)} is in the baseline but not in this run`);
  }
  if (matched === 0) {
    throw new UsageError(
      'no row of this run matches a row of the baseline (same policy, TTL and size); was it made with other options?',
      flag,
    );
  }
  if (baseline.trace.source !== current.trace.source || baseline.trace.requests !== current.trace.requests) {
    notes.push(
      `the baseline was made from ${baseline.trace.source} (${baseline.trace.requests} requests), this run from ${current.trace.source} (${current.trace.requests} requests)`,
    );
  }
  return { verdicts, notes };
}

function dropVerdict(label: string, metric: MetricName, actualValue: number, baseValue: number, maxDrop: number): Verdict {
  const requiredValue = baseValue - maxDrop;
  const [actual, required] = formatPair(metric, actualValue, requiredValue);
  return {
    gate: `${label}.${metric} vs baseline`,
    source: 'baseline',
    row: label,
    metric,
    comparison: '>=',
    actualValue,
    requiredValue,
    actual,
    required: `>= ${required} (baseline ${formatMetric(metric, baseValue)} − ${(maxDrop * 100).toFixed(2).replace(/\.?0+$/, '')} pt)`,
    ok: compare(actualValue, '>=', requiredValue),
  };
}

function latencyVerdict(label: string, row: ResultRow, base: ResultRow, rise: LatencyRise): Verdict {
  const requiredValue = rise.kind === 'fraction' ? base.latency.mean * (1 + rise.value) : base.latency.mean + rise.value;
  const allowance = rise.kind === 'fraction' ? `+${Number((rise.value * 100).toPrecision(4))}%` : `+${ms(rise.value)}`;
  return {
    gate: `${label}.latency.mean vs baseline`,
    source: 'baseline',
    row: label,
    metric: 'latency.mean',
    comparison: '<=',
    actualValue: row.latency.mean,
    requiredValue,
    actual: ms(row.latency.mean),
    required: `<= ${ms(requiredValue)} (baseline ${ms(base.latency.mean)} ${allowance})`,
    ok: compare(row.latency.mean, '<=', requiredValue),
  };
}

function rowKey(row: Pick<ResultRow, 'policy' | 'ttl' | 'capacity' | 'freshness' | 'stampede'>): string {
  return `${row.policy}\u0000${modesKey(modesOf(row))}\u0000${row.ttl}\u0000${row.capacity}`;
}

/** A version-2 result as version 3 writes it: `writePolicy` and `stampede` in the options become lists. */
function upgradeFromVersion2(data: Record<string, unknown>): Record<string, unknown> {
  const { writePolicy, stampede, ...options } = data.options as Record<string, unknown>;
  return {
    ...data,
    schemaVersion: SCHEMA_VERSION,
    options: {
      ...options,
      ...(typeof writePolicy === 'string' && { writePolicies: [writePolicy] }),
      ...(typeof stampede === 'string' && { stampedes: [stampede] }),
    },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
