/**
 * The `--memcached` address: HOST:PORT, [v6]:PORT or memcached://HOST[:PORT] (port 11211
 * by default). Checked before any connection is tried, so a typo is a usage error.
 */
import { UsageError } from '../errors.js';

export interface MemcachedTarget {
  readonly host: string;
  readonly port: number;
  /** memcached://host:port, for messages and reports. */
  readonly display: string;
}

const USAGE = 'use HOST:PORT or memcached://HOST:PORT';

export function parseMemcachedAddress(text: string, flag = '--memcached'): MemcachedTarget {
  const bare = text.trim().replace(/^memcached:\/\//, '');
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:/\s[\]]+))(?::(\d+))?\/?$/.exec(bare);
  if (!match) throw new UsageError(`'${text}' is not a memcached address (${USAGE})`, flag);
  const host = match[1] ?? match[2]!;
  const port = match[3] === undefined ? 11211 : Number(match[3]);
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`'${text}': port ${port} is not a usable port (1-65535)`, flag);
  return { host, port, display: `memcached://${host.includes(':') ? `[${host}]` : host}:${port}` };
}
