/**
 * Config discovery for run, sweep and gate: the nearest cachebench.config.* or
 * package.json "cachebench" from the working directory upward supplies the trace and the
 * grid; flags on the command line win; --no-config and --config FILE choose; a bad value
 * names the file and the field. Each case runs the CLI as a process in a folder tree of its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-files.js';

const files = tempDir('config-discovery');
const TRACE = 'zipf:alpha=0.9,keys=500,requests=5000';

function runIn(cwd: string, ...argv: string[]): { code: number; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'cachebench.cjs'), ...argv], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

function tree(name: string, files_: Record<string, string>): string {
  const root = join(files.dir, name);
  for (const [path, content] of Object.entries(files_)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  mkdirSync(join(root, 'app', 'src'), { recursive: true });
  return root;
}

const rowsOf = (stdout: string): string[] =>
  (JSON.parse(stdout) as { rows: { policy: string; capacity: number }[] }).rows.map((row) => `${row.policy}@${row.capacity}`);

test('run finds package.json "cachebench" above the working directory; flags on the command line win', () => {
  const root = tree('package', {
    'package.json': JSON.stringify({ name: 'svc', cachebench: { trace: TRACE, policies: ['lru', 's3-fifo'], maxsize: [16, 64] } }),
  });
  const cwd = join(root, 'app', 'src');
  const run = runIn(cwd, 'run', '-f', 'json');
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(rowsOf(run.stdout), ['lru@16', 'lru@64', 's3-fifo@16', 's3-fifo@64']);
  assert.match(run.stderr, /^cachebench: from \.\.\/\.\.\/package\.json: trace, policies, maxsize\n$/);
  const flags = runIn(cwd, 'run', '-f', 'json', '-p', 'fifo', '-c', '1KB', TRACE.replace('requests=5000', 'requests=5000,size=100'));
  assert.equal(flags.code, 0, flags.stderr);
  assert.deepEqual(
    rowsOf(flags.stdout),
    ['fifo@1024'],
    'the command line replaces the policies, the sizes (entries by bytes) and the trace',
  );
  assert.equal(runIn(cwd, 'run', '--no-config', '-f', 'json').code, 2);
});

test('a cachebench.config.mjs nearer than package.json wins, and sweep uses it too', () => {
  const root = tree('nearest', {
    'package.json': JSON.stringify({ name: 'svc', cachebench: { trace: TRACE, policies: 'lfu' } }),
    'app/cachebench.config.mjs': `export default { trace: '${TRACE}', policies: ['fifo'], maxsize: '16..64' };\n`,
  });
  const sweep = runIn(join(root, 'app', 'src'), 'sweep', '-f', 'json');
  assert.equal(sweep.code, 0, sweep.stderr);
  assert.deepEqual([...new Set(rowsOf(sweep.stdout))], ['fifo@16', 'fifo@32', 'fifo@64']);
  assert.match(sweep.stderr, /from \.\.\/cachebench\.config\.mjs: trace, policies, maxsize/);
});

test('--config names a file; a bad value names the file and the field; bad JSON its line and column', () => {
  const root = tree('explicit', {
    'ci/settings.json': JSON.stringify({ trace: TRACE, maxsize: 'lots' }),
    'broken/cachebench.config.json': '{\n  "trace": "x",\n}\n',
  });
  const bad = runIn(root, 'run', '--config', 'ci/settings.json');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^cachebench: ci\/settings\.json: field 'maxsize': 'lots' is not a positive whole number\n$/);
  const broken = runIn(join(root, 'broken'), 'run');
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /cachebench\.config\.json:3:1: not valid JSON/);
  const missing = runIn(root, 'run', '--config', 'nowhere.json');
  assert.match(missing.stderr, /^cachebench: --config: nowhere\.json: no such file\n$/);
});

test('gate searches upward as well, and says where to put a config when there is none', () => {
  const root = tree('gate', {
    'package.json': JSON.stringify({
      name: 'svc',
      cachebench: { trace: TRACE, maxsize: [64], policies: ['lru'], asserts: ['lru@64.hitRate>=0.4'] },
    }),
  });
  const pass = runIn(join(root, 'app', 'src'), 'gate');
  assert.equal(pass.code, 0, pass.stderr);
  assert.match(pass.stderr, /pass lru@64\.hitRate>=0\.4/);
  const empty = join(files.dir, 'empty');
  mkdirSync(empty, { recursive: true });
  const none = runIn(empty, 'gate');
  assert.equal(none.code, 2);
  assert.match(
    none.stderr,
    /no cachebench\.config\.json \(or "cachebench" in package\.json\) here or above; create one, or pass --config FILE/,
  );
});
