/** Comma-separated rows with a header naming the columns (key, time, size, op, ttl, cost). */
import { loadTraceFile } from '../csv.js';
import type { TraceFormat } from './format.js';

export const csv: TraceFormat = {
  id: 'csv',
  description: 'comma-separated with a header row (key required; time, size, op, ttl, cost optional); a column map names others',
  // The fallback: anything no other format claims is read as CSV, which names the line it cannot read.
  detect: () => true,
  load: (path, options) => loadTraceFile(path, options),
  bytesPerRow: 16,
};
