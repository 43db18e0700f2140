/** One key per line (`.txt`, `.txt.gz`): every line a get of that key. */
import { isKeyListPath, loadKeyListInput } from '../csv.js';
import type { TraceFormat } from './format.js';

export const txt: TraceFormat = {
  id: 'txt',
  description: 'one key per line; every line is a get',
  columns: 'key: the whole line (a trailing CR dropped; empty lines skipped)',
  // By name only, and after every format known by its content, so that a MONITOR dump or a
  // log saved as .txt is read as what it is rather than as one key per line.
  detect: (name) => isKeyListPath(name),
  load: (input, options) => loadKeyListInput(input, options),
  bytesPerRow: 10,
};
