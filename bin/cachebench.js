#!/usr/bin/env node
// `--version` answers from one tiny module; every other command loads the CLI, bundled into a
// few files (scripts/bundle-cli.js) so that starting costs little, each command loading only
// its own chunk.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { VERSION } = await import('../dist/src/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(args);
}
