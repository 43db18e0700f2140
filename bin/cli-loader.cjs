// Loads the bundled command line (dist/cli/cachebench.cjs, scripts/bundle-cli.js) with the V8
// code cache the build made beside it. Node 20 keeps no compile cache of its own, and
// compiling the bundle was the largest part of a command's start-up after Node's: with the
// cache `run` on a small trace starts about 0.04 s sooner. A cache V8 refuses (another Node,
// other V8 flags, a damaged file) is ignored, and the bundle is compiled as any script is.
// CommonJS, like the script that requires it: an ES module entry costs Node's module loader
// about 4 ms more to start.
'use strict';
const { readFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'cli', 'cachebench.cjs');
const CODE_CACHE = join(__dirname, '..', 'dist', 'cli', 'cachebench.code-cache');

/** The bundle's exports (`main`), and the script, from which the build takes the code cache. */
function loadCli() {
  // ASCII throughout (the build checks), so Latin-1 gives the text without decoding UTF-8.
  const source = readFileSync(BUNDLE, 'latin1');
  let cachedData;
  try {
    cachedData = readFileSync(CODE_CACHE);
  } catch {
    // No cache (a build that made none): compiled as usual.
  }
  // CommonJS's wrapper, and one more argument: import() from this module. A script compiled
  // from a code cache cannot import (Node 20 drops its import hook), and a configuration file
  // in JavaScript is imported (src/gate/discover.ts).
  const wrapped = `(function (exports, require, module, __filename, __dirname, __bundleImport) {${source}\n});`;
  const script = new Script(wrapped, { filename: BUNDLE, ...(cachedData && { cachedData }) });
  const module = { exports: {} };
  const importHere = (url) => import(url);
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dirname(BUNDLE), importHere);
  return { cli: module.exports, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

module.exports = { BUNDLE, CODE_CACHE, loadCli };
