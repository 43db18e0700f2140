/**
 * Twitter's production cache-cluster traces (github.com/twitter/cache-trace): CSV without a
 * header, seven fields a row: timestamp (seconds), anonymized key, key size, value size,
 * client id, operation, TTL (seconds; 0 means the object never expires).
 */
import { OP_DELETE, OP_GET, OP_SET } from '../trace.js';
import { everyLine, type TraceFormat } from './format.js';
import { RequestCollector, commaFields, forEachLine, wholeNumber } from './records.js';

/** Memcached's verbs, as the traces write them, to what they do to the cache. */
const TWITTER_OPS: ReadonlyMap<string, number> = new Map([
  ['get', OP_GET],
  ['gets', OP_GET],
  ['set', OP_SET],
  ['add', OP_SET],
  ['replace', OP_SET],
  ['cas', OP_SET],
  ['append', OP_SET],
  ['prepend', OP_SET],
  ['incr', OP_SET],
  ['decr', OP_SET],
  ['delete', OP_DELETE],
]);

const FIELDS = ['timestamp', 'key', 'key size', 'value size', 'client', 'op', 'ttl'];
const ROW = /^\d+,[^,]*,\d+,\d+,\d+,(get|gets|set|add|replace|cas|append|prepend|incr|decr|delete),\d+$/;

export const twitter: TraceFormat = {
  id: 'twitter',
  description: "Twitter's cache-cluster traces (timestamp, key, key size, value size, client, op, TTL)",
  columns:
    'time: timestamp; key: anonymized key; size: key size + value size; op: memcached verb (get/gets, set/add/replace/cas/append/prepend/incr/decr, delete); ttl: TTL (0 = never expires); client id: not read',
  detect: (_name, head) => everyLine(head, ROW),
  load: async (input, { onProgress, store }) => {
    const path = input.path;
    const requests = new RequestCollector(path, { store });
    await forEachLine(
      input,
      (text, line) => {
        if (text === '') return;
        const fields = commaFields(text, FIELDS, requests, line);
        const [time, key, keySize, valueSize, , opText, ttlText] = fields as [string, string, string, string, string, string, string];
        const op =
          TWITTER_OPS.get(opText.toLowerCase()) ??
          requests.fail(`field 6 (op): '${opText}' is not a memcached verb (get, set, delete, ...)`, line, 6);
        if (key === '') requests.fail('field 2 (key): the row has no key', line, 2);
        const ttl = wholeNumber(ttlText, 'ttl', path, line, 7);
        requests.add(
          requests.textKey(key),
          {
            time: wholeNumber(time, 'timestamp', path, line, 1),
            size: wholeNumber(keySize, 'key size', path, line, 3) + wholeNumber(valueSize, 'value size', path, line, 4),
            op,
            ttl: ttl === 0 ? Infinity : ttl,
          },
          line,
        );
      },
      onProgress,
    );
    return requests.finish();
  },
  bytesPerRow: 40,
};
