/** Each key's length in bytes as a client sends it: its text (or its id's digits when the trace has no names) plus a prefix. */
import type { PolicyContext } from '../policy.js';

export function keyLengths(context: PolicyContext, prefix: number): Uint16Array {
  const lengths = new Uint16Array(context.keySpace);
  const names = context.trace.keyNames;
  const bytes = context.trace.keyNameBytes ?? (names && names.length >= context.keySpace ? names.byteLengths() : undefined);
  if (bytes) {
    for (let id = 0; id < context.keySpace; id++) lengths[id] = Math.min(65535, bytes[id]! + prefix);
  } else {
    // The digits of each id, counted without making a string per key.
    for (let id = 0, digits = 1, next = 10; id < context.keySpace; id++) {
      if (id === next) {
        digits++;
        next *= 10;
      }
      lengths[id] = digits + prefix;
    }
  }
  return lengths;
}
