/**
 * Any trace file to a binary trace without holding its requests in memory: the file is read
 * by its format's reader, as for a load, into a SpillingStore (spill.ts) that writes the
 * binary trace as the rows come. What `--stream` does with a file that is not binary: peak
 * memory is the key table, not the trace, so a CSV of billions of rows can be streamed.
 * The binary trace loads to exactly the trace the file loads to. A large uncompressed CSV is
 * parsed on every core, each range into column files of its own, joined in order.
 */
import { stat } from 'node:fs/promises';
import { cacheKeyOptions, type CachedLoadOptions } from './binary.js';
import { CachebenchError } from '../errors.js';
import { checkMappingForHeaderless, parseColumnsOption } from './columns.js';
import { ONE_THREAD, spillCsvInRanges } from './csv-ranges.js';
import { detectFormatOf, loadTraceInput, parseFormatSpec } from './formats/index.js';
import { closeTraceInput, openTraceInput } from './input.js';
import { openTraceStream } from './stream.js';
import { SpillingStore, type SpillOptions } from './spill.js';

/** What a conversion wrote: the binary trace's requests and distinct keys. */
export interface Converted {
  readonly requests: number;
  readonly keySpace: number;
}

/**
 * Writes the binary trace of `source` at `out` (atomically: a temporary file renamed into
 * place; nothing is left behind when the file is bad or the read is interrupted). Its
 * metadata records the source's size, modification time and load options, as a trace cache
 * entry's does, so `isBinaryTraceOf` can tell later whether it still stands for the file.
 */
export async function convertToBinaryTrace(source: string, out: string, options: CachedLoadOptions = {}): Promise<Converted> {
  // Standard input and FIFOs are read once, as they come: their binary trace records no file to check against.
  const info = source === '-' ? undefined : await stat(source).catch(() => undefined);
  const meta = info?.isFile() ? { sourceBytes: info.size, sourceModifiedMs: info.mtimeMs, options: cacheKeyOptions(options) } : undefined;
  // Only a regular file can be cut into ranges (a stream is read once, as it comes).
  const ranged = info?.isFile() === true ? await convertCsvInRanges(source, out, options, meta) : ONE_THREAD;
  if (ranged !== ONE_THREAD) return ranged;
  let store: SpillingStore | undefined;
  try {
    await loadTraceInput(source, {
      ...options,
      store: () => {
        // A reader that starts over (the CSV fast path giving way to csv-parse) asks again.
        store?.abort();
        return (store = new SpillingStore(out, meta ? { meta } : {}));
      },
    });
  } finally {
    store?.abort();
  }
  const written = openTraceStream(out);
  try {
    return { requests: written.shape.length, keySpace: written.shape.keySpace };
  } finally {
    written.close();
  }
}

/** A large uncompressed CSV file, parsed on every core into column files per range (csv-ranges.ts); ONE_THREAD for anything else. */
async function convertCsvInRanges(
  source: string,
  out: string,
  options: CachedLoadOptions,
  meta: SpillOptions['meta'],
): Promise<Converted | typeof ONE_THREAD> {
  if (options.reader === 'csv-parse') return ONE_THREAD;
  const input = await openTraceInput(source);
  try {
    const format = options.format !== undefined ? parseFormatSpec(options.format, 'format').format : await detectFormatOf(input);
    if (format.id !== 'csv') return ONE_THREAD;
    const header = options.header ?? true;
    const mapping = parseColumnsOption(options.columns);
    if (!header) checkMappingForHeaderless(mapping);
    return await spillCsvInRanges(input, out, {
      header,
      mapping,
      workers: options.workers,
      minRangeBytes: options.minRangeBytes,
      onProgress: options.onProgress,
      ...(meta && { meta }),
    });
  } catch (error) {
    // Bad options or a bad file: the read on one thread reports them in its own words.
    if (error instanceof CachebenchError) return ONE_THREAD;
    throw error;
  } finally {
    closeTraceInput(input);
  }
}

/** Whether `binary` is a binary trace made from `source` as it is now, read with these options. */
export async function isBinaryTraceOf(binary: string, source: string, options: CachedLoadOptions = {}): Promise<boolean> {
  const [made, from] = await Promise.all([stat(binary).catch(() => undefined), stat(source).catch(() => undefined)]);
  if (!made?.isFile() || !from || made.mtimeMs < from.mtimeMs) return false;
  let stream;
  try {
    stream = openTraceStream(binary);
  } catch {
    return false;
  }
  try {
    const { meta } = stream;
    const wanted = cacheKeyOptions(options);
    const saved = meta.options;
    return (
      meta.sourceBytes === from.size &&
      meta.sourceModifiedMs === from.mtimeMs &&
      saved?.columns === wanted.columns &&
      saved.header === wanted.header &&
      saved.format === wanted.format
    );
  } finally {
    stream.close();
  }
}
