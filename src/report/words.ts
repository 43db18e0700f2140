/**
 * Sentences for the structured parts of a result: recommendations, the best choice and the
 * sampling note. The engine returns data (src/model/result.ts); every renderer that words
 * them (terminal, markdown) words them here, so the phrasing is the same everywhere.
 */
import type {
  BestChoice,
  Recommendation,
  RowModes,
  RunResult,
  Sampling,
  RedisComparison,
  MemcachedComparison,
  MemcachedNote,
  ServerNote,
  TtlChoice,
} from '../model/result.js';
import { capacityLabel, integer, ms, percent, ttlLabel, type DisplayUnit } from './format.js';
import { isOfflineCurve, TIE } from '../engine/recommend.js';

type Unit = DisplayUnit;

function sizeLabel(capacity: number, unit: Unit): string {
  return unit !== 'entries' ? capacityLabel(capacity, unit) : `${integer(capacity)} entries`;
}

/** A tolerance in points of hit rate: 0.01 -> "1 point". */
function pointsLabel(fraction: number): string {
  const value = Number((fraction * 100).toPrecision(4));
  return `${value} point${value === 1 ? '' : 's'}`;
}

/** ', to within 1% by bisection between the sweep's sizes' for a refined target, else ''. */
function refinedText(rec: Recommendation): string {
  return rec.refined === true ? `, to within 1% by bisection between the sweep's sizes` : '';
}

/** The gates' outcome in one sentence: 'The gate passed.', 'All 3 gates passed.', '1 of 3 gates failed.' */
export function gatesHeadline(verdicts: readonly { readonly ok: boolean }[]): string {
  const failed = verdicts.filter((verdict) => !verdict.ok).length;
  if (failed > 0) return `${failed} of ${verdicts.length} gate${verdicts.length === 1 ? '' : 's'} failed.`;
  return verdicts.length === 1 ? 'The gate passed.' : `All ${verdicts.length} gates passed.`;
}

/** The text with a full stop, unless it already ends a sentence. */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** A measured gain in points of hit rate, to two decimals: 0.08803 -> "8.8 points". */
function gainLabel(fraction: number): string {
  const value = Number((fraction * 100).toFixed(2));
  return `${value} point${value === 1 ? '' : 's'}`;
}

/** Why this size (or why none): one sentence, starting with the size. */
export function recommendationText(rec: Recommendation, unit: Unit): string {
  const size = (capacity: number): string => sizeLabel(capacity, unit);
  const { threshold, bestInRange: best, fastestInRange: fastest } = rec;
  switch (rec.criterion) {
    case 'diminishing-returns': {
      const gain = rec.marginalGain;
      if (rec.capacity === null) {
        return (
          `the curve never flattens: the doubling to ${size(best.capacity)} (${percent(best.hitRate)}) still gains ${gainLabel(gain ?? 0)}, ` +
          `and the range ends there; widen it, or decide with a target hit rate, a target latency or a memory cost`
        );
      }
      const why =
        gain === null
          ? `the only size in range, ${percent(rec.hitRate!)} hit rate (sweep sizes to see where more memory stops paying)`
          : `past it no doubling gains ${pointsLabel(threshold)} or more (at most ${gainLabel(gain)} per doubling); ${percent(rec.hitRate!)} hit rate`;
      return `${size(rec.capacity)}: ${why}`;
    }
    case 'tolerance': {
      const capacity = rec.capacity ?? best.capacity;
      const within =
        capacity === best.capacity
          ? 'reaching the best hit rate in range'
          : `within ${pointsLabel(threshold)} of the best in range (${percent(best.hitRate)} at ${size(best.capacity)})`;
      return (
        `${size(capacity)}: the smallest size ${within}, ${percent(rec.hitRate ?? best.hitRate)} hit rate` +
        (rec.stillRising ? '; the curve is still rising at the largest size, so try a wider range' : '')
      );
    }
    case 'target-hit-rate':
      return rec.capacity === null
        ? `no size in range reaches a ${percent(threshold)} hit rate (best: ${percent(best.hitRate)} at ${size(best.capacity)})`
        : `${size(rec.capacity)}: the smallest size reaching a ${percent(threshold)} hit rate (${percent(rec.hitRate!)})${refinedText(rec)}`;
    case 'target-latency':
      return rec.capacity === null
        ? `no size in range brings mean latency down to ${ms(threshold)} (best: ${ms(fastest.meanLatencyMs)} at ${size(fastest.capacity)})`
        : `${size(rec.capacity)}: the smallest size with mean latency at or below ${ms(threshold)} (${ms(rec.meanLatencyMs!)})${refinedText(rec)}`;
    case 'memory-cost': {
      const capacity = rec.capacity!;
      return (
        `${size(capacity)}: the lowest mean latency + memory cost, ${ms(rec.meanLatencyMs!)} + ${ms(rec.memoryCostMs!)} ` +
        `(${ms(threshold)} x ${size(capacity)}) = ${ms(rec.totalCostMs!)}`
      );
    }
  }
}

/** The best choice across policies, as one sentence: what, where, why, and the tie it broke. */
export function bestChoiceText(best: BestChoice, unit: Unit): string {
  const label = curveLabel(best);
  const size = sizeLabel(best.capacity, unit);
  let text: string;
  switch (best.criterion) {
    case 'memory-cost':
      text = `${label} at ${size} has the lowest mean latency + memory cost of all (${ms(best.totalCostMs!)})`;
      break;
    case 'diminishing-returns':
      text = best.stillRising
        ? `${label} at ${size}, ${percent(best.hitRate)} hit rate, is the best, but the curve never flattens: the doubling to it still gains ` +
          `${gainLabel(best.marginalGain ?? 0)}; decide with a target hit rate, a target latency or a memory cost`
        : best.marginalGain === null
          ? `${label} at ${size}, ${percent(best.hitRate)} hit rate: the best of the rows (one size ran; sweep sizes to see where more memory stops paying)`
          : `${label} at ${size}, ${percent(best.hitRate)} hit rate: past it no doubling gains ${pointsLabel(best.threshold)} or more for any policy (at most ${gainLabel(best.marginalGain)})`;
      break;
    default: {
      const why =
        best.criterion === 'tolerance'
          ? `within ${pointsLabel(best.threshold)} of the best hit rate of any policy (${percent(best.topHitRate!)})`
          : best.criterion === 'target-hit-rate'
            ? `reaching a ${percent(best.threshold)} hit rate`
            : `with mean latency at or below ${ms(best.threshold)}`;
      text = `${size} is the smallest size ${why}; ${label} does best there with ${percent(best.hitRate)}`;
    }
  }
  return text + tieText(best);
}

/**
 * Why a result has no best choice: every sampled estimate too unreliable to recommend from,
 * or no size in range meeting the target.
 */
export function noBestText(result: Pick<RunResult, 'rows' | 'options'>): string {
  const deployable = result.rows.filter((row) => !isOfflineCurve(row));
  if (deployable.length > 0 && deployable.every((row) => row.estimate?.unreliable === true))
    return 'every sampled estimate is unreliable, so nothing is recommended; raise --sample (or leave it out) for an answer';
  return 'no policy meets the target at any size in range';
}

/** The `--max-stale` pick as one sentence. */
export function ttlChoiceText({ budget, pick: choice }: TtlChoice, unit: Unit): string {
  if (choice === null)
    return `no TTL and size in range keeps stale reads within ${percent(budget)} of gets; try shorter TTLs or another write policy`;
  const ttl = choice.ttl === null ? 'no TTL' : `TTL ${ttlLabel(choice.ttl)}`;
  return (
    `${ttl} with ${curveLabel({ ...choice, ttl: null })} at ${sizeLabel(choice.capacity, unit)}: ${percent(choice.hitRate)} hit rate with ` +
    `${percent(choice.staleReadRate)} stale reads, the best hit rate within a ${percent(budget)} staleness budget`
  );
}

/** '; lfu and fifo tie with it (within 0.1 point), and lru is the simpler policy', or ''. */
function tieText(best: BestChoice): string {
  if (best.tiedWith.length === 0 || best.stillRising) return '';
  const names = best.tiedWith.map((other) => `${curveLabel(other)} (${percent(other.hitRate)})`);
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  const reasons: string[] = [];
  if (best.tiedWith.some((other) => other.policy !== best.policy)) reasons.push(`${best.policy} is the simpler policy`);
  const otherModes = best.tiedWith.filter((other) => other.policy === best.policy);
  if (otherModes.length > 0) {
    const fastest = otherModes.every((other) => best.meanLatencyMs < other.meanLatencyMs);
    const modes = modesText(best);
    reasons.push(
      fastest
        ? `${modes} has the ${otherModes.length > 1 ? 'lowest' : 'lower'} mean latency (${ms(best.meanLatencyMs)})`
        : `${modes} is the simpler mode`,
    );
  }
  const within = best.tiedWith.some((other) => other.withinSamplingError)
    ? `within ${pointsLabel(TIE)}, or within the sampling error`
    : `within ${pointsLabel(TIE)}`;
  return `; ${list} ${names.length === 1 ? 'ties' : 'tie'} with it (${within}), and ${reasons.join(', and ')}`;
}

/** 'invalidate and coalesce', 'coalesce', or '' without modes. */
function modesText(modes: RowModes): string {
  const fleet =
    modes.instances === undefined
      ? undefined
      : `${modes.instances} instance${modes.instances === 1 ? '' : 's'} (${modes.invalidation ?? ''})`;
  return [fleet, modes.writePolicy, modes.stampede].filter((mode) => mode !== undefined).join(' and ');
}

/** 'lru', 'lru with TTL 60s', 'lru under invalidate and coalesce with TTL 60s'. */
function curveLabel(curve: RowModes & { readonly policy: string; readonly ttl: number | null }): string {
  const modes = modesText(curve);
  const name = modes === '' ? curve.policy : `${curve.policy} under ${modes}`;
  if (curve.ttlClasses !== undefined) return `${name} with TTLs ${curve.ttlClasses}`;
  return curve.ttl === null ? name : `${name} with TTL ${ttlLabel(curve.ttl)}`;
}

/** What the sampled figures are, and a warning when a few hot keys decide the sample. */
export function samplingText(sampling: Sampling): string {
  const count = (value: number): string => Math.round(value).toLocaleString('en-US');
  let note =
    `estimates from ${count(sampling.sampledKeys)} of ${count(sampling.totalKeys)} keys (spatial sampling at rate ${sampling.rate}); ` +
    `hit counts are scaled up by 1/${Number((1 / sampling.rate).toPrecision(4))}`;
  if (sampling.skewed) {
    const skew = sampling.skew;
    note +=
      `; the sampled keys got ${count(sampling.sampledLookups)} lookups instead of the expected ${count(sampling.expectedLookups)} ` +
      `(${skew > 0 ? '+' : ''}${(skew * 100).toFixed(0)}%): a few hot keys decide this sample, so raise the sampling rate for small sizes`;
  }
  return note;
}

/** A real-server replay's note, as a sentence. */
export function serverNoteText(note: ServerNote, comparison: RedisComparison): string {
  const count = (value: number): string => value.toLocaleString('en-US');
  const { real } = comparison;
  switch (note) {
    case 'volatile-ttl-as-fifo':
      return 'volatile-ttl evicts the sampled key nearest its expiry; with one TTL for every write that is the oldest write, so it is compared with fifo (looser when TTLs vary per request)';
    case 'other-clients':
      return (
        `the server counted ${count(real.keyspaceHits + real.keyspaceMisses)} lookups but cachebench sent ${count(real.lookups)}: ` +
        'another client used the server during the replay, so its INFO hit rate includes that traffic (the client-side count does not)'
      );
    case 'nothing-evicted':
      return 'nothing was evicted: the trace fits in maxmemory, so every policy gives the same hit rate';
    case 'keys-expired':
      return `${count(real.expiredKeys)} keys expired during the replay; the simulation expires them at the same wall-clock times`;
    case 'writes-refused':
      return `${count(real.rejectedWrites)} writes were refused with OOM: nothing with a TTL was left to evict`;
    case 'nothing-resident':
      return 'no key stayed resident, so the bytes per key and the equivalent entry count are unknown';
  }
}

export function memcachedNoteText(note: MemcachedNote, comparison: MemcachedComparison): string {
  const count = (value: number): string => value.toLocaleString('en-US');
  const { real, memory } = comparison;
  switch (note) {
    case 'nothing-evicted':
      return 'nothing was evicted: the trace fits in -m, so every policy gives the same hit rate';
    case 'writes-refused':
      return `${count(real.rejectedWrites)} sets were refused (SERVER_ERROR: too large for -I, or out of memory in their slab class)`;
    case 'pages-assigned-before':
      return (
        `the server had already handed ${count(memory.mallocedBefore / 1048576)} MiB of pages to slab classes before the replay ` +
        '(flush_all keeps them where they are), so its memory was not shaped by this trace alone: a fresh memcached compares exactly'
      );
    case 'other-clients':
      return `the server counted ${count(real.getHits + real.getMisses)} gets but cachebench sent ${count(real.lookups)}: another client used it during the replay`;
    case 'items-expired':
      return `${count(real.reclaimed)} expired items were reclaimed during the replay`;
  }
}
