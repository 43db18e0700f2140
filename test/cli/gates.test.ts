/**
 * The gates end to end through `main(argv, io)`: exit 0 when they hold, 1 with the failing
 * gates listed (actual and required), 2 for bad assertions, unknown rows and bad configs.
 * Traces are small synthetic specs, so each run replays in milliseconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { cli, ROOT, spawnCli, type CliRun } from '../helpers/cli.js';
import type { RunResult } from '../../src/model/result.js';

// 5,000 Zipf requests over 200 keys. lru at 64 entries hits 65.10%, lfu at 16 hits 43.70%;
// every miss costs 5ms + 0.1ms lookup, so p99 is 5.1ms wherever more than 1% of requests miss.
const TRACE = 'zipf:alpha=0.9,keys=200,requests=5000';
const GRID = ['-p', 'lru,lfu', '-m', '16,64'];

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'cachebench-gates-'));
}

async function cliWithEnv(env: Record<string, string>, ...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { out: (text) => void (stdout += text), err: (text) => void (stderr += text), env });
  return { code, stdout, stderr };
}

test('gates that hold exit 0 and are listed as passed', async () => {
  const run = await cli('run', TRACE, ...GRID, '--assert', 'lru@64.hitRate>=0.6', '--assert', 'lfu@64.latency.mean<=2ms');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /pass lru@64\.hitRate>=0\.6: actual 65\.10%, required >= 60\.00%/);
  assert.match(run.stderr, /all 2 gates passed/);
  assert.match(run.stdout, /│ lru +│ +64 │/); // the report still goes to stdout
});

test('a gate that fails exits 1 and names the gate with its actual and required values', async () => {
  const run = await cli('run', TRACE, ...GRID, '--assert', 'lru@64.hitRate>=0.6', '--assert', 'lfu@16.latency.p99<=2ms');
  assert.equal(run.code, 1);
  assert.match(run.stderr, /cachebench: 1 gate failed:\n {2}- lfu@16\.latency\.p99<=2ms: actual 5\.1ms, required <= 2ms\n/);
  assert.doesNotMatch(run.stderr, /FAIL|pass lfu@16/);
});

test('a malformed assertion or a row not in the run is a usage error (exit 2) before anything is written', async () => {
  const dir = scratch();
  try {
    const malformed = await cli('run', TRACE, ...GRID, '--assert', 'lru@64.hitRate=>0.6', '--out', join(dir, 'r.md'));
    assert.equal(malformed.code, 2);
    assert.equal(
      malformed.stderr,
      "cachebench: --assert: assertion 'lru@64.hitRate=>0.6' is not of the form policy@size.metric>=value (e.g. lru@1024.hitRate>=0.85)\n",
    );
    const unknownRow = await cli('run', TRACE, ...GRID, '--assert', 'lru@1024.hitRate>=0.6', '--out', join(dir, 'r.md'));
    assert.equal(unknownRow.code, 2);
    assert.match(unknownRow.stderr, /assertion 'lru@1024\.hitRate>=0\.6': no row with size 1024 \(sizes in this run: 16, 64\)/);
    assert.equal(existsSync(join(dir, 'r.md')), false);
    assert.equal((await cli('run', TRACE, '--max-drop', '0.01')).code, 2); // a tolerance without a baseline
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a baseline catches a hit-rate regression and reports rows it could not compare', async () => {
  const dir = scratch();
  try {
    const baseline = join(dir, 'baseline.json');
    const saved = await cli('run', TRACE, ...GRID, '--out', baseline);
    assert.equal(saved.code, 0, saved.stderr);
    const same = await cli('run', TRACE, ...GRID, '--baseline', baseline);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stderr, /pass 4 baseline comparisons within tolerance\nall 4 gates passed/); // hit rate of 4 rows

    // Pretend the previous build reached 70% with lru at 64 entries: today's 65.10% is a 4.9-point drop.
    const data = JSON.parse(readFileSync(baseline, 'utf8'));
    data.rows.find((row: { policy: string; capacity: number }) => row.policy === 'lru' && row.capacity === 64).hitRate = 0.7;
    writeFileSync(baseline, JSON.stringify(data));
    const run = await cli('run', TRACE, '-p', 'lru,lfu', '-m', '16,64,128', '--baseline', baseline, '--max-drop', '0.01');
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /1 gate failed:\n {2}- lru@64\.hitRate vs baseline: actual 65\.10%, required >= 69\.00% \(baseline 70\.00% − 1 pt\)/,
    );
    assert.match(run.stderr, /note lru@128 is not in the baseline, so it was not compared/);
    assert.equal((await cli('run', TRACE, ...GRID, '--baseline', baseline, '--max-drop', '5%')).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('`gate` runs the config file, and flags add to it', async () => {
  const dir = scratch();
  try {
    const config = join(dir, 'cachebench.config.json');
    writeFileSync(config, JSON.stringify({ trace: TRACE, policies: ['lru', 'lfu'], maxsize: [16, 64], asserts: ['lfu@64.hitRate>=0.7'] }));
    const pass = await cli('gate', '--config', config);
    assert.equal(pass.code, 0, pass.stderr);
    assert.match(pass.stderr, /pass lfu@64\.hitRate>=0\.7: actual 72\.28%/);
    const fail = await cli('gate', '--config', config, '--assert', 'lru@16.hitRate>=0.5', '--format', 'json');
    assert.equal(fail.code, 1);
    assert.match(fail.stderr, /lru@16\.hitRate>=0\.5: actual 32\.92%, required >= 50\.00%/);
    assert.equal(JSON.parse(fail.stdout).command, 'gate'); // stdout stays a clean report
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config errors exit 2 naming the file and the field', async () => {
  const dir = scratch();
  try {
    const config = join(dir, 'ci.json');
    const cases: [unknown, RegExp][] = [
      [{ trace: TRACE, policies: 'lru,nope', asserts: ['lru@16.hits>=0'] }, /ci\.json: field 'policies': unknown policy 'nope'/],
      [{ trace: TRACE, maxsize: '0', asserts: ['lru@16.hits>=0'] }, /ci\.json: field 'maxsize': '0' is not a positive whole number/],
      [
        { trace: TRACE, asserts: ['lru@16.hits>=0'], format: 'pdf' },
        /ci\.json: field 'format': 'pdf' is not one of table, json, csv, md, html/,
      ],
      [{ trace: TRACE, baseline: 'nowhere.json' }, /ci\.json: field 'baseline': .*nowhere\.json: no such file/],
      [{ trace: TRACE, asserts: ['lru@16.hitrate>=0'] }, /ci\.json: field 'asserts': assertion 'lru@16\.hitrate>=0': unknown metric/],
      [{ trace: TRACE }, /ci\.json: no gates: add "asserts"/],
      [{ trace: TRACE, asserts: ['lru@16.hits>=0'], stampede: 'sometimes' }, /ci\.json: field 'stampede': /],
      [{ trace: TRACE, asserts: [], maxDrop: 0.01, extra: 1 }, /ci\.json: unknown field 'extra'/],
    ];
    for (const [content, message] of cases) {
      writeFileSync(config, JSON.stringify(content));
      const run = await cli('gate', '--config', config);
      assert.equal(run.code, 2, `${JSON.stringify(content)}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    }
    assert.match((await cli('gate', '--config', join(dir, 'missing.json'))).stderr, /--config: .*missing\.json: no such file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with GITHUB_STEP_SUMMARY set, the markdown report and the verdicts are appended to it', async () => {
  const dir = scratch();
  try {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, 'earlier step\n');
    const run = await cliWithEnv({ GITHUB_STEP_SUMMARY: summary }, 'run', TRACE, ...GRID, '--assert', 'lru@16.hitRate>=0.5');
    assert.equal(run.code, 1);
    const text = readFileSync(summary, 'utf8');
    assert.ok(text.startsWith('earlier step\n# cachebench run: zipf:alpha=0.9,keys=200,requests=5000\n'));
    assert.match(text, /## Gates\n\n❌ 1 of 1 gate failed\.\n/);
    assert.match(text, /\| ❌ \| `lru@16\.hitRate>=0\.5` \| 32\.92% \| >= 50\.00% \|/);
    assert.doesNotMatch(text, /\.svg/); // a job summary cannot link files beside it
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--out writes the format its extension names; the JSON equals --format json, byte for byte, run after run', async () => {
  const dir = scratch();
  try {
    const stdoutJson = await cli('run', TRACE, ...GRID, '--format', 'json');
    const again = await cli('run', TRACE, ...GRID, '--format', 'json');
    assert.equal(again.stdout, stdoutJson.stdout);
    const file = join(dir, 'result.json');
    const written = await cli('run', TRACE, ...GRID, '--out', file);
    assert.equal(written.stdout, '');
    assert.equal(written.stderr, `wrote ${file}\n`);
    assert.equal(readFileSync(file, 'utf8'), stdoutJson.stdout);

    const folder = await cli('run', TRACE, ...GRID, '--out', `${dir}/`, '--format', 'csv');
    assert.equal(folder.code, 0, folder.stderr);
    const csv = readFileSync(join(dir, 'run-zipf-alpha-0.9-keys-200-requests-5000.csv'), 'utf8');
    assert.equal(csv.split('\r\n').length, 6); // header, 4 rows, trailing piece
    const markdown = await cli('run', TRACE, ...GRID, '--out', join(dir, 'report.md'));
    assert.equal(markdown.code, 0, markdown.stderr);
    assert.match(readFileSync(join(dir, 'report.md'), 'utf8'), /\n!\[Hit rate by cache size, with a legend\]\(report\.svg\)\n/);
    assert.match(readFileSync(join(dir, 'report.svg'), 'utf8'), /^<svg xmlns/);
    const table = await cli('run', TRACE, ...GRID, '--out', join(dir, 'r.txt'));
    assert.equal(table.code, 0);
    assert.doesNotMatch(readFileSync(join(dir, 'r.txt'), 'utf8'), /\x1b\[/);
    assert.equal((await cli('run', TRACE, ...GRID, '--out', join(dir, 'r.pdf'))).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a real process exits 1 when a gate fails', () => {
  const run = spawnCli('run', TRACE, ...GRID, '--assert', 'lru@16.hitRate>=0.5');
  assert.equal(run.code, 1);
  assert.match(run.stderr, /cachebench: 1 gate failed:\n {2}- lru@16\.hitRate>=0\.5: actual 32\.92%, required >= 50\.00%/);
});

test('a bare --out writes <command>-<trace>.md into reports/ under the current folder', async () => {
  const dir = scratch();
  const previous = process.cwd();
  try {
    process.chdir(dir);
    const run = await cli('run', 'uniform:keys=50,requests=500', '-p', 'lru', '-m', '8,32', '--out');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, 'wrote reports/run-uniform-keys-50-requests-500.md\n');
    assert.match(
      readFileSync(join(dir, 'reports', 'run-uniform-keys-50-requests-500.md'), 'utf8'),
      /^# cachebench run: uniform:keys=50,requests=500\n/,
    );
  } finally {
    process.chdir(previous);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an unwritable GITHUB_STEP_SUMMARY is a warning, not a change of verdict', async () => {
  const dir = scratch();
  try {
    const run = await cliWithEnv(
      { GITHUB_STEP_SUMMARY: join(dir, 'no', 'such', 'folder', 'summary.md') },
      'run',
      TRACE,
      ...GRID,
      '--assert',
      'lru@64.hitRate>=0.6',
    );
    assert.equal(run.code, 0);
    assert.match(run.stderr, /warning could not append to GITHUB_STEP_SUMMARY/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the repository's own cachebench.config.json passes on the bundled sample trace", async () => {
  const run = await cli('gate', '--config', `${ROOT}cachebench.config.json`, '--format', 'json');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /all 4 gates passed/);
  const result = JSON.parse(run.stdout);
  assert.equal(result.command, 'gate');
  assert.equal(result.rows.length, 8);
});

test('sweep shares the output path: markdown with its recommendations, CSV, and gates', async () => {
  const md = await cli(
    'sweep',
    TRACE,
    '-p',
    'lru,lfu',
    '-m',
    '16..128',
    '--target-hit-rate',
    '0.5',
    '--format',
    'md',
    '--assert',
    'lfu@64.hitRate>=0.5',
  );
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /^# cachebench sweep: zipf:alpha=0\.9,keys=200,requests=5000\n/);
  assert.match(md.stdout, /\n## Results\n\n\| maxsize \| `lru` \| `lfu` \|\n/); // curves: sizes down the side
  assert.match(md.stdout, /\n## Recommendations\n\n- \*\*`lru`\*\* — /);
  assert.match(md.stderr, /pass lfu@64\.hitRate>=0\.5/);
  assert.match(md.stderr, /the gate passed\n$/);
  const csv = await cli('sweep', TRACE, '-p', 'lru', '-m', '16..128', '--format', 'csv');
  assert.equal(csv.code, 0, csv.stderr);
  assert.equal(csv.stdout.split('\r\n').length, 6); // header + sizes 16, 32, 64, 128 + trailing piece
  const fail = await cli('sweep', TRACE, '-p', 'lru', '-m', '16..128', '--assert', 'lru@128.hitRate>=0.99');
  assert.equal(fail.code, 1);
});

test('a config reads traces of other formats through traceFormat and blockSize, and blames those fields', async () => {
  const dir = scratch();
  try {
    const config = join(dir, 'cachebench.config.json');
    const msr = join(ROOT, 'test', 'fixtures', 'formats', 'msr.csv');
    // A 16 KiB cache holds four of the default 4 KiB blocks, enough for the fixture's last
    // read to hit; with 16 KiB blocks it holds one, which the other disk's read evicts first.
    const grid = { trace: msr, traceFormat: 'msr', policies: ['lru'], capacity: ['16384B'] };
    writeFileSync(config, JSON.stringify({ ...grid, asserts: ['lru@16384B.hits==1'] }));
    const small = await cli('gate', '--config', config);
    assert.equal(small.code, 0, small.stderr);
    writeFileSync(config, JSON.stringify({ ...grid, blockSize: '16384', asserts: ['lru@16384B.hits==0', 'lru@16384B.misses==3'] }));
    const pass = await cli('gate', '--config', config);
    assert.equal(pass.code, 0, pass.stderr);
    writeFileSync(
      config,
      JSON.stringify({ trace: msr, traceFormat: 'msr', blockSize: 'big', policies: ['lru'], maxsize: [4], asserts: ['lru@4.hits>=0'] }),
    );
    const badSize = await cli('gate', '--config', config);
    assert.equal(badSize.code, 2);
    assert.match(badSize.stderr, /field 'blockSize': block-size must be a whole number of bytes, not 'big'/);
    writeFileSync(
      config,
      JSON.stringify({ trace: msr, traceFormat: 'blktrace', policies: ['lru'], maxsize: [4], asserts: ['lru@4.hits>=0'] }),
    );
    const bad = await cli('gate', '--config', config);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /cachebench\.config\.json: field 'traceFormat': unknown trace format 'blktrace'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a gate config runs a fleet with incidents and per-class TTLs, and names the field of a bad one', async () => {
  const dir = scratch();
  try {
    const config = join(dir, 'cachebench.config.json');
    const fleet = {
      trace: 'mix:zipf(alpha=1,keys=500,prefix=user:)+uniform(keys=50,prefix=cfg:),requests=20000,rate=200,writes=0.05',
      tiers: ['lru:50@0.05ms', 'lru:400@1ms'],
      ttl: 'cfg:*=1h,*=60s',
      instances: [4],
      invalidation: ['pubsub:delay=5ms', 'ttl-only'],
      outage: 'L2@30s+10s',
      originLimit: '150/s',
      asserts: ['*@*/invalidation=pubsub.hitRate>=0.5', '*@*/invalidation=ttl-only.hitRate>=0.5'],
    };
    writeFileSync(config, JSON.stringify(fleet));
    const pass = await cli('gate', '--config', config, '--format', 'json');
    assert.equal(pass.code, 0, pass.stderr);
    const result = JSON.parse(pass.stdout) as RunResult;
    assert.deepEqual(
      result.rows.map((row) => [row.fleet!.instances, row.fleet!.invalidation, row.ttlClasses, row.incidents!.length]),
      [
        [4, 'pubsub:delay=5ms', 'cfg:*=1h,*=1m', 1],
        [4, 'ttl-only', 'cfg:*=1h,*=1m', 1],
      ],
    );
    for (const [field, value, message] of [
      ['instances', ['many'], /field 'instances'/],
      ['outage', 'L9@1s+1s', /field 'outage': there is no tier L9/],
      ['originLimit', 'lots', /field 'originLimit': 'lots' should be fetches per second/],
    ] as const) {
      writeFileSync(config, JSON.stringify({ ...fleet, [field]: value }));
      const run = await cli('gate', '--config', config);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
