// The command line as one bundled script and its V8 code cache (dist/cli/), for its start-up:
// Node loads each ES module on its own (resolve, read, compile, link), which for `run` was
// about 190 files and 0.13 s before the first request was read. Bundled into ES module
// chunks it took 0.07 s more than `node -e 0`; as one CommonJS script compiled from a code
// cache (bin/cli-loader.cjs), 0.03 s. Commands still run only their own code: esbuild wraps
// every lazily imported module in a function run on first use.
// The worker threads' scripts are ES module entries beside it, where the code that starts
// them looks (`new URL('./worker.js', import.meta.url)`, which in the script means its own
// file). The library (dist/src/) is not bundled: importers get its modules as tsc writes them.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { fileURLToPath, URL } from 'node:url';
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cli`;
rmSync(outdir, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // Not minified: the engine compiles per-class copies of its loops from their source text.
  minify: false,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: [`${root}dist/src/cli/main.js`],
  outfile: `${outdir}/cachebench.cjs`,
  format: 'cjs',
  // import.meta is empty in a CommonJS script: its URL is the script's own.
  define: { 'import.meta.url': '__bundleUrl' },
  banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});

await build({
  ...common,
  entryPoints: [`${root}dist/src/engine/worker.js`, `${root}dist/src/engine/stream-worker.js`, `${root}dist/src/trace/csv-range-worker.js`],
  outdir,
  // Flat: the workers must sit beside the script that starts them.
  entryNames: '[name]',
  splitting: true,
  format: 'esm',
  // CommonJS dependencies call require(), which an ES module lacks.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
});

// The CSV kernel (scripts/build-wasm.js) where the bundled loader looks: beside the script.
copyFileSync(`${root}dist/src/trace/csv-kernel.wasm`, `${outdir}/csv-kernel.wasm`);

// The loader reads the script as Latin-1, which costs a tenth of decoding UTF-8 and gives
// the same text only when every byte is ASCII (esbuild escapes non-ASCII in strings, not in
// regular expression literals): a byte that is not stops the build, naming its line.
const bundled = readFileSync(`${outdir}/cachebench.cjs`);
const wide = bundled.findIndex((byte) => byte > 0x7f);
if (wide >= 0) {
  const line = bundled.subarray(0, wide).toString('latin1').split('\n').length;
  throw new Error(`bundle-cli: dist/cli/cachebench.cjs line ${line} has a non-ASCII character: escape it in the source (\\u....)`);
}

// The code cache: V8's compiled form of every function a few typical commands ran (taken
// after they ran, so it holds the lazily compiled functions too), made in this process.
const { loadCli, CODE_CACHE } = createRequire(import.meta.url)('../bin/cli-loader.cjs');
const { cli, script } = loadCli();
let said = '';
const quiet = { env: { ...process.env, NO_COLOR: '1' }, out: () => {}, err: (text) => void (said += text) };
// The bundled trace when it is there (a checkout), else a generated one of the same kind.
const sample = existsSync(`${root}traces/sample.csv`) ? `${root}traces/sample.csv` : 'zipf:alpha=0.9,keys=2000,requests=20000,seed=1';
try {
  for (const argv of [
    ['run', sample, '--policies', 'lru,s3-fifo', '--maxsize', '64,256', '--no-trace-cache', '--no-progress'],
    ['run', sample, '--policies', 'lru', '--maxsize', '64', '--format', 'json', '--no-trace-cache', '--no-progress'],
    ['policies'],
  ]) {
    const code = await cli.main(argv, quiet);
    if (code !== 0) throw new Error(`cachebench ${argv.join(' ')} exited with ${code}: ${said.trim()}`);
  }
  const temporary = `${CODE_CACHE}.${process.pid}.tmp`;
  writeFileSync(temporary, script.createCachedData());
  renameSync(temporary, CODE_CACHE);
} catch (error) {
  // The command line works without the cache, only its start-up is slower: say so, build on.
  process.stderr.write(`bundle-cli: no code cache made (${error.message})\n`);
}
