/**
 * The bad-input contract, fuzzed: the CLI driven in-process with generated bad traces,
 * flags, specs, assertions and config files either succeeds or fails with exit 2, one line
 * naming the flag or the file, no stack trace, nothing on stdout, and no file created or
 * changed. It never reports an internal error (exit 70) and never throws.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { cli, ROOT, type CliRun } from '../helpers/cli.js';

const SPEC = 'zipf:alpha=1,keys=50,requests=300,rate=10,size=100';
const RUNS = 40;

/** What a folder holds, with sizes and times, to see that nothing was created or changed. */
function snapshot(folder: string): string {
  return readdirSync(folder)
    .sort()
    .map((name) => {
      const info = statSync(join(folder, name));
      return `${name}:${info.size}:${info.mtimeMs}`;
    })
    .join('\n');
}

function assertContract(run: CliRun, what: string): void {
  assert.notEqual(run.code, 70, `${what}: internal error\n${run.stderr}`);
  if (run.code === 0) return;
  assert.equal(run.code, 2, `${what}: exit ${run.code}\n${run.stderr}`);
  assert.equal(run.stdout, '', `${what}: something on stdout`);
  assert.match(run.stderr, /^cachebench: [^\n]+\n$/, `${what}: not one line: ${JSON.stringify(run.stderr)}`);
  assert.doesNotMatch(run.stderr, /\n\s+at |Error:/, `${what}: a stack trace`);
}

const junk = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e400',
    'NaN',
    '1..0',
    '1..1e12',
    '5,',
    ',,',
    '1e30B',
    '64XB',
    '1:2',
    'x@1ms',
    '*',
    '%',
    '10%',
    '~',
    '60s~200%',
  ),
  fc.integer({ min: -5, max: 1e6 }).map(String),
);

const FLAGS = [
  '--maxsize',
  '--capacity',
  '--ttl',
  '--lookup-cost',
  '--miss-cost',
  '--seed',
  '--policies',
  '--tiers',
  '--stampede',
  '--write-policy',
  '--flush-interval',
  '--columns',
  '--assert',
  '--max-drop',
  '--format',
] as const;

test('bad flag values: exit 2 with one line, or a result', { timeout: 120_000 }, async () => {
  const before = snapshot(ROOT);
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...FLAGS), junk, fc.constantFrom('run', 'sweep'), async (flag, value, command) => {
      const sizes = flag === '--maxsize' || flag === '--capacity' ? [] : ['-m', '10,20'];
      const run = await cli(command, SPEC, '-p', 'lru,fifo', ...sizes, flag, value, '--format', 'json');
      assertContract(run, `${command} ${flag} ${JSON.stringify(value)}`);
    }),
    { numRuns: RUNS * 3, seed: 18 },
  );
  assert.equal(snapshot(ROOT), before, 'no file created or changed');
});

test('bad synthetic specs: exit 2 with one line', { timeout: 60_000 }, async () => {
  const kinds = fc.constantFrom('zipf', 'uniform', 'scan', 'mix', 'hotkey', 'pareto');
  const params = fc.array(fc.tuple(fc.constantFrom('alpha', 'keys', 'requests', 'rate', 'size', 'sizes', 'seed', 'ttl', 'x'), junk), {
    maxLength: 4,
  });
  await fc.assert(
    fc.asyncProperty(kinds, params, async (kind, pairs) => {
      const spec = `${kind}:${pairs.map(([name, value]) => `${name}=${value}`).join(',')}`;
      const run = await cli('run', spec, '-p', 'lru', '-m', '10', '--format', 'json');
      assertContract(run, spec);
    }),
    { numRuns: RUNS, seed: 7 },
  );
});

test('bad trace files: exit 2 naming the file, with nothing left behind', { timeout: 60_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-fuzz-'));
  try {
    const header = fc.constantFrom('key', 'key,time', 'key,size,op', 'time,key,ttl,cost', 'obj,size', 'key,key', '');
    const cell = fc.oneof(junk, fc.constantFrom('get', 'set', 'delete', 'x', '"q"', 'a"b', '\r'));
    const row = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
    const ending = fc.constantFrom('\n', '\r\n');
    let n = 0;
    await fc.assert(
      fc.asyncProperty(header, fc.array(row, { maxLength: 6 }), ending, async (head, rows, eol) => {
        const file = join(folder, `t${n++}.csv`);
        writeFileSync(file, [head, ...rows].join(eol) + eol);
        const before = snapshot(folder);
        const run = await cli('run', file, '-p', 'lru', '-m', '4', '--format', 'json');
        assertContract(run, JSON.stringify([head, ...rows]));
        if (run.code === 2) assert.ok(run.stderr.includes(file), `names the file: ${run.stderr}`);
        assert.equal(snapshot(folder), before, 'no file created or changed');
      }),
      { numRuns: RUNS, seed: 3 },
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('bad gate config files: exit 2 naming the file', { timeout: 60_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-fuzz-'));
  try {
    const field = fc.constantFrom(
      'trace',
      'policies',
      'maxsize',
      'capacity',
      'ttl',
      'lookupCost',
      'seed',
      'asserts',
      'maxDrop',
      'tiers',
      'nope',
    );
    const value = fc.oneof(junk, fc.integer(), fc.boolean(), fc.constant(null), fc.array(junk, { maxLength: 3 }));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.dictionary(field, value, { maxKeys: 4 }), fc.boolean(), async (fields, broken) => {
        const config = join(folder, `c${n++}.json`);
        const text = JSON.stringify({ trace: SPEC, asserts: ['lru@*.hitRate>=0'], ...fields });
        writeFileSync(config, broken ? text.slice(0, -1) : text);
        const run = await cli('gate', '--config', config);
        assert.notEqual(run.code, 70, run.stderr);
        if (run.code === 2) {
          assert.match(run.stderr, /^cachebench: [^\n]+\n$/, JSON.stringify(run.stderr));
          assert.doesNotMatch(run.stderr, /\n\s+at /);
        } else {
          assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
        }
      }),
      { numRuns: RUNS, seed: 5 },
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
