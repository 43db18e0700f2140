import { UsageError } from '../errors.js';
import type { Trace } from './trace.js';

export interface LoadOptions {
  /** `--columns` text: `key=obj_id,time=ts` (header names) or `time=1,key=2` (1-based positions). */
  readonly columns?: string;
  /** False for files without a header row. Default true. */
  readonly header?: boolean;
}

export async function loadTraceFile(path: string, _options: LoadOptions = {}): Promise<Trace> {
  throw new UsageError(`cannot load '${path}': trace files are not supported yet`);
}
