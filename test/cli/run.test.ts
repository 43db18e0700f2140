/** `cachebench run` end to end: known answers through the CLI, JSON shape, bad inputs. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, spawnCli, ROOT } from '../helpers/cli.js';
import { SCHEMA_VERSION } from '../../src/model/result.js';

const SHARED = join(ROOT, '..', 'shared', 'reference');
const fixtures = mkdtempSync(join(tmpdir(), 'cachebench-run-'));
after(() => {
  rmSync(fixtures, { recursive: true, force: true });
});
function fixture(name: string, text: string): string {
  const path = join(fixtures, name);
  writeFileSync(path, text);
  return path;
}

// The shared reference traces, mirrored here so the suite also runs where shared/ is absent.
const thrash = existsSync(join(SHARED, 'thrash-maxsize2.csv'))
  ? join(SHARED, 'thrash-maxsize2.csv')
  : fixture('thrash.csv', 'key\n1\n2\n3\n1\n');
const lru3 = existsSync(join(SHARED, 'lru-maxsize3.csv'))
  ? join(SHARED, 'lru-maxsize3.csv')
  : fixture('lru3.csv', 'key\n1\n2\n3\n2\n4\n1\n');

async function json(...argv: string[]): Promise<any> {
  const run = await cli(...argv, '--format', 'json');
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

test('reference traces give the functools.lru_cache answers through the CLI', async () => {
  const a = await json('run', thrash, '--policies', 'lru', '--maxsize', '2');
  assert.deepEqual([a.rows[0].hits, a.rows[0].misses, a.rows[0].finalEntries], [0, 4, 2]);
  const b = await json('run', lru3, '--policies', 'lru,lru-cache', '--maxsize', '3');
  for (const row of b.rows) assert.deepEqual([row.hits, row.misses, row.finalEntries], [1, 5, 3]);
});

test('json output is the result object only, with one row per policy x ttl x size', async () => {
  const run = await cli('run', 'traces/sample.csv', '-p', 'lru,fifo', '-m', '64,256', '--ttl', 'off,60s', '-f', 'json');
  const result = JSON.parse(run.stdout);
  assert.equal(result.schemaVersion, SCHEMA_VERSION);
  assert.equal(result.trace.requests, 20000);
  assert.equal(result.rows.length, 2 * 2 * 2);
  assert.deepEqual(result.rows.map((r: any) => `${r.policy}/${r.ttl}/${r.capacity}`).slice(0, 4), [
    'lru/null/64',
    'lru/null/256',
    'lru/60/64',
    'lru/60/256',
  ]);
  for (const row of result.rows) {
    assert.equal(Number(row.hits) + Number(row.misses), row.requests);
    assert.ok(Math.abs(row.latency.mean - (0.1 + (row.misses / row.requests) * 5)) < 1e-9);
  }
  // A TTL can only cost hits.
  assert.ok(result.rows[2].hits <= result.rows[0].hits);
});

test('the same command twice gives byte-identical JSON, synthetic or file', async () => {
  for (const source of ['zipf:alpha=0.8,keys=500,requests=5000,seed=7', 'traces/sample.csv']) {
    const argv = ['run', source, '-p', 'lru,random,w-tinylfu', '-m', '50', '-f', 'json'];
    assert.equal((await cli(...argv)).stdout, (await cli(...argv)).stdout);
  }
});

test('--cache-trace writes a binary copy and reuses it with identical results', async () => {
  const csv = fixture('cached.csv', 'key,time\na,0\nb,1\na,2\nc,3\na,4\n');
  const first = await cli('run', csv, '--cache-trace', '-p', 'lru', '-m', '2', '-f', 'json');
  assert.ok(existsSync(`${csv}.cbt`));
  const written = statSync(`${csv}.cbt`).mtimeMs;
  const second = await cli('run', csv, '--cache-trace', '-p', 'lru', '-m', '2', '-f', 'json');
  assert.equal(statSync(`${csv}.cbt`).mtimeMs, written, 'the cache is reused, not rewritten');
  assert.equal(first.stdout, second.stdout);
});

const badInputs: [string, string[], RegExp][] = [
  ['a missing file', [join(fixtures, 'nope.csv')], /nope\.csv: no such file/],
  ['a row without a key', [fixture('nokey.csv', 'key,size\na,1\n,2\n')], /nokey\.csv:3:1: .*key/],
  ['a non-numeric size', [fixture('badsize.csv', 'key,size\na,1\nb,big\n'), '-c', '1MB'], /badsize\.csv:3:2: column 2 \(size\)/],
  ['a header without key', [fixture('nokeycol.csv', 'id,size\na,1\n')], /nokeycol\.csv:1: .*key/],
  ['a malformed spec', ['zipf:alpha=-1,keys=10,requests=10'], /trace spec 'zipf:alpha=-1,keys=10,requests=10': .*alpha/],
  ['byte capacity without sizes', [fixture('nosizes.csv', 'key\na\n'), '-c', '1MB'], /--capacity: .*no size column/],
  ['a TTL without times', [fixture('notimes.csv', 'key\na\n'), '--ttl', '60s'], /--ttl: .*no time column/],
];

for (const [what, argv, message] of badInputs) {
  test(`exit 2 with a located one-line message for ${what}`, async () => {
    const run = await cli('run', ...argv);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.equal(run.stdout, '');
  });
}

test('npm start runs the README main job on the bundled trace', () => {
  const run = spawnCli('run', 'traces/sample.csv', '--policies', 'lru,lfu,ttl', '--maxsize', '256', '--ttl', '60s');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /traces\/sample\.csv: 20,000 requests/);
  assert.match(run.stdout, /│ ttl\s+│\s+1m │\s+256 │/);
});

test('--out that cannot be written names the target and says why in a sentence, nothing left behind', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-out-'));
  t.after(() => {
    rmSync(folder, { recursive: true, force: true });
  });
  writeFileSync(join(folder, 'file'), 'x');
  const run = await cli('run', 'zipf:alpha=1,keys=100,requests=1000', '-p', 'lru', '-m', '10', '--out', join(folder, 'file', 'report.md'));
  assert.equal(run.code, 2);
  assert.equal(
    run.stderr,
    `cachebench: --out: cannot write ${join(folder, 'file', 'report.md')}: a part of the path is a file, not a folder\n`,
  );
  assert.equal(run.stdout, '');
});

test('a damaged --cache-trace is rebuilt with a warning, and the result is the CSV one', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-cache-'));
  t.after(() => {
    rmSync(folder, { recursive: true, force: true });
  });
  const csv = join(folder, 'trace.csv');
  const rows = ['key'];
  for (let i = 0; i < 5000; i++) rows.push(`k${(i * 13) % 997}`);
  writeFileSync(csv, rows.join('\n') + '\n');
  const args = ['run', csv, '-p', 'lru', '-m', '100', '--format', 'json', '--cache-trace'];
  const fresh = await cli(...args);
  assert.equal(fresh.code, 0, fresh.stderr);
  const cache = `${csv}.cbt`;
  const bytes = readFileSync(cache);
  bytes[1000]! ^= 0xff; // inside the key column, past the header and the metadata
  writeFileSync(cache, bytes);
  const damaged = await cli(...args);
  assert.equal(damaged.code, 0, damaged.stderr);
  assert.match(
    damaged.stderr,
    /^cachebench: warning: .*trace\.csv\.cbt: not a valid binary trace \(checksum mismatch: the file is damaged\); rebuilt it from /,
  );
  assert.equal(damaged.stdout, fresh.stdout);
});

test('64mb, 64MB and 64MiB are one size in every spelling, and each report keeps the spelling typed', async () => {
  const spec = 'zipf:alpha=1,keys=2000,requests=4000,sizes=10KB..100KB';
  const spellings = [
    ['64mb', 'kb', '64mb'],
    ['64MB', 'KB', '64MB'],
    ['64MiB', 'KiB', '64MiB'],
  ] as const;
  const hits = new Set<number>();
  for (const [typed, style, label] of spellings) {
    const result = await json('run', spec, '-p', 'lru', '-c', typed);
    assert.deepEqual(result.options.capacities, [64 * 1024 ** 2]);
    assert.equal(result.options.byteUnits, style);
    hits.add(result.rows[0].hits);
    const table = await cli('run', spec, '-p', 'lru', '-c', typed);
    assert.match(table.stdout, new RegExp(`\\b${label}\\b`));
  }
  assert.equal(hits.size, 1, 'the same capacity gives the same hits');
  // redis.conf's bare letter is a power of 1000, and reads back as typed.
  const decimal = await json('run', spec, '-p', 'lru', '-c', '64m');
  assert.deepEqual(decimal.options.capacities, [64e6]);
  assert.match((await cli('run', spec, '-p', 'lru', '-c', '64m')).stdout, /\b64m\b/);
});
