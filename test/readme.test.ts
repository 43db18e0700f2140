/** The README's "Use from code" example runs as written, importing the package by name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT } from './helpers/cli.js';

test('the "Use from code" example runs and prints what it says', { timeout: 120_000 }, () => {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## Use from code'));
  const example = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example, 'the section has a js block');
  // The package refers to itself by name through its "exports" (Node's self-reference).
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', example], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const lines = out.trim().split('\n');
  assert.equal(lines.length, 3 * 2 * 2 + 2);
  assert.match(lines[0]!, /^lru 500 null 0\.\d{4}$/);
  assert.match(lines.at(-2)!, /^# cachebench sweep: /);
  assert.equal(lines.at(-1), 'capacities - 0 is not a positive whole number of entries');
});
