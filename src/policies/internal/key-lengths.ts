/** Each key's length in bytes as a client sends it: its text (or its id's digits when the trace has no names) plus a prefix. */
import type { PolicyContext } from '../policy.js';

export function keyLengths(context: PolicyContext, prefix: number): Uint16Array {
  const lengths = new Uint16Array(context.keySpace);
  const names = context.trace.keyNames;
  if (names && names.length >= context.keySpace) {
    const { lengths: bytes } = names.utf8();
    for (let id = 0; id < context.keySpace; id++) lengths[id] = Math.min(65535, bytes[id]! + prefix);
  } else {
    for (let id = 0; id < context.keySpace; id++) lengths[id] = String(id).length + prefix;
  }
  return lengths;
}
