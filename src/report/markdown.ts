/**
 * The markdown report, written for pull requests and GitHub job summaries: what the trace
 * looks like, what was run, the results, the recommendation per policy, a chart that renders
 * on GitHub without tools, and (when gates ran) their verdicts. Plain GitHub-flavoured
 * markdown: tables, one Mermaid block, no HTML.
 */
import type { Recommendation, RunResult } from '../model/result.js';
import {
  CRITERION_LABELS,
  hitRatePivotData,
  optionFacts,
  readsAsCurves,
  recommendationGroups,
  traceFacts,
  type Fact,
  type FactValue,
} from './facts.js';
import { bestChoiceText, gatesHeadline, noBestText, recommendationText, samplingText, sentence, ttlChoiceText } from './words.js';
import { ms, percent, speedup, displayUnit } from './format.js';
import { mermaidHitRateChart } from './mermaid.js';
import { serverHeadline, serverLines } from './server.js';
import { resultColumns, staleNote, UNRELIABLE_MARK, unreliableNote } from './columns.js';
import { fleetLines, instanceTable } from './fleet.js';

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
    fleetSection(result),
    serverSection(result),
    recommendationsSection(result),
    chartSection(result, options.chartImage),
  ];
  return sections.filter((section): section is string => section !== null).join('\n\n') + '\n';
}

/** Fleets, incidents and the origin's limit: a line each, then the per-instance table. */
function fleetSection(result: RunResult): string | null {
  const lines = fleetLines(result);
  const instances = instanceTable(result);
  if (lines.length === 0 && instances === null) return null;
  const parts = ['## Fleet, incidents and origin', lines.map((line) => `- ${line}`).join('\n')];
  if (instances !== null) {
    const table = [
      tableLine(instances.head),
      tableLine(instances.head.map((_, i) => (i === 0 ? ':--' : '--:'))),
      ...instances.rows.map((row) => tableLine([`\`${escapeCode(row[0]!)}\``, ...row.slice(1)])),
    ];
    parts.push(`<details><summary>Per instance (${instances.rows.length} rows)</summary>\n\n${table.join('\n')}\n\n</details>`);
  }
  return parts.join('\n\n');
}

/** `replay`: the real server's settings and what only it measures, under the rows. */
function serverSection(result: RunResult): string | null {
  const comparison = result.server;
  if (comparison === undefined) return null;
  const head = serverHeadline(comparison);
  return `## Real server\n\n${head}\n\n${serverLines(comparison)
    .map((line) => `- ${line}`)
    .join('\n')}`;
}

function traceSection(result: RunResult): string {
  return `## Trace\n\n${keyValueList(traceFacts(result))}`;
}

function optionsSection(result: RunResult): string {
  return `## Options\n\n${keyValueList(optionFacts(result))}`;
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
  const shaky = unreliableNote(result);
  if (shaky !== null) notes.push(`⚠️ ${shaky}.`);
  const stale = staleNote(result);
  if (stale !== null) notes.push(`⚠️ ${stale}.`);
  const slowerRows = result.rows.filter((row) => row.latency.slowerThanNoCache);
  const slower = slowerRows.length;
  if (slower > 0) {
    const cause = slowerRows.some((row) => (row.originLimit?.delayed ?? 0) > 0)
      ? "the waits in the origin limit's queue (against an origin without one) outweigh"
      : 'the lookup cost outweighs';
    notes.push(`⚠️ ${slower} configuration${slower === 1 ? ' is' : 's are'} slower than no cache at all: ${cause} the misses saved.`);
  }
  const full = lines.join('\n');
  const table = readsAsCurves(result)
    ? `${hitRatePivot(result)}\n\n<details><summary>All metrics (${result.rows.length} rows)</summary>\n\n${full}\n\n</details>`
    : full;
  return `## Results\n\n${table}\n\n${notes.join(' ')}`;
}

function hitRatePivot(result: RunResult): string {
  const pivot = hitRatePivotData(result);
  const lines = [
    tableLine([pivot.sizeTitle, ...pivot.columns.map((name) => `\`${escapeCode(name)}\``)]),
    tableLine(['--:', ...pivot.columns.map(() => '--:')]),
  ];
  for (const line of pivot.lines) {
    lines.push(
      tableLine([
        line.sizeLabel,
        ...line.rates.map((rate, i) => {
          if (rate === undefined) return '';
          const text = percent(rate) + (line.unreliable[i] ? UNRELIABLE_MARK : '');
          return line.best.includes(i) ? `**${text}**` : text;
        }),
      ]),
    );
  }
  return lines.join('\n');
}

/**
 * Per policy (and TTL): the primary recommendation as the headline, other criteria nested
 * under it, then the best choice overall. The reasons are worded by words.ts.
 */
function recommendationsSection(result: RunResult): string | null {
  const groups = recommendationGroups(result);
  if (groups.length === 0 && result.best === undefined) return null;
  const text = (rec: Recommendation): string => {
    const rival = rec.bestPolicyAtSize;
    const bestThere =
      rival && rival.policy !== rec.policy ? `; \`${escapeCode(rival.policy)}\` does better there (${percent(rival.hitRate)})` : '';
    return `${rec.capacity === null ? '⚠️ ' : ''}${recommendationText(rec, displayUnit(result.options))}${bestThere}`;
  };
  const items: string[] = [];
  for (const { primary, others, ttlPhrase } of groups) {
    items.push(`- **\`${escapeCode(primary.policy)}\`**${ttlPhrase} — ${text(primary)} _(${CRITERION_LABELS[primary.criterion]})_`);
    for (const rec of others) items.push(`  - ${CRITERION_LABELS[rec.criterion]}: ${text(rec)}`);
  }
  if (result.best !== undefined) {
    items.push(
      '',
      result.best === null
        ? `**Best choice:** ⚠️ ${sentence(noBestText(result))}`
        : `**Best choice:** ${sentence(bestChoiceText(result.best, displayUnit(result.options)))}`,
    );
  }
  if (result.ttlChoice !== undefined)
    items.push('', `**TTL within the staleness budget:** ${sentence(ttlChoiceText(result.ttlChoice, displayUnit(result.options)))}`);
  // A run has no curves to recommend from, only its verdict.
  return `## ${groups.length === 0 ? 'Verdict' : 'Recommendations'}\n\n${items.filter((item, i) => i > 0 || item !== '').join('\n')}`;
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
  const headline = `${verdicts.every((verdict) => verdict.ok) ? '✅' : '❌'} ${gatesHeadline(verdicts)}`;
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

function keyValueList(facts: readonly Fact[]): string {
  const text = (value: FactValue): string =>
    typeof value === 'string' ? value : value.code.map((name) => `\`${escapeCode(name)}\``).join(value.joiner);
  return facts.map(([key, value]) => `- **${key}:** ${text(value)}`).join('\n');
}

function tableLine(cells: readonly string[]): string {
  return `| ${cells.map(escapeCell).join(' | ')} |`;
}

/** A pipe ends a table cell even inside backticks on GitHub, so escape it everywhere. */
function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function escapeCode(text: string): string {
  return text.replace(/`/g, "'");
}
