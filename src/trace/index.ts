/**
 * Where traces come from: a file (CSV, gzip'd CSV, or plain keys one per line) or a
 * synthetic spec string (`zipf:alpha=0.9,keys=1e5,requests=1e6`). An existing file wins over
 * a spec of the same text.
 */
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import type { LoadOptions } from './csv.js';
import { loadTraceInput } from './formats/index.js';
import { generateTrace, isSyntheticSpec } from './spec.js';
import type { Trace } from './trace.js';

export type { LoadOptions } from './csv.js';
export type { Trace } from './trace.js';
export { generateTrace, isSyntheticSpec, parseTraceSpec, type SyntheticTraceSpec } from './spec.js';
export { traceToCsv, writeTraceCsv } from './write.js';
export { isCompressedPath } from './input.js';
export {
  TRACE_FORMATS,
  detectTraceFormat,
  findTraceFormat,
  formatByPath,
  parseFormatSpec,
  type FormatParam,
  type TraceFormat,
} from './formats/index.js';

export interface TraceLoadOptions extends LoadOptions {
  /** A row of the format table by id, with its parameters (`msr:block-size=512`); default: detected from the first bytes and the name. */
  readonly format?: string;
  /** Parameters of whichever format the file is read as (`{ 'block-size': '512' }`); one the format does not take is refused. */
  readonly formatParams?: Readonly<Record<string, string>>;
}

export async function loadTrace(source: string, options: TraceLoadOptions = {}): Promise<Trace> {
  if (!existsSync(source)) {
    if (isSyntheticSpec(source)) return generateTrace(source, options.onProgress);
    // `pareto:keys=10,...` is a spec of a kind that does not exist, not a missing file.
    const kind = /^\s*([a-z][a-z0-9-]*):[^/\\]*=/i.exec(source)?.[1];
    if (kind !== undefined) {
      throw new UsageError(`no synthetic trace kind '${kind}' (known: zipf, uniform, scan, mix, hotkey), and no file '${source}'`);
    }
  }
  return (await loadTraceInput(source, options)).trace;
}
export { loadTraceBinary, loadTraceCached, loadTraceCachedWithStatus, saveTraceBinary, type CachedLoad } from './binary.js';
