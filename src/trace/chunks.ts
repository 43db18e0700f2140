/**
 * A trace seen as chunks: its shape (what a replay must know before the first request) and
 * runs of its requests. A streamed trace (stream.ts) is only ever held this way; a trace in
 * memory can be cut the same way, which is how the tests hold streamed replays to in-memory ones.
 */
import type { Trace, TraceChunk } from './trace.js';

/** The optional columns a trace has, and how its times are held (binary.ts stores them so). */
export interface StreamColumns {
  readonly sizes?: boolean;
  /** 'whole': whole seconds below 2^32 (4 bytes each); 'fractional': any number (8 bytes). */
  readonly times?: 'whole' | 'fractional';
  readonly ops?: boolean;
  readonly ttls?: boolean;
  readonly costs?: boolean;
}

/** The columns `trace` has. */
export function streamColumnsOf(trace: Trace): StreamColumns {
  return {
    ...(trace.sizes && { sizes: true }),
    ...(trace.times && { times: trace.times instanceof Uint32Array ? ('whole' as const) : ('fractional' as const) }),
    ...(trace.ops && { ops: true }),
    ...(trace.ttls && { ttls: true }),
    ...(trace.costs && { costs: true }),
  };
}

/**
 * A trace's shape: its length, key space, source and key names, and each column it has as
 * an empty array (present exactly when the trace has the column). The replay core builds
 * policies from it; the requests come in chunks.
 */
export function shapeWith(
  about: Pick<Trace, 'source' | 'length' | 'keySpace' | 'keyNames' | 'keyNameBytes'>,
  columns: StreamColumns,
): Trace {
  const { source, length, keySpace, keyNames, keyNameBytes } = about;
  return {
    source,
    length,
    keySpace,
    keys: new Uint32Array(0),
    ...(columns.sizes && { sizes: new Uint32Array(0) }),
    ...(columns.times && { times: columns.times === 'whole' ? new Uint32Array(0) : new Float64Array(0) }),
    ...(columns.ops && { ops: new Uint8Array(0) }),
    ...(columns.ttls && { ttls: new Float64Array(0) }),
    ...(columns.costs && { costs: new Float64Array(0) }),
    ...(keyNames && { keyNames }),
    ...(keyNameBytes && { keyNameBytes }),
  };
}

/** The shape of a trace in memory (`shapeWith` its own columns). */
export function shapeOf(trace: Trace): Trace {
  return shapeWith(trace, streamColumnsOf(trace));
}

/** The whole of a trace in memory as one chunk. */
export function wholeChunk(trace: Trace): TraceChunk {
  return chunkOf(trace, 0, trace.length);
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
