#!/usr/bin/env node
// `--version` answers from one tiny module; every other command loads the CLI, and each
// command loads only the modules it uses.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { VERSION } = await import('../dist/src/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('../dist/src/cli/main.js');
  process.exitCode = await main(args);
}
