import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/errors.js';
import { formatFromPath } from '../../src/report/render.js';
import { fileSlug, nodeWriteFs, resolveOutTarget, writeFileAtomic, writeFilesAtomic, type WriteFs } from '../../src/report/write.js';

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'cachebench-write-'));
}

test('a report is written whole, replacing the old one, with no temporary file left behind', async () => {
  const dir = scratch();
  try {
    const path = join(dir, 'nested', 'report.md');
    await writeFileAtomic(path, 'first\n');
    await writeFileAtomic(path, 'second\n');
    assert.equal(readFileSync(path, 'utf8'), 'second\n');
    assert.deepEqual(readdirSync(join(dir, 'nested')), ['report.md']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a writer that dies half way leaves the previous report intact and removes its temporary file', async () => {
  const dir = scratch();
  try {
    const path = join(dir, 'report.json');
    writeFileSync(path, '{"old": true}\n');
    // Writes the first half of the text for real, then fails as a full disk would.
    const failing: WriteFs = {
      ...nodeWriteFs,
      writeNew(temp, text) {
        writeFileSync(temp, text.slice(0, text.length / 2), { flag: 'wx' });
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      },
    };
    await assert.rejects(
      writeFileAtomic(path, '{"new": true, "padding": "xxxxxxxxxxxxxxxx"}\n', failing),
      /^UsageError: out: cannot write .*report\.json: no space left on the device$/,
    );
    assert.equal(readFileSync(path, 'utf8'), '{"old": true}\n');
    assert.deepEqual(readdirSync(dir), ['report.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed rename also leaves the previous report and no temporary file', async () => {
  const dir = scratch();
  try {
    const path = join(dir, 'report.csv');
    writeFileSync(path, 'old\n');
    const failing: WriteFs = { ...nodeWriteFs, rename: async () => Promise.reject(new Error('EXDEV: cross-device link')) };
    await assert.rejects(writeFileAtomic(path, 'new\n', failing), /EXDEV/);
    assert.equal(readFileSync(path, 'utf8'), 'old\n');
    assert.deepEqual(readdirSync(dir), ['report.csv']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--out FILE takes its format from the extension unless --format says otherwise', () => {
  const noDirs = () => false;
  const context = { command: 'run', source: 'traces/sample.csv' };
  assert.deepEqual(resolveOutTarget('out/r.json', context, noDirs), { path: 'out/r.json', format: 'json' });
  assert.deepEqual(resolveOutTarget('r.CSV', context, noDirs), { path: 'r.CSV', format: 'csv' });
  assert.deepEqual(resolveOutTarget('r.markdown', context, noDirs), { path: 'r.markdown', format: 'md' });
  assert.deepEqual(resolveOutTarget('r.txt', context, noDirs), { path: 'r.txt', format: 'table' });
  assert.deepEqual(resolveOutTarget('r.txt', { ...context, format: 'md' }, noDirs), { path: 'r.txt', format: 'md' });
  assert.deepEqual(resolveOutTarget('r.html', context, noDirs), { path: 'r.html', format: 'html' });
  assert.throws(
    () => resolveOutTarget('r.pdf', context, noDirs),
    (error: unknown) => error instanceof UsageError && error.where === 'out',
  );
});

test('--out FOLDER gets <command>-<trace name>.<ext>, markdown unless --format is given', () => {
  const context = { command: 'run', source: 'traces/sample.csv.gz' };
  assert.deepEqual(
    resolveOutTarget('reports/', context, () => false),
    { path: 'reports/run-sample.md', format: 'md' },
  );
  assert.deepEqual(
    resolveOutTarget('out', { ...context, format: 'json' }, (p) => p === 'out'),
    { path: 'out/run-sample.json', format: 'json' },
  );
  assert.equal(
    resolveOutTarget('reports/', { command: 'sweep', source: 'zipf:alpha=0.9,keys=1e5' }, () => false).path,
    'reports/sweep-zipf-alpha-0.9-keys-1e5.md',
  );
});

test('file slugs are safe names', () => {
  assert.equal(fileSlug('/data/traces/twitter cluster 52.csv'), 'twitter-cluster-52');
  assert.equal(fileSlug('mix:zipf(alpha=1)*0.8+scan(keys=10)*0.2'), 'mix-zipf-alpha-1-0.8-scan-keys-10-0.2');
  assert.equal(fileSlug('...'), 'trace');
  assert.equal(formatFromPath('noextension'), undefined);
});

test('two writers of the same report and chart leave a matching pair, never one of each', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cachebench-pair-'));
  try {
    const report = join(dir, 'run.md');
    const chart = join(dir, 'run.svg');
    // Renames that take a random while, so unlocked writers would interleave.
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const slow: WriteFs = {
      ...nodeWriteFs,
      rename: async (from, to) => {
        await new Promise((resolve) => setTimeout(resolve, random() * 6));
        await nodeWriteFs.rename(from, to);
      },
    };
    for (let round = 0; round < 20; round++) {
      await Promise.all(
        ['a', 'b', 'c'].map((writer) =>
          writeFilesAtomic(
            [
              { path: chart, text: `svg ${writer}\n` },
              { path: report, text: `md ${writer}\n` },
            ],
            slow,
          ),
        ),
      );
      const md = readFileSync(report, 'utf8').split(' ')[1];
      assert.equal(readFileSync(chart, 'utf8'), `svg ${md}`, `round ${round}`);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['run.md', 'run.svg'], 'no lock or temporary file left');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
