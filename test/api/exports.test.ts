/** The front door: every export of src/index.ts carries TSDoc, and the list is what it says. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import * as api from '../../src/index.js';
import { ROOT } from '../helpers/cli.js';

test('every export of the package has a doc comment', () => {
  const entry = `${ROOT}src/index.ts`;
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const undocumented = checker.getExportsOfModule(module).filter((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === '';
  });
  assert.deepEqual(
    undocumented.map((symbol) => symbol.getName()),
    [],
  );
});

test('the library calls the CLI is built on are exported by name', () => {
  for (const name of ['loadTrace', 'simulate', 'sweep', 'parsePolicySpec', 'renderResult', 'checkSimulateOptions', 'evaluateAssertions']) {
    assert.equal(typeof (api as Record<string, unknown>)[name], 'function', name);
  }
  assert.ok(api.POLICIES.length >= 18);
  assert.deepEqual(
    api.TRACE_FORMATS.map((format) => format.id),
    [
      'cbt',
      'lcs',
      'redis-monitor',
      'memcached-watch',
      'access-log',
      'cachelib',
      'twitter',
      'msr',
      'oracle-general',
      'lis',
      'cdn',
      'txt',
      'csv',
    ],
  );
  assert.deepEqual(Object.keys(api.RENDERERS), [...api.REPORT_FORMATS]);
});
