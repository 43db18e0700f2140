/** The automatic parsed-trace cache: keyed by file and options, self-checking, size-bounded, skippable. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { userTraceCache } from '../../src/trace/trace-cache.js';

/** A CSV of `rows` requests (about 14 bytes a row), big enough to be cached. */
function csv(path: string, rows: number, salt = 0): void {
  const lines = ['key,time'];
  for (let i = 0; i < rows; i++) lines.push(`k${(i * 7919 + salt) % 5000},${(i / 100).toFixed(2)}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

function withCacheFolder(t: { after: (fn: () => void) => void }, env: Record<string, string> = {}): string {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-cache-'));
  const saved = { dir: process.env.CACHEBENCH_CACHE_DIR, size: process.env.CACHEBENCH_CACHE_SIZE };
  process.env.CACHEBENCH_CACHE_DIR = join(folder, 'cache');
  if (env.size !== undefined) process.env.CACHEBENCH_CACHE_SIZE = env.size;
  t.after(() => {
    process.env.CACHEBENCH_CACHE_DIR = saved.dir;
    if (saved.size === undefined) delete process.env.CACHEBENCH_CACHE_SIZE;
    else process.env.CACHEBENCH_CACHE_SIZE = saved.size;
    rmSync(folder, { recursive: true, force: true });
  });
  return folder;
}

const entries = (folder: string): string[] => readdirSync(join(folder, 'cache')).filter((name) => name.endsWith('.cbt'));

test('a repeat run reads the cached binary and gives the same result; other options make another entry', async (t) => {
  const folder = withCacheFolder(t);
  const trace = join(folder, 'trace.csv');
  csv(trace, 120_000);
  const first = await cli('run', trace, '-p', 'lru', '-m', '500', '-f', 'json');
  assert.equal(first.code, 0, first.stderr);
  assert.equal(entries(folder).length, 1);
  const entry = join(folder, 'cache', entries(folder)[0]!);
  // Make the entry look old, so a hit (which marks it used) shows in its time.
  const past = new Date(Date.now() - 86_400_000);
  utimesSync(entry, past, past);
  const second = await cli('run', trace, '-p', 'lru', '-m', '500', '-f', 'json');
  assert.equal(second.stdout, first.stdout);
  assert.ok(statSync(entry).mtimeMs > past.getTime() + 60_000, 'the hit marked the entry used');
  // Reading the columns differently is another load: another entry.
  const other = await cli('run', trace, '--columns', 'key=key', '-p', 'lru', '-m', '500', '-f', 'json');
  assert.equal(other.code, 0, other.stderr);
  assert.equal(entries(folder).length, 2);
  // A changed file is a new entry too, and reads the new contents.
  csv(trace, 130_000);
  const changed = await cli('run', trace, '-p', 'lru', '-m', '500', '-f', 'json');
  assert.notEqual(changed.stdout, first.stdout);
  assert.equal(entries(folder).length, 3);
});

test('a damaged entry is noticed and rebuilt; --no-trace-cache neither reads nor writes one', async (t) => {
  const folder = withCacheFolder(t);
  const trace = join(folder, 'trace.csv');
  csv(trace, 120_000);
  const clean = await cli('run', trace, '-p', 'lru', '-m', '500', '-f', 'json');
  const entry = join(folder, 'cache', entries(folder)[0]!);
  const bytes = readFileSync(entry);
  bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0xff, bytes.length >> 1);
  writeFileSync(entry, bytes);
  const rebuilt = await cli('run', trace, '-p', 'lru', '-m', '500', '-f', 'json');
  assert.equal(rebuilt.stdout, clean.stdout);
  assert.match(rebuilt.stderr, /warning: .*damaged.*rebuilt it from/);
  assert.deepEqual(readFileSync(entry).length, bytes.length);

  const other = join(folder, 'other.csv');
  csv(other, 120_000, 5);
  const skipped = await cli('run', other, '--no-trace-cache', '-p', 'lru', '-m', '500', '-f', 'json');
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.equal(entries(folder).length, 1);
});

test('the folder stays within its size bound, the least recently used entries going first; small files are not cached', async (t) => {
  const folder = withCacheFolder(t, { size: '1MiB' });
  const paths = [0, 1, 2].map((k) => join(folder, `t${k}.csv`));
  paths.forEach((path, k) => {
    csv(path, 120_000, k);
  });
  for (const path of paths) assert.equal((await cli('run', path, '-p', 'lru', '-m', '100')).code, 0);
  // Each entry is about 0.6 MiB: only the newest fits.
  const left = entries(folder);
  assert.equal(left.length, 1);
  const small = join(folder, 'small.csv');
  csv(small, 1000);
  assert.equal((await cli('run', small, '-p', 'lru', '-m', '100')).code, 0);
  assert.deepEqual(entries(folder), left);
  assert.equal(userTraceCache({ CACHEBENCH_CACHE_DIR: '/x', CACHEBENCH_CACHE_SIZE: '2GiB' }).maxBytes, 2 * 2 ** 30);
  assert.equal(userTraceCache({ XDG_CACHE_HOME: '/c' }).folder, '/c/cachebench/traces');
});
