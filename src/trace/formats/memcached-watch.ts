/**
 * memcached's `watch fetchers mutations deletions` log, as `nc host 11211` saves it after
 * the command: `ts=1700000000.123456 gid=7 type=item_get key=user%3A1 status=found clsid=1
 * cfd=20 size=5`, `type=item_store ... status=stored cmd=set ttl=60 ...`, `type=deleted ...`.
 * Keys are URI-encoded. Stores that did not store (not_stored, exists, too_large) changed
 * nothing and are left out, as are the other entry types, and the lookups memcached logs for
 * its own stores and deletes (see WatchDecoder).
 */
import { OP_DELETE, OP_GET, OP_SET } from '../trace.js';
import { everyLine, headLines, type TraceFormat } from './format.js';
import { RequestCollector, UNKNOWN_SIZE, forEachLine, type LoggedRequest } from './records.js';

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

/** The request a watch line records. */
export interface WatchRequest extends LoggedRequest {
  /** The connection it came on (cfd=), to tell a store's own lookup from a client's get. */
  readonly connection?: string;
}

/**
 * The request one line of watch output records (undefined for `OK`, entries of other types
 * and stores that stored nothing), or what is wrong with a line that is not watch output.
 */
export function watchLineRequest(text: string): WatchRequest | undefined | string {
  if (text === '' || text === 'OK') return undefined;
  const match = LINE.exec(text);
  if (!match) return 'not a watch line (ts=... gid=... type=...)';
  // memcached prints the microseconds without leading zeros (%d): ts=5.42 is 5.000042.
  const time = Number(match[1]) + Number(match[2]) / 1e6;
  const type = match[3]!;
  if (type !== 'item_get' && type !== 'item_store' && type !== 'deleted') return undefined;
  const fields = fieldsOf(match[4]!);
  const keyText = fields.get('key');
  if (keyText === undefined) return `a ${type} line has no key=`;
  const key = decodeKey(keyText);
  const connection = fields.get('cfd');
  const on = connection === undefined ? {} : { connection };
  const sizeText = fields.get('size');
  const size = sizeText !== undefined && /^\d+$/.test(sizeText) ? Number(sizeText) : UNKNOWN_SIZE;
  if (type === 'item_get') return { key, time, op: OP_GET, size: fields.get('status') === 'found' ? size : UNKNOWN_SIZE, ...on };
  if (type === 'deleted') return { key, time, op: OP_DELETE, size: UNKNOWN_SIZE, ...on };
  if (fields.get('status') !== 'stored') return undefined;
  const ttl = Number(fields.get('ttl') ?? '0');
  return { key, time, op: OP_SET, size, ttl: ttl > 0 ? ttl : Infinity, ...on };
}

/**
 * Turns watch lines into the requests clients made. memcached logs every item lookup as a
 * fetch, its own too: a set (or add, cas, ...) looks the key up first, and so does a delete,
 * so the fetch logged right before a store or a deletion of the same key on the same
 * connection is that command's own lookup, not a client's get, and is dropped. (A memcached
 * without the deletions stream, before 1.6.20, shows a delete only as such a lookup:
 * it reads as a get.)
 */
export class WatchDecoder {
  private held: WatchRequest | undefined;

  /** The requests this line completes (the held lookup, unless this line explains it), or a problem. */
  line(text: string): WatchRequest[] | string {
    const request = watchLineRequest(text);
    if (typeof request === 'string') return request;
    const match = LINE.exec(text);
    const type = match?.[3];
    const held = this.held;
    const out: WatchRequest[] = [];
    if (held) {
      // Any store (stored or not) or deletion of the held key on its connection explains the lookup.
      const fields = type === 'item_store' || type === 'deleted' ? fieldsOf(match![4]!) : undefined;
      // (Deletion lines carry no cfd=: the key alone tells.)
      const connection = fields?.get('cfd');
      const explained =
        fields !== undefined &&
        decodeKey(fields.get('key') ?? '') === held.key &&
        (connection === undefined || connection === held.connection);
      if (!explained) out.push(held);
    }
    this.held = request?.op === OP_GET ? request : undefined;
    if (request !== undefined && request.op !== OP_GET) out.push(request);
    return out;
  }

  /** What is still held at the end of the stream. */
  flush(): WatchRequest[] {
    const held = this.held;
    this.held = undefined;
    return held ? [held] : [];
  }
}

export const memcachedWatch: TraceFormat = {
  id: 'memcached-watch',
  description: "memcached's watch fetchers/mutations/deletions log (ts=... gid=... type=item_get key=...)",
  columns:
    "time: ts (seconds.microseconds); key: key, URI-decoded; op: item_get to get, item_store with status=stored to set, deleted to delete; size: size (a missed get takes the key's last known size); ttl: ttl (0 = never expires)",
  detect: (_name, head) => everyLine(head, /^(OK|ts=\d+\.\d+ gid=\d+ type=.*)$/) && headLines(head).some((line) => LINE.test(line)),
  load: async (input, { onProgress, store }) => {
    const requests = new RequestCollector(input.path, { store, fillSizes: true });
    const decoder = new WatchDecoder();
    let last = 0;
    await forEachLine(
      input,
      (text, line) => {
        const read = decoder.line(text);
        const decoded = typeof read === 'string' ? requests.fail(read, line) : read;
        for (const request of decoded) requests.add(requests.textKey(request.key), request, line);
        last = line;
      },
      onProgress,
    );
    for (const request of decoder.flush()) requests.add(requests.textKey(request.key), request, last);
    return requests.finish();
  },
  bytesPerRow: 90,
};
