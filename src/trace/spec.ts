import { UsageError } from '../errors.js';
import type { Trace } from './trace.js';

export function isSyntheticSpec(text: string): boolean {
  return /^(zipf|uniform|scan|mix)(:|$)/.test(text);
}

export function generateTrace(spec: string): Trace {
  throw new UsageError(`synthetic traces are not supported yet: '${spec}'`);
}
