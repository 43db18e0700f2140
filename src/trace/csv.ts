/**
 * Loads a trace file into the columnar Trace: CSV (optionally gzip'd, `.csv.gz`) or a
 * plain text file of one key per line (`.txt` / `.txt.gz`).
 *
 * CSV has a header row by default with the columns key (required), time, size, op, ttl
 * and cost, matched case-insensitively; other columns are ignored. `--columns` maps other
 * header names or, for headerless files, 1-based field positions (see columns.ts); the
 * accepted cell values are listed in rows.ts. Files stream in chunks: a simple file (commas,
 * no quotes, LF or CRLF line ends) is read by the fast path, the CSV kernel (csv-kernel.ts,
 * WebAssembly) with the byte-level reader of fast-csv.ts for the lines it leaves, anything
 * else by csv-parse; all give the same trace and the same errors. A large uncompressed file
 * is cut into ranges read by the fast path on every core (csv-ranges.ts), joined into the
 * same trace.
 *
 * In a text file every line is a key exactly as written (only a trailing CR is dropped);
 * empty lines are skipped. Text files have no header and no other columns.
 */
import { Readable } from 'node:stream';
import type { CsvError, Info } from 'csv-parse';
import { TraceFormatError, UsageError } from '../errors.js';
import {
  checkMappingForHeaderless,
  layoutFromHeader,
  layoutWithoutHeader,
  parseColumnsOption,
  refuseHeaderAsRow,
  type ColumnLayout,
  type ColumnMapping,
} from './columns.js';
import { kernelFits, readCsvWithKernel, WITHOUT_KERNEL, type KernelSource } from './csv-kernel.js';
import type { InternerBounds } from './byte-intern.js';
import { ONE_THREAD, readCsvInRanges } from './csv-ranges.js';
import { FALL_BACK, fastPathRefused, readCsvFast, type CsvPlan } from './fast-csv.js';
import {
  chunkBuffers,
  closeTraceInput,
  estimatedLines,
  expectedLines,
  makeRewindable,
  openTraceInput,
  readChunks,
  withoutCompressionSuffix,
  type TraceInput,
} from './input.js';
import { KeyInterner } from './intern.js';
import { forEachLine } from './formats/records.js';
import { RowSink, type KeyTable, type RowStore } from './rows.js';
import { rememberTallies } from './summary.js';
import { TraceBuilder, type Trace } from './trace.js';

export interface LoadOptions {
  /** `--columns` text: `key=obj_id,time=ts` (header names) or `time=1,key=2` (1-based positions). */
  readonly columns?: string;
  /** False for files without a header row. Default true. */
  readonly header?: boolean;
  /**
   * Which CSV reader to use: `auto` (default) tries the fast path, with the CSV kernel where
   * it applies (csv-kernel.ts), and falls back to csv-parse; `kernel` insists on the kernel
   * (never reading the file again without it); `fast` is the fast path without the kernel
   * and refuses files that need csv-parse; `csv-parse` always uses it. Only tests and
   * benchmarks need anything but `auto`.
   */
  readonly reader?: 'auto' | 'kernel' | 'fast' | 'csv-parse';
  /** Called as the file is read: bytes read so far (compressed, for .gz) and the file's size. */
  readonly onProgress?: (bytesRead: number, fileBytes: number) => void;
  /**
   * Threads reading a large uncompressed CSV file at once, this one included (default: every
   * core; 1 reads on this thread only). The trace is the same whatever the number.
   */
  readonly workers?: number;
  /** The smallest byte range worth a thread of its own (default 16 MiB); tests lower it to cut small files. */
  readonly minRangeBytes?: number;
  /**
   * Where the rows go instead of a trace in memory (called once per reading attempt: the CSV
   * fast path that gives way to csv-parse starts over). spill.ts writes them to a binary trace.
   */
  readonly store?: (expectedRows?: number) => RowStore;
}

/** True for files read as one key per line rather than CSV (by name, compression suffix aside). */
export function isKeyListPath(path: string): boolean {
  return /\.txt$/i.test(withoutCompressionSuffix(path));
}

/** A CSV file, or one key per line for `.txt` names (the path-only way in; loadTrace uses the format table). */
export async function loadTraceFile(path: string, options: LoadOptions = {}): Promise<Trace> {
  const input = await openTraceInput(path);
  try {
    return await (isKeyListPath(path) ? loadKeyListInput(input, options) : loadCsvInput(input, options));
  } finally {
    closeTraceInput(input);
  }
}

/** An opened input read as CSV. */
export async function loadCsvInput(input: TraceInput, options: LoadOptions = {}): Promise<Trace> {
  const header = options.header ?? true;
  const mapping = parseColumnsOption(options.columns);
  if (!header) checkMappingForHeaderless(mapping);
  const path = input.path;
  const reader = options.reader ?? 'auto';
  const onProgress = options.onProgress;

  // Ranges fill columns in memory; rows bound for a store of the caller's are read in order.
  if (reader !== 'csv-parse' && options.store === undefined) {
    const ranged = await readCsvInRanges(input, {
      header,
      mapping,
      workers: options.workers,
      minRangeBytes: options.minRangeBytes,
      onProgress,
    });
    if (ranged !== ONE_THREAD) return ranged;
  }

  // In memory, the kernel reads the file (csv-kernel.ts); the reader alone when it gives way.
  const withKernel = (reader === 'auto' || reader === 'kernel') && options.store === undefined;
  const kernelRead = async (
    source: KernelSource | AsyncIterable<Buffer>,
    bounds: InternerBounds,
    expectedRows: number | undefined,
  ): Promise<Trace | undefined> => {
    const read = await readCsvWithKernel(
      source,
      {
        file: path,
        header,
        mapping,
        bounds,
        startSink: (layout: ColumnLayout, keys: KeyTable) => new RowSink(path, layout, new TraceBuilder(expectedRows), keys),
      },
      { giveWay: reader === 'auto' },
    );
    if (read === FALL_BACK)
      return finished(
        await readCsvParse(readChunks(input, { ...(onProgress && { onProgress }) }), csvParsePlan(path, header, mapping)),
        path,
      );
    if (read === WITHOUT_KERNEL) {
      if (reader === 'kernel') throw new Error('internal error: the CSV kernel gave way although told not to');
      return undefined;
    }
    const trace = finished(read?.sink, path);
    rememberTallies(trace, read!.tallies);
    return trace;
  };

  // An uncompressed file it reads itself, reserving from its size (upper bounds: a key is
  // some of the file's bytes, a row at least two of them). The columns are sized from the
  // line count estimated from the first bytes, not counted: counting was a tenth of the load
  // once the kernel did the rest.
  const plainFile = input.seekable && input.compression === 'none';
  const fileBounds = { keys: Math.ceil(input.fileBytes / 2) + 1, keyBytes: input.fileBytes };
  if (withKernel && plainFile && kernelFits(fileBounds)) {
    const fileBytes = input.fileBytes;
    const progress =
      onProgress &&
      ((bytes: number) => {
        onProgress(bytes, fileBytes);
      });
    const trace = await kernelRead({ path, end: fileBytes, ...(progress && { onProgress: progress }) }, fileBounds, estimatedLines(input));
    if (trace) return trace;
  }

  // Sizing the typed arrays to the line count up front means they are never regrown and
  // are handed out without a trimming copy: peak memory is then one copy of each column.
  // Counting is a byte scan of the (cached) file, a few percent of the parse; both passes
  // read into the same two buffers. Gzip'd files are not decompressed twice for it: their
  // size is estimated from the gzip trailer and the first chunk instead. A stream is not
  // counted; it is kept as it is read in case the fast path gives way to csv-parse.
  const buffers = chunkBuffers();
  const size = await expectedLines(input, buffers);
  makeRewindable(input);
  const expectedRows = size?.rows;

  // A gzip'd file's or a stream's chunks go to the kernel too (copied), which reserves from
  // the size estimate, or for a stream grows as it reads.
  if (withKernel && !plainFile) {
    const bounds = size ? { keys: size.rows, keyBytes: size.bytes } : { keys: 1 << 16, keyBytes: 1 << 20 };
    if (kernelFits(bounds)) {
      const trace = await kernelRead(readChunks(input, { ...(onProgress && { onProgress }) }), bounds, expectedRows);
      if (trace) return trace;
    }
  }

  const plan: CsvPlan = {
    file: path,
    header,
    mapping,
    ...(size && { bounds: { keys: size.rows, keyBytes: size.bytes } }),
    startSink: (layout: ColumnLayout, keys: KeyTable) =>
      new RowSink(path, layout, options.store?.(expectedRows) ?? new TraceBuilder(expectedRows), keys),
  };

  let sink: RowSink | undefined;
  const fast =
    reader === 'csv-parse' ? FALL_BACK : await readCsvFast(readChunks(input, { buffers, ...(onProgress && { onProgress }) }), plan);
  if (fast !== FALL_BACK) sink = fast;
  else if (reader === 'fast') throw fastPathRefused(path);
  else sink = await readCsvParse(readChunks(input, { ...(onProgress && { onProgress }) }), plan);

  return finished(sink, path);
}

function csvParsePlan(file: string, header: boolean, mapping: ColumnMapping): CsvPlan {
  return {
    file,
    header,
    mapping,
    startSink: (layout: ColumnLayout, keys: KeyTable) => new RowSink(file, layout, new TraceBuilder(), keys),
  };
}

function finished(sink: RowSink | undefined, path: string): Trace {
  if (!sink) throw new TraceFormatError('the file has no rows', path);
  if (sink.requests === 0) throw new TraceFormatError('the header is not followed by any requests', path);
  return sink.finish();
}

async function readCsvParse(chunks: AsyncIterable<Buffer>, plan: CsvPlan): Promise<RowSink | undefined> {
  let sink: RowSink | undefined;
  // Rows are taken inside csv-parse's on_record hook, in file order, so the first problem in
  // the file is the one reported even when csv-parse has already read further ahead.
  // Field counts are checked here too (relax_column_count) so the message matches the fast path.
  const takeRecord = (record: string[], info: Info): null => {
    const line = recordStartLine(record, info.lines);
    if (!sink) {
      if (plan.header) {
        sink = plan.startSink(layoutFromHeader(record, plan.mapping, plan.file, line), new KeyInterner());
        return null;
      }
      refuseHeaderAsRow(record, plan.mapping, plan.file, line);
      sink = plan.startSink(layoutWithoutHeader(record.length, plan.mapping, plan.file, line), new KeyInterner());
    }
    if (record.length !== sink.layout.fieldCount) sink.wrongFieldCount(record.length, line, plan.header);
    sink.textRow(record, line);
    return null;
  };
  // Every line may end in CRLF, LF or CR on its own, whatever the first one did: csv-parse
  // would otherwise take the first ending for the whole file and keep a stray CR in the data.
  // Imported here, not at the top: most files never need it, and every run would compile it.
  const { parse, CsvError: CsvErrorClass } = await import('csv-parse');
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    delimiter: ',',
    record_delimiter: ['\r\n', '\n', '\r'],
    on_record: takeRecord,
  });
  const source = Readable.from(chunks, { objectMode: false });
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  try {
    // on_record keeps nothing, so this only waits for the end (or the first error).
    // Drain the parser: the rows were consumed by its `on_record` callback.
    for await (const _ of parser) continue;
  } catch (error) {
    throw csvParseError(error, plan, CsvErrorClass);
  } finally {
    source.destroy();
    parser.destroy();
  }
  return sink;
}

/** csv-parse counts lines up to the end of a record; a quoted field may span several. */
function recordStartLine(record: readonly string[], endLine: number): number {
  let line = endLine;
  for (const field of record) {
    if (field.length === 0) continue;
    for (let at = field.indexOf('\n'); at >= 0; at = field.indexOf('\n', at + 1)) line--;
  }
  return line;
}

const CSV_PARSE_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'the file ends inside a quoted field (a closing " is missing)',
  CSV_INVALID_CLOSING_QUOTE: 'unexpected text after a closing quote',
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field (quote the whole field and double inner quotes)',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'unexpected text after a closing quote',
  CSV_MAX_RECORD_SIZE: 'a row is too long',
};

function csvParseError(error: unknown, plan: CsvPlan, CsvErrorClass: typeof CsvError): Error {
  if (error instanceof TraceFormatError || error instanceof UsageError) return error;
  if (!(error instanceof CsvErrorClass)) return error as Error;
  const problem = error as CsvError & { lines?: number };
  const line = typeof problem.lines === 'number' ? problem.lines : undefined;
  const message = CSV_PARSE_PROBLEMS[problem.code] ?? `not valid CSV (${firstLine(problem.message)})`;
  return new TraceFormatError(message, plan.file, line);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}

/** An opened input read as one key per line: each non-empty line, as written, is a get of it. */
export async function loadKeyListInput(input: TraceInput, { onProgress, store }: LoadOptions = {}): Promise<Trace> {
  const interner = new KeyInterner();
  const buffers = chunkBuffers();
  const expected = (await expectedLines(input, buffers))?.rows;
  const builder = store?.(expected) ?? new TraceBuilder(expected);
  await forEachLine(
    input,
    (key) => {
      if (key !== '') builder.push(interner.intern(key));
    },
    onProgress,
    buffers,
  );
  if (builder.length === 0) throw new TraceFormatError('the file has no keys', input.path);
  return builder.build(input.path, interner.size, interner.keyNames());
}
