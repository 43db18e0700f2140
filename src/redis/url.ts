/**
 * The `--redis` URL: redis://[user:password@]host[:port][/db] (or rediss:// for TLS).
 * Checked here, before any connection is tried, so a typo is a usage error and not a
 * timeout. `display` is the URL with the password masked, for every message and report.
 */
import { UsageError } from '../errors.js';

export interface RedisTarget {
  /** The URL as given, handed to the client (it carries the credentials). */
  readonly url: string;
  /** The URL with any password replaced by ***, safe to print. */
  readonly display: string;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly tls: boolean;
}

const USAGE = 'use redis://[user:password@]host:port[/db]';

export function parseRedisUrl(text: string, flag = 'redis'): RedisTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${text}' is not a Redis URL (${USAGE})`, flag);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UsageError(`'${mask(url)}' is not a Redis URL: the scheme must be redis:// or rediss:// (${USAGE})`, flag);
  }
  if (url.hostname === '') throw new UsageError(`'${mask(url)}' has no host (${USAGE})`, flag);
  const port = url.port === '' ? 6379 : Number(url.port);
  if (port < 1) throw new UsageError(`'${mask(url)}': port ${port} is not a usable port (1-65535)`, flag);
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText)) {
    throw new UsageError(`'${mask(url)}': the path must be a database number such as /0, not '/${dbText}'`, flag);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new UsageError(`'${mask(url)}': query strings and fragments are not supported (${USAGE})`, flag);
  }
  return {
    url: text,
    display: mask(url),
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    db: dbText === '' ? 0 : Number(dbText),
    tls: url.protocol === 'rediss:',
  };
}

function mask(url: URL): string {
  if (url.password === '') return url.href.replace(/\/$/, '');
  const copy = new URL(url.href);
  copy.password = '***';
  return copy.href.replace(/\/$/, '');
}
