// The command line as a handful of bundled files (dist/cli/), for its start-up: Node loads
// each ES module on its own (resolve, read, compile, link), which for `run` was about 190
// files and 0.13 s before the first request was read; bundled, the same commands load in
// a fraction of that. Each command stays a chunk of its own, loaded when named, and the
// worker threads' scripts are entries beside them, where the code that starts them looks.
// The library (dist/src/) is not bundled: importers get its modules as tsc writes them.
import { build } from 'esbuild';
import { fileURLToPath, URL } from 'node:url';
import { rmSync } from 'node:fs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: [
    `${root}dist/src/cli/main.js`,
    // Started as `new URL('./<name>.js', import.meta.url)` from the code that now lives in dist/cli.
    `${root}dist/src/engine/worker.js`,
    `${root}dist/src/engine/stream-worker.js`,
    `${root}dist/src/trace/csv-range-worker.js`,
  ],
  outdir,
  // Flat: the workers must sit beside the chunks that start them.
  entryNames: '[name]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Not minified: the engine compiles per-class copies of its loops from their source text.
  minify: false,
  // CommonJS dependencies (commander, cli-table3) call require(), which an ES module lacks.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  logLevel: 'warning',
});
