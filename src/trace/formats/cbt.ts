/** cachebench's own binary trace (`--cache-trace` writes it): detected by its magic bytes. */
import { TraceFormatError } from '../../errors.js';
import { BINARY_TRACE_MAGIC, readTraceBinary } from '../binary.js';
import type { TraceFormat } from './format.js';

export const cbt: TraceFormat = {
  id: 'cbt',
  description: "cachebench's binary trace cache (columnar, written by --cache-trace)",
  columns: 'every column, as it was loaded from the source the cache was made of',
  detect: (_name, head) => head.toString('latin1', 0, BINARY_TRACE_MAGIC.length) === BINARY_TRACE_MAGIC,
  load: async (input) => {
    // The columns are read straight into place at their offsets, which needs a plain file.
    if (!input.seekable || input.compression !== 'none') {
      throw new TraceFormatError('a binary trace is read from an uncompressed file, not a stream', input.path);
    }
    return (await readTraceBinary(input.path)).trace;
  },
  bytesPerRow: 12,
};
