/** Comma-separated rows with a header naming the columns (key, time, size, op, ttl, cost). */
import { loadCsvInput } from '../csv.js';
import type { TraceFormat } from './format.js';

export const csv: TraceFormat = {
  id: 'csv',
  description: 'comma-separated with a header row (key required; time, size, op, ttl, cost optional); --columns maps others',
  columns: 'the header names the columns; --columns maps other names or 1-based positions (with --no-header)',
  // The fallback: anything no other format claims is read as CSV, which names the line it cannot read.
  detect: () => true,
  load: (input, options) => loadCsvInput(input, options),
  bytesPerRow: 16,
  takesColumns: true,
};
