/**
 * The `--assert` expression language: one threshold on one metric of one or more result rows.
 *
 *   assertion := selector "." metric op value
 *   selector  := policy "@" size { "/" qualifier }
 *   qualifier := "ttl=" ttl | "write=" write-policy | "stampede=" mode
 *              | "instances=" n | "invalidation=" mode              (each once, any order)
 *   policy    := a policy spec as given to --policies (`lru`, `s3-fifo:small=0.2`), or "*"
 *   size      := an entry count (1024, 1e4) or byte size (64MB), as the run's unit, or "*"
 *   ttl       := a duration (60s, 5m), "off", per-class TTLs as given to --ttl (user:*=5m,*=60s), or "*"
 *   write-policy, mode := as given to --write-policy and --stampede (`xfetch` matches
 *                `xfetch:beta=2`), or "*"
 *   metric    := hitRate | byteHitRate | hits | misses | speedup
 *              | latency.mean | latency.p50 | latency.p95 | latency.p99 | latency.p999 | latency.max
 *   op        := ">=" | "<=" | ">" | "<" | "=="
 *   value     := rates: 0.85 or 85%; latencies: 2ms, 0.5s (bare number = ms);
 *                counts: whole numbers; speedup: 3 or 3x
 *
 * A wildcard checks every matching row. A selector without `/ttl=` is fine when the run has
 * one TTL; with several it is ambiguous and rejected, and so for `/write=` and `/stampede=`
 * when the run compares several write policies or stampede modes. Parsing is separate from evaluation so a
 * malformed assertion fails before any replay; a selector that matches no row fails after.
 */
import { UsageError } from '../errors.js';
import type { ResultRow, RunResult } from '../model/result.js';
import { parseBytes, parseCount, parseDuration } from '../units.js';
import { formatPair, isMetricName, METRIC_NAMES, parseThreshold, readMetric, rowLabel, stripFlag, type MetricName } from './metrics.js';
import { compare, type Comparison, type Verdict } from './verdict.js';
import { isTtlClassList, parseTtlClasses, ttlClassesLabel } from '../engine/ttl-classes.js';
import { invalidationLabel, parseInvalidation } from '../engine/time/fleet.js';

/** A parsed threshold: which rows (policy, size, TTL), which metric, and the bound. */
export interface Assertion {
  readonly text: string;
  /** Policy spec or `*`. */
  readonly policy: string;
  /** Size as written, or `*`; read in the result's unit when evaluated. */
  readonly size: string;
  /** TTL as written, `*`, or undefined when not given. */
  readonly ttl: string | undefined;
  /** Write policy as written, `*`, or undefined when not given. */
  readonly writePolicy?: string;
  /** Stampede mode as written, `*`, or undefined when not given. */
  readonly stampede?: string;
  /** A fleet's instance count and invalidation mode as written, `*`, or undefined. */
  readonly instances?: string;
  readonly invalidation?: string;
  readonly metric: MetricName;
  readonly comparison: Comparison;
  readonly threshold: number;
}

/** The option these errors name (the CLI shows it as --assert). */
const FLAG = 'asserts';
const SHAPE =
  /^(?<policy>[^@]+)@(?<size>[^/]+?)(?<qualifiers>(?:\/[A-Za-z]+=[^/]+?)*)\.(?<metric>[A-Za-z]+(?:\.[A-Za-z0-9]+)?)\s*(?<op>>=|<=|==|>|<)\s*(?<value>[^\s<>=].*)$/;

/** What may follow the size in a selector. */
const QUALIFIERS = ['ttl', 'write', 'stampede', 'instances', 'invalidation'];

/** Parses one threshold such as `lru@1024.hitRate>=0.85`; errors are labelled `where`. */
export function parseAssertion(text: string, flag = FLAG): Assertion {
  const source = text.trim();
  const where = `assertion '${text}'`;
  const match = SHAPE.exec(source);
  if (!match?.groups) {
    throw new UsageError(`${where} is not of the form policy@size.metric>=value (e.g. lru@1024.hitRate>=0.85)`, flag);
  }
  const { policy, size, qualifiers, metric, op, value } = match.groups as Record<string, string>;
  if (!isMetricName(metric!)) {
    throw new UsageError(`${where}: unknown metric '${metric}' (known: ${METRIC_NAMES.join(', ')})`, flag);
  }
  const given = new Map<string, string>();
  for (const qualifier of qualifiers!.split('/').slice(1)) {
    const [name, ...rest] = qualifier.split('=');
    const key = name!.trim().toLowerCase();
    if (!QUALIFIERS.includes(key))
      throw new UsageError(`${where}: unknown qualifier '/${name!}=' (use ${QUALIFIERS.map((q) => `/${q}=`).join(', ')})`, flag);
    if (given.has(key)) throw new UsageError(`${where}: '/${key}=' is given twice`, flag);
    given.set(key, rest.join('=').trim());
  }
  return {
    text: source,
    policy: policy!.trim(),
    size: size!.trim(),
    ttl: given.get('ttl'),
    ...(given.has('write') && { writePolicy: given.get('write')!.toLowerCase() }),
    ...(given.has('stampede') && { stampede: given.get('stampede')!.toLowerCase() }),
    ...(given.has('instances') && { instances: given.get('instances')! }),
    ...(given.has('invalidation') && { invalidation: invalidationSelector(given.get('invalidation')!, where, flag) }),
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
    const ttls = unique(rows.map((row) => row.ttlClasses ?? row.ttl));
    if (ttls.length > 1) {
      throw new UsageError(`${where}: this run has several TTLs; add /ttl=<duration|off|*> after the size`, flag);
    }
  } else if (isTtlClassList(assertion.ttl)) {
    // Per-class TTLs match the rows that ran with the same rules, however they were spelled.
    const text = assertion.ttl;
    const label = ttlClassesLabel(parseSelectorValue(() => parseTtlClasses(text, flag), where, flag));
    rows = rows.filter((row) => row.ttlClasses === label);
    if (rows.length === 0) throw new UsageError(`${where}: no row with TTLs ${assertion.ttl}`, flag);
  } else if (assertion.ttl !== '*') {
    const text = assertion.ttl.toLowerCase();
    const ttl = text === 'off' || text === 'none' ? null : parseSelectorValue(() => parseDuration(text, flag), where, flag);
    rows = rows.filter(
      (row) => row.ttlClasses === undefined && (ttl === null ? row.ttl === null : row.ttl !== null && Math.abs(row.ttl - ttl) < 1e-9),
    );
    if (rows.length === 0) throw new UsageError(`${where}: no row with TTL ${assertion.ttl}`, flag);
  }
  rows = selectMode(
    rows,
    assertion.instances,
    (row) => row.fleet && String(row.fleet.instances),
    'instances',
    'instance counts',
    where,
    flag,
  );
  rows = selectMode(rows, assertion.invalidation, (row) => row.fleet?.invalidation, 'invalidation', 'invalidations', where, flag);
  rows = selectMode(rows, assertion.writePolicy, (row) => row.freshness?.writePolicy, 'write', 'write policies', where, flag);
  rows = selectMode(rows, assertion.stampede, (row) => row.stampede?.mode, 'stampede', 'stampede modes', where, flag);
  return rows;
}

/** Narrows rows by one mode qualifier; without it, the rows must agree on that mode. */
function selectMode(
  rows: ResultRow[],
  selector: string | undefined,
  modeOf: (row: ResultRow) => string | undefined,
  name: string,
  plural: string,
  where: string,
  flag: string,
): ResultRow[] {
  const modes = unique(rows.map(modeOf));
  if (selector === undefined) {
    if (modes.length > 1) throw new UsageError(`${where}: this run compares several ${plural}; add /${name}=<${modes.join('|')}|*>`, flag);
    return rows;
  }
  const alias = name === 'stampede' && selector === 'swr' ? 'stale-while-revalidate' : selector;
  const chosen = rows.filter((row) => {
    const mode = modeOf(row);
    return mode !== undefined && policyMatches(alias, mode);
  });
  if (chosen.length === 0)
    throw new UsageError(
      `${where}: no row with ${name} ${selector} (${plural} in this run: ${modes.filter((mode) => mode !== undefined).join(', ') || 'none'})`,
      flag,
    );
  return chosen;
}

/** An invalidation as the rows name it (`pubsub:delay=5ms`); `pubsub` alone matches any delay, `*` any mode. */
function invalidationSelector(text: string, where: string, flag: string): string {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '*' || trimmed === 'pubsub') return trimmed;
  return invalidationLabel(parseSelectorValue(() => parseInvalidation(trimmed, flag), where, flag));
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
