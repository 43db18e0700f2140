/**
 * The automatic parsed-trace cache: every file the CLI reads is kept in its binary form in a
 * user cache folder, so a repeat run reads the binary and skips the parse. An entry is named
 * by a hash of the file's real path, size and modification time and of the load options, so a
 * changed file or other options make a new entry and never meet a stale one; entries are the
 * checksummed binary format (binary.ts), so a damaged one is noticed and rebuilt. The folder
 * is kept under a size bound by removing the least recently used entries after each write.
 *
 * The folder is $CACHEBENCH_CACHE_DIR, else $XDG_CACHE_HOME/cachebench/traces, else
 * ~/.cache/cachebench/traces; $CACHEBENCH_CACHE_SIZE bounds it (default 4GiB), and files
 * smaller than MIN_FILE_BYTES are not cached (they parse faster than a cache is checked).
 */
import { nodeCrypto } from '../lazy-builtins.js';
import { mkdir, readdir, realpath, rm, stat, utimes } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseBytes } from '../units.js';
import { UsageError } from '../errors.js';

/** A folder of parsed traces kept by `loadTrace({ cache: folder })`: where, how big, and from what file size. */
export interface TraceCacheFolder {
  readonly folder: string;
  /** The folder is trimmed to at most this many bytes, oldest use first. */
  readonly maxBytes: number;
  /** Files smaller than this are read as they are. */
  readonly minFileBytes: number;
}

export const DEFAULT_CACHE_BYTES = 4 * 2 ** 30;
/** About 100,000 CSV rows: below it, parsing takes less time than checking a cache saves. */
export const MIN_FILE_BYTES = 2 ** 20;
const SUFFIX = '.cbt';

/** Where the user's trace cache lives and how big it may grow, from the environment. */
export function userTraceCache(env: NodeJS.ProcessEnv = process.env): TraceCacheFolder {
  const folder =
    env.CACHEBENCH_CACHE_DIR !== undefined && env.CACHEBENCH_CACHE_DIR !== ''
      ? env.CACHEBENCH_CACHE_DIR
      : join(
          env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache'),
          'cachebench',
          'traces',
        );
  const size = env.CACHEBENCH_CACHE_SIZE;
  const maxBytes = size === undefined || size === '' ? DEFAULT_CACHE_BYTES : parseBytes(size, 'CACHEBENCH_CACHE_SIZE');
  if (!(maxBytes > 0)) throw new UsageError(`'${size ?? ''}' must be a positive size, e.g. 4GiB`, 'CACHEBENCH_CACHE_SIZE');
  return { folder, maxBytes, minFileBytes: MIN_FILE_BYTES };
}

/**
 * The entry for `path` read with `options` (their canonical text), or undefined when the file
 * is not worth caching (too small, or already a binary trace).
 */
export async function cacheEntryFor(path: string, optionsKey: string, cache: TraceCacheFolder): Promise<string | undefined> {
  if (path.endsWith(SUFFIX)) return undefined;
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isFile() || info.size < cache.minFileBytes) return undefined;
  const real = await realpath(path).catch(() => path);
  const key = nodeCrypto()
    .createHash('sha256')
    .update(JSON.stringify([real, info.size, info.mtimeMs, optionsKey]))
    .digest('hex')
    .slice(0, 32);
  await mkdir(cache.folder, { recursive: true });
  return join(cache.folder, key + SUFFIX);
}

/** An entry was read: it counts as just used, so trimming removes others first. */
export async function touchEntry(entry: string): Promise<void> {
  const now = new Date();
  await utimes(entry, now, now).catch(() => undefined);
}

/**
 * Removes the least recently used entries until the folder holds at most maxBytes, never
 * `keep` (the one just written). Only this cache's own files are counted or removed.
 */
export async function trimCache(cache: TraceCacheFolder, keep: string): Promise<void> {
  const names = await readdir(cache.folder).catch(() => [] as string[]);
  const entries = [];
  for (const name of names) {
    if (!/^[0-9a-f]{32}\.cbt$/.test(name)) continue;
    const path = join(cache.folder, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) entries.push({ path, bytes: info.size, used: info.mtimeMs });
  }
  let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  entries.sort((a, b) => a.used - b.used || (a.path < b.path ? -1 : 1));
  for (const entry of entries) {
    if (total <= cache.maxBytes) break;
    if (entry.path === keep) continue;
    await rm(entry.path, { force: true });
    total -= entry.bytes;
  }
}
