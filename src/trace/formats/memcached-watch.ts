/**
 * memcached's `watch fetchers mutations deletions` log, as `nc host 11211` saves it after
 * the command: `ts=1700000000.123456 gid=7 type=item_get key=user%3A1 status=found clsid=1
 * cfd=20 size=5`, `type=item_store ... status=stored cmd=set ttl=60 ...`, `type=deleted ...`.
 * Keys are URI-encoded. Stores that did not store (not_stored, exists, too_large) changed
 * nothing and are left out, as are the other entry types.
 */
import { OP_DELETE, OP_GET, OP_SET } from '../trace.js';
import { everyLine, headLines, type TraceFormat } from './format.js';
import { RequestCollector, UNKNOWN_SIZE, forEachLine } from './records.js';

const LINE = /^ts=(\d+)\.(\d+) gid=\d+ type=(\S+)(.*)$/;

function fieldsOf(rest: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const piece of rest.trim().split(' ')) {
    const equals = piece.indexOf('=');
    if (equals > 0) fields.set(piece.slice(0, equals), piece.slice(equals + 1));
  }
  return fields;
}

function decodeKey(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export const memcachedWatch: TraceFormat = {
  id: 'memcached-watch',
  description: "memcached's watch fetchers/mutations/deletions log (ts=... gid=... type=item_get key=...)",
  columns:
    "time: ts (seconds.microseconds); key: key, URI-decoded; op: item_get to get, item_store with status=stored to set, deleted to delete; size: size (a missed get takes the key's last known size); ttl: ttl (0 = never expires)",
  detect: (_name, head) => everyLine(head, /^(OK|ts=\d+\.\d+ gid=\d+ type=.*)$/) && headLines(head).some((line) => LINE.test(line)),
  load: async (input, { onProgress }) => {
    const requests = new RequestCollector(input.path, { fillSizes: true });
    await forEachLine(
      input,
      (text, line) => {
        if (text === '' || text === 'OK') return;
        const match = LINE.exec(text) ?? requests.fail('not a watch line (ts=... gid=... type=...)', line);
        // memcached prints the microseconds without leading zeros (%d): ts=5.42 is 5.000042.
        const time = Number(match[1]) + Number(match[2]) / 1e6;
        const type = match[3]!;
        if (type !== 'item_get' && type !== 'item_store' && type !== 'deleted') return;
        const fields = fieldsOf(match[4]!);
        const keyText = fields.get('key') ?? requests.fail(`a ${type} line has no key=`, line);
        const key = requests.textKey(decodeKey(keyText));
        const sizeText = fields.get('size');
        const size = sizeText !== undefined && /^\d+$/.test(sizeText) ? Number(sizeText) : UNKNOWN_SIZE;
        if (type === 'item_get') {
          requests.add(key, { time, op: OP_GET, size: fields.get('status') === 'found' ? size : UNKNOWN_SIZE }, line);
        } else if (type === 'item_store') {
          if (fields.get('status') !== 'stored') return;
          const ttl = Number(fields.get('ttl') ?? '0');
          requests.add(key, { time, op: OP_SET, size, ttl: ttl > 0 ? ttl : Infinity }, line);
        } else {
          requests.add(key, { time, op: OP_DELETE, size: UNKNOWN_SIZE }, line);
        }
      },
      onProgress,
    );
    return requests.finish();
  },
  bytesPerRow: 90,
};
