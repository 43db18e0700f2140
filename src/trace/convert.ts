/**
 * Any trace file to a binary trace without holding its requests in memory: the file is read
 * by its format's reader, as for a load, into a SpillingStore (spill.ts) that writes the
 * binary trace as the rows come. What `--stream` does with a file that is not binary: peak
 * memory is the key table, not the trace, so a CSV of billions of rows can be streamed.
 * The binary trace loads to exactly the trace the file loads to.
 */
import { stat } from 'node:fs/promises';
import { cacheKeyOptions, type CachedLoadOptions } from './binary.js';
import { loadTraceInput } from './formats/index.js';
import { openTraceStream } from './stream.js';
import { SpillingStore } from './spill.js';

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
