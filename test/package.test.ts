/**
 * The package as a user gets it: packed, installed from the tarball into an empty folder,
 * run as a command and imported by name, and installed globally (into a private prefix).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';

const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });

test('the packed tarball installs, runs as a command and imports by name', { timeout: 180_000 }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'cachebench-pack-'));
  try {
    // dist/ is built by npm test's pretest; a fresh clone's `npm pack` builds it through `prepare`.
    const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', folder], ROOT)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed!.files.map((file) => file.path);
    for (const needed of [
      'LICENSE',
      'README.md',
      'bin/cachebench.cjs',
      'bin/cli-loader.cjs',
      'dist/cli/cachebench.cjs',
      'dist/cli/cachebench.code-cache',
      'dist/cli/worker.js',
      'dist/cli/csv-kernel.wasm',
      'dist/src/trace/csv-kernel.wasm',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/cli/main.js',
      'dist/src/engine/worker.js',
    ]) {
      assert.ok(files.includes(needed), `the tarball has ${needed}`);
    }
    assert.ok(
      !files.some((file) => /^(src|test|bench)\//.test(file) || file.startsWith('dist/test') || file.startsWith('dist/bench')),
      'no sources, tests or benches',
    );
    const tarball = join(folder, packed!.filename);

    const app = join(folder, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', type: 'module', private: true }));
    npm(['install', '--prefer-offline', tarball], app);
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    const bin = join(app, 'node_modules', '.bin', 'cachebench');
    assert.equal(execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim(), version);
    // A README example, as JSON so the answer can be checked.
    const run = JSON.parse(
      execFileSync(bin, ['run', 'zipf:alpha=0.9,keys=1e3,requests=1e4', '-p', 'lru,fifo', '-m', '100', '--format', 'json'], {
        encoding: 'utf8',
      }),
    ) as {
      rows: { policy: string; hitRate: number }[];
    };
    assert.deepEqual(
      run.rows.map((row) => row.policy),
      ['lru', 'fifo'],
    );
    assert.ok(run.rows.every((row) => row.hitRate > 0.3 && row.hitRate < 1));
    // A CSV, which the installed CSV kernel reads, from the command line and from code.
    const csv = join(folder, 'keys.csv');
    writeFileSync(csv, ['key', 'a', 'b', 'a', '7', '7', 'a'].join('\n') + '\n');
    const fromCsv = JSON.parse(
      execFileSync(bin, ['run', csv, '-p', 'lru', '-m', '2', '--format', 'json', '--no-trace-cache'], { encoding: 'utf8' }),
    ) as { rows: { hits: number; misses: number }[] };
    assert.deepEqual(
      fromCsv.rows.map((row) => [row.hits, row.misses]),
      // a b a 7 7 a through two entries: a, b and 7 miss; a, 7 and a hit.
      [[3, 3]],
    );
    const loaded = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { loadTrace } from 'cachebench'; const t = await loadTrace(${JSON.stringify(csv)}); console.log(t.length, t.keySpace)`,
      ],
      { cwd: app, encoding: 'utf8' },
    );
    assert.equal(loaded.trim(), '6 3');

    // Imported by name, as the README's "Use from code" does.
    const script = `
      import { loadTrace, simulate, parsePolicySpec, POLICIES, UsageError } from 'cachebench';
      const trace = await loadTrace('zipf:alpha=0.9,keys=1e3,requests=1e4');
      const result = await simulate(trace, { policies: ['lru', parsePolicySpec('s3-fifo')], capacities: [100] });
      let refused = '';
      try { await simulate(trace, { policies: ['lru'], ttlsMs: [60_000] }); } catch (error) { refused = error instanceof UsageError ? error.where : 'other'; }
      console.log(JSON.stringify({ rows: result.rows.length, policies: POLICIES.length, refused }));`;
    const imported = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: app, encoding: 'utf8' }),
    ) as Record<string, unknown>;
    assert.deepEqual(imported, {
      rows: 2,
      policies: JSON.parse(
        execFileSync(
          process.execPath,
          ['--input-type=module', '-e', `import { POLICIES } from '${join(ROOT, 'dist/src/index.js')}'; console.log(POLICIES.length)`],
          { encoding: 'utf8' },
        ),
      ),
      refused: 'ttlsMs',
    });

    // npm i -g, into a prefix of its own.
    const prefix = join(folder, 'global');
    npm(['install', '--global', '--prefix', prefix, '--prefer-offline', tarball], folder);
    assert.equal(execFileSync(join(prefix, 'bin', 'cachebench'), ['--version'], { encoding: 'utf8' }).trim(), version);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
