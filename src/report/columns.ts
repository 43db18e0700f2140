/**
 * The columns of a results table, shared by the terminal table and the markdown report so
 * the two always show the same columns in the same order under the same rules: TTL only
 * when one was tried, byte hit rate only when the trace has sizes, the time-aware columns
 * only when their feature ran. Each renderer supplies only how a few cells are styled.
 */
import type { ResultRow, RunResult } from '../model/result.js';
import { capacityLabel, integer, ms, percent, ttlLabel, displayUnit } from './format.js';
import { modeColumns, timeColumns } from './time-columns.js';
import { modesKey, modesOf } from '../model/modes.js';
import { isOfflineCurve } from '../engine/recommend.js';

/** After a sampled hit rate whose samples disagree by more than two points. */
export const UNRELIABLE_MARK = '?';

/** A stale-read rate above this is flagged, as "slower than no cache" is. */
export const STALE_WARNING = 0.01;

/** The warning for rows serving stale reads to more than STALE_WARNING of gets, or null. */
export function staleNote(result: RunResult): string | null {
  const stale = result.rows.filter((row) => (row.freshness?.staleReadRate ?? 0) > STALE_WARNING);
  if (stale.length === 0) return null;
  const worst = Math.max(...stale.map((row) => row.freshness!.staleReadRate));
  return (
    `${stale.length} configuration${stale.length === 1 ? ' serves' : 's serve'} stale data to more than ${percent(STALE_WARNING, 0)} of gets ` +
    `(up to ${percent(worst, 1)}): a shorter TTL or another write policy would read fresher`
  );
}

/** The note that explains UNRELIABLE_MARK, for a result that has any. */
export function unreliableNote(result: RunResult): string | null {
  const rows = result.rows.filter((row) => row.estimate?.unreliable);
  if (rows.length === 0) return null;
  const samples = rows[0]!.estimate!.samples;
  return `${UNRELIABLE_MARK}: an unreliable estimate (its ${samples} samples of the keys spread over more than 2 points of hit rate, or the cache scaled to the sample holds under 8 entries); never recommended — raise --sample for these sizes`;
}

export interface CellStyle {
  /** The heading of the TTL column ('ttl' in the terminal, 'TTL' in prose). */
  readonly ttlTitle: string;
  policy(name: string): string;
  /** The formatted hit rate, marked when it is the best at its TTL and size. */
  hitRate(text: string, best: boolean): string;
  speedup(row: ResultRow): string;
}

export interface ResultColumns {
  /** One line naming the time-aware settings ('' when none). */
  readonly note: string;
  readonly head: readonly string[];
  cells(row: ResultRow): string[];
}

export function resultColumns(result: RunResult, style: CellStyle, { markBest = true } = {}): ResultColumns {
  const { options } = result;
  const extra = timeColumns(result);
  const modes = modeColumns(options);
  const showTtl = options.ttls.some((ttl) => ttl !== null);
  // Byte hit rate needs object sizes: from byte capacity, or a size column even at entry capacity.
  const showBytes = options.unit === 'bytes' || result.trace.sizes !== null;
  const best = bestHitRates(result.rows);
  return {
    note: extra.note,
    head: [
      'policy',
      ...modes.head,
      ...(showTtl ? [style.ttlTitle] : []),
      options.unit === 'bytes' ? 'capacity' : 'maxsize',
      'hits',
      'misses',
      'hit rate',
      ...(showBytes ? ['byte hit rate'] : []),
      ...extra.missHead,
      'mean latency',
      ...extra.latencyHead,
      'p99',
      ...extra.farTailHead,
      'speed-up',
      ...extra.tailHead,
    ],
    cells: (row) => [
      style.policy(row.policy),
      ...modes.cells(row),
      ...(showTtl ? [ttlLabel(row.ttl)] : []),
      capacityLabel(row.capacity, displayUnit(options)),
      integer(row.hits),
      integer(row.misses),
      style.hitRate(
        percent(row.hitRate) + (row.estimate?.unreliable ? UNRELIABLE_MARK : ''),
        markBest && row.hitRate > 0 && !isOfflineCurve(row) && row.hitRate === best.get(groupKey(row)),
      ),
      ...(showBytes ? [percent(row.byteHitRate)] : []),
      ...extra.missCells(row),
      ms(row.latency.mean),
      ...extra.latencyCells(row),
      ms(row.latency.p99),
      ...extra.farTailCells(row),
      style.speedup(row),
      ...extra.tailCells(row),
    ],
  };
}

/** Best hit rate per modes x TTL x size among deployable policies (an offline bound is a limit), so the winner stands out. */
function bestHitRates(rows: readonly ResultRow[]): Map<string, number> {
  const best = new Map<string, number>();
  for (const row of rows) {
    if (!isOfflineCurve(row)) best.set(groupKey(row), Math.max(best.get(groupKey(row)) ?? 0, row.hitRate));
  }
  return best;
}

function groupKey(row: ResultRow): string {
  return `${modesKey(modesOf(row))}\u0000${row.ttl}@${row.capacity}`;
}
