/**
 * An interrupt in the middle of a write (SIGINT or SIGTERM) leaves the old file as it was
 * and no temporary file: gen --out, the binary trace cache, a --stream conversion, and report
 * writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';

/** Starts `args` under node, waits until a file matching `temp` appears in `folder`, then sends `signal`. */
async function interruptWhileWriting(args: string[], folder: string, temp: RegExp, signal: NodeJS.Signals): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  const ended = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, killedBy) => {
      resolve(killedBy);
    }),
  );
  const deadline = Date.now() + 60_000;
  while (!readdirSync(folder).some((name) => temp.test(name))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`no temporary file appeared in ${folder}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  child.kill(signal);
  return ended;
}

/** A trace big enough that converting it or writing its cache takes a moment: 4e6 rows, as big.csv. */
function writeBigCsv(folder: string): string {
  const csv = join(folder, 'big.csv');
  const rows = ['key,time,size'];
  for (let i = 0; i < 4e6; i++) rows.push(`k${i % 99_991},${i},${100 + (i % 900)}`);
  writeFileSync(csv, rows.join('\n') + '\n');
  return csv;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} during gen --out keeps the old file and leaves no temporary file`, { timeout: 90_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cachebench-interrupt-'));
    try {
      const target = join(folder, 'trace.csv');
      writeFileSync(target, 'key\nold\n');
      const killedBy = await interruptWhileWriting(
        [`${ROOT}bin/cachebench.cjs`, 'gen', 'zipf:alpha=0.9,keys=1e5,requests=2e7,rate=1000', '--out', target],
        folder,
        /\.tmp$/,
        signal,
      );
      assert.equal(killedBy, signal, 'the process ended by the signal');
      assert.equal(readFileSync(target, 'utf8'), 'key\nold\n');
      assert.deepEqual(readdirSync(folder), ['trace.csv']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
}

test('SIGINT while the binary trace cache is written leaves no temporary file', { timeout: 90_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-interrupt-'));
  try {
    const csv = writeBigCsv(folder);
    const killedBy = await interruptWhileWriting(
      [`${ROOT}bin/cachebench.cjs`, 'run', csv, '-p', 'lru', '-m', '10', '--cache-trace'],
      folder,
      /\.cbt\.\d+\.\d+\.tmp$/,
      'SIGINT',
    );
    assert.equal(killedBy, 'SIGINT');
    assert.deepEqual(readdirSync(folder), ['big.csv']);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('SIGINT while --stream converts a CSV leaves neither its column files nor a half binary trace', { timeout: 90_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-interrupt-'));
  try {
    const csv = writeBigCsv(folder);
    const killedBy = await interruptWhileWriting(
      [`${ROOT}bin/cachebench.cjs`, 'run', csv, '-p', 'lru', '-m', '10', '--stream', '--cache-trace', join(folder, 'big.cbt')],
      folder,
      /\.column\.tmp$/,
      'SIGINT',
    );
    assert.equal(killedBy, 'SIGINT');
    assert.deepEqual(readdirSync(folder), ['big.csv']);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('SIGTERM while a report is written keeps the old report and leaves no temporary file', { timeout: 30_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-interrupt-'));
  try {
    const target = join(folder, 'report.md');
    writeFileSync(target, 'old report\n');
    // A report write whose disk never finishes: the interrupt arrives while it is under way.
    const script = `
      import { writeFileAtomic, nodeWriteFs } from '${ROOT}dist/src/report/write.js';
      import { writeFileSync } from 'node:fs';
      const stalled = { ...nodeWriteFs, writeNew: (path, text) => { writeFileSync(path, text.slice(0, 3)); return new Promise(() => {}); } };
      setInterval(() => {}, 1000);
      await writeFileAtomic(${JSON.stringify(target)}, 'new report\\n', stalled);`;
    const killedBy = await interruptWhileWriting(['--input-type=module', '-e', script], folder, /\.tmp$/, 'SIGTERM');
    assert.equal(killedBy, 'SIGTERM');
    assert.equal(readFileSync(target, 'utf8'), 'old report\n');
    assert.deepEqual(readdirSync(folder), ['report.md']);
    assert.ok(!existsSync(join(folder, '.report.md.tmp')));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
