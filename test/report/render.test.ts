import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderCsv } from '../../src/report/csv.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { formatFromPath, renderResult, REPORT_FORMATS, RENDERERS } from '../../src/report/render.js';
import { renderTable } from '../../src/report/table.js';
import { sampleResult } from '../helpers/result.js';

test('renderResult dispatches each format to its renderer, and a command may supply its own table', () => {
  const result = sampleResult();
  assert.equal(renderResult(result, 'json'), renderJson(result));
  assert.equal(renderResult(result, 'csv'), renderCsv(result));
  assert.equal(renderResult(result, 'md'), renderMarkdown(result));
  assert.equal(renderResult(result, 'table'), renderTable(result));
  assert.equal(renderResult(result, 'table', { table: (r) => `curves of ${r.rows.length}\n` }), 'curves of 9\n');
});

test('every format has an extension that maps back to it', () => {
  for (const format of REPORT_FORMATS) assert.equal(formatFromPath(`report.${RENDERERS[format].extension}`), format);
});
