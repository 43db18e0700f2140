/**
 * The command line runs from a bundle (dist/cli/, scripts/bundle-cli.js) compiled from the
 * code cache made with it (bin/cli-loader.cjs): every worker script its code starts must have
 * been bundled beside it, this Node must take the cache and do without it when it is damaged,
 * and threaded, streamed and range-parsed runs through it must print what the library
 * computes in-process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/api/simulate.js';
import { loadTrace } from '../../src/trace/index.js';
import { generateTrace } from '../../src/trace/spec.js';
import { ROOT, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-files.js';

const BUNDLE = join(ROOT, 'dist', 'cli');
const files = tempDir('bundle');

test('every worker script and WebAssembly module the bundled code loads is bundled beside it', () => {
  const started = new Set<string>();
  for (const name of readdirSync(BUNDLE).filter((file) => file.endsWith('.js') || file.endsWith('.cjs'))) {
    const text = readFileSync(join(BUNDLE, name), 'utf8');
    // In the CommonJS script import.meta.url is the script's own URL, __bundleUrl.
    for (const match of text.matchAll(/new URL\(["']\.\/([^"']+)["'], (?:import\.meta\.url|__bundleUrl)\)/g)) started.add(match[1]!);
  }
  // The CSV kernel; the grid's threads, the streamed grid's, and the CSV range readers'.
  assert.deepEqual([...started].sort(), ['csv-kernel.wasm', 'csv-range-worker.js', 'stream-worker.js', 'worker.js']);
  for (const script of started) assert.ok(existsSync(join(BUNDLE, script)), `${script} is missing from dist/cli`);
  assert.match(readFileSync(join(ROOT, 'bin', 'cli-loader.cjs'), 'utf8'), /'dist', 'cli', 'cachebench\.cjs'/);
});

/** `node -e` in a fresh process: whether bin/cli-loader.cjs (under `root`) compiled the bundle from its cache. */
function cacheUsedUnder(root: string): string {
  const loader = join(root, 'bin', 'cli-loader.cjs');
  const probe = `process.stdout.write(String(require(${JSON.stringify(loader)}).loadCli().cacheUsed))`;
  const child = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return child.stdout;
}

test('the bundle is compiled from the code cache the build made, and runs as well without it when the cache is damaged', () => {
  assert.equal(cacheUsedUnder(ROOT), 'true', 'this Node takes the cache made by this build');
  // A copy of bin/ and dist/cli/ whose cache is garbage: V8 refuses it, and the commands answer as before.
  const copy = join(files.dir, 'damaged-cache');
  mkdirSync(join(copy, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'bin'), join(copy, 'bin'), { recursive: true });
  cpSync(BUNDLE, join(copy, 'dist', 'cli'), { recursive: true });
  const cache = join(copy, 'dist', 'cli', 'cachebench.code-cache');
  const bytes = readFileSync(cache);
  for (let i = 0; i < bytes.length; i += 7) bytes[i] = bytes[i]! ^ 0xa5;
  writeFileSync(cache, bytes);
  assert.equal(cacheUsedUnder(copy), 'false');
  const argv = [
    'run',
    'zipf:alpha=0.9,keys=500,requests=5000,seed=2',
    '-p',
    'lru,s3-fifo',
    '-m',
    '50',
    '--format',
    'json',
    '--no-progress',
  ];
  const run = (root: string): string => {
    const child = spawnSync(process.execPath, [join(root, 'bin', 'cachebench.cjs'), ...argv], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    return child.stdout;
  };
  assert.equal(run(copy), run(ROOT));
});

test('threaded, streamed and sized runs through the bundle print what the library computes', async () => {
  const trace = generateTrace('zipf:alpha=0.9,keys=2000,requests=60000,seed=3');
  const csv = join(files.dir, 'bundle.csv');
  writeFileSync(csv, 'key,size\n' + Array.from(trace.keys, (id) => `k${id},${1 + (id % 13)}`).join('\n') + '\n');
  const loaded = await loadTrace(csv);
  const expected = await simulate(loaded, { policies: ['lru', 's3-fifo', 'w-tinylfu'], capacities: [50, 500], workers: 1 });
  const misses = (rows: readonly { policy: string; capacity: number; misses: number }[]): string[] =>
    rows.map((row) => `${row.policy}@${row.capacity}:${row.misses}`);
  for (const [command, ...extra] of [
    ['sweep', '--workers', '2'],
    ['run', '--stream'],
    ['run', '--no-trace-cache'],
  ] as const) {
    const run = spawnCli(command, csv, '--policies', 'lru,s3-fifo,w-tinylfu', '--maxsize', '50,500', '--format', 'json', ...extra);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(misses(JSON.parse(run.stdout).rows), misses(expected.rows), `${command} ${extra.join(' ')}`);
  }
});
