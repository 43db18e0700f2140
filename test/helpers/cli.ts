/** Runs the CLI in-process with captured output, or as a real process for exit-code checks. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

// The CLI keeps parsed traces in the user's cache folder; the tests' go to one of their own,
// removed when the test process ends, so a test run leaves nothing in the home directory.
if (process.env.CACHEBENCH_CACHE_DIR === undefined) {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-test-cache-'));
  process.env.CACHEBENCH_CACHE_DIR = folder;
  process.on('exit', () => {
    rmSync(folder, { recursive: true, force: true });
  });
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { out: (text) => void (stdout += text), err: (text) => void (stderr += text) });
  return { code, stdout, stderr };
}

/** The repository root: dist/test/helpers -> three levels up. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function spawnCli(...argv: string[]): CliRun {
  const result = spawnSync(process.execPath, [`${ROOT}bin/cachebench.cjs`, ...argv], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A usage failure as every command gives it: exit 2, one line on stderr, no stack, nothing on stdout. */
export function assertOneLineFailure(run: CliRun, message: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, message);
  assert.equal(run.stderr.trim().split('\n').length, 1, `one line, got: ${run.stderr}`);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
  assert.equal(run.stdout, '');
}
