/**
 * Meta's CacheLib key-value replay traces (the kvcache traces CacheBench replays): CSV with
 * the header `op_time,key,key_size,op,op_count,size,cache_hits,ttl`. A row stands for
 * `op_count` identical requests; `size` is the value's size; TTL 0 means no expiry.
 */
import { OP_DELETE, OP_GET, OP_SET } from '../trace.js';
import { headLines, type TraceFormat } from './format.js';
import { RequestCollector, decimalNumber, forEachLine, wholeNumber } from './records.js';

const CACHELIB_OPS: ReadonlyMap<string, number> = new Map([
  ['get', OP_GET],
  ['get_lease', OP_GET],
  ['set', OP_SET],
  ['set_lease', OP_SET],
  ['update', OP_SET],
  ['delete', OP_DELETE],
]);

const REQUIRED = ['op_time', 'key', 'key_size', 'op', 'op_count', 'size'] as const;

export const cachelib: TraceFormat = {
  id: 'cachelib',
  description: "Meta CacheLib's key-value replay traces (header op_time,key,key_size,op,op_count,size,cache_hits,ttl)",
  columns:
    'time: op_time; key: key; size: key_size + size; op: op (GET, SET, DELETE and their _LEASE forms); a row counts op_count times; ttl: ttl (0 = never expires); cache_hits: not read',
  detect: (_name, head) => {
    const names = (headLines(head, 1)[0] ?? '').toLowerCase().split(',');
    return REQUIRED.every((name) => names.includes(name));
  },
  load: async (input, { onProgress, store }) => {
    const path = input.path;
    const requests = new RequestCollector(path, { store });
    type Positions = Record<(typeof REQUIRED)[number] | 'ttl', number>;
    let at: Positions | undefined;
    let fieldCount = 0;
    await forEachLine(
      input,
      (text, line) => {
        if (text === '') return;
        const fields = text.split(',');
        if (!at) {
          const names = fields.map((name) => name.trim().toLowerCase());
          const missing = REQUIRED.filter((name) => !names.includes(name));
          if (missing.length > 0)
            requests.fail(
              `the header has no ${missing.join(', ')} column (a CacheLib trace starts op_time,key,key_size,op,op_count,size,...)`,
              line,
            );
          at = { ...Object.fromEntries(REQUIRED.map((name) => [name, names.indexOf(name)])), ttl: names.indexOf('ttl') } as Positions;
          fieldCount = fields.length;
          return;
        }
        if (fields.length !== fieldCount) requests.fail(`the row has ${fields.length} fields, but the header has ${fieldCount}`, line);
        const cell = (index: number): string => fields[index]!.trim();
        const opText = cell(at.op);
        const op =
          CACHELIB_OPS.get(opText.toLowerCase()) ??
          requests.fail(`field ${at.op + 1} (op): '${opText}' is not GET, SET or DELETE`, line, at.op + 1);
        const key = cell(at.key);
        if (key === '') requests.fail(`field ${at.key + 1} (key): the row has no key`, line, at.key + 1);
        const count = wholeNumber(cell(at.op_count), 'op_count', path, line, at.op_count + 1);
        const ttl = at.ttl >= 0 ? decimalNumber(cell(at.ttl), 'ttl', path, line, at.ttl + 1) : undefined;
        const request = {
          time: decimalNumber(cell(at.op_time), 'op_time', path, line, at.op_time + 1),
          size:
            wholeNumber(cell(at.key_size), 'key_size', path, line, at.key_size + 1) +
            wholeNumber(cell(at.size), 'size', path, line, at.size + 1),
          op,
          ...(ttl !== undefined && { ttl: ttl > 0 ? ttl : Infinity }),
        };
        const id = requests.textKey(key);
        for (let i = 0; i < count; i++) requests.add(id, request, line);
      },
      onProgress,
    );
    return requests.finish();
  },
  bytesPerRow: 40,
};
