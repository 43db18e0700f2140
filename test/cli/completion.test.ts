/**
 * Shell completion. The bash script is loaded into a real bash and asked to complete, as the
 * shell would on TAB; the zsh and fish scripts are checked for every command and flag (no
 * zsh or fish here to run them), so a new flag cannot be missing from any of the three.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { POLICIES } from '../../src/policies/index.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-files.js';

const files = tempDir('completion');
const noBash = spawnSync('bash', ['-c', 'true']).status !== 0 ? 'bash is not installed' : false;

async function script(shell: string): Promise<string> {
  const run = await cli('completion', shell);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout;
}

test('bash completes commands, flags, policy lists after a comma, format names and choices', { skip: noBash }, async () => {
  const path = files.write('cachebench.bash', await script('bash'));
  const complete = (...words: string[]): string[] => {
    const quoted = words.map((word) => `'${word}'`).join(' ');
    const run = spawnSync(
      'bash',
      ['-c', `source '${path}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _cachebench; printf '%s\\n' "\${COMPREPLY[@]}"`],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(run.status, 0, run.stderr);
    return run.stdout.split('\n').filter((line) => line !== '');
  };
  assert.deepEqual(complete('cachebench', 'ana'), ['analyze']);
  assert.deepEqual(complete('cachebench', 'c'), ['capture', 'convert', 'completion']);
  assert.deepEqual(complete('cachebench', 'run', '--pol'), ['--policies']);
  assert.deepEqual(complete('cachebench', 'run', '--trace-format', 'memc'), ['memcached-watch']);
  assert.deepEqual(
    complete('cachebench', 'run', '-p', 'lru,s3'),
    POLICIES.filter((policy) => policy.name.startsWith('s3')).map((policy) => `lru,${policy.name}`),
  );
  assert.deepEqual(complete('cachebench', 'sweep', '-f', 'j'), ['json']);
  assert.deepEqual(complete('cachebench', 'analyze', '-f', ''), ['table', 'json', 'md']);
  assert.deepEqual(complete('cachebench', 'completion', 'z'), ['zsh']);
  assert.ok(complete('cachebench', 'run', '--no-').includes('--no-progress'));
});

test('the zsh and fish scripts name every command and every flag', async () => {
  const zsh = await script('zsh');
  const fish = await script('fish');
  assert.match(zsh, /^#compdef cachebench\n/);
  // Every command's flags, as the CLI defines them.
  const help = await cli('--help');
  const commands = [...help.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((match) => match[1]!).filter((name) => name !== 'help');
  assert.ok(commands.includes('capture') && commands.includes('analyze'), commands.join(' '));
  for (const name of commands) {
    if (name === 'completion') continue;
    assert.match(zsh, new RegExp(`\\n    ${name}\\)\\n`), `zsh: ${name}`);
    assert.match(fish, new RegExp(`-a ${name} -d `), `fish: ${name}`);
    const flags = [...(await cli(name, '--help')).stdout.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((match) => match[1]!);
    for (const flag of flags) {
      assert.ok(zsh.includes(flag), `zsh: ${name} ${flag}`);
      assert.ok(
        fish.includes(`__fish_seen_subcommand_from ${name}' -l ${flag.slice(2)}`) || fish.includes(`-l ${flag.slice(2)} `),
        `fish: ${name} ${flag}`,
      );
    }
  }
});

test('an unknown shell is a usage error', async () => {
  const run = await cli('completion', 'tcsh');
  assert.equal(run.code, 2);
  assert.match(run.stderr, /Allowed choices are bash, zsh, fish/);
});
