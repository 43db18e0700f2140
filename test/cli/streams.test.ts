/**
 * Traces that are streams: standard input as `-`, a FIFO, and bash's process substitution
 * (`<(zstdcat t.zst)`, a /dev/fd path). Each is read once as it comes and must give the same
 * result as the file it carries, compressed or not, through the fast CSV path or the
 * csv-parse fallback (which replays what the fast path had read), and leave nothing behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-files.js';

const files = tempDir('streams');
const SAMPLE = join(ROOT, 'traces', 'sample.csv');
const ARGS = ['--policies', 'lru,lfu', '--maxsize', '64,256', '-f', 'json'];

function resultsOf(stdout: string): unknown {
  const result = JSON.parse(stdout) as { rows: unknown[] };
  return result.rows;
}

function runWithStdin(input: Buffer, ...argv: string[]): { code: number; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [`${ROOT}bin/cachebench.cjs`, ...argv], { cwd: ROOT, input, encoding: 'utf8' });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

const spools = (): string[] => readdirSync(tmpdir()).filter((name) => name.startsWith('cachebench-stream-'));

test('run - reads standard input: plain and gzip CSV, and zstd Twitter rows, as their files give them', () => {
  const expected = resultsOf(spawnCli('run', SAMPLE, ...ARGS).stdout);
  const text = readFileSync(SAMPLE);
  for (const [what, bytes] of [
    ['plain', text],
    ['gzip', gzipSync(text)],
    ['zstd', readFileSync(join(ROOT, 'test', 'fixtures', 'formats', 'twitter.csv.zst'))],
  ] as const) {
    const run = runWithStdin(bytes, 'run', '-', ...ARGS);
    assert.equal(run.code, 0, `${what}: ${run.stderr}`);
    const same =
      what === 'zstd' ? resultsOf(spawnCli('run', join(ROOT, 'test', 'fixtures', 'formats', 'twitter.csv'), ...ARGS).stdout) : expected;
    assert.deepEqual(resultsOf(run.stdout), same, what);
  }
});

test('a stream that needs csv-parse after the fast path began is replayed from its spool, which is then removed', () => {
  let text = 'key,size\n';
  for (let i = 0; i < 50_000; i++) text += `k${i % 300},${1 + (i % 7)}\n`;
  const quoted = text + '"k1",3\n';
  const file = files.write('late-quote.csv', quoted);
  const expected = resultsOf(spawnCli('run', file, ...ARGS).stdout);
  const before = spools().length;
  const run = runWithStdin(Buffer.from(quoted), 'run', '-', ...ARGS);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(resultsOf(run.stdout), expected);
  assert.equal(spools().length, before, 'no spool file is left behind');
});

test('a FIFO and a process substitution are read as streams', { skip: spawnSync('bash', ['-c', 'true']).status !== 0 }, async () => {
  const expected = resultsOf(spawnCli('run', SAMPLE, ...ARGS).stdout);
  const fifo = join(files.dir, 'trace.fifo');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const writer = spawn('bash', ['-c', `cat '${SAMPLE}' > '${fifo}'`]);
  const viaFifo = spawnCli('run', fifo, ...ARGS);
  await new Promise((resolve) => writer.on('exit', resolve));
  assert.equal(viaFifo.code, 0, viaFifo.stderr);
  assert.deepEqual(resultsOf(viaFifo.stdout), expected);

  const gz = files.write('sample.csv.gz', gzipSync(readFileSync(SAMPLE)));
  const substituted = spawnSync(
    'bash',
    ['-c', `'${process.execPath}' '${ROOT}bin/cachebench.cjs' run <(gzip -dc '${gz}') ${ARGS.join(' ')}`],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(substituted.status, 0, substituted.stderr);
  assert.deepEqual(resultsOf(substituted.stdout), expected);
});

test('empty standard input and a binary cache of a stream are one-line errors, exit 2', () => {
  const empty = runWithStdin(Buffer.alloc(0), 'run', '-', ...ARGS);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /^cachebench: stdin: the input is empty\n$/);
  const cached = runWithStdin(readFileSync(SAMPLE), 'run', '-', '--cache-trace', join(files.dir, 'x.cbt'), ...ARGS);
  assert.equal(cached.code, 2);
  assert.match(cached.stderr, /^cachebench: --cache-trace: stdin is a stream; a trace cache is kept for files only\n$/);
});
