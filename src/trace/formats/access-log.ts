/**
 * Web server access logs in the NCSA common or combined format, which nginx writes by default
 * and Apache's `combined` LogFormat gives:
 * `host ident user [10/Oct/2000:13:55:36 -0700] "GET /path?q HTTP/1.1" 200 2326 "referer" "agent"`,
 * optionally followed by nginx's `$request_time` (seconds), taken as the miss cost. For sizing
 * an HTTP cache or CDN: the URL is the key, the response bytes the size.
 */
import { UsageError } from '../../errors.js';
import { OP_DELETE, OP_GET } from '../trace.js';
import { everyLine, type FormatParams, type TraceFormat } from './format.js';
import { RequestCollector, UNKNOWN_SIZE, forEachLine } from './records.js';

const QUOTED = '"((?:[^"\\\\]|\\\\.)*)"';
const LINE = new RegExp(
  `^(\\S+) (\\S+) (\\S+) \\[([^\\]]+)\\] ${QUOTED} (\\d{3}) (\\d+|-)(?: ${QUOTED} ${QUOTED})?(?: +(\\d+(?:\\.\\d+)?))?(?: .*)?$`,
);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const TIME = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))? ([+-])(\d{2})(\d{2})$/;

/** The statuses RFC 9111 lets a cache store without explicit freshness (heuristically cacheable). */
const DEFAULT_STATUSES = '200,203,204,206,300,301,308,404,405,410,414,501';

/** Unix seconds of a `[10/Oct/2000:13:55:36 -0700]` time, or NaN. */
export function parseLogTime(text: string): number {
  const match = TIME.exec(text);
  if (!match) return NaN;
  const [, day, month, year, hour, minute, second, fraction, sign, zoneHours, zoneMinutes] = match as unknown as string[];
  const monthIndex = MONTHS.indexOf(month!.toLowerCase());
  if (monthIndex < 0) return NaN;
  const utc = Date.UTC(Number(year), monthIndex, Number(day), Number(hour), Number(minute), Number(second)) / 1000;
  const zone = (Number(zoneHours) * 3600 + Number(zoneMinutes) * 60) * (sign === '-' ? -1 : 1);
  return utc - zone + (fraction === undefined ? 0 : Number(`0.${fraction}`));
}

function statusesOf(text: string): (status: number) => boolean {
  const ranges = text.split(',').map((piece) => {
    const match = /^\s*(\d{3})(?:\s*-\s*(\d{3}))?\s*$/.exec(piece);
    if (!match) throw new UsageError(`statuses: '${piece}' is not a status or a range like 200-299`, 'format');
    return [Number(match[1]), Number(match[2] ?? match[1])] as const;
  });
  return (status) => ranges.some(([low, high]) => status >= low && status <= high);
}

function settingsOf(params: FormatParams): { dropQuery: boolean; cacheable: (status: number) => boolean } {
  const query = (params.get('query') ?? 'keep').toLowerCase();
  if (query !== 'keep' && query !== 'drop') throw new UsageError(`query must be keep or drop, not '${query}'`, 'format');
  return { dropQuery: query === 'drop', cacheable: statusesOf(params.get('statuses') ?? DEFAULT_STATUSES) };
}

export const accessLog: TraceFormat = {
  id: 'access-log',
  description: 'nginx/Apache access logs (common or combined format, optional trailing $request_time)',
  columns:
    'key: the URL path (query kept unless query=drop); time: [time_local] as Unix seconds; size: response bytes; op: GET/HEAD to get, POST/PUT/PATCH/DELETE to delete (they invalidate the URL); cost: a trailing request time; requests with other methods or a status not in statuses= are left out (they pass the cache by)',
  params: [
    { name: 'query', description: 'keep or drop the query string from the key', default: 'keep' },
    { name: 'statuses', description: 'statuses whose responses a cache would store (list and ranges)', default: DEFAULT_STATUSES },
  ],
  detect: (_name, head) => everyLine(head, LINE),
  load: async (input, { onProgress, store }, params) => {
    const { dropQuery, cacheable } = settingsOf(params);
    // Workers write their lines as requests end, so neighbours can be a second or so apart.
    const requests = new RequestCollector(input.path, { store, fillSizes: true, timeSlackSeconds: 5 });
    await forEachLine(
      input,
      (text, line) => {
        if (text.trim() === '') return;
        const match = LINE.exec(text);
        if (!match) requests.fail('not an access log line (host ident user [time] "request" status bytes ...)', line);
        const [, , , , timeText, request, statusText, bytesText, , , requestTime] = match as unknown as (string | undefined)[];
        const time = parseLogTime(timeText!);
        if (Number.isNaN(time)) requests.fail(`'[${timeText}]' is not a log time like [10/Oct/2000:13:55:36 -0700]`, line);
        const parts = request!.split(' ');
        // A request line the server could not parse ("-", or junk from a scanner) reached no cache.
        if (parts.length < 2) return;
        const method = parts[0]!.toUpperCase();
        const op = method === 'GET' || method === 'HEAD' ? OP_GET : ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? OP_DELETE : -1;
        if (op < 0) return;
        if (op === OP_GET && !cacheable(Number(statusText))) return;
        let url = parts[1]!;
        if (dropQuery) url = url.split('?')[0]!;
        // A HEAD or an invalidating request's response says nothing of the object's size.
        const size = op !== OP_GET || method === 'HEAD' || bytesText === '-' ? UNKNOWN_SIZE : Number(bytesText);
        requests.add(
          requests.textKey(url),
          { time, size, op, ...(requestTime !== undefined && op === OP_GET && { cost: Number(requestTime) }) },
          line,
        );
      },
      onProgress,
    );
    return requests.finish();
  },
  bytesPerRow: 180,
};
