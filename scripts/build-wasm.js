// Compiles the CSV kernel (wasm/csv-kernel.ts, AssemblyScript) to WebAssembly beside the
// module that loads it (dist/src/trace/csv-kernel.wasm); bundle-cli.js copies it beside the
// bundled command line. Optimised by Binaryen (-O3); no runtime, no imports: the kernel
// allocates its own memory and never calls out.
import asc from 'assemblyscript/asc';
import { mkdirSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
mkdirSync(`${root}dist/src/trace`, { recursive: true });
let said = '';
const { error } = await asc.main(
  [`${root}wasm/csv-kernel.ts`, '--outFile', `${root}dist/src/trace/csv-kernel.wasm`, '-O3', '--runtime', 'stub', '--noAssert'],
  { stdout: { write: () => true }, stderr: { write: (text) => ((said += text), true) } },
);
if (error) {
  process.stderr.write(said);
  throw new Error(`build-wasm: ${error.message}`);
}
