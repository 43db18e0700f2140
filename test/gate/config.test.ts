import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { loadGateConfig, parseGateConfig } from '../../src/gate/config.js';

function configError(pattern: RegExp) {
  return (error: unknown) => error instanceof UsageError && pattern.test(error.message);
}

test('a config turns into the flag text the command line would carry', () => {
  const config = parseGateConfig(
    {
      trace: 'zipf:alpha=0.9,keys=1e4,requests=1e5',
      policies: ['lru', 's3-fifo:small=0.2'],
      maxsize: [256, '1e3'],
      ttl: ['off', '60s'],
      missCost: 5,
      seed: 7,
      header: false,
      asserts: ['lru@256.hitRate>=0.5'],
      maxDrop: '1%',
    },
    'cachebench.config.json',
  );
  assert.equal(config.trace, 'zipf:alpha=0.9,keys=1e4,requests=1e5');
  assert.equal(config.policies, 'lru,s3-fifo:small=0.2');
  assert.equal(config.maxsize, '256,1e3');
  assert.equal(config.ttl, 'off,60s');
  assert.equal(config.missCost, '5');
  assert.equal(config.seed, '7');
  assert.equal(config.header, false);
  assert.deepEqual(config.asserts, ['lru@256.hitRate>=0.5']);
  assert.equal(config.maxDrop, '1%');
});

test('paths are relative to the config file, and a folder keeps its trailing slash', () => {
  const config = parseGateConfig({ trace: 'traces/a.csv', baseline: 'reports/base.json', out: 'reports/' }, 'ci/cachebench.config.json');
  assert.equal(config.trace, join('ci', 'traces', 'a.csv'));
  assert.equal(config.baseline, join('ci', 'reports', 'base.json'));
  assert.equal(config.out, `${join('ci', 'reports')}/`);
  assert.equal(parseGateConfig({ trace: 'x.csv' }, join(process.cwd(), 'cachebench.config.json')).trace, 'x.csv');
  assert.equal(relative(process.cwd(), parseGateConfig({ trace: '/abs/x.csv' }, 'c.json').trace), relative(process.cwd(), '/abs/x.csv'));
});

test('shape errors name the file and the field', () => {
  const file = 'cachebench.config.json';
  assert.throws(() => parseGateConfig([], file), configError(/^cachebench\.config\.json: expected a JSON object$/));
  assert.throws(() => parseGateConfig({ policies: 'lru' }, file), configError(/field 'trace' is required/));
  assert.throws(
    () => parseGateConfig({ trace: 'a.csv', assert: ['x'] }, file),
    configError(/unknown field 'assert' \(known: trace, policies/),
  );
  assert.throws(
    () => parseGateConfig({ trace: 'a.csv', asserts: 'lru@1.hits>1' }, file),
    configError(/field 'asserts' must be a list of strings/),
  );
  assert.throws(
    () => parseGateConfig({ trace: 'a.csv', maxsize: [] }, file),
    configError(/field 'maxsize' must be a string, a number, or a list of them/),
  );
  assert.throws(() => parseGateConfig({ trace: 'a.csv', header: 'no' }, file), configError(/field 'header' must be true or false/));
  assert.throws(() => parseGateConfig({ trace: 42 }, file), configError(/field 'trace' must be a path/));
});

test('a missing or unreadable config file is a usage error that says what to do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cachebench-config-'));
  try {
    await assert.rejects(loadGateConfig(join(dir, 'ci.json')), configError(/--config: .*ci\.json: no such file/));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"trace": "a.csv",}');
    await assert.rejects(loadGateConfig(broken), configError(/broken\.json:1:19: not valid JSON \(Expected double-quoted property name\)/));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a JSON mistake is located by line and column, and a byte-order mark is accepted', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-config-'));
  try {
    const broken = join(folder, 'broken.json');
    writeFileSync(broken, '{\n  "trace": "x",\n  "policies": ["lru",]\n}\n');
    await assert.rejects(
      loadGateConfig(broken),
      configError(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:22: not valid JSON \\(Unexpected token '\\]'\\)$`)),
    );
    const truncated = join(folder, 'truncated.json');
    writeFileSync(truncated, '{"trace": "x"');
    await assert.rejects(loadGateConfig(truncated), configError(/truncated\.json:1:14: not valid JSON/));
    const withBom = join(folder, 'bom.json');
    writeFileSync(withBom, '\uFEFF{"trace": "x.csv", "asserts": ["lru@1.hitRate>=0"]}');
    assert.equal((await loadGateConfig(withBom)).trace, relative(process.cwd(), join(folder, 'x.csv')));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
