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
