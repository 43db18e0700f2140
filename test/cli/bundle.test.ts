/**
 * The command line runs from a bundle (dist/cli/, scripts/bundle-cli.js): every worker script
 * its code starts must have been bundled beside it, and threaded, streamed and range-parsed
 * runs through it must print what the library computes in-process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../../src/api/simulate.js';
import { loadTrace } from '../../src/trace/index.js';
import { generateTrace } from '../../src/trace/spec.js';
import { ROOT, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-files.js';

const BUNDLE = join(ROOT, 'dist', 'cli');
const files = tempDir('bundle');

test('every worker script the bundled code starts is bundled beside it', () => {
  const started = new Set<string>();
  for (const name of readdirSync(BUNDLE).filter((file) => file.endsWith('.js'))) {
    const text = readFileSync(join(BUNDLE, name), 'utf8');
    for (const match of text.matchAll(/new URL\(["']\.\/([^"']+)["'], import\.meta\.url\)/g)) started.add(match[1]!);
  }
  // The grid's threads, the streamed grid's, and the CSV range readers'.
  assert.deepEqual([...started].sort(), ['csv-range-worker.js', 'stream-worker.js', 'worker.js']);
  for (const script of started) assert.ok(existsSync(join(BUNDLE, script)), `${script} is missing from dist/cli`);
  assert.match(readFileSync(join(ROOT, 'bin', 'cachebench.js'), 'utf8'), /dist\/cli\/main\.js/);
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
