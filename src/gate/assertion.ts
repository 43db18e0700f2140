/**
 * The `--assert` expression language: one threshold on one metric of one or more result rows.
 *
 *   assertion := selector "." metric op value
 *   selector  := policy "@" size [ "/ttl=" ttl ]
 *   policy    := a policy spec as given to --policies (`lru`, `s3-fifo:small=0.2`), or "*"
 *   size      := an entry count (1024, 1e4) or byte size (64MB), as the run's unit, or "*"
 *   ttl       := a duration (60s, 5m), "off", or "*"
 *   metric    := hitRate | byteHitRate | hits | misses | speedup
 *              | latency.mean | latency.p50 | latency.p95 | latency.p99 | latency.p999 | latency.max
 *   op        := ">=" | "<=" | ">" | "<" | "=="
 *   value     := rates: 0.85 or 85%; latencies: 2ms, 0.5s (bare number = ms);
 *                counts: whole numbers; speedup: 3 or 3x
 *
 * A wildcard checks every matching row. A selector without `/ttl=` is fine when the run has
 * one TTL; with several it is ambiguous and rejected. Parsing is separate from evaluation so a
 * malformed assertion fails before any replay; a selector that matches no row fails after.
 */
import { UsageError } from '../errors.js';
import type { ResultRow, RunResult } from '../model/result.js';
import { parseBytes, parseCount, parseDuration } from '../units.js';
import { formatPair, isMetricName, METRIC_NAMES, parseThreshold, readMetric, rowLabel, stripFlag, type MetricName } from './metrics.js';
import { compare, type Comparison, type Verdict } from './verdict.js';

/** A parsed threshold: which rows (policy, size, TTL), which metric, and the bound. */
export interface Assertion {
  readonly text: string;
  /** Policy spec or `*`. */
  readonly policy: string;
  /** Size as written, or `*`; read in the result's unit when evaluated. */
  readonly size: string;
  /** TTL as written, `*`, or undefined when not given. */
  readonly ttl: string | undefined;
  readonly metric: MetricName;
  readonly comparison: Comparison;
  readonly threshold: number;
}

/** The option these errors name (the CLI shows it as --assert). */
const FLAG = 'asserts';
const SHAPE =
  /^(?<policy>[^@]+)@(?<size>[^/]+?)(?:\/ttl=(?<ttl>[^/]+?))?\.(?<metric>[A-Za-z]+(?:\.[A-Za-z0-9]+)?)\s*(?<op>>=|<=|==|>|<)\s*(?<value>[^\s<>=].*)$/;

/** Parses one threshold such as `lru@1024.hitRate>=0.85`; errors are labelled `where`. */
export function parseAssertion(text: string, flag = FLAG): Assertion {
  const source = text.trim();
  const where = `assertion '${text}'`;
  const match = SHAPE.exec(source);
  if (!match?.groups) {
    throw new UsageError(`${where} is not of the form policy@size.metric>=value (e.g. lru@1024.hitRate>=0.85)`, flag);
  }
  const { policy, size, ttl, metric, op, value } = match.groups as Record<string, string>;
  if (!isMetricName(metric!)) {
    throw new UsageError(`${where}: unknown metric '${metric}' (known: ${METRIC_NAMES.join(', ')})`, flag);
  }
  return {
    text: source,
    policy: policy!.trim(),
    size: size!.trim(),
    ttl: ttl?.trim(),
    metric,
    comparison: op as Comparison,
    threshold: parseThreshold(metric, value!, flag, where),
  };
}

/** Checks each assertion on every row it selects; throws a UsageError when one selects none. */
export function evaluateAssertions(result: RunResult, assertions: readonly Assertion[], flag = FLAG): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const assertion of assertions) {
    const rows = selectRows(result, assertion, flag);
    const wildcard = rows.length > 1;
    for (const row of rows) {
      const actualValue = readMetric(row, assertion.metric);
      const [actual, required] = formatPair(assertion.metric, actualValue, assertion.threshold);
      const label = rowLabel(row, result);
      verdicts.push({
        gate: wildcard ? `${assertion.text} [${label}]` : assertion.text,
        source: 'assert',
        row: label,
        metric: assertion.metric,
        comparison: assertion.comparison,
        actualValue,
        requiredValue: assertion.threshold,
        actual,
        required: `${assertion.comparison} ${required}`,
        ok: compare(actualValue, assertion.comparison, assertion.threshold),
      });
    }
  }
  return verdicts;
}

function selectRows(result: RunResult, assertion: Assertion, flag: string): ResultRow[] {
  const where = `assertion '${assertion.text}'`;
  const { unit } = result.options;
  let rows = result.rows.filter((row) => policyMatches(assertion.policy, row.policy));
  if (rows.length === 0) {
    throw new UsageError(
      `${where}: no policy '${assertion.policy}' in this run (policies: ${unique(result.rows.map((r) => r.policy)).join(', ')})`,
      flag,
    );
  }
  if (assertion.size !== '*') {
    const capacity = parseSelectorValue(
      () => (unit === 'bytes' ? parseBytes(assertion.size, flag) : parseCount(assertion.size, flag)),
      where,
      flag,
    );
    rows = rows.filter((row) => row.capacity === capacity);
    if (rows.length === 0) {
      const sizes = unique(result.rows.map((r) => String(r.capacity))).join(', ');
      throw new UsageError(
        `${where}: no row with size ${assertion.size} (${unit === 'bytes' ? 'capacities' : 'sizes'} in this run: ${sizes})`,
        flag,
      );
    }
  }
  if (assertion.ttl === undefined) {
    const ttls = unique(rows.map((row) => row.ttl));
    if (ttls.length > 1) {
      throw new UsageError(`${where}: this run has several TTLs; add /ttl=<duration|off|*> after the size`, flag);
    }
  } else if (assertion.ttl !== '*') {
    const text = assertion.ttl.toLowerCase();
    const ttl = text === 'off' || text === 'none' ? null : parseSelectorValue(() => parseDuration(text, flag), where, flag);
    rows = rows.filter((row) => (ttl === null ? row.ttl === null : row.ttl !== null && Math.abs(row.ttl - ttl) < 1e-9));
    if (rows.length === 0) throw new UsageError(`${where}: no row with TTL ${assertion.ttl}`, flag);
  }
  return rows;
}

/** `lru` matches `lru` and also `lru:param=...` rows; a spec with parameters must match exactly. */
function policyMatches(selector: string, policy: string): boolean {
  if (selector === '*' || selector === policy) return true;
  return !selector.includes(':') && policy.split(':')[0] === selector;
}

function parseSelectorValue<T>(parse: () => T, where: string, flag: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${where}: ${stripFlag(error)}`, flag);
    throw error;
  }
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}
