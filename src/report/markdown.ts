/**
 * The markdown report, written for pull requests and GitHub job summaries: what the trace
 * looks like, what was run, the results, the recommendation per policy, a chart that renders
 * on GitHub without tools, and (when gates ran) their verdicts. Plain GitHub-flavoured
 * markdown: tables, one Mermaid block, no HTML.
 */
import type { Recommendation, RecommendationCriterion, RunResult } from '../model/result.js';
import { bestChoiceText, recommendationText, samplingText } from './words.js';
import { capacityLabel, integer, ms, percent, speedup, ttlLabel } from './format.js';
import { mermaidHitRateChart } from './mermaid.js';
import { serverLines } from './server.js';
import { resultColumns } from './columns.js';
import { formatBytes, formatDuration } from '../units.js';

/** A gate outcome as the report shows it; src/gate produces these. */
export interface VerdictLine {
  readonly gate: string;
  readonly actual: string;
  readonly required: string;
  readonly ok: boolean;
}

export interface MarkdownOptions {
  /** Gate verdicts to list under the results; omitted when no gate ran. */
  readonly verdicts?: readonly VerdictLine[];
  /** Notes from the gates that are not pass/fail (e.g. rows missing from the baseline). */
  readonly gateNotes?: readonly string[];
  /** Relative link to the SVG chart written beside the report, when there is one. */
  readonly chartImage?: string;
}

export function renderMarkdown(result: RunResult, options: MarkdownOptions = {}): string {
  const sections = [
    `# cachebench ${result.command}: ${traceName(result.trace.source)}`,
    `Replayed \`${escapeCode(result.trace.source)}\` with cachebench ${result.tool.version} (result schema v${result.schemaVersion}).`,
    result.sampling
      ? `> ⚠️ **Estimates:** ${sentence(samplingText(result.sampling))} Method: ${result.sampling.methods.join(', ')}.`
      : null,
    // In CI the verdict is what the reader came for, so it comes first.
    gatesSection(options),
    traceSection(result),
    optionsSection(result),
    resultsSection(result),
    serverSection(result),
    recommendationsSection(result),
    chartSection(result, options.chartImage),
  ];
  return sections.filter((section): section is string => section !== null).join('\n\n') + '\n';
}

/** `replay`: the real server's settings and what only it measures, under the rows. */
function serverSection(result: RunResult): string | null {
  const comparison = result.server;
  if (comparison === undefined) return null;
  const { server } = comparison;
  const head =
    `Redis ${server.version} at \`${escapeCode(server.url)}\`, \`maxmemory ${integer(server.maxmemory)}\` bytes, ` +
    `\`${server.policy}\` with maxmemory-samples ${server.maxmemorySamples}; the simulated row ran at the entries that memory holds.`;
  return `## Real server\n\n${head}\n\n${serverLines(comparison)
    .map((line) => `- ${line}`)
    .join('\n')}`;
}

function traceSection(result: RunResult): string {
  const { trace } = result;
  const rows: [string, string][] = [];
  const mix =
    trace.writes || trace.deletes
      ? ` (${integer(trace.lookups)} lookups, ${integer(trace.writes)} writes, ${integer(trace.deletes)} deletes)`
      : '';
  rows.push(['requests', `${integer(trace.requests)}${mix}`]);
  rows.push(['distinct keys', integer(trace.distinctKeys)]);
  const oneHitShare = trace.distinctKeys ? trace.oneHitWonders / trace.distinctKeys : 0;
  rows.push(['one-hit wonders', `${integer(trace.oneHitWonders)} (${percent(oneHitShare, 1)} of keys)`]);
  const topKeys = Math.max(1, Math.ceil(trace.distinctKeys / 100));
  rows.push(['top 1% of keys', `${percent(trace.top1PercentShare, 1)} of requests (${integer(topKeys)} key${topKeys === 1 ? '' : 's'})`]);
  if (trace.sizes) {
    const { min, mean, max, distinctBytes } = trace.sizes;
    rows.push(['object sizes', `${formatBytes(min)} min, ${formatBytes(mean)} mean, ${formatBytes(max)} max`]);
    rows.push(['working set', formatBytes(distinctBytes)]);
  }
  if (trace.time) rows.push(['time span', formatDuration(trace.time.span)]);
  return `## Trace\n\n${keyValueList(rows)}`;
}

function optionsSection(result: RunResult): string {
  const { options } = result;
  const rows: [string, string][] = [
    ['policies', options.policies.map((policy) => `\`${escapeCode(policy)}\``).join(', ')],
    [options.unit === 'bytes' ? 'capacities' : 'sizes (entries)', options.capacities.map((c) => capacityLabel(c, options.unit)).join(', ')],
    ['TTLs', options.ttls.map(ttlLabel).join(', ')],
    ['lookup cost', ms(options.lookupCostMs)],
    ['miss cost', ms(options.missCostMs)],
    ['seed', String(options.seed)],
  ];
  if (options.ttlJitter !== undefined) rows.push(['TTL jitter', `±${percent(options.ttlJitter, 0)}`]);
  if (options.writePolicy !== undefined) rows.push(['write policy', options.writePolicy]);
  if (options.flushIntervalMs !== undefined) rows.push(['flush interval', ms(options.flushIntervalMs)]);
  if (options.stampede !== undefined) rows.push(['stampede model', options.stampede]);
  if (options.tiers !== undefined) rows.push(['tiers', options.tiers.map((tier) => `\`${escapeCode(tier)}\``).join(' → ')]);
  return `## Options\n\n${keyValueList(rows)}`;
}

function resultsSection(result: RunResult): string {
  const { options } = result;
  const policiesCompared = new Set(result.rows.map((row) => row.policy)).size > 1;
  const showTtl = options.ttls.some((ttl) => ttl !== null);
  const columns = resultColumns(
    result,
    {
      ttlTitle: 'TTL',
      policy: (name) => `\`${escapeCode(name)}\``,
      hitRate: (text, best) => (best ? `**${text}**` : text),
      speedup: (row) =>
        row.latency.slowerThanNoCache ? `${speedup(row.latency.speedup)} ⚠️ slower than no cache` : speedup(row.latency.speedup),
    },
    { markBest: policiesCompared },
  );
  const align = columns.head.map((_, i) => (i === 0 ? ':--' : '--:'));
  const lines = [tableLine(columns.head), tableLine(align)];
  for (const row of result.rows) lines.push(tableLine(columns.cells(row)));
  const notes: string[] = [];
  if (policiesCompared) notes.push(`Bold marks the best hit rate at each ${showTtl ? 'TTL and ' : ''}size.`);
  notes.push(
    `Latency = lookup ${ms(options.lookupCostMs)} + miss ratio × miss cost ${ms(options.missCostMs)}; speed-up is against no cache (${ms(result.rows[0]?.latency.noCache ?? options.missCostMs)} per request).`,
  );
  const slower = result.rows.filter((row) => row.latency.slowerThanNoCache).length;
  if (slower > 0) {
    notes.push(
      `⚠️ ${slower} configuration${slower === 1 ? ' is' : 's are'} slower than no cache at all: the lookup cost outweighs the misses saved.`,
    );
  }
  const full = lines.join('\n');
  // A sweep (or any long grid) reads better as curves: sizes down, one hit-rate column per policy x TTL,
  // with every metric one click away.
  const curves = options.capacities.length > 3 && (result.command === 'sweep' || result.rows.length > LONG_GRID_ROWS);
  const table = curves
    ? `${hitRatePivot(result, showTtl)}\n\n<details><summary>All metrics (${result.rows.length} rows)</summary>\n\n${full}\n\n</details>`
    : full;
  return `## Results\n\n${table}\n\n${notes.join(' ')}`;
}

const LONG_GRID_ROWS = 24;

function hitRatePivot(result: RunResult, showTtl: boolean): string {
  const { options } = result;
  const columns: string[] = [];
  const rates = new Map<string, number>();
  for (const row of result.rows) {
    const name = showTtl ? `${row.policy} ttl=${ttlLabel(row.ttl)}` : row.policy;
    if (!columns.includes(name)) columns.push(name);
    rates.set(`${name}\u0000${row.capacity}`, row.hitRate);
  }
  const lines = [
    tableLine([options.unit === 'bytes' ? 'capacity' : 'maxsize', ...columns.map((name) => `\`${escapeCode(name)}\``)]),
    tableLine(['--:', ...columns.map(() => '--:')]),
  ];
  for (const capacity of options.capacities) {
    const values = columns.map((name) => rates.get(`${name}\u0000${capacity}`));
    const best = Math.max(...values.map((rate) => rate ?? 0));
    lines.push(
      tableLine([
        capacityLabel(capacity, options.unit),
        ...values.map((rate) =>
          rate === undefined ? '' : rate === best && best > 0 && columns.length > 1 ? `**${percent(rate)}**` : percent(rate),
        ),
      ]),
    );
  }
  return lines.join('\n');
}

const CRITERION_LABELS: Readonly<Record<RecommendationCriterion, string>> = {
  tolerance: 'near the best',
  'target-hit-rate': 'target hit rate',
  'target-latency': 'target latency',
  'memory-cost': 'memory cost',
};

/**
 * Per policy (and TTL): the primary recommendation as the headline, other criteria nested
 * under it, then the best choice overall. The reasons are worded by words.ts.
 */
function recommendationsSection(result: RunResult): string | null {
  const recommendations = result.recommendations ?? [];
  if (recommendations.length === 0 && result.best === undefined) return null;
  const showTtl = result.options.ttls.some((ttl) => ttl !== null);
  const groups = new Map<string, Recommendation[]>();
  for (const rec of recommendations) {
    const key = `${rec.policy}\u0000${rec.ttl}`;
    groups.set(key, [...(groups.get(key) ?? []), rec]);
  }
  const text = (rec: Recommendation): string => {
    const rival = rec.bestPolicyAtSize;
    const bestThere =
      rival && rival.policy !== rec.policy ? `; \`${escapeCode(rival.policy)}\` does better there (${percent(rival.hitRate)})` : '';
    return `${rec.capacity === null ? '⚠️ ' : ''}${recommendationText(rec, result.options.unit)}${bestThere}`;
  };
  const items: string[] = [];
  for (const group of groups.values()) {
    const primary = group.find((rec) => rec.primary) ?? group[0]!;
    const ttl = !showTtl ? '' : primary.ttl === null ? ' without a TTL' : ` with TTL ${ttlLabel(primary.ttl)}`;
    items.push(`- **\`${escapeCode(primary.policy)}\`**${ttl} — ${text(primary)} _(${CRITERION_LABELS[primary.criterion]})_`);
    for (const rec of group) if (rec !== primary) items.push(`  - ${CRITERION_LABELS[rec.criterion]}: ${text(rec)}`);
  }
  if (result.best !== undefined) {
    items.push(
      '',
      result.best === null
        ? '**Best choice:** ⚠️ no policy meets the target at any size in range.'
        : `**Best choice:** ${sentence(bestChoiceText(result.best, result.options.unit))}`,
    );
  }
  return `## Recommendations\n\n${items.join('\n')}`;
}

function chartSection(result: RunResult, image: string | undefined): string | null {
  const chart = mermaidHitRateChart(result);
  if (chart === null) return null;
  const link = image === undefined ? '' : `\n\n![Hit rate by cache size, with a legend](${encodeURI(image)})`;
  return `## Hit rate by size\n\n${chart}${link}`;
}

function gatesSection(options: MarkdownOptions): string | null {
  const verdicts = options.verdicts ?? [];
  const notes = options.gateNotes ?? [];
  if (verdicts.length === 0 && notes.length === 0) return null;
  const failed = verdicts.filter((verdict) => !verdict.ok).length;
  const headline =
    failed === 0
      ? verdicts.length === 1
        ? '✅ The gate passed.'
        : `✅ All ${verdicts.length} gates passed.`
      : `❌ ${failed} of ${verdicts.length} gate${verdicts.length === 1 ? '' : 's'} failed.`;
  const lines = [tableLine(['', 'gate', 'actual', 'required']), tableLine([':-:', ':--', '--:', '--:'])];
  for (const verdict of verdicts) {
    lines.push(tableLine([verdict.ok ? '✅' : '❌', `\`${escapeCode(verdict.gate)}\``, verdict.actual, verdict.required]));
  }
  const noteList = notes.length ? `\n\n${notes.map((note) => `- ${note}`).join('\n')}` : '';
  return `## Gates\n\n${headline}${verdicts.length ? `\n\n${lines.join('\n')}` : ''}${noteList}`;
}

/** The trace's file name without folders, or the synthetic spec as is. */
export function traceName(source: string): string {
  const slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
  return slash >= 0 ? source.slice(slash + 1) : source;
}

function keyValueList(rows: readonly [string, string][]): string {
  return rows.map(([key, value]) => `- **${key}:** ${value}`).join('\n');
}

function tableLine(cells: readonly string[]): string {
  return `| ${cells.map(escapeCell).join(' | ')} |`;
}

/** A pipe ends a table cell even inside backticks on GitHub, so escape it everywhere. */
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function escapeCode(text: string): string {
  return text.replace(/`/g, "'");
}
