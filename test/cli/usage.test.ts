/** Bad flags: one line naming the flag, exit code 2, no stack trace. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { cli, spawnCli, ROOT } from '../helpers/cli.js';

const cases: [string[], RegExp][] = [
  [['run', 'x.csv', '--policies', 'lru,nope'], /--policies: unknown policy 'nope' \(known: lru, .*\)/],
  [['run', 'x.csv', '--maxsize', '0'], /--maxsize: '0' is not a positive whole number/],
  [['run', 'x.csv', '--maxsize', 'abc'], /--maxsize: 'abc' is not a positive whole number/],
  [['run', 'x.csv', '--maxsize', '10', '--capacity', '1MB'], /give either --maxsize \(entries\) or --capacity \(bytes\)/],
  [['run', 'x.csv', '--capacity', '12XB'], /--capacity: '12XB' is not a byte size/],
  [['run', 'x.csv', '--ttl', 'soon'], /--ttl: 'soon' is not a duration/],
  [['run', 'x.csv', '--lookup-cost', '-1ms'], /--lookup-cost: .*duration/],
  [['run', 'x.csv', '--policies', 'lru,lru'], /--policies: 'lru' is listed twice/],
  [['run', 'x.csv', '--policies', 'lru:size=3'], /unknown parameter 'size' for policy 'lru'/],
];

for (const [argv, message] of cases) {
  test(`exit 2 for: ${argv.slice(2).join(' ')}`, async () => {
    const run = await cli(...argv);
    assert.equal(run.code, 2);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1, `one line, got: ${run.stderr}`);
    assert.equal(run.stdout, '');
  });
}

test('unknown options and commands are usage errors too', async () => {
  assert.equal((await cli('run', 'x.csv', '--bogus')).code, 2);
  assert.equal((await cli('frobnicate')).code, 2);
  assert.equal((await cli('--version')).code, 0);
});

test('a real process exits 2 without a stack trace', () => {
  const run = spawnCli('run', 'traces/does-not-exist.csv', '--maxsize', '0');
  assert.equal(run.code, 2);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
  assert.match(run.stderr, /^cachebench: --maxsize/);
});

test('policies lists every registered policy with its parameters', async () => {
  const run = await cli('policies');
  assert.equal(run.code, 0);
  for (const name of ['lru', 'lfu', 'fifo', 'ttl', 'lru-cache']) assert.match(run.stdout, new RegExp(`^${name}\\s`, 'm'));
});

test('an unexpected error says it is internal, with the stack and a request to report it, exit 70', async () => {
  let stderr = '';
  const code = await main(['policies'], {
    out: () => {
      throw new TypeError('a bug stands in here');
    },
    err: (text) => {
      stderr += text;
    },
  });
  assert.equal(code, 70);
  assert.match(stderr, /^cachebench: internal error: this is a bug in cachebench .*please report it/);
  assert.match(stderr, /TypeError: a bug stands in here\n\s+at /);
});

test('a reader that closes stdout early ends the command quietly', () => {
  const result = spawnSync(
    'bash',
    ['-c', `set -o pipefail; node ${ROOT}bin/cachebench.cjs gen 'zipf:alpha=1,keys=1e4,requests=1e6' | head -1`],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(result.stdout, 'key\n');
  assert.equal(result.stderr, '');
  assert.equal(result.status, 0);
});

const hardening: [string, string[], RegExp][] = [
  [
    'redis-lru samples past Redis cap',
    ['run', 'zipf:alpha=1,keys=10,requests=10', '-p', 'redis-lru:samples=1000'],
    /--policies: redis-lru:samples must be between 1 and 64, not '1000'/,
  ],
  [
    'a byte size past 2^53',
    ['run', 'zipf:alpha=1,keys=10,requests=10,size=1KB', '-c', '1e30B'],
    /--capacity: '1e30B' is more than the largest size counted exactly \(8PiB\)/,
  ],
  ['bench past ten million entries', ['bench', '--entries', '1e9'], /--entries: at most 10,000,000 entries/],
];

for (const [what, argv, message] of hardening) {
  test(`refused, one line, exit 2: ${what}`, async () => {
    const run = await cli(...argv);
    assert.equal(run.code, 2);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1);
    assert.equal(run.stdout, '');
  });
}

test('--workers past 4 per core is capped with a warning, and the result is the same', async () => {
  const argv = ['sweep', 'zipf:alpha=1,keys=200,requests=2000', '-p', 'fifo', '-m', '10,20', '--format', 'json'];
  const capped = await cli(...argv, '--workers', '1000');
  assert.equal(capped.code, 0, capped.stderr);
  assert.match(capped.stderr, /^cachebench: warning: --workers 1000 is more than 4 per core; using \d+\n$/);
  assert.equal(capped.stdout, (await cli(...argv)).stdout);
});

test('gen --out that cannot be written names the target in a sentence', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-gen-'));
  try {
    writeFileSync(join(folder, 'file'), 'x');
    const target = join(folder, 'file', 'trace.csv');
    const run = await cli('gen', 'zipf:alpha=1,keys=10,requests=10', '--out', target);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, `cachebench: --out: cannot write ${target}: a part of the path is a file, not a folder\n`);
    assert.deepEqual(readdirSync(folder), ['file']);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('gen --out says what it wrote, on stderr', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-gen-'));
  try {
    const target = join(folder, 'trace.csv');
    const run = await cli('gen', 'uniform:keys=100,requests=1000', '--out', target);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, `wrote ${target}: 1,000 requests over 100 keys\n`);
    assert.equal(run.stdout, '');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
