/**
 * One connection to the server, configured never to hang and never to retry behind the
 * user's back: no reconnects, no offline queue, a connect timeout and a per-command timeout.
 * ioredis reports the underlying cause (ECONNREFUSED, WRONGPASS, ...) as an 'error' event
 * and then fails the pending command with a generic "Connection is closed."; the session
 * keeps the last such event so a failure can be explained in one line.
 */
import { Redis, ReplyError } from 'ioredis';
import type { RedisTarget } from './url.js';

export interface RedisSession {
  readonly client: Redis;
  readonly target: RedisTarget;
  /** One line saying why `error` happened, naming the cause rather than the symptom. */
  explain(error: unknown): string;
  /** Whether the connection is still usable (for best-effort clean-up after a failure). */
  usable(): boolean;
  close(): void;
}

export async function openRedis(target: RedisTarget, timeoutSeconds: number): Promise<RedisSession> {
  const timeoutMs = Math.max(1, Math.round(timeoutSeconds * 1000));
  const client = new Redis(target.url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    // The ready check would print its own warning when INFO is refused (e.g. NOAUTH).
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    ...(target.tls && { tls: {} }),
  });
  let lastEvent: Error | undefined;
  // Without a listener ioredis prints "Unhandled error event" with a stack trace.
  client.on('error', (error: Error) => {
    lastEvent = error;
  });
  const session: RedisSession = {
    client,
    target,
    explain: (error) => explainFailure(error, lastEvent, target),
    usable: () => client.status === 'ready' || client.status === 'connect',
    close: () => {
      client.disconnect();
    },
  };
  try {
    await client.connect();
    // AUTH problems surface on the first real command, so ask one now.
    await client.ping();
    // The client's own SELECT on connect fails quietly (and leaves it on database 0), so
    // choose the database here, where a missing one is an error.
    if (target.db !== 0) await selectDatabase(client, target.db);
  } catch (error) {
    client.disconnect();
    throw new Error(error instanceof MissingDatabase ? error.message : session.explain(error));
  }
  return session;
}

class MissingDatabase extends Error {}

async function selectDatabase(client: Redis, db: number): Promise<void> {
  try {
    await client.select(db);
  } catch (error) {
    if (!isReplyError(error) || !/DB index is out of range|invalid DB index/i.test(error.message)) throw error;
    const count = await client
      .config('GET', 'databases')
      .then((pair) => Number((pair as string[])[1]))
      .catch(() => NaN);
    const range = Number.isInteger(count) && count > 0 ? `: it has ${count}, /0 to /${count - 1}` : '';
    throw new MissingDatabase(`database ${db} does not exist on this server${range}`);
  }
}

export function isReplyError(error: unknown): error is Error {
  return error instanceof ReplyError;
}

function explainFailure(error: unknown, lastEvent: Error | undefined, target: RedisTarget): string {
  // Prefer the cause ioredis reported as an event over the generic rejection it led to.
  const causes = [lastEvent, error].filter((e): e is Error => e instanceof Error);
  for (const cause of causes) {
    const code = (cause as { code?: unknown }).code;
    const message = cause.message;
    if (isReplyError(cause) && message.startsWith('NOPERM')) return `permission denied: ${firstLine(message)}`;
    if (isReplyError(cause) && /unknown command .CONFIG/i.test(message)) {
      return 'the server does not allow CONFIG (managed services often disable it), which replay needs to set maxmemory';
    }
    if (isReplyError(cause) && /^(WRONGPASS|NOAUTH)/.test(message)) {
      const hint = message.startsWith('NOAUTH') ? ' (give the password in the URL: redis://:PASSWORD@host:port)' : '';
      return `authentication failed: ${firstLine(message)}${hint}`;
    }
    if (code === 'ECONNREFUSED') return `connection refused (is redis-server listening on ${target.host}:${target.port}?)`;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `unknown host '${target.host}'`;
    if (code === 'ETIMEDOUT') return 'timed out connecting';
    if (code === 'ECONNRESET' || code === 'EPIPE') return `lost the connection (${code})`;
  }
  const message = causes[causes.length - 1]?.message ?? String(error);
  if (/Command timed out/i.test(message)) return 'the server did not answer in time (command timed out)';
  if (/Connection is closed|Stream isn't writeable/i.test(message)) return 'lost the connection';
  return firstLine(message);
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim().replace(/\.$/, '');
}
