#!/usr/bin/env node
// `--version` answers from one tiny module; every other command loads the CLI, bundled into
// one script (scripts/bundle-cli.js) and compiled from the code cache made with it
// (cli-loader.js), so that starting costs little.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { VERSION } = await import('../dist/src/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  const { loadCli } = await import('./cli-loader.js');
  process.exitCode = await loadCli().cli.main(args);
}
