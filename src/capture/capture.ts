/**
 * `captureTrace()`: records a trace from a running server, read-only, through the stream it
 * offers every client that asks: Redis's MONITOR, memcached's `watch fetchers mutations
 * deletions`. The lines are the ones the `redis-monitor` and `memcached-watch` trace formats
 * read, decoded by the same functions, so a capture and a saved dump of the same traffic give
 * the same trace. A capture is bounded by time and by requests, whichever comes first, and an
 * AbortSignal ends it early keeping what it has.
 *
 * Sources are a table by URL scheme; each opens its stream and turns a line into requests.
 */
import { UsageError } from '../errors.js';
import { RequestCollector, type LoggedRequest } from '../trace/formats/records.js';
import { monitorLineRequests } from '../trace/formats/redis-monitor.js';
import { WatchDecoder } from '../trace/formats/memcached-watch.js';
import { parseRedisUrl } from '../redis/url.js';
import type { Trace } from '../trace/trace.js';
import { openLines, type LineConnection } from './lines.js';
import { keyAnonymizer, keySampler } from './sample.js';

/** The longest capture allowed: MONITOR costs a busy server throughput while it runs. */
export const MAX_CAPTURE_MS = 60 * 60 * 1000;
/** The most requests one capture keeps (about 30 bytes each in memory until written). */
export const MAX_CAPTURE_REQUESTS = 100_000_000;
/** Without either bound given, a capture lasts this long. */
export const DEFAULT_CAPTURE_MS = 60_000;

/** How long and how much to capture, and what to do to the keys. */
export interface CaptureOptions {
  /** Stop after this long (default 60 s when `requests` is not given either; at most 1 h). */
  readonly durationMs?: number;
  /** Stop once this many requests are kept (at most 1e8). */
  readonly requests?: number;
  /** Keep this share of the keys, chosen by key hash (every request of a kept key is kept). Default 1. */
  readonly sample?: number;
  /** Seed of the sampling hash. Default 0. */
  readonly seed?: number;
  /** Replace keys by a keyed hash, so the trace can be shared. */
  readonly anonymize?: boolean;
  /** Connecting gives up after this long. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Called as requests arrive: requests kept so far, requests seen, ms since the start. */
  readonly onProgress?: (kept: number, seen: number, elapsedMs: number) => void;
  /** Called once the server streams to us: traffic from now on is recorded. */
  readonly onStart?: () => void;
  /** Ends the capture early; the requests captured so far are returned. */
  readonly signal?: AbortSignal;
}

/** A capture's trace and how it went. */
export interface CapturedTrace {
  readonly trace: Trace;
  /** The server, as a URL safe to print (no password). */
  readonly source: string;
  /** Requests the server's stream showed (before sampling). */
  readonly seen: number;
  readonly sample: number;
  readonly elapsedMs: number;
  readonly stoppedBy: 'duration' | 'requests' | 'signal' | 'server closed';
}

/** A row of the capture-source table. */
export interface CaptureSource {
  readonly schemes: readonly string[];
  /** What asking for the stream costs the server, said before it starts. */
  readonly cost: string;
  open(
    url: string,
    timeoutMs: number,
  ): Promise<{
    display: string;
    lines: LineConnection;
    /** The requests a line completes, or what is wrong with it. */
    accept: (line: string) => LoggedRequest[] | string;
    /** Requests still held when the stream ends. */
    flush?: () => LoggedRequest[];
  }>;
}

/** Reads one reply line; an error reply or a closed connection is a one-line error. */
async function expectOk(lines: LineConnection, what: string, display: string): Promise<void> {
  const reply = await lines.next();
  if (reply === undefined) throw new Error(`${display} closed the connection when asked to ${what}`);
  if (!/^\+?OK$/.test(reply)) throw new Error(`${display} refused to ${what}: ${reply.replace(/^[-+]/, '')}`);
}

const resp = (...args: string[]): string => `*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`;

const redisSource: CaptureSource = {
  schemes: ['redis:', 'rediss:'],
  cost: "MONITOR streams every command to this client; on a busy server it can take half of Redis's throughput while it runs",
  open: async (url, timeoutMs) => {
    const target = parseRedisUrl(url, 'source');
    const parsed = new URL(url);
    const onlyDb = parsed.pathname.replace(/^\//, '') === '' ? undefined : String(target.db);
    const lines = await openLines(target.host, target.port, { tls: target.tls, timeoutMs, display: target.display });
    try {
      if (parsed.password !== '') {
        const user = decodeURIComponent(parsed.username);
        lines.send(
          user === '' ? resp('AUTH', decodeURIComponent(parsed.password)) : resp('AUTH', user, decodeURIComponent(parsed.password)),
        );
        await expectOk(lines, 'authenticate', target.display);
      }
      lines.send(resp('MONITOR'));
      await expectOk(lines, 'MONITOR', target.display);
    } catch (error) {
      lines.close();
      throw error;
    }
    return {
      display: target.display,
      lines,
      accept: (line) => {
        // Every line of MONITOR's stream is a status reply: '+' and the text redis-cli prints.
        const text = line.startsWith('+') ? line.slice(1) : line;
        if (onlyDb !== undefined && !text.includes(` [${onlyDb} `)) return [];
        return monitorLineRequests(text);
      },
    };
  },
};

const memcachedSource: CaptureSource = {
  schemes: ['memcached:'],
  cost: 'watch streams every fetch and mutation to this client; memcached drops log lines rather than slow down, and says so',
  open: async (url, timeoutMs) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`'${url}' is not a memcached URL (use memcached://host:port)`, 'source');
    }
    if (parsed.hostname === '') throw new UsageError(`'${url}' has no host (use memcached://host:port)`, 'source');
    const port = parsed.port === '' ? 11211 : Number(parsed.port);
    const display = `memcached://${parsed.host}`;
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    let lines = await openLines(host, port, { timeoutMs, display });
    lines.send('watch fetchers mutations deletions\r\n');
    let reply = await lines.next();
    if (reply !== undefined && /^(CLIENT_)?ERROR/.test(reply)) {
      // An older memcached has no deletions stream: watch the other two.
      lines.close();
      lines = await openLines(host, port, { timeoutMs, display });
      lines.send('watch fetchers mutations\r\n');
      reply = await lines.next();
    }
    if (reply !== 'OK') {
      lines.close();
      throw new Error(`${display} refused to watch: ${reply ?? 'it closed the connection'}`);
    }
    const decoder = new WatchDecoder();
    return { display, lines, accept: (line) => decoder.line(line), flush: () => decoder.flush() };
  },
};

/** The capture-source table, by URL scheme. */
export const CAPTURE_SOURCES: readonly CaptureSource[] = [redisSource, memcachedSource];

/** The source for a URL, or a usage error listing the schemes. */
export function captureSourceFor(url: string): CaptureSource {
  const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(url)?.[1]?.toLowerCase();
  const source = CAPTURE_SOURCES.find((row) => scheme !== undefined && row.schemes.includes(scheme));
  if (!source) {
    throw new UsageError(
      `'${url}' is not a server URL to capture from (use ${CAPTURE_SOURCES.flatMap((row) => row.schemes)
        .map((s) => `${s}//host:port`)
        .join(', ')})`,
      'source',
    );
  }
  return source;
}

/** Checks the bounds and the sample rate; throws a UsageError naming the option. */
export function checkCaptureOptions(options: CaptureOptions): void {
  const { durationMs, requests, sample } = options;
  if (durationMs !== undefined && !(durationMs > 0 && durationMs <= MAX_CAPTURE_MS)) {
    throw new UsageError(
      `must be more than 0 and at most 1 hour (MONITOR slows a busy server while it runs), not ${durationMs} ms`,
      'durationMs',
    );
  }
  if (requests !== undefined && !(Number.isSafeInteger(requests) && requests >= 1 && requests <= MAX_CAPTURE_REQUESTS)) {
    throw new UsageError(`must be a whole number from 1 to ${MAX_CAPTURE_REQUESTS.toExponential()}, not ${requests}`, 'requests');
  }
  if (sample !== undefined && !(sample > 0 && sample <= 1))
    throw new UsageError(`must be more than 0 and at most 1, not ${sample}`, 'sample');
}

/** When a capture with these options stops: the duration and the request count it is held to. */
export function captureBounds(options: CaptureOptions): { durationMs: number; requests: number } {
  // Without either bound a capture lasts a minute; with only a request count, at most an hour.
  const durationMs = options.durationMs ?? (options.requests === undefined ? DEFAULT_CAPTURE_MS : MAX_CAPTURE_MS);
  return { durationMs, requests: options.requests ?? MAX_CAPTURE_REQUESTS };
}

/**
 * Records a trace from the server at `url` (`redis://host:port[/db]`, `rediss://`,
 * `memcached://host:port`) until the duration passes, enough requests are kept, the signal
 * fires or the server closes the stream. Nothing is sent but the request for the stream
 * (and AUTH when the URL has a password).
 */
export async function captureTrace(url: string, options: CaptureOptions = {}): Promise<CapturedTrace> {
  checkCaptureOptions(options);
  const source = captureSourceFor(url);
  const { durationMs, requests: limit } = captureBounds(options);
  const sample = options.sample ?? 1;
  const keep = keySampler(sample, options.seed ?? 0);
  const rename = options.anonymize === true ? keyAnonymizer() : (key: string): string => key;
  const { display, lines, accept, flush } = await source.open(url, options.connectTimeoutMs ?? 5000);
  const requests = new RequestCollector(display, { fillSizes: true, timeSlackSeconds: 1 });
  const started = Date.now();
  options.onStart?.();
  let seen = 0;
  // An object, not a variable: the timer and the signal change it behind the loop's back.
  const state: { stoppedBy: CapturedTrace['stoppedBy'] } = { stoppedBy: 'server closed' };
  const stop = (why: CapturedTrace['stoppedBy']): void => {
    state.stoppedBy = why;
    lines.close();
  };
  const timer = setTimeout(() => {
    stop('duration');
  }, durationMs);
  const onAbort = (): void => {
    stop('signal');
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted === true) onAbort();
  let line = 0;
  const take = (decoded: readonly LoggedRequest[]): void => {
    for (const request of decoded) {
      if (requests.length >= limit) return;
      seen++;
      if (!keep(request.key)) continue;
      requests.add(requests.textKey(rename(request.key)), request, line);
      if (requests.length >= limit) stop('requests');
    }
  };
  try {
    for (let text = await lines.next(); text !== undefined; text = await lines.next()) {
      line++;
      const decoded = accept(text);
      // A line the stream should not carry (the server's protocol changed?) is skipped, not fatal.
      if (typeof decoded !== 'string') take(decoded);
      if (state.stoppedBy !== 'server closed') break;
      if ((line & 1023) === 0) options.onProgress?.(requests.length, seen, Date.now() - started);
    }
  } catch (error) {
    // The stream ends with an error when we close it ourselves; only a failure before that is one.
    if (state.stoppedBy === 'server closed') throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    lines.close();
  }
  if (flush) take(flush());
  const elapsedMs = Date.now() - started;
  options.onProgress?.(requests.length, seen, elapsedMs);
  if (requests.length === 0) {
    throw new UsageError(
      `no requests were captured from ${display} in ${(elapsedMs / 1000).toFixed(1)} s (${seen} seen${sample < 1 ? `, none of a sampled key at ${sample}` : ''}); is it serving traffic?`,
      'source',
    );
  }
  return { trace: requests.finish(), source: display, seen, sample, elapsedMs, stoppedBy: state.stoppedBy };
}
