/** One key per line (`.txt`, `.txt.gz`): every line a get of that key. */
import { isKeyListPath, loadKeyListFile } from '../csv.js';
import type { TraceFormat } from './format.js';

export const txt: TraceFormat = {
  id: 'txt',
  description: 'one key per line; every line is a get',
  detect: (path) => isKeyListPath(path),
  load: (path, options) => loadKeyListFile(path, options),
  bytesPerRow: 10,
};
