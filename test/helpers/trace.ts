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

/** One request of `traceFromRequests`: a key id, and the values of the columns asked for. */
export interface TestRequest {
  readonly key: number;
  readonly size: number;
  /** Seconds after the previous request (times are the running sum). */
  readonly gap: number;
  readonly op: number;
  /** NaN: none of its own, as an empty CSV cell. */
  readonly ttl: number;
  readonly cost: number;
}

/** Which optional columns `traceFromRequests` gives the trace. */
export interface TestColumns {
  readonly sizes: boolean;
  readonly times: boolean;
  readonly ops: boolean;
  readonly ttls: boolean;
  readonly costs: boolean;
}

/** A trace of key ids 0..keySpace-1 with exactly the optional columns asked for. */
export function traceFromRequests(requests: readonly TestRequest[], columns: TestColumns, keySpace: number, source = 'test'): Trace {
  const builder = new TraceBuilder(requests.length);
  let time = 0;
  for (const r of requests) {
    time += r.gap;
    builder.push(
      r.key,
      columns.sizes ? r.size : undefined,
      columns.times ? time : undefined,
      columns.ops ? r.op : undefined,
      columns.ttls ? r.ttl : undefined,
      columns.costs ? r.cost : undefined,
    );
  }
  return builder.build(source, keySpace);
}
