/** `loadTrace()`: a trace file in any format of the table, or a synthetic spec. */
import { existsSync } from 'node:fs';
import { CancelledError } from '../errors.js';
import { isSyntheticSpec, loadTrace as loadFromSource, loadTraceCachedWithStatus, type Trace } from '../trace/index.js';
import { cacheEntryFor, touchEntry, trimCache, type TraceCacheFolder } from '../trace/trace-cache.js';

/** How to read a trace file; synthetic specs ignore all but `signal`. */
export interface LoadTraceOptions {
  /** Header names or 1-based positions of the columns: `{ key: 'obj_id', time: 'ts' }` or `'key=obj_id,time=ts'`. */
  readonly columns?: string | Readonly<Record<string, string | number>>;
  /** False for CSV files without a header row (then `columns` gives positions). Default true. */
  readonly header?: boolean;
  /**
   * A format of the table by id, with parameters after a colon (`csv`, `twitter`,
   * `msr:block-size=512`); default: detected from the first bytes and then the name.
   */
  readonly format?: string;
  /** Parameters of whichever format the file turns out to be (`{ 'block-size': '512' }`). */
  readonly formatParams?: Readonly<Record<string, string>>;
  /**
   * Keep a binary copy of the parsed trace and reuse it while the file and these options are
   * unchanged: `true` writes it beside the file (`FILE.cbt`), a string names the copy, and a
   * folder (`userTraceCache()`, what the CLI uses) keeps it there under a name of its own,
   * the folder trimmed to a size bound, least recently used first.
   */
  readonly cache?: boolean | string | TraceCacheFolder;
  /**
   * Bytes read so far and the file's size (compressed size when compressed; NaN for a
   * stream), or for a synthetic spec, requests generated so far and the spec's requests.
   */
  readonly onProgress?: (done: number, total: number) => void;
  /** Stops the load between chunks; the call then rejects with a CancelledError. */
  readonly signal?: AbortSignal;
  /**
   * Threads parsing a large uncompressed CSV file at once, this one included (default: every
   * core). The trace is the same whatever the number.
   */
  readonly workers?: number;
}

/** What `loadTrace` reports besides the trace when asked (`loadTraceWithStatus`). */
export interface LoadedTrace {
  readonly trace: Trace;
  /** How the binary cache was used: not at all, read, written, or wanted but not writable. */
  readonly cache: 'off' | 'hit' | 'written' | 'unwritable';
  /** The cache was a folder of the user's (TraceCacheFolder), not a file named for this trace. */
  readonly automatic?: boolean;
  readonly cachePath?: string;
  /** The cache was there but damaged (or unreadable), and was rebuilt: why. */
  readonly damaged?: string;
}

/**
 * Loads a trace: a file in any format of the table (`TRACE_FORMATS`: CSV, libCacheSim's,
 * Twitter's, CacheLib's, MSR, CDN, access logs, Redis MONITOR, memcached watch ...; gzip,
 * zstd or xz compressed or not), standard input as `-`, a FIFO, or a seeded synthetic spec
 * such as `zipf:alpha=0.9,keys=1e5,requests=1e6`.
 *
 * @throws TraceFormatError naming the file, line and column of bad content.
 * @throws UsageError naming the option (`columns`, `format`) or the spec.
 */
export async function loadTrace(source: string, options: LoadTraceOptions = {}): Promise<Trace> {
  return (await loadTraceWithStatus(source, options)).trace;
}

/** `loadTrace`, also saying how the binary cache was used (read, written, rebuilt after damage). */
export async function loadTraceWithStatus(source: string, options: LoadTraceOptions = {}): Promise<LoadedTrace> {
  if (options.signal?.aborted) throw new CancelledError();
  const signal = options.signal;
  const report = options.onProgress;
  const onProgress =
    signal === undefined
      ? report
      : (done: number, total: number): void => {
          if (signal.aborted) throw new CancelledError();
          report?.(done, total);
        };
  const load = {
    ...(options.columns !== undefined && { columns: columnsText(options.columns) }),
    ...(options.header !== undefined && { header: options.header }),
    ...(options.format !== undefined && { format: options.format }),
    ...(options.formatParams !== undefined && { formatParams: options.formatParams }),
    ...(onProgress && { onProgress }),
    ...(options.workers !== undefined && { workers: options.workers }),
  };
  const synthetic = !existsSync(source) && isSyntheticSpec(source);
  const cache = options.cache;
  if (cache === undefined || cache === false || synthetic) return { trace: await loadFromSource(source, load), cache: 'off' };
  if (typeof cache === 'object') return loadThroughFolder(source, load, cache);
  const loaded = await loadTraceCachedWithStatus(source, load, typeof cache === 'string' ? cache : undefined);
  return {
    trace: loaded.trace,
    cache: loaded.cache,
    cachePath: loaded.cachePath,
    ...(loaded.damaged !== undefined && { damaged: loaded.damaged }),
  };
}

/** Through the user's cache folder; a file too small to gain, a stream, or a folder that cannot be made reads the file as it is. */
async function loadThroughFolder(
  source: string,
  load: Parameters<typeof loadFromSource>[1] & { readonly format?: string; readonly formatParams?: Readonly<Record<string, string>> },
  folder: TraceCacheFolder,
): Promise<LoadedTrace> {
  // Neither changes what the file loads to.
  const { onProgress: _progress, workers: _workers, ...keyed } = load;
  const entry = await cacheEntryFor(source, JSON.stringify(keyed), folder).catch(() => undefined);
  if (entry === undefined) return { trace: await loadFromSource(source, load), cache: 'off' };
  const loaded = await loadTraceCachedWithStatus(source, load, entry);
  if (loaded.cache === 'hit') await touchEntry(entry);
  if (loaded.cache === 'written') await trimCache(folder, entry).catch(() => undefined);
  return {
    trace: loaded.trace,
    cache: loaded.cache,
    cachePath: loaded.cachePath,
    automatic: true,
    ...(loaded.damaged !== undefined && { damaged: loaded.damaged }),
  };
}

function columnsText(columns: NonNullable<LoadTraceOptions['columns']>): string {
  return typeof columns === 'string'
    ? columns
    : Object.entries(columns)
        .map(([name, column]) => `${name}=${column}`)
        .join(',');
}
