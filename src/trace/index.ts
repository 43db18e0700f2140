/**
 * Where traces come from: a file (CSV, gzip'd CSV, or plain keys one per line) or a
 * synthetic spec string (`zipf:alpha=0.9,keys=1e5,requests=1e6`). An existing file wins over
 * a spec of the same text.
 */
import { existsSync } from 'node:fs';
import { loadTraceFile, type LoadOptions } from './csv.js';
import { generateTrace, isSyntheticSpec } from './spec.js';
import type { Trace } from './trace.js';

export type { LoadOptions } from './csv.js';
export type { Trace } from './trace.js';
export { generateTrace, isSyntheticSpec, parseTraceSpec, type SyntheticTraceSpec } from './spec.js';
export { traceToCsv, writeTraceCsv } from './write.js';
export { isGzipPath } from './input.js';

export async function loadTrace(source: string, options: LoadOptions = {}): Promise<Trace> {
  if (!existsSync(source) && isSyntheticSpec(source)) return generateTrace(source);
  return loadTraceFile(source, options);
}
export { loadTraceBinary, loadTraceCached, loadTraceCachedWithStatus, saveTraceBinary, type CachedLoad } from './binary.js';
