/**
 * A large CSV file parsed on every core. The file is cut at line feeds into one byte range
 * per thread; each range is read by the fast path (fast-csv.ts) with a key table of its own,
 * this thread taking the first while worker threads take the others. Every range counts its
 * lines first, so that the columns of the whole file are allocated once, in shared memory,
 * and each range writes its rows straight into its share of them: the trace is held once,
 * as on one thread, and a threaded replay shares it without a copy. The join then closes
 * the gaps blank lines left and numbers each later range's keys through the first-seen
 * order of the whole file, so the trace is the one a read on one thread gives, id for id
 * and column for column (the parallel-read tests compare the two on random files).
 *
 * Only files the fast path reads in one go are done this way. A range that meets anything
 * else (a quote, a CR on its own, a bad cell, a time that goes back across a cut) makes the
 * caller read the file again on one thread, which reports the first problem at its line and
 * column or gives way to csv-parse, exactly as without ranges: a bad file costs one extra
 * read, a good one is read once. Times are the one thing a range cannot check alone, since
 * they must not decrease across the whole file: a range starts with no previous time, its
 * leading empty time cells wait as NaN, and the join checks each range's first time
 * against the last one before it and fills those cells in.
 */
import { availableParallelism } from 'node:os';
import { open, type FileHandle } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import { nodeWorkers } from '../lazy-builtins.js';
import type { ByteKeys } from './byte-intern.js';
import { kernelFits, readCsvWithKernel, WITHOUT_KERNEL } from './csv-kernel.js';
import { layoutFromHeader, layoutWithoutHeader, refuseHeaderAsRow, type ColumnLayout, type ColumnMapping } from './columns.js';
import { FALL_BACK, readCsvFast } from './fast-csv.js';
import type { TraceInput } from './input.js';
import type { KeyNames } from './key-names.js';
import { RowSink, type KeyTable, type RowStore } from './rows.js';
// spill.ts is loaded when a trace goes to disk: it reaches the binary format, which loads traces through this module.
import type { SpilledRows, SpillOptions } from './spill.js';
import { isWholeSecond, OP_GET, type Trace } from './trace.js';
import { removeTemporary, trackTemporary } from '../temp-files.js';
import { SPILLED_COLUMNS, spilledColumnFile } from './spill-files.js';

/** Returned when the file should be read on one thread instead (small, unusual, or bad). */
export const ONE_THREAD = Symbol('read on one thread');

/**
 * The smallest range worth a thread. A worker takes 30-50 ms to start and then parses cold,
 * and the counting pass and the join cost a little more, so on two cores a file of 8 MB read
 * in two ranges took 1.3x as long as on one thread, 17 MB 1.1x; from 34 MB on it gains (0.83x,
 * 69 MB 0.69x, 219 MB 0.6x). A worker's own heap is some 10 MB, too, which a small load would
 * feel. Hence 16 MiB a range: only files of 32 MiB and more are cut.
 */
export const MIN_RANGE_BYTES = 16 << 20;
/** How much more the first range (this thread's) takes than the others: what it reads while they start. */
const HEAD_START_BYTES = 1 << 20;
const READ_BYTES = 1 << 18;
/** Bytes looked at for the first line and at each cut; a longer first line is left to one thread. */
const WINDOW_BYTES = 1 << 16;
const PROGRESS_BYTES = 4 << 20;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;

export interface RangeReadOptions {
  readonly header: boolean;
  readonly mapping: ColumnMapping;
  /** Threads at most, this one included (default: every core). */
  readonly workers?: number | undefined;
  /** The smallest range given a thread (default MIN_RANGE_BYTES; tests lower it). */
  readonly minRangeBytes?: number | undefined;
  readonly onProgress?: ((bytesRead: number, fileBytes: number) => void) | undefined;
}

/** What a worker is asked to read. */
export interface RangeTask {
  readonly path: string;
  readonly start: number;
  readonly end: number;
  readonly layout: ColumnLayout;
}

/**
 * The columns of the whole file in shared memory, one slot per line: a range writes its
 * rows from its first line's slot on. Times go to the whole-second column while they are
 * whole and to the wide one from a range's first fractional time on, as the builder widens
 * on one thread; the wide column's memory is only reserved, never touched, until then.
 */
export interface SharedColumns {
  readonly keys: Uint32Array;
  readonly sizes?: Uint32Array | undefined;
  readonly wholeTimes?: Uint32Array | undefined;
  readonly wideTimes?: Float64Array | undefined;
  readonly ops?: Uint8Array | undefined;
  readonly ttls?: Float64Array | undefined;
  readonly costs?: Float64Array | undefined;
}

/** One range, parsed into its slots: what the join needs besides the columns themselves. */
export interface RangePart {
  /** Rows written (at most the range's lines: blank lines write none). */
  readonly length: number;
  /** Some row gave a size (an op): the trace then has the column, 1 (get) where none was given. */
  readonly anySize: boolean;
  readonly anyOp: boolean;
  /** The range's distinct keys as UTF-8, key j at bytes[offsets[j], offsets[j + 1]); the keys written are these local ids. */
  readonly names: { readonly bytes: Uint8Array; readonly offsets: Uint32Array; readonly count: number };
  /** Rows before the first given time: their time cells were empty, and they take the last time before the range. */
  readonly leadingUntimed: number;
  readonly firstTime: number;
  readonly lastTime: number;
  /** Some time was not a whole second: the range's times are in the wide column. */
  readonly wide: boolean;
  /** A spilled range's column files (RangeSpill). */
  readonly spilled?: SpilledRows;
}

/** Main thread to worker, once every range has counted its lines: its slots in the shared columns. */
export interface RangeSlots {
  readonly columns: SharedColumns;
  /** The slot of the range's first line. */
  readonly first: number;
}

/** Or, for a trace written to disk as it is read (convert.ts): where its column files go (spill.ts). */
export interface RangeSpill {
  readonly spill: string;
}

export type RangeTarget = RangeSlots | RangeSpill;

/** Worker to main thread: its line count, then its part (or a request for the careful read, or a bug). */
export type RangeReply =
  { readonly lines: number } | { readonly part: RangePart } | { readonly oneThread: true } | { readonly internal: string };

const WORKER_SCRIPT = new URL('./csv-range-worker.js', import.meta.url);

/**
 * Reads an uncompressed CSV file in ranges on several threads; ONE_THREAD when it is too
 * small to gain, or when the caller must read it on one thread to get it right.
 */
export async function readCsvInRanges(input: TraceInput, options: RangeReadOptions): Promise<Trace | typeof ONE_THREAD> {
  let columns: SharedColumns | undefined;
  let firsts: number[] = [];
  return inRanges(
    input,
    options,
    (counts, layout) => {
      columns = sharedColumns(
        layout,
        counts.reduce((sum, count) => sum + count, 0),
      );
      firsts = counts.map((_, k) => counts.slice(0, k).reduce((sum, count) => sum + count, 0));
      return firsts.map((first) => ({ columns: columns!, first }));
    },
    (parts, keys) => joinParts(input.path, columns!, parts, firsts, keys),
  );
}

/**
 * The reading in ranges both ways share: cuts the file, has every range count its lines,
 * gives each range the target `targetsOf` makes of the counts (its slots, or its column
 * files), reads the first range on this thread and the others on workers, and hands the parts,
 * in file order, with the first range's key table to `join`. ONE_THREAD as soon as any range
 * gives way; the workers have ended when it returns.
 */
async function inRanges<R>(
  input: TraceInput,
  options: RangeReadOptions,
  targetsOf: (counts: readonly number[], layout: ColumnLayout) => RangeTarget[],
  join: (parts: RangePart[], keys: ByteKeys, layout: ColumnLayout) => R | typeof ONE_THREAD | Promise<R | typeof ONE_THREAD>,
): Promise<R | typeof ONE_THREAD> {
  const planned = await planRanges(input, options);
  if (planned === ONE_THREAD) return ONE_THREAD;
  const { cuts, layout } = planned;
  const progress = rangeProgress(cuts, input.fileBytes, options.onProgress);
  const tasks = Array.from({ length: cuts.length - 1 }, (_, k): RangeTask => ({
    path: input.path,
    start: cuts[k]!,
    end: cuts[k + 1]!,
    layout,
  }));
  const workers = tasks.slice(1).map(
    (task, k) =>
      new RangeWorker(task, (bytes) => {
        progress(k + 1, bytes);
      }),
  );
  try {
    const lines = [await linesIn(tasks[0]!)];
    for (const worker of workers) lines.push(await worker.lines);
    if (lines.some((count) => count === ONE_THREAD)) return ONE_THREAD;
    const counts = lines as number[];
    const targets = targetsOf(counts, layout);
    workers.forEach((worker, k) => {
      worker.read(targets[k + 1]!);
    });
    const head = await readRange(tasks[0]!, targets[0]!, counts[0]!, false, (bytes) => {
      progress(0, bytes);
    });
    if (head === ONE_THREAD) return ONE_THREAD;
    const parts: RangePart[] = [head.part];
    for (const worker of workers) {
      const part = await worker.part;
      if (part === ONE_THREAD) return ONE_THREAD;
      parts.push(part);
    }
    const result = await join(parts, head.keys, layout);
    if (result !== ONE_THREAD) options.onProgress?.(input.fileBytes, input.fileBytes);
    return result;
  } finally {
    for (const worker of workers) worker.stop();
    // A worker may still be writing when a range gives way: its files go only once it has ended.
    await Promise.all(workers.map((worker) => worker.stopped));
  }
}

/** The layout and the cuts of a file worth reading in ranges, or ONE_THREAD. */
async function planRanges(
  input: TraceInput,
  options: RangeReadOptions,
): Promise<{ readonly cuts: number[]; readonly layout: ColumnLayout } | typeof ONE_THREAD> {
  if (!input.seekable || input.compression !== 'none') return ONE_THREAD;
  const minRange = options.minRangeBytes ?? MIN_RANGE_BYTES;
  const threads = Math.min(options.workers ?? availableParallelism(), Math.floor(input.fileBytes / minRange));
  if (threads < 2) return ONE_THREAD;
  const handle = await open(input.path, 'r');
  try {
    const first = await firstLine(handle, input, options);
    if (first === ONE_THREAD) return ONE_THREAD;
    const cuts = await cutsAt(handle, input.fileBytes, first.dataStart, threads);
    return cuts.length < 3 ? ONE_THREAD : { cuts, layout: first.layout };
  } finally {
    await handle.close();
  }
}

/** Progress over every range: the bytes before the first cut, plus what each range has read. */
function rangeProgress(
  cuts: readonly number[],
  fileBytes: number,
  report: RangeReadOptions['onProgress'],
): (range: number, bytes: number) => void {
  const read = new Float64Array(cuts.length - 1);
  return (range, bytes) => {
    read[range] = bytes;
    if (report) report(cuts[0]! + read.reduce((sum, value) => sum + value, 0), fileBytes);
  };
}

/**
 * Writes an uncompressed CSV file as a binary trace at `out`, its ranges parsed on several
 * threads, each into column files of its own (spill.ts), then copied in order into the trace
 * with later ranges' keys renumbered: the trace the file loads to, never held in memory.
 * ONE_THREAD when it is too small to gain, or must be read on one thread to be read right.
 */
export async function spillCsvInRanges(
  input: TraceInput,
  out: string,
  options: RangeReadOptions & { readonly meta?: SpillOptions['meta'] },
): Promise<{ readonly requests: number; readonly keySpace: number } | typeof ONE_THREAD> {
  // The workers make these files; an interrupt must still remove them, as must a range that gives way.
  const files: string[] = [];
  try {
    return await inRanges(
      input,
      options,
      (counts) =>
        counts.map((_, k) => {
          const prefix = `${out}.${process.pid}.range-${k}`;
          for (const name of SPILLED_COLUMNS) {
            const file = spilledColumnFile(prefix, name);
            trackTemporary(file);
            files.push(file);
          }
          return { spill: prefix };
        }),
      async (parts, keys, layout) => {
        const before = timesBeforeEach(parts, layout.time >= 0);
        if (before === ONE_THREAD || parts.every((part) => part.length === 0)) return ONE_THREAD;
        const { writeSpilledTrace } = await import('./spill.js');
        writeSpilledTrace(
          out,
          parts.map((part, k) => ({
            rows: part.spilled!,
            ...(k > 0 && { renumber: renumbered(keys, part.names) }),
            timeBefore: before[k]!,
          })),
          { source: input.path, keySpace: keys.size, names: keys.keyNames(), ...(options.meta && { meta: options.meta }) },
        );
        return { requests: parts.reduce((sum, part) => sum + part.length, 0), keySpace: keys.size };
      },
    );
  } finally {
    for (const file of files) removeTemporary(file);
  }
}

/**
 * The last time before each range (0 before the first), after checking that no range's
 * first time is earlier than it: ONE_THREAD if one is, an error the careful read reports.
 */
function timesBeforeEach(parts: readonly RangePart[], timed: boolean): number[] | typeof ONE_THREAD {
  let previous = 0;
  const before: number[] = [];
  for (const part of parts) {
    before.push(previous);
    if (!timed || part.leadingUntimed === part.length) continue;
    if (part.firstTime < previous) return ONE_THREAD;
    previous = part.lastTime;
  }
  return before;
}

/** A later range's local key ids, as ids of the whole file: its names looked up in (or added to) `keys`, in its first-seen order. */
function renumbered(keys: ByteKeys, names: RangePart['names']): Uint32Array {
  const { bytes, offsets, count } = names;
  const global = new Uint32Array(count);
  for (let id = 0; id < count; id++) {
    const start = offsets[id]!;
    const end = offsets[id + 1]!;
    const found = keys.find(bytes, start, end);
    global[id] = found >= 0 ? found : keys.add(bytes, start, end);
  }
  return global;
}

/** A worker thread reading one range: it counts the range's lines, then reads it into the slots it is given. */
class RangeWorker {
  readonly lines: Promise<number | typeof ONE_THREAD>;
  readonly part: Promise<RangePart | typeof ONE_THREAD>;
  /** Settles when the thread has ended, however it ended. */
  readonly stopped: Promise<void>;
  private readonly thread: Worker;

  constructor(task: RangeTask, onProgress: (bytes: number) => void) {
    this.thread = new (nodeWorkers().Worker)(WORKER_SCRIPT, { workerData: task });
    this.stopped = new Promise((resolve) =>
      this.thread.once('exit', () => {
        resolve();
      }),
    );
    let counted: (lines: number | typeof ONE_THREAD) => void = () => undefined;
    let parsed: (part: RangePart | typeof ONE_THREAD) => void = () => undefined;
    let failed: (error: Error) => void = () => undefined;
    this.lines = new Promise((resolve, reject) => {
      counted = resolve;
      failed = reject;
    });
    this.part = new Promise((resolve, reject) => {
      parsed = resolve;
      const earlier = failed;
      failed = (error) => {
        earlier(error);
        reject(error);
      };
    });
    // Rejections are taken where they are awaited, in order; none may go unhandled meanwhile.
    this.lines.catch(() => undefined);
    this.part.catch(() => undefined);
    this.thread.on('message', (message: RangeReply | { readonly progress: number }) => {
      if ('progress' in message) onProgress(message.progress);
      else if ('lines' in message) counted(message.lines);
      else if ('part' in message) parsed(message.part);
      else if ('oneThread' in message) {
        counted(ONE_THREAD);
        parsed(ONE_THREAD);
      } else failed(new Error(`internal error in a CSV reading thread: ${message.internal}`));
    });
    this.thread.on('error', (error) => {
      failed(error);
    });
    this.thread.on('exit', (code) => {
      failed(new Error(`internal error: a CSV reading thread stopped (exit code ${code})`));
    });
  }

  read(target: RangeTarget): void {
    this.thread.postMessage(target);
  }

  stop(): void {
    void this.thread.terminate();
  }
}

type Column = Uint32Array | Float64Array | Uint8Array;

function sharedColumns(layout: ColumnLayout, slots: number): SharedColumns {
  const column = <A extends Column>(Type: { new (buffer: SharedArrayBuffer): A; BYTES_PER_ELEMENT: number }): A =>
    new Type(new SharedArrayBuffer(slots * Type.BYTES_PER_ELEMENT));
  return {
    keys: column(Uint32Array),
    ...(layout.size >= 0 && { sizes: column(Uint32Array) }),
    ...(layout.time >= 0 && { wholeTimes: column(Uint32Array), wideTimes: column(Float64Array) }),
    ...(layout.op >= 0 && { ops: column(Uint8Array) }),
    ...(layout.ttl >= 0 && { ttls: column(Float64Array) }),
    ...(layout.cost >= 0 && { costs: column(Float64Array) }),
  };
}

/** The layout from the file's first non-empty line, and where its rows begin. */
async function firstLine(
  handle: FileHandle,
  input: TraceInput,
  options: RangeReadOptions,
): Promise<{ readonly layout: ColumnLayout; readonly dataStart: number } | typeof ONE_THREAD> {
  const buf = Buffer.alloc(Math.min(WINDOW_BYTES, input.fileBytes));
  const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
  let at = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  for (let line = 1; at < bytesRead; line++) {
    const lineFeed = buf.indexOf(LF, at);
    if (lineFeed < 0) return ONE_THREAD;
    const end = lineFeed > at && buf[lineFeed - 1] === CR ? lineFeed - 1 : lineFeed;
    const lineStart = at;
    at = lineFeed + 1;
    if (end === lineStart) continue; // an empty line, skipped as the fast path does
    const fields: string[] = [];
    for (let from = lineStart, i = lineStart; i <= end; i++) {
      const c = i < end ? buf[i]! : COMMA;
      if (c === QUOTE || c === CR) return ONE_THREAD;
      if (c !== COMMA) continue;
      fields.push(buf.toString('utf8', from, i));
      from = i + 1;
    }
    // The careful read reports a bad first line in its own words; nothing is lost by leaving it that.
    try {
      if (options.header) return { layout: layoutFromHeader(fields, options.mapping, input.path, line), dataStart: at };
      refuseHeaderAsRow(fields, options.mapping, input.path, line);
      return { layout: layoutWithoutHeader(fields.length, options.mapping, input.path, line), dataStart: lineStart };
    } catch {
      return ONE_THREAD;
    }
  }
  return ONE_THREAD;
}

/**
 * Where the ranges start and end: `threads` pieces of [dataStart, fileBytes), the first a
 * little larger, each cut moved to just after a line feed. Pieces that come out empty are
 * dropped.
 */
async function cutsAt(handle: FileHandle, fileBytes: number, dataStart: number, threads: number): Promise<number[]> {
  const bytes = fileBytes - dataStart;
  const headStart = Math.min(HEAD_START_BYTES, bytes / threads / 2);
  const share = (bytes - headStart) / threads;
  const cuts = [dataStart];
  const window = Buffer.alloc(WINDOW_BYTES);
  for (let k = 1; k < threads; k++) {
    let at = Math.max(Math.round(dataStart + headStart + share * k), cuts.at(-1)! + 1);
    // The cut follows the first line feed at or after at - 1 (a range then begins a line).
    for (at -= 1; at < fileBytes;) {
      const { bytesRead } = await handle.read(window, 0, window.length, at);
      if (bytesRead === 0) break;
      const lineFeed = window.subarray(0, bytesRead).indexOf(LF);
      if (lineFeed >= 0) {
        at += lineFeed + 1;
        break;
      }
      at += bytesRead;
    }
    if (at >= fileBytes) break;
    cuts.push(at);
  }
  cuts.push(fileBytes);
  return cuts;
}

/**
 * Runs `read` on the range's file, opened for it. A bad cell or a file that cannot be read
 * gives ONE_THREAD: the read on one thread then says exactly what and where.
 */
async function withRangeFile<T>(
  task: RangeTask,
  read: (handle: FileHandle) => Promise<T | typeof ONE_THREAD>,
): Promise<T | typeof ONE_THREAD> {
  let handle: FileHandle;
  try {
    handle = await open(task.path, 'r');
  } catch {
    return ONE_THREAD;
  }
  try {
    return await read(handle);
  } catch (error) {
    if (isInputProblem(error)) return ONE_THREAD;
    throw error;
  } finally {
    await handle.close();
  }
}

/** Calls `report` with a range's bytes read so far each time `every` more have been read. */
function progressEvery(every: number, report: (bytes: number) => void): (bytes: number) => void {
  let reported = 0;
  return (bytes) => {
    if (bytes - reported >= every) {
      reported = bytes;
      report(bytes);
    }
  };
}

/** The range's line count (its line feeds, plus one for a last line without): the slots it may fill. */
export async function linesIn(task: RangeTask): Promise<number | typeof ONE_THREAD> {
  return withRangeFile(task, async (handle) => {
    let count = 1;
    for await (const chunk of chunksOf(handle, task)) {
      for (let i = chunk.indexOf(LF); i >= 0; i = chunk.indexOf(LF, i + 1)) count++;
    }
    return count;
  });
}

/**
 * Reads one range with the fast path into its `lines` slots; this thread's own range keeps
 * its key table for the join, the others send their key names (`withNames`).
 */
export async function readRange(
  task: RangeTask,
  target: RangeTarget,
  lines: number,
  withNames: boolean,
  onProgress?: (bytes: number) => void,
): Promise<{ readonly part: RangePart; readonly keys: ByteKeys } | typeof ONE_THREAD> {
  const spill = 'spill' in target ? new (await import('./spill.js')).SpillingStore('', { prefix: target.spill }) : undefined;
  const read = await withRangeFile(task, async (handle) => {
    let keys: ByteKeys | undefined;
    let sink: RowSink | undefined;
    const slots = 'spill' in target ? undefined : new SlotStore(target, lines);
    const store: RowStore = spill ?? slots!;
    const plan = {
      file: task.path,
      header: false,
      mapping: {},
      layout: task.layout,
      bounds: { keys: lines, keyBytes: task.end - task.start },
      startSink: (layout: ColumnLayout, table: KeyTable) => {
        keys = table as ByteKeys;
        sink = new RowSink(task.path, layout, store, table);
        // No time has been seen yet: the join compares this range's first time with the last before it.
        sink.previousTime = NaN;
        return sink;
      },
    };
    // The kernel where its reservations fit, reading every line of the range itself or with
    // the reader (it never gives way: a range cannot start over), else the reader alone.
    let outcome;
    if (kernelFits(plan.bounds)) {
      const read = await readCsvWithKernel(
        {
          path: task.path,
          start: task.start,
          end: task.end,
          // The kernel counts from the range's start, as chunksOf does.
          ...(onProgress && { onProgress: progressEvery(PROGRESS_BYTES, onProgress) }),
        },
        plan,
        { giveWay: false },
      );
      if (read === WITHOUT_KERNEL) return ONE_THREAD;
      outcome = read === FALL_BACK ? FALL_BACK : read?.sink;
    } else outcome = await readCsvFast(chunksOf(handle, task, onProgress), plan);
    if (outcome === FALL_BACK || !sink || !keys) return ONE_THREAD;
    const names = withNames ? namesOf(keys) : NO_NAMES;
    if (slots) return { part: slots.part(sink.previousTime, names), keys };
    const spilled = spill!.finishRows();
    return {
      part: {
        length: spilled.length,
        anySize: spilled.files.sizes !== undefined,
        anyOp: spilled.files.ops !== undefined,
        names,
        leadingUntimed: spilled.leadingUntimed,
        firstTime: spilled.firstTime,
        lastTime: sink.previousTime,
        wide: !spilled.wholeTimes,
        spilled,
      },
      keys,
    };
  });
  // A range that gives way leaves no column files (the caller removes those of ranges that did not).
  if (read === ONE_THREAD) spill?.abort();
  return read;
}

const NO_NAMES: RangePart['names'] = { bytes: new Uint8Array(0), offsets: new Uint32Array(1), count: 0 };

/** A range's distinct keys as UTF-8 with offsets, in its first-seen order: what the join renumbers them by. */
function namesOf(keys: ByteKeys): RangePart['names'] {
  const { bytes, lengths } = keys.keyNames().utf8();
  const offsets = new Uint32Array(keys.size + 1);
  for (let id = 0; id < keys.size; id++) offsets[id + 1] = offsets[id]! + lengths[id]!;
  return { bytes, offsets, count: keys.size };
}

/** A range's rows written into its slots of the shared columns, as a TraceBuilder would append them. */
class SlotStore implements RowStore {
  private count = 0;
  private anySize = false;
  private anyOp = false;
  private leadingUntimed = 0;
  private firstTime = NaN;
  private wide = false;
  private readonly columns: SharedColumns;

  constructor(
    slots: RangeSlots,
    private readonly lines: number,
  ) {
    const from = slots.first;
    const view = <A extends Column>(column: A | undefined): A | undefined => column?.subarray(from, from + lines) as A | undefined;
    const { keys, sizes, wholeTimes, wideTimes, ops, ttls, costs } = slots.columns;
    this.columns = {
      keys: view(keys)!,
      sizes: view(sizes),
      wholeTimes: view(wholeTimes),
      wideTimes: view(wideTimes),
      ops: view(ops),
      ttls: view(ttls),
      costs: view(costs),
    };
  }

  get length(): number {
    return this.count;
  }

  push(id: number, size?: number, time?: number, op?: number, ttl?: number, cost?: number): void {
    this.pushBatch(
      1,
      Uint32Array.of(id),
      size === undefined ? undefined : Uint32Array.of(size),
      Float64Array.of(time ?? NaN),
      op === undefined ? undefined : Uint8Array.of(op),
      Float64Array.of(ttl ?? NaN),
      Float64Array.of(cost ?? NaN),
    );
  }

  pushBatch(
    count: number,
    ids: Uint32Array,
    sizes?: Uint32Array,
    times?: Float64Array,
    ops?: Uint8Array,
    ttls?: Float64Array,
    costs?: Float64Array,
  ): void {
    const at = this.count;
    const end = at + count;
    if (end > this.lines) throw new Error(`internal error: a range wrote more rows than its ${this.lines} lines`);
    const columns = this.columns;
    columns.keys.set(ids.subarray(0, count), at);
    if (columns.sizes) {
      if (sizes) columns.sizes.set(sizes.subarray(0, count), at);
      else columns.sizes.fill(1, at, end);
      this.anySize ||= sizes !== undefined;
    }
    if (columns.ops) {
      if (ops) columns.ops.set(ops.subarray(0, count), at);
      else columns.ops.fill(OP_GET, at, end);
      this.anyOp ||= ops !== undefined;
    }
    if (times) this.pushTimes(times, at, count);
    if (columns.ttls && ttls) columns.ttls.set(ttls.subarray(0, count), at);
    if (columns.costs && costs) columns.costs.set(costs.subarray(0, count), at);
    this.count = end;
  }

  /** Times before the range's first given one are NaN (no previous time yet); the join fills them in. */
  private pushTimes(times: Float64Array, at: number, count: number): void {
    const whole = this.columns.wholeTimes!;
    const wide = this.columns.wideTimes!;
    let i = 0;
    if (Number.isNaN(this.firstTime)) {
      while (i < count && Number.isNaN(times[i]!)) i++;
      this.leadingUntimed += i;
      if (i < count) this.firstTime = times[i]!;
    }
    for (; i < count; i++) {
      const time = times[i]!;
      if (this.wide) wide[at + i] = time;
      else if (isWholeSecond(time)) whole[at + i] = time;
      else {
        // The first fractional time: this range's times move to the wide column, once.
        for (let j = 0; j < at + i; j++) wide[j] = whole[j]!;
        this.wide = true;
        wide[at + i] = time;
      }
    }
  }

  /** The rows as a trace of their own (views of the slots; the whole-second column unless widened). */
  build(source: string, keySpace: number, names?: KeyNames): Trace {
    const rows = <A extends Column>(column: A | undefined): A | undefined => column?.subarray(0, this.count) as A | undefined;
    const { keys, sizes, wholeTimes, wideTimes, ops, ttls, costs } = this.columns;
    const times = this.wide ? wideTimes : wholeTimes;
    return {
      source,
      length: this.count,
      keys: rows(keys)!,
      keySpace,
      ...(this.anySize && sizes && { sizes: rows(sizes)! }),
      ...(times && { times: rows(times)! }),
      ...(this.anyOp && ops && { ops: rows(ops)! }),
      ...(ttls && { ttls: rows(ttls)! }),
      ...(costs && { costs: rows(costs)! }),
      ...(names && { keyNames: names }),
    };
  }

  /** What the join needs: times at the edges, which columns were given, and (for later ranges) the key names. */
  part(lastTime: number, names: RangePart['names']): RangePart {
    return {
      length: this.count,
      anySize: this.anySize,
      anyOp: this.anyOp,
      names,
      leadingUntimed: this.leadingUntimed,
      firstTime: this.firstTime,
      lastTime,
      wide: this.wide,
    };
  }
}

/** A bad cell (a TraceFormatError) or a file that cannot be read (an errno): the careful read reports it. */
function isInputProblem(error: unknown): boolean {
  return (error as Error).name === 'TraceFormatError' || typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** The range's bytes in chunks read into two buffers in turn (the reader copies what it keeps). */
async function* chunksOf(handle: FileHandle, task: RangeTask, onProgress?: (bytes: number) => void): AsyncGenerator<Buffer> {
  const buffers = [Buffer.allocUnsafe(READ_BYTES), Buffer.allocUnsafe(READ_BYTES)] as const;
  const report = onProgress && progressEvery(PROGRESS_BYTES, onProgress);
  for (let at = task.start, turn = 0; at < task.end; turn ^= 1) {
    const buffer = buffers[turn]!;
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, task.end - at), at);
    if (bytesRead === 0) return;
    at += bytesRead;
    report?.(at - task.start);
    yield buffer.subarray(0, bytesRead);
  }
}

/**
 * The ranges' rows as one trace: each range's rows moved down to close the gaps blank lines
 * left, later ranges' keys renumbered through `keys` (the first range's table, which goes
 * on in first-seen order), times checked across the cuts with leading empty ones filled in
 * and kept as whole seconds where they all are, and a size or op column kept when any
 * range gave one, as the builder does on one thread.
 */
function joinParts(
  path: string,
  columns: SharedColumns,
  parts: readonly RangePart[],
  firsts: readonly number[],
  keys: ByteKeys,
): Trace | typeof ONE_THREAD {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  if (length === 0) return ONE_THREAD;
  // Times first: a time earlier than the one before a cut is an error the careful read reports.
  const before = timesBeforeEach(parts, columns.wholeTimes !== undefined);
  if (before === ONE_THREAD) return ONE_THREAD;

  const { keys: ids, sizes, ops, ttls, costs } = columns;
  // One time column for the whole trace: the wide one as soon as any range needed it.
  const widened = parts.some((part) => part.wide);
  const times = widened ? columns.wideTimes : columns.wholeTimes;
  for (let k = 0, at = 0; k < parts.length; at += parts[k]!.length, k++) {
    const part = parts[k]!;
    const from = firsts[k]!;
    if (times) {
      if (widened && !part.wide) for (let i = from; i < from + part.length; i++) times[i] = columns.wholeTimes![i]!;
      times.fill(before[k]!, from, from + part.leadingUntimed);
    }
    // Moving down within the same arrays is safe: every row lands at or before where it was.
    for (const column of [sizes, times, ops, ttls, costs]) column?.copyWithin(at, from, from + part.length);
    if (k === 0) continue;
    const global = renumbered(keys, part.names);
    for (let i = 0; i < part.length; i++) ids[at + i] = global[ids[from + i]!]!;
  }

  const rows = <A extends Column>(column: A): A => column.subarray(0, length) as A;
  return {
    source: path,
    length,
    keys: rows(ids),
    keySpace: keys.size,
    ...(sizes && parts.some((part) => part.anySize) && { sizes: rows(sizes) }),
    ...(times && { times: rows(times) }),
    ...(ops && parts.some((part) => part.anyOp) && { ops: rows(ops) }),
    ...(ttls && { ttls: rows(ttls) }),
    ...(costs && { costs: rows(costs) }),
    keyNames: keys.keyNames(),
  };
}
