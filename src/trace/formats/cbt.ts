/** cachebench's own binary trace (`--cache-trace` writes it): detected by its magic bytes. */
import { BINARY_TRACE_MAGIC, loadTraceBinary } from '../binary.js';
import type { TraceFormat } from './format.js';

export const cbt: TraceFormat = {
  id: 'cbt',
  description: "cachebench's binary trace cache (columnar, written by the trace cache)",
  detect: (_path, head) => head.toString('latin1', 0, BINARY_TRACE_MAGIC.length) === BINARY_TRACE_MAGIC,
  load: (path) => loadTraceBinary(path),
  bytesPerRow: 12,
};
