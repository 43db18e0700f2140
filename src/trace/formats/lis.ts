/**
 * ARC / LIRS-style block traces (`.lis`, as in Megiddo and Modha's ARC traces): a line per
 * request, whitespace-separated: starting block, number of blocks, then fields that are not
 * read (the ARC traces carry an unused field and a request number). Every block of the run
 * is a get.
 */
import { type TraceFormat } from './format.js';
import { RequestCollector, fieldsOf, forEachLine, wholeNumber } from './records.js';

export const lis: TraceFormat = {
  id: 'lis',
  description: 'ARC/LIRS block traces (.lis: starting block, number of blocks, ...)',
  columns: 'key: every block from the starting block on, as many as the second field says; op: get; no time or size',
  detect: (name) => /\.lis$/i.test(name),
  load: async (input, { onProgress, store }) => {
    const path = input.path;
    const requests = new RequestCollector(path, { store });
    await forEachLine(
      input,
      (text, line) => {
        const fields = fieldsOf(text);
        if (fields.length === 0) return;
        if (fields.length < 2) requests.fail(`a .lis line is 'start count ...'; this one has ${fields.length} field`, line);
        const start = wholeNumber(fields[0], 'starting block', path, line, 1);
        const count = wholeNumber(fields[1], 'number of blocks', path, line, 2);
        for (let block = start; block < start + count; block++) requests.add(requests.numericKey(block), {}, line);
      },
      onProgress,
    );
    return requests.finish();
  },
  bytesPerRow: 16,
};
