/**
 * Redis `MONITOR` output, as `redis-cli monitor > dump.txt` saves it:
 * `1339518083.107412 [0 127.0.0.1:60866] "SET" "user:1" "value" "EX" "60"`. Arguments are
 * quoted with Redis's escapes (\" \\ \n \r \t \a \b \xHH). Reads, writes and deletes of the
 * keyspace become requests, a multi-key command one per key; the rest (PING, INFO, EXPIRE,
 * SCAN ...) are not cache traffic and are left out. Keys of databases other than 0 are
 * written `db:key`.
 */
import { OP_DELETE, OP_GET, OP_SET } from '../trace.js';
import { everyLine, headLines, type TraceFormat } from './format.js';
import { RequestCollector, UNKNOWN_SIZE, forEachLine, type LoggedRequest } from './records.js';

const LINE = /^(\d+(?:\.\d+)?) \[(\d+) [^\]]*\] (".*)$/;

/** One request a command makes: its key, what it does, the value's size and TTL when known. */
interface Effect {
  readonly key: string;
  readonly op: number;
  readonly size: number;
  readonly ttl?: number;
}

type Handler = (args: readonly string[], now: number) => Effect[];

const bytes = (value: string | undefined): number => (value === undefined ? UNKNOWN_SIZE : Buffer.byteLength(value, 'latin1'));
const read = (key: string | undefined): Effect[] => (key === undefined ? [] : [{ key, op: OP_GET, size: UNKNOWN_SIZE }]);
const write = (key: string | undefined): Effect[] => (key === undefined ? [] : [{ key, op: OP_SET, size: UNKNOWN_SIZE }]);
const first: (op: 'read' | 'write') => Handler = (op) => (args) => (op === 'read' ? read(args[0]) : write(args[0]));

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT t|PXAT t|KEEPTTL]: a plain SET clears any TTL. */
const set: Handler = (args, now) => {
  const [key, value] = args;
  if (key === undefined) return [];
  let ttl = Infinity;
  for (let i = 2; i < args.length; i++) {
    const option = args[i]!.toUpperCase();
    const amount = Number(args[i + 1]);
    if (option === 'EX') ttl = amount;
    else if (option === 'PX') ttl = amount / 1000;
    else if (option === 'EXAT') ttl = Math.max(0, amount - now);
    else if (option === 'PXAT') ttl = Math.max(0, amount / 1000 - now);
    else if (option === 'KEEPTTL') ttl = NaN;
  }
  return [{ key, op: OP_SET, size: bytes(value), ...(ttl === ttl && { ttl }) }];
};

const pairs = (args: readonly string[]): Effect[] => {
  const effects: Effect[] = [];
  for (let i = 0; i + 1 < args.length; i += 2) effects.push({ key: args[i]!, op: OP_SET, size: bytes(args[i + 1]), ttl: Infinity });
  return effects;
};

/** Commands by name (lower case); anything else is not cache traffic. */
const COMMANDS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['get', first('read')],
  ['getex', first('read')],
  ['strlen', first('read')],
  ['getrange', first('read')],
  ['mget', (args) => args.flatMap(read)],
  ['exists', (args) => args.flatMap(read)],
  ['getdel', (args) => [...read(args[0]), ...(args[0] === undefined ? [] : [{ key: args[0], op: OP_DELETE, size: UNKNOWN_SIZE }])]],
  ...[
    'hget',
    'hmget',
    'hgetall',
    'hexists',
    'hkeys',
    'hvals',
    'hlen',
    'hstrlen',
    'lrange',
    'lindex',
    'llen',
    'smembers',
    'sismember',
    'smismember',
    'scard',
    'srandmember',
    'zrange',
    'zrangebyscore',
    'zrevrange',
    'zrevrangebyscore',
    'zscore',
    'zmscore',
    'zcard',
    'zcount',
    'zrank',
    'zrevrank',
    'type',
  ].map((name) => [name, first('read')] as const),
  ['set', set],
  ['setnx', (args) => (args[0] === undefined ? [] : [{ key: args[0], op: OP_SET, size: bytes(args[1]), ttl: Infinity }])],
  ['setex', (args) => (args[0] === undefined ? [] : [{ key: args[0], op: OP_SET, size: bytes(args[2]), ttl: Number(args[1]) }])],
  ['psetex', (args) => (args[0] === undefined ? [] : [{ key: args[0], op: OP_SET, size: bytes(args[2]), ttl: Number(args[1]) / 1000 }])],
  ['getset', (args) => [...read(args[0]), ...set(args.slice(0, 2), 0)]],
  ['mset', pairs],
  ['msetnx', pairs],
  ...[
    'append',
    'incr',
    'decr',
    'incrby',
    'decrby',
    'incrbyfloat',
    'setrange',
    'hset',
    'hmset',
    'hsetnx',
    'hdel',
    'hincrby',
    'hincrbyfloat',
    'lpush',
    'rpush',
    'lpop',
    'rpop',
    'lset',
    'lrem',
    'ltrim',
    'sadd',
    'srem',
    'spop',
    'zadd',
    'zrem',
    'zincrby',
  ].map((name) => [name, first('write')] as const),
  ['del', (args) => args.map((key) => ({ key, op: OP_DELETE, size: UNKNOWN_SIZE }))],
  ['unlink', (args) => args.map((key) => ({ key, op: OP_DELETE, size: UNKNOWN_SIZE }))],
]);

/** The quoted arguments of a MONITOR line, unescaped (bytes kept as latin1 code units), or a problem. */
export function monitorArguments(text: string): string[] | string {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    if (text[i] !== '"') return `expected a quoted argument at column ${i + 1}`;
    let value = '';
    i++;
    for (;;) {
      if (i >= text.length) return 'a quoted argument is not closed';
      const c = text[i]!;
      if (c === '"') {
        i++;
        break;
      }
      if (c !== '\\') {
        value += c;
        i++;
        continue;
      }
      const next = text[i + 1];
      if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
        i += 4;
        continue;
      }
      const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', '"': '"', '\\': '\\' };
      value += next !== undefined && next in escapes ? escapes[next]! : (next ?? '');
      i += 2;
    }
    args.push(value);
  }
  return args;
}

/**
 * The requests of one line of MONITOR output, keys written db:key outside database 0 (none for commands that are not cache traffic,
 * and for redis-cli's `OK`), or what is wrong with a line that is not MONITOR output.
 */
export function monitorLineRequests(text: string): LoggedRequest[] | string {
  if (text === '' || text === 'OK') return [];
  const match = LINE.exec(text);
  if (!match) return 'not a MONITOR line (timestamp [db client] "COMMAND" "arg" ...)';
  const time = Number(match[1]);
  const db = match[2]!;
  const args = monitorArguments(match[3]!);
  if (typeof args === 'string') return args;
  const handler = args.length === 0 ? undefined : COMMANDS.get(args[0]!.toLowerCase());
  if (!handler) return [];
  return handler(args.slice(1), time).map((effect) => ({
    key: db === '0' ? effect.key : `${db}:${effect.key}`,
    time,
    op: effect.op,
    size: effect.size,
    ...(effect.ttl !== undefined && { ttl: effect.ttl }),
  }));
}

export const redisMonitor: TraceFormat = {
  id: 'redis-monitor',
  description: 'Redis MONITOR output (timestamp [db client] "CMD" "key" ...), as redis-cli monitor saves it',
  columns:
    "time: the timestamp; key: each key a command names (db:key outside database 0); op: GET/MGET/HGET/EXISTS/... to get, SET/SETEX/MSET/INCR/HSET/LPUSH/... to set, DEL/UNLINK to delete (GETDEL both); size: the value's bytes on SET-like commands, else the key's last known size; ttl: EX/PX/EXAT/PXAT/SETEX (a plain SET never expires); other commands left out",
  // redis-cli's first line is the server's OK; a dump of nothing but that is not a trace.
  detect: (_name, head) => everyLine(head, /^(OK|\d+(?:\.\d+)? \[\d+ [^\]]*\] ".*)$/) && headLines(head).some((line) => LINE.test(line)),
  load: async (input, { onProgress, store }) => {
    const requests = new RequestCollector(input.path, { store, fillSizes: true });
    await forEachLine(
      input,
      (text, line) => {
        const read = monitorLineRequests(text);
        const decoded = typeof read === 'string' ? requests.fail(read, line) : read;
        for (const request of decoded) requests.add(requests.textKey(request.key), request, line);
      },
      onProgress,
    );
    return requests.finish();
  },
  bytesPerRow: 70,
};
