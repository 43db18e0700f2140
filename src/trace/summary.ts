/**
 * What a trace looks like, for the report header: lookups vs writes, distinct keys,
 * one-hit wonders, how concentrated the popularity is, object sizes and the time span.
 */
import type { TraceSummary } from '../model/result.js';
import { OP_DELETE, OP_SET, type Trace, type TraceChunk } from './trace.js';
import { wholeChunk } from './chunks.js';
import { grown } from '../typed-arrays.js';

export function summarizeTrace(trace: Trace): TraceSummary {
  return summarized(trace).summary;
}

/**
 * How many distinct keys the trace requests (its key space, unless some ids never occur, as
 * in a generated trace): the cold misses of a replay from the start. Taken from the same
 * pass as the summary, which every result needs anyway, rather than a pass of its own.
 */
export function requestedKeys(trace: Trace): number {
  return summarized(trace).requestedKeys;
}

/** The size of each key's last request, by key id (the bytes an entry-counted cache holds at the end): from the summary's pass. */
export function lastSizesOf(trace: Trace): Uint32Array | undefined {
  const known = summarized(trace);
  if (known.lastSizes === NOT_TAKEN) {
    // A summary read from a binary trace has no last sizes: one pass over keys and sizes.
    const lastSizes = trace.sizes ? new Uint32Array(trace.keySpace) : undefined;
    if (lastSizes !== undefined) for (let i = 0; i < trace.length; i++) lastSizes[trace.keys[i]!] = trace.sizes![i]!;
    known.lastSizes = lastSizes;
  }
  return known.lastSizes;
}

/**
 * What a binary trace stores of its summary (binary.ts), so that loading it needs no
 * summary pass: the summary but its source (the file's own path or spec, known at load),
 * and the requested keys.
 */
export interface SummaryRecord {
  readonly summary: Omit<TraceSummary, 'source'>;
  readonly requestedKeys: number;
}

/** The record of `trace`'s summary, to store with it. */
export function summaryRecordOf(trace: Trace): SummaryRecord {
  const { summary, requestedKeys } = summarized(trace);
  return recordOf(summary, requestedKeys);
}

function recordOf(summary: TraceSummary, requestedKeys: number): SummaryRecord {
  // A fixed key order, so that every writer stores the same bytes.
  const { requests, lookups, writes, deletes, distinctKeys, oneHitWonders, top1PercentShare, sizes, time } = summary;
  return {
    summary: { requests, lookups, writes, deletes, distinctKeys, oneHitWonders, top1PercentShare, sizes, time },
    requestedKeys,
  };
}

/**
 * Takes `record`, read with `trace`, as its summary, unless it does not fit the trace (a
 * damaged or foreign file): the trace is then summarized as any other.
 */
export function rememberSummary(trace: Trace, record: unknown): void {
  if (fitsTrace(record, trace))
    summaries.set(trace, {
      summary: { source: trace.source, ...record.summary },
      requestedKeys: record.requestedKeys,
      lastSizes: NOT_TAKEN,
    });
}

function fitsTrace(record: unknown, trace: Trace): record is SummaryRecord {
  if (typeof record !== 'object' || record === null) return false;
  const { summary, requestedKeys } = record as Partial<SummaryRecord>;
  if (typeof summary !== 'object' || typeof requestedKeys !== 'number') return false;
  const numbers = (object: unknown, names: readonly string[]): boolean =>
    typeof object === 'object' && object !== null && names.every((name) => Number.isFinite((object as Record<string, unknown>)[name]));
  const { sizes, time } = summary;
  return (
    summary.requests === trace.length &&
    summary.distinctKeys === trace.keySpace &&
    requestedKeys <= trace.keySpace &&
    numbers(summary, ['lookups', 'writes', 'deletes', 'oneHitWonders', 'top1PercentShare']) &&
    (sizes === null ? trace.sizes === undefined : trace.sizes !== undefined && numbers(sizes, ['min', 'mean', 'max', 'distinctBytes'])) &&
    (time === null ? trace.times === undefined || trace.length === 0 : trace.times !== undefined && numbers(time, ['start', 'end', 'span']))
  );
}

/** Last sizes not yet taken (a remembered summary's): `lastSizesOf` makes them on first use. */
const NOT_TAKEN = Symbol('not taken');

interface Summarized {
  readonly summary: TraceSummary;
  readonly requestedKeys: number;
  lastSizes: Uint32Array | undefined | typeof NOT_TAKEN;
}

// Per trace: a grid asks for the requested keys and last sizes once per cell, and the summary once more at the end.
const summaries = new WeakMap<Trace, Summarized>();

function summarized(trace: Trace): Summarized {
  let known = summaries.get(trace);
  if (known === undefined) {
    const summarizer = new TraceSummarizer(trace);
    summarizer.observe(wholeChunk(trace));
    known = { summary: summarizer.summary(), requestedKeys: summarizer.requestedKeys(), lastSizes: summarizer.lastSizes() };
    summaries.set(trace, known);
  }
  return known;
}

/**
 * The summary gathered chunk by chunk (a streamed trace is never whole in memory), in
 * O(keys): `observe` each chunk in order, then `summary`. `shape` is the trace or, for a
 * streamed one, its shape (chunks.ts).
 */
export class TraceSummarizer {
  /** Requests per key (float counts past 2^32 requests, where a hot key could overflow 32 bits). */
  private counts: Uint32Array | Float64Array;
  private lastSize: Uint32Array | undefined;
  /** The key space: the shape's, or for a growing summarizer the ids seen so far. */
  private keySpace: number;
  private readonly growing: boolean;
  private writes = 0;
  private deletes = 0;
  private minSize = Infinity;
  private maxSize = 0;
  private totalSize = 0;
  private firstTime: number | undefined;
  private lastTime: number | undefined;

  /**
   * `growing`: the key space is not known before the end (a trace drawn as it is written,
   * whose ids are dense in first-seen order): the per-key arrays grow to the largest id seen,
   * and the key space is that id plus one. Otherwise it is the shape's.
   */
  constructor(
    private readonly shape: Trace,
    { growing = false }: { readonly growing?: boolean } = {},
  ) {
    this.growing = growing;
    this.keySpace = growing ? 0 : shape.keySpace;
    const room = growing ? 1 << 12 : shape.keySpace;
    this.counts = shape.length > 0xffffffff ? new Float64Array(room) : new Uint32Array(room);
    // Working-set bytes: each key's last seen size, summed once.
    this.lastSize = shape.sizes ? new Uint32Array(room) : undefined;
  }

  /** Makes room for ids up to the chunk's largest (growing summarizers only). */
  private roomFor(keys: Uint32Array, length: number): void {
    let largest = -1;
    for (let i = 0; i < length; i++) if (keys[i]! > largest) largest = keys[i]!;
    if (largest + 1 > this.keySpace) this.keySpace = largest + 1;
    if (this.keySpace <= this.counts.length) return;
    this.counts = grown(this.counts, this.keySpace);
    if (this.lastSize) this.lastSize = grown(this.lastSize, this.keySpace);
  }

  observe(chunk: TraceChunk): void {
    const { keys, ops, sizes, times, length } = chunk;
    if (this.growing) this.roomFor(keys, length);
    const counts = this.counts;
    for (let i = 0; i < length; i++) counts[keys[i]!]!++;
    if (ops !== undefined) {
      for (let i = 0; i < length; i++) {
        const op = ops[i];
        if (op === OP_SET) this.writes++;
        else if (op === OP_DELETE) this.deletes++;
      }
    }
    const lastSize = this.lastSize;
    if (sizes !== undefined && lastSize !== undefined) {
      let [min, max, total] = [this.minSize, this.maxSize, this.totalSize];
      for (let i = 0; i < length; i++) {
        const size = sizes[i]!;
        if (size < min) min = size;
        if (size > max) max = size;
        total += size;
        lastSize[keys[i]!] = size;
      }
      [this.minSize, this.maxSize, this.totalSize] = [min, max, total];
    }
    if (times !== undefined && length > 0) {
      this.firstTime ??= times[0]!;
      this.lastTime = times[length - 1]!;
    }
  }

  /** Each key's last size so far, by key id (undefined without a size column); the array itself, not a copy. */
  lastSizes(): Uint32Array | undefined {
    return this.lastSize?.subarray(0, this.keySpace);
  }

  /** Keys requested at least once so far. */
  requestedKeys(): number {
    let requested = 0;
    for (let id = 0; id < this.keySpace; id++) if (this.counts[id] !== 0) requested++;
    return requested;
  }

  /** The record of the summary so far, to store with the trace. */
  record(): SummaryRecord {
    return recordOf(this.summary(), this.requestedKeys());
  }

  summary(): TraceSummary {
    const { shape, writes, deletes, keySpace } = this;
    const counts = this.counts.subarray(0, keySpace);
    const n = shape.length;
    let oneHitWonders = 0;
    for (let id = 0; id < counts.length; id++) if (counts[id] === 1) oneHitWonders++;
    const topRequests = sumOfLargest(counts, topKeys(keySpace));
    const { firstTime, lastTime } = this;
    let sizes: TraceSummary['sizes'] = null;
    if (this.lastSize) {
      let distinctBytes = 0;
      for (let id = 0; id < keySpace; id++) distinctBytes += this.lastSize[id]!;
      sizes = sizeSummaryOf(n, this.minSize, this.maxSize, this.totalSize, distinctBytes);
    }
    const time = firstTime !== undefined && lastTime !== undefined ? { start: firstTime, end: lastTime, span: lastTime - firstTime } : null;
    return summaryOf(shape.source, n, keySpace, { writes, deletes, oneHitWonders, topRequests }, sizes, time);
  }
}

/** How many keys the top-1% share is of: 1% of the key space, at least one. */
export function topKeys(keySpace: number): number {
  return Math.max(1, Math.ceil(keySpace / 100));
}

function summaryOf(
  source: string,
  n: number,
  keySpace: number,
  { writes, deletes, oneHitWonders, topRequests }: Pick<SummaryTallies, 'writes' | 'deletes' | 'oneHitWonders' | 'topRequests'>,
  sizes: TraceSummary['sizes'],
  time: TraceSummary['time'],
): TraceSummary {
  return {
    source,
    requests: n,
    lookups: n - writes - deletes,
    writes,
    deletes,
    distinctKeys: keySpace,
    oneHitWonders,
    top1PercentShare: n === 0 ? 0 : topRequests / n,
    sizes,
    time,
  };
}

function sizeSummaryOf(n: number, min: number, max: number, total: number, distinctBytes: number): NonNullable<TraceSummary['sizes']> {
  return { min: n ? min : 0, mean: n ? total / n : 0, max, distinctBytes };
}

/** What a reader that tallies the summary as it reads (the CSV kernel, csv-kernel.ts) knows of its trace. */
export interface SummaryTallies {
  readonly requestedKeys: number;
  readonly oneHitWonders: number;
  /** The requests of the topKeys() most requested keys. */
  readonly topRequests: number;
  readonly writes: number;
  readonly deletes: number;
  /** Over every request's size, and the sum of each key's last size: read only when the trace has sizes. */
  readonly minSize: number;
  readonly maxSize: number;
  readonly totalSize: number;
  readonly distinctBytes: number;
}

/** Takes the tallies made as `trace` was read for its summary, which then needs no pass of its own. */
export function rememberTallies(trace: Trace, tallies: SummaryTallies): void {
  const n = trace.length;
  const { times } = trace;
  const sizes = trace.sizes ? sizeSummaryOf(n, tallies.minSize, tallies.maxSize, tallies.totalSize, tallies.distinctBytes) : null;
  const time = times !== undefined && n > 0 ? { start: times[0]!, end: times[n - 1]!, span: times[n - 1]! - times[0]! } : null;
  summaries.set(trace, {
    summary: summaryOf(trace.source, n, trace.keySpace, tallies, sizes, time),
    requestedKeys: tallies.requestedKeys,
    lastSizes: NOT_TAKEN,
  });
}

/**
 * The sum of the `k` largest counts, in O(keys + largest count) rather than a sort of every
 * key's count (which took a tenth of a second on a trace of a million keys): counts are whole
 * numbers, so a table of how many keys have each count, walked down from the largest, finds them.
 */
export function sumOfLargest(counts: Uint32Array | Float64Array, k: number): number {
  let largest = 0;
  for (let id = 0; id < counts.length; id++) if (counts[id]! > largest) largest = counts[id]!;
  // A count past 2^26 (a hot key of a very long trace) would make the table too big: sort instead.
  if (largest > 1 << 26) {
    const sorted = counts.slice().sort().reverse();
    let sum = 0;
    for (let i = 0; i < k && i < sorted.length; i++) sum += sorted[i]!;
    return sum;
  }
  const keysWithCount = new Uint32Array(largest + 1);
  for (let id = 0; id < counts.length; id++) keysWithCount[counts[id]!]!++;
  let sum = 0;
  let left = Math.min(k, counts.length);
  for (let count = largest; count > 0 && left > 0; count--) {
    const taken = Math.min(left, keysWithCount[count]!);
    sum += taken * count;
    left -= taken;
  }
  return sum;
}
