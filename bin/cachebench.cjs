#!/usr/bin/env node
// `--version` answers from package.json (whose version src/version.ts keeps, by a test);
// every other command loads the CLI, bundled into one script (scripts/bundle-cli.js) and
// compiled from the code cache made with it (cli-loader.cjs), so that starting costs little.
// CommonJS, as the loader is: Node starts an ES module entry about 4 ms later.
'use strict';
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  require('./cli-loader.cjs')
    .loadCli()
    .cli.main(args)
    .then((code) => {
      process.exitCode = code;
    });
}
