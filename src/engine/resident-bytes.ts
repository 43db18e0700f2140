/**
 * The bytes a cache holds at the end of a replay counted in entries, when the trace has
 * sizes: each resident key's object is as big as its last request said (a hit with a new
 * size updates it). Policies counting entries see every size as 1, so the engine adds the
 * real sizes up itself, once per replay, in O(keys).
 */
import { lastSizesOf } from '../trace/summary.js';
import type { Trace } from '../trace/trace.js';

/** The size of each key's last request, by key id (from the trace's summary pass, made once per trace). */
export function lastSizes(trace: Trace): Uint32Array | undefined {
  return trace.sizes === undefined ? undefined : lastSizesOf(trace);
}

/** Bytes of the keys `isResident` says are held, or undefined for a trace without sizes. */
export function residentBytes(trace: Trace, isResident: (id: number) => boolean): number | undefined {
  return residentBytesOf(lastSizes(trace), isResident);
}

/** Bytes of the keys `isResident` says are held, given each key's last size (undefined: no sizes). */
export function residentBytesOf(last: Uint32Array | undefined, isResident: (id: number) => boolean): number | undefined {
  if (last === undefined) return undefined;
  let bytes = 0;
  for (let id = 0; id < last.length; id++) if (isResident(id)) bytes += last[id]!;
  return bytes;
}

/**
 * For an LRU cache of C entries at the end of the trace (it holds the C most recently used
 * keys): `prefix[C]` is their bytes, C up to the distinct keys. Undefined without sizes.
 */
export function recentBytesPrefix(trace: Trace): Float64Array | undefined {
  const last = lastSizes(trace);
  if (last === undefined) return undefined;
  const seen = new Uint8Array(trace.keySpace);
  const order: number[] = [];
  for (let i = trace.length - 1; i >= 0; i--) {
    const id = trace.keys[i]!;
    if (seen[id] === 0) {
      seen[id] = 1;
      order.push(id);
    }
  }
  const prefix = new Float64Array(order.length + 1);
  order.forEach((id, k) => (prefix[k + 1] = prefix[k]! + last[id]!));
  return prefix;
}
