/**
 * The loop templates are copied from their source text (per-class.ts), so they must use only
 * their parameters, their locals and JavaScript's globals. This reads each compiled template
 * with the TypeScript parser and fails on any other free identifier; it also checks that the
 * checker itself catches one, and that CACHEBENCH_SHARED_LOOPS=1 gives the same counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import ts from 'typescript';
import * as templates from '../../src/engine/loops/templates.js';
import { ROOT } from '../helpers/cli.js';

/** Globals a template may use. */
const KNOWN_GLOBALS = new Set(['undefined', 'NaN', 'Infinity', 'Math', 'Number', 'Atomics', 'Float64Array', 'Uint32Array', 'Uint8Array']);

/** Identifiers a function's text uses but does not declare. */
function freeIdentifiers(source: string): string[] {
  const file = ts.createSourceFile('template.js', `(${source})`, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const declared = new Set<string>();
  const used = new Set<string>();
  const declare = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) declared.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) declare(element.name);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isParameter(node) || ts.isVariableDeclaration(node) || ts.isBindingElement(node)) declare(node.name);
    if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.name) declared.add(node.name.text);
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isPropertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node) ||
        (ts.isBindingElement(parent) && parent.propertyName === node) ||
        (ts.isMethodDeclaration(parent) && parent.name === node);
      if (!isPropertyName) used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...used].filter((name) => !declared.has(name) && !KNOWN_GLOBALS.has(name));
}

const TEMPLATES = Object.entries(templates as Record<string, unknown>).filter(
  (entry): entry is [string, () => unknown] => typeof entry[1] === 'function',
);

test('every loop template uses nothing but its parameters, locals and known globals', () => {
  assert.ok(TEMPLATES.length >= 6, 'the module holds the loops');
  for (const [name, template] of TEMPLATES) assert.deepEqual(freeIdentifiers(template.toString()), [], name);
});

test('the check catches a template that reaches outside itself', () => {
  const outside = 3;
  const leaky = (keys: Uint32Array): number => keys.length + outside + Math.max(1, 2);
  assert.deepEqual(freeIdentifiers(leaky.toString()), ['outside']);
});

test('CACHEBENCH_SHARED_LOOPS=1 runs the templates themselves, with the same counts', () => {
  const run = (shared: boolean): string => {
    const child = spawnSync(
      process.execPath,
      [
        `${ROOT}bin/cachebench.cjs`,
        'run',
        'zipf:alpha=0.9,keys=500,requests=2e4,rate=100',
        '-p',
        'lru,s3-fifo,lfu',
        '-m',
        '50,200',
        '--ttl',
        'off,30s',
        '--format',
        'json',
      ],
      { encoding: 'utf8', env: { ...process.env, CACHEBENCH_SHARED_LOOPS: shared ? '1' : '0' } },
    );
    assert.equal(child.status, 0, child.stderr);
    return child.stdout;
  };
  assert.equal(run(true), run(false));
});
