/**
 * A trace seen as chunks: its shape (what a replay must know before the first request) and
 * runs of its requests. A streamed trace (stream.ts) is only ever held this way; a trace in
 * memory can be cut the same way, which is how the tests hold streamed replays to in-memory ones.
 */
import type { Trace, TraceChunk } from './trace.js';

/**
 * A trace's shape: its length, key space, source and key names as they are, and each column
 * it has as an empty array (present exactly when the trace has the column). The replay core
 * builds policies from it; the requests come in chunks.
 */
export function shapeOf(trace: Trace): Trace {
  const { source, length, keySpace, keyNames, keyNameBytes } = trace;
  return {
    source,
    length,
    keySpace,
    keys: new Uint32Array(0),
    ...(trace.sizes && { sizes: new Uint32Array(0) }),
    ...(trace.times && { times: trace.times instanceof Uint32Array ? new Uint32Array(0) : new Float64Array(0) }),
    ...(trace.ops && { ops: new Uint8Array(0) }),
    ...(trace.ttls && { ttls: new Float64Array(0) }),
    ...(trace.costs && { costs: new Float64Array(0) }),
    ...(keyNames && { keyNames }),
    ...(keyNameBytes && { keyNameBytes }),
  };
}

/** Requests start..end-1 of a trace in memory, as a chunk viewing its columns (no copy). */
export function chunkOf(trace: Trace, start: number, end: number): TraceChunk {
  const view = <A extends Uint8Array | Uint32Array | Float64Array>(column: A | undefined): A | undefined =>
    column?.subarray(start, end) as A | undefined;
  const [sizes, times, ops, ttls, costs] = [view(trace.sizes), view(trace.times), view(trace.ops), view(trace.ttls), view(trace.costs)];
  return {
    start,
    length: end - start,
    keys: trace.keys.subarray(start, end),
    ...(sizes && { sizes }),
    ...(times && { times }),
    ...(ops && { ops }),
    ...(ttls && { ttls }),
    ...(costs && { costs }),
  };
}

/** A trace in memory cut into chunks of `size` requests (the last may be shorter). */
export function* chunksOf(trace: Trace, size: number): Generator<TraceChunk> {
  for (let start = 0; start < trace.length; start += size) yield chunkOf(trace, start, Math.min(trace.length, start + size));
}

/** The chunks of `chunksOf` from the last to the first, for a backward pass. */
export function* chunksFromEndOf(trace: Trace, size: number): Generator<TraceChunk> {
  const starts = [...chunksOf(trace, size)].map((chunk) => chunk.start);
  for (let k = starts.length - 1; k >= 0; k--) yield chunkOf(trace, starts[k]!, Math.min(trace.length, starts[k]! + size));
}
