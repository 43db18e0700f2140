/**
 * The facts a written report states, as data, so the markdown and the HTML report say the
 * same things in the same order and differ only in how they mark them up: the trace's
 * portrait, the options that ran, and the recommendations grouped by policy and TTL.
 */
import type { Recommendation, RecommendationCriterion, RunResult } from '../model/result.js';
import { capacityLabel, comparedModes, integer, ms, percent, seriesLabel, ttlLabel, displayUnit } from './format.js';
import { modesKey, seriesOf } from '../model/modes.js';
import { formatBytes, formatDuration } from '../units.js';
import { isOfflineCurve } from '../engine/recommend.js';

/** A fact's value: plain text, or names shown as code (policies, tiers) joined by `joiner`. */
export type FactValue = string | { readonly code: readonly string[]; readonly joiner: string };

export type Fact = readonly [label: string, value: FactValue];

export function traceFacts(result: RunResult): Fact[] {
  const { trace } = result;
  const facts: Fact[] = [];
  const mix =
    trace.writes || trace.deletes
      ? ` (${integer(trace.lookups)} lookups, ${integer(trace.writes)} writes, ${integer(trace.deletes)} deletes)`
      : '';
  facts.push(['requests', `${integer(trace.requests)}${mix}`]);
  facts.push(['distinct keys', integer(trace.distinctKeys)]);
  const oneHitShare = trace.distinctKeys ? trace.oneHitWonders / trace.distinctKeys : 0;
  facts.push(['one-hit wonders', `${integer(trace.oneHitWonders)} (${percent(oneHitShare, 1)} of keys)`]);
  const topKeys = Math.max(1, Math.ceil(trace.distinctKeys / 100));
  facts.push(['top 1% of keys', `${percent(trace.top1PercentShare, 1)} of requests (${integer(topKeys)} key${topKeys === 1 ? '' : 's'})`]);
  if (trace.sizes) {
    const { min, mean, max, distinctBytes } = trace.sizes;
    facts.push(['object sizes', `${formatBytes(min)} min, ${formatBytes(mean)} mean, ${formatBytes(max)} max`]);
    facts.push(['working set', formatBytes(distinctBytes)]);
  }
  if (trace.time) facts.push(['time span', formatDuration(trace.time.span)]);
  return facts;
}

export function optionFacts(result: RunResult): Fact[] {
  const { options } = result;
  const facts: Fact[] = [
    ['policies', { code: options.policies, joiner: ', ' }],
    [
      options.unit === 'bytes' ? 'capacities' : 'sizes (entries)',
      options.capacities.map((c) => capacityLabel(c, displayUnit(options))).join(', '),
    ],
    ['TTLs', options.ttls.map(ttlLabel).join(', ')],
    ['lookup cost', ms(options.lookupCostMs)],
    ['miss cost', ms(options.missCostMs)],
    ['seed', String(options.seed)],
  ];
  if (options.ttlJitter !== undefined) facts.push(['TTL jitter', `±${percent(options.ttlJitter, 0)}`]);
  if (options.writePolicies !== undefined)
    facts.push([options.writePolicies.length > 1 ? 'write policies' : 'write policy', options.writePolicies.join(', ')]);
  if (options.flushIntervalMs !== undefined) facts.push(['flush interval', ms(options.flushIntervalMs)]);
  if (options.stampedes !== undefined)
    facts.push([options.stampedes.length > 1 ? 'stampede models' : 'stampede model', options.stampedes.join(', ')]);
  if (options.tiers !== undefined) facts.push(['tiers', { code: options.tiers, joiner: ' → ' }]);
  if (options.warmup !== undefined) facts.push(['warm-up', `${warmupText(options.warmup)}, not counted`]);
  if (options.interval !== undefined)
    facts.push([
      'hit rate over time',
      `every ${options.interval.unit === 'requests' ? `${integer(options.interval.size)} requests` : formatDuration(options.interval.size)}`,
    ]);
  return facts;
}

/** 'the first 2,000 requests', 'the first 30s', 'the first 10% of requests'. */
export function warmupText(warmup: NonNullable<RunResult['options']['warmup']>): string {
  switch (warmup.unit) {
    case 'requests':
      return `the first ${integer(warmup.size)} requests`;
    case 'seconds':
      return `the first ${formatDuration(warmup.size)}`;
    case 'share':
      return `the first ${percent(warmup.size, 0)} of requests`;
  }
}

export const CRITERION_LABELS: Readonly<Record<RecommendationCriterion, string>> = {
  'diminishing-returns': 'diminishing returns',
  tolerance: 'near the best',
  'target-hit-rate': 'target hit rate',
  'target-latency': 'target latency',
  'memory-cost': 'memory cost',
};

/** The recommendations of one policy x TTL: the primary one heads, the other criteria follow. */
export interface RecommendationGroup {
  readonly primary: Recommendation;
  readonly others: readonly Recommendation[];
  /**
   * ' (coalesce) with TTL 60s', ' without a TTL', or '' when no TTL was tried: the modes
   * when the run compares several, then the TTL.
   */
  readonly ttlPhrase: string;
}

export function recommendationGroups(result: RunResult): RecommendationGroup[] {
  const showTtl = result.options.ttls.some((ttl) => ttl !== null);
  const groups = new Map<string, Recommendation[]>();
  for (const rec of result.recommendations ?? []) {
    const key = `${rec.policy}\u0000${modesKey(rec)}\u0000${rec.ttl}`;
    groups.set(key, [...(groups.get(key) ?? []), rec]);
  }
  return [...groups.values()].map((group) => {
    const primary = group.find((rec) => rec.primary) ?? group[0]!;
    const modes = comparedModes(primary, result.options);
    const ttlPhrase =
      (modes.length === 0 ? '' : ` (${modes.join(', ')})`) +
      (!showTtl ? '' : primary.ttl === null ? ' without a TTL' : ` with TTL ${ttlLabel(primary.ttl)}`);
    return { primary, others: group.filter((rec) => rec !== primary), ttlPhrase };
  });
}

const LONG_GRID_ROWS = 24;

/**
 * A sweep (or any long grid) reads better as curves: sizes down, one hit-rate column per
 * policy x TTL, with every metric one click away.
 */
export function readsAsCurves(result: RunResult): boolean {
  return result.options.capacities.length > 3 && (result.command === 'sweep' || result.rows.length > LONG_GRID_ROWS);
}

export interface HitRatePivot {
  readonly sizeTitle: string;
  /** One column per policy (x TTL when a TTL was tried). */
  readonly columns: readonly string[];
  readonly lines: readonly {
    readonly capacity: number;
    readonly sizeLabel: string;
    /** Per column; undefined where that column has no row at this size. */
    readonly rates: readonly (number | undefined)[];
    /** The columns holding the best hit rate at this size (none when only one column). */
    readonly best: readonly number[];
    /** Per column: a sampled estimate too spread to rely on. */
    readonly unreliable: readonly boolean[];
  }[];
}

export function hitRatePivotData(result: RunResult): HitRatePivot {
  const { options } = result;
  const showTtl = options.ttls.some((ttl) => ttl !== null);
  const columns: string[] = [];
  const rates = new Map<string, number>();
  const shaky = new Set<string>();
  for (const row of result.rows) {
    const name = seriesLabel(seriesOf(row), options, showTtl);
    if (!columns.includes(name)) columns.push(name);
    rates.set(`${name}\u0000${row.capacity}`, row.hitRate);
    if (row.estimate?.unreliable) shaky.add(`${name}\u0000${row.capacity}`);
  }
  const bound = columns.map((name) => isOfflineCurve({ policy: name.split(' ')[0]! }));
  const lines = options.capacities.map((capacity) => {
    const values = columns.map((name) => rates.get(`${name}\u0000${capacity}`));
    // An offline bound is a limit, not a contender: the best is among the deployable columns.
    const deployable = values.map((rate, i) => (bound[i] ? undefined : rate));
    const top = Math.max(...deployable.map((rate) => rate ?? 0));
    const best = columns.length > 1 && top > 0 ? deployable.flatMap((rate, i) => (rate === top ? [i] : [])) : [];
    const unreliable = columns.map((name) => shaky.has(`${name}\u0000${capacity}`));
    return { capacity, sizeLabel: capacityLabel(capacity, displayUnit(options)), rates: values, best, unreliable };
  });
  return {
    sizeTitle: options.unit === 'bytes' ? 'capacity' : 'maxsize',
    columns: columns.map((name, i) => (bound[i] ? `${name} (bound)` : name)),
    lines,
  };
}
