/** Small in-memory traces for tests. */
import { TraceBuilder, type Trace } from '../../src/trace/trace.js';

/** A trace of raw keys (interned in first-seen order), optionally with sizes and times. */
export function traceOf(keys: readonly (string | number)[], extra: { sizes?: number[]; times?: number[]; ops?: number[] } = {}): Trace {
  const ids = new Map<string, number>();
  const builder = new TraceBuilder(keys.length);
  keys.forEach((key, i) => {
    const name = String(key);
    let id = ids.get(name);
    if (id === undefined) ids.set(name, (id = ids.size));
    builder.push(id, extra.sizes?.[i], extra.times?.[i], extra.ops?.[i]);
  });
  return builder.build('test', ids.size, [...ids.keys()]);
}

/**
 * The trace with its key names as a plain array, for deepEqual: the same names may be held
 * as strings or as UTF-8 bytes (KeyNames), which compare unequal as objects.
 */
export function comparableTrace(trace: Trace): Omit<Trace, 'keyNames'> & { keyNames?: string[] } {
  const { keyNames, ...rest } = trace;
  return { ...rest, ...(keyNames && { keyNames: keyNames.toArray() }) };
}
