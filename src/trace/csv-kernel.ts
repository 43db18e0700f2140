/**
 * Reads a CSV file with the CSV kernel (wasm/csv-kernel.ts, compiled to csv-kernel.wasm
 * beside this module): the kernel reads the lines it fully understands, straight into column
 * batches, and the fast path's JavaScript reader (fast-csv.ts) reads the others (the first
 * line, a line with a cell that is not plain, a line in error) with the kernel's key table,
 * so a file gives the same trace, ids, errors and fallbacks as with the reader alone. A
 * differential test compares the two on random files.
 *
 * Used for in-memory loads of uncompressed files (the loader knows their size, from which
 * the kernel reserves its arena): a file that needs the reader for many lines, or more
 * memory than a WebAssembly instance has, is read again without it. A large file's ranges,
 * read on every core (csv-ranges.ts), are read with it too, where it never gives way: a
 * range cannot start over, and a file it cannot finish is read on one thread.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { fileError } from './input.js';
import { KeyNames } from './key-names.js';
import type { ByteKeys, InternerBounds } from './byte-intern.js';
import { FALL_BACK, FastCsvReader, type CsvPlan } from './fast-csv.js';
import type { RowSink } from './rows.js';
import { OP_SPELLINGS } from './rows.js';
import type { ColumnLayout } from './columns.js';
import { topKeys, type SummaryTallies } from './summary.js';
import { OP_GET } from './trace.js';

/** Returned when the file should be read without the kernel. */
export const WITHOUT_KERNEL = Symbol('read without the kernel');

// scan()'s answers (wasm/csv-kernel.ts).
const DONE = 0;
const BATCH_FULL = 1;
const LINE_FOR_READER = 2;
const NEEDS_CSV_PARSE = 3;

const LF = 10;
/** Bytes read at a time, as the loader's chunks. */
const READ_BYTES = 1 << 18;
const TURN_BYTES = 4 << 20;
const OP_ENTRY = 16;
const OP_BYTES = 14;
/** Reader lines past which the kernel no longer pays (one in 16, after the first thousand). */
const READER_LINES_FREE = 1024;
const READER_SHARE = 16;
/** The kernel's histogram of counts: one bucket per power of two of a 32-bit count. */
const COUNT_BUCKETS = 32;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  init(keyBytes: number, keys: number): number;
  configure(count: number, key: number, time: number, size: number, op: number, ttl: number, cost: number): number;
  opTableAt(): number;
  setOpCount(count: number): void;
  inputAt(bytes: number, keep: number): number;
  resumeAt(): number;
  takeLines(): number;
  batchRows(): number;
  batchFlags(): number;
  clearBatch(): void;
  batchAt(column: number): number;
  getPreviousTime(): number;
  setPreviousTime(time: number): void;
  keys(): number;
  arenaAt(): number;
  arenaBytes(): number;
  offsetsAt(): number;
  find(start: number, end: number): number;
  prepareAdd(length: number): number;
  add(start: number, end: number): number;
  scan(from: number, to: number, last: number): number;
  appendRow(id: number, size: number, sized: number, time: number, op: number, opGiven: number, ttl: number, cost: number): number;
  tallyCounts(): number;
  onceRequested(): number;
  histogramAt(): number;
  sumCountsFrom(high: number, low: number, shareCount: number): number;
  shareAt(): number;
  lastSizeTotal(): number;
  sizeRange(which: number): number;
  opTotals(which: number): number;
}

let compiled: WebAssembly.Module | undefined;

/** A new kernel instance (each load has its own memory), or undefined when it cannot reserve what `bounds` asks. */
function startKernel(bounds: InternerBounds): KernelExports | undefined {
  compiled ??= new WebAssembly.Module(readFileSync(new URL('./csv-kernel.wasm', import.meta.url)));
  const kernel = new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
  if (kernel.init(bounds.keyBytes, bounds.keys) !== DONE) return undefined;
  // The usual op spellings, matched on their bytes as the reader's table matches them.
  const table = new Uint8Array(kernel.memory.buffer, kernel.opTableAt() >>> 0);
  let count = 0;
  for (const [spelling, op] of OP_SPELLINGS) {
    const bytes = Buffer.from(spelling, 'latin1');
    if (bytes.length > OP_BYTES || bytes.length !== spelling.length) continue;
    table[count * OP_ENTRY] = bytes.length;
    table[count * OP_ENTRY + 1] = op;
    table.set(bytes, count * OP_ENTRY + 2);
    count++;
  }
  kernel.setOpCount(count);
  return kernel;
}

/** The kernel's memory as bytes: a new view whenever it has grown (which detaches the old one). */
function memoryBytes(kernel: KernelExports, last: Buffer | undefined): Buffer {
  const buffer = kernel.memory.buffer;
  return last !== undefined && last.buffer === buffer ? last : Buffer.from(buffer);
}

/**
 * The kernel's key table, for the reader's lines: their bytes are in the kernel's memory,
 * where find and add take them by offset. prepareAdd comes first, so that an add cannot
 * grow the memory under the reader's view of the line.
 */
class KernelKeys implements ByteKeys {
  constructor(private readonly kernel: KernelExports) {}

  get size(): number {
    return this.kernel.keys() >>> 0;
  }

  /** A key in the kernel's memory is looked up where it is; any other is staged first. */
  find(buf: Uint8Array, start: number, end: number): number {
    if (buf.buffer === this.kernel.memory.buffer) return this.kernel.find(start, end);
    const at = this.staged(buf, start, end);
    return this.kernel.find(at, at + end - start);
  }

  /** After find(): a staged key is still where find() looked at it. */
  add(buf: Uint8Array, start: number, end: number): number {
    if (buf.buffer === this.kernel.memory.buffer) return this.kernel.add(start, end) >>> 0;
    const at = this.arenaTail();
    return this.kernel.add(at, at + end - start) >>> 0;
  }

  intern(key: string): number {
    const bytes = Buffer.from(key, 'utf8');
    const id = this.find(bytes, 0, bytes.length);
    return id >= 0 ? id : this.add(bytes, 0, bytes.length);
  }

  /**
   * Copies a key from elsewhere (another range's names, a string) to the arena's free tail,
   * where add() would copy it: found, it is left there unused; new, add() keeps it in place.
   */
  private staged(buf: Uint8Array, start: number, end: number): number {
    if (this.kernel.prepareAdd(end - start) !== DONE) throw new RangeError('the CSV kernel has no memory left for keys');
    const at = this.arenaTail();
    new Uint8Array(this.kernel.memory.buffer).set(buf.subarray(start, end), at);
    return at;
  }

  /** Where the next key's bytes go in the arena. */
  private arenaTail(): number {
    return (this.kernel.arenaAt() >>> 0) + (this.kernel.arenaBytes() >>> 0);
  }

  /** The names, copied out of the kernel's memory (which goes with the load). */
  keyNames(): KeyNames {
    const count = this.size;
    const buffer = this.kernel.memory.buffer;
    const arena = new Uint8Array(buffer, this.kernel.arenaAt() >>> 0, this.kernel.arenaBytes() >>> 0).slice();
    const offsets = new Uint32Array(buffer, this.kernel.offsetsAt() >>> 0, count + 1).slice();
    return KeyNames.fromUtf8(arena, offsets, count);
  }
}

/**
 * A file the kernel reads itself, a chunk at a time: an uncompressed file, or the byte range
 * [start, end) of one. It also takes chunks (a gunzip's, a stream's), which it copies.
 */
export interface KernelSource {
  readonly path: string;
  readonly start?: number;
  readonly end: number;
  /** Bytes read so far (from `start`), after each chunk. */
  readonly onProgress?: ((bytesRead: number) => void) | undefined;
}

/** The most address space a kernel reserves (of its 4 GiB): room left for its tables to double. */
const MAX_RESERVED_BYTES = 3 * 2 ** 30;

/** Whether the kernel can reserve what `bounds` asks (its arena, and offsets, counts and last sizes per key). */
export function kernelFits(bounds: InternerBounds): boolean {
  return bounds.keyBytes + 12 * (bounds.keys + 2) <= MAX_RESERVED_BYTES;
}

/**
 * Reads a CSV file with the kernel. Returns the sink and the summary's tallies (undefined
 * when the file has no non-empty line), FALL_BACK when csv-parse must read the file, or WITHOUT_KERNEL (never
 * for lines left to the reader, unless `giveWay`).
 */
export async function readCsvWithKernel(
  source: KernelSource | AsyncIterable<Buffer>,
  plan: CsvPlan & { readonly bounds: InternerBounds },
  { giveWay = true }: { readonly giveWay?: boolean } = {},
): Promise<{ readonly sink: RowSink; readonly tallies: SummaryTallies } | undefined | typeof FALL_BACK | typeof WITHOUT_KERNEL> {
  const kernel = startKernel(plan.bounds);
  if (kernel === undefined) return WITHOUT_KERNEL;
  const reader = new FastCsvReader(plan, new KernelKeys(kernel));
  let bytes: Buffer | undefined;
  let configured = false;
  let readerLines = 0;

  const takeBatch = (layout: ColumnLayout): void => {
    const rows = kernel.batchRows() >>> 0;
    if (rows === 0) return;
    const flags = kernel.batchFlags();
    const buffer = kernel.memory.buffer;
    const column = <A>(Type: new (buffer: ArrayBufferLike, offset: number, length: number) => A, index: number): A =>
      new Type(buffer, kernel.batchAt(index) >>> 0, rows);
    reader.sink!.pushBatch(
      rows,
      column(Uint32Array, 0),
      flags & 1 ? column(Uint32Array, 1) : undefined,
      layout.time >= 0 ? column(Float64Array, 2) : undefined,
      flags & 2 ? column(Uint8Array, 3) : undefined,
      layout.ttl >= 0 ? column(Float64Array, 4) : undefined,
      layout.cost >= 0 ? column(Float64Array, 5) : undefined,
    );
    kernel.clearBatch();
  };

  /** The kernel reads the file's layout, and the reader's rows go to its batch (in file order, and tallied). */
  const configure = (layout: ColumnLayout): boolean => {
    if (kernel.configure(layout.fieldCount, layout.key, layout.time, layout.size, layout.op, layout.ttl, layout.cost) !== DONE)
      return false;
    kernel.setPreviousTime(reader.sink!.previousTime);
    configured = true;
    return true;
  };
  const takeReaderRows: RowSink['pushBatch'] = (rows, ids, sizes, times, ops, ttls, costs) => {
    for (let i = 0; i < rows; i++) {
      const status = kernel.appendRow(
        ids[i]!,
        sizes ? sizes[i]! : 1,
        sizes ? 1 : 0,
        times ? times[i]! : 0,
        ops ? ops[i]! : OP_GET,
        ops ? 1 : 0,
        ttls ? ttls[i]! : NaN,
        costs ? costs[i]! : NaN,
      );
      if (status === BATCH_FULL) takeBatch(reader.columns!);
    }
  };

  /** The reader reads the line at `at`; returns where the next one starts, or why not. */
  const readerLine = (at: number, to: number, last: boolean): number | typeof FALL_BACK | typeof WITHOUT_KERNEL => {
    bytes = memoryBytes(kernel, bytes);
    const lineFeed = bytes.subarray(at, to).indexOf(LF);
    const ends = lineFeed >= 0;
    const next = ends ? at + lineFeed + 1 : to;
    if (kernel.prepareAdd(next - at) !== DONE) return WITHOUT_KERNEL;
    bytes = memoryBytes(kernel, bytes);
    const sink = reader.sink;
    if (sink) sink.previousTime = kernel.getPreviousTime();
    if (!reader.consume(bytes, at, next, last && !ends)) return FALL_BACK;
    if (!configured && reader.columns && !configure(reader.columns)) return WITHOUT_KERNEL;
    reader.takeRows(takeReaderRows);
    return next;
  };

  /** Reads the lines in [from, to) of the kernel's memory: every one ends in LF unless `last`. */
  const readLines = (from: number, to: number, last: boolean): true | typeof FALL_BACK | typeof WITHOUT_KERNEL => {
    let at = from;
    while (at < to) {
      const layout = reader.columns;
      if (!configured) {
        if (layout === undefined) {
          // The first line (a header, or the row that fixes the layout) and any empty ones before it.
          const next = readerLine(at, to, last);
          if (typeof next !== 'number') return next;
          at = next;
          continue;
        }
        // A layout given with the plan (a range of a file) is known before any line.
        if (!configure(layout)) return WITHOUT_KERNEL;
      }
      const status = kernel.scan(at, to, last ? 1 : 0);
      reader.line += kernel.takeLines() >>> 0;
      at = kernel.resumeAt() >>> 0;
      if (status === DONE) break;
      if (status === BATCH_FULL) {
        takeBatch(layout!);
        continue;
      }
      if (status !== LINE_FOR_READER) return status === NEEDS_CSV_PARSE ? FALL_BACK : WITHOUT_KERNEL;
      if (giveWay && ++readerLines > READER_LINES_FREE && readerLines * READER_SHARE > reader.line) return WITHOUT_KERNEL;
      const next = readerLine(at, to, last);
      if (typeof next !== 'number') return next;
      at = next;
    }
    return true;
  };

  // The bytes go to the kernel's input region after the unfinished last line of the chunk
  // before, which waits at the region's start: a file's are read straight there (no buffers
  // of its own, no copy), a stream's or a gunzip's chunks copied.
  let carry = 0;
  let start = 0;
  let fresh = plan.layout === undefined;
  /** Reads the lines of the `got` bytes just placed after the carry; true, or why the file is done with. */
  const took = (got: number): true | typeof FALL_BACK | typeof WITHOUT_KERNEL => {
    bytes = memoryBytes(kernel, bytes);
    let end = start + carry + got;
    if (fresh) {
      fresh = false;
      // A byte-order mark can only start the file.
      if (bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) {
        bytes.copyWithin(start, start + 3, end);
        end -= 3;
      }
    }
    const lastLineFeed = bytes.subarray(start, end).lastIndexOf(LF);
    if (lastLineFeed < 0) {
      carry = end - start;
      return true;
    }
    const read = readLines(start, start + lastLineFeed + 1, false);
    if (read !== true) return read;
    carry = end - (start + lastLineFeed + 1);
    bytes = memoryBytes(kernel, bytes);
    if (carry > 0) bytes.copyWithin(start, start + lastLineFeed + 1, end);
    return true;
  };

  if (Symbol.asyncIterator in source) {
    for await (const chunk of source) {
      start = kernel.inputAt(carry + chunk.length, carry) >>> 0;
      if (start === 0) return WITHOUT_KERNEL;
      bytes = memoryBytes(kernel, bytes);
      bytes.set(chunk, start + carry);
      const read = took(chunk.length);
      if (read !== true) return read;
    }
  } else {
    const first = source.start ?? 0;
    let position = first;
    let lastTurn = first;
    let fd: number;
    try {
      fd = openSync(source.path, 'r');
    } catch (error) {
      throw fileError(error, source.path);
    }
    try {
      for (;;) {
        const wanted = Math.min(READ_BYTES, source.end - position);
        if (wanted <= 0) break;
        start = kernel.inputAt(carry + wanted, carry) >>> 0;
        if (start === 0) return WITHOUT_KERNEL;
        bytes = memoryBytes(kernel, bytes);
        let got: number;
        try {
          got = readSync(fd, bytes, start + carry, wanted, position);
        } catch (error) {
          throw fileError(error, source.path);
        }
        if (got === 0) break;
        position += got;
        source.onProgress?.(position - first);
        // The reads are synchronous (a chunk comes from the page cache in microseconds): the
        // event loop gets a turn every few megabytes, so that an interrupt is handled (its
        // temporary files removed) while a large file is read.
        if (position - lastTurn >= TURN_BYTES) {
          lastTurn = position;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        const read = took(got);
        if (read !== true) return read;
      }
    } finally {
      closeSync(fd);
    }
  }
  if (carry > 0) {
    const read = readLines(start, start + carry, true);
    if (read !== true) return read;
  }
  if (reader.columns) takeBatch(reader.columns);
  // The last time, as the reader leaves it (a range's join starts the next range from it).
  if (reader.sink) reader.sink.previousTime = kernel.getPreviousTime();
  return reader.sink && { sink: reader.sink, tallies: talliesOf(kernel) };
}

/** The summary's tallies of the file read: the kernel's, the top 1% of keys found from its histogram of counts. */
function talliesOf(kernel: KernelExports): SummaryTallies {
  const requestedKeys = kernel.tallyCounts() >>> 0;
  const histogram = new Uint32Array(kernel.memory.buffer, kernel.histogramAt() >>> 0, COUNT_BUCKETS);
  // The buckets above the k-th largest count are all among the top keys; `left` more are in its own.
  const keys = kernel.keys() >>> 0;
  let left = Math.min(topKeys(keys), keys);
  let bucket = COUNT_BUCKETS - 1;
  for (; bucket >= 0 && histogram[bucket]! <= left; bucket--) left -= histogram[bucket]!;
  let topRequests: number;
  if (bucket < 0) topRequests = kernel.sumCountsFrom(1, 1, 0);
  else {
    const low = 2 ** bucket;
    const shareCount = histogram[bucket]!;
    topRequests = kernel.sumCountsFrom(2 * low, low, shareCount);
    if (topRequests < 0) throw new RangeError('the CSV kernel has no memory left for the summary');
    const share = new Uint32Array(kernel.memory.buffer, kernel.shareAt() >>> 0, shareCount).sort();
    for (let i = shareCount - 1; i >= shareCount - left; i--) topRequests += share[i]!;
  }
  return {
    requestedKeys,
    oneHitWonders: kernel.onceRequested() >>> 0,
    topRequests,
    writes: kernel.opTotals(0),
    deletes: kernel.opTotals(1),
    minSize: kernel.sizeRange(0),
    maxSize: kernel.sizeRange(1),
    totalSize: kernel.sizeRange(2),
    distinctBytes: kernel.lastSizeTotal(),
  };
}
