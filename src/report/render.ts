/**
 * The renderers as one table keyed by format, so `run`, `sweep` and `gate` share one code
 * path for `--format` and `--out`, and adding a format touches this table only.
 */
import { renderCsv } from './csv.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown, type MarkdownOptions } from './markdown.js';
import type { RunResult } from '../model/result.js';
import { renderTable, type TableOptions } from './table.js';

/** The output formats, as `--format` takes them. */
export const REPORT_FORMATS = ['table', 'json', 'csv', 'md', 'html'] as const;
/** One of REPORT_FORMATS. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Extras some formats show: gate verdicts (markdown), a command's own terminal view. */
export interface RenderOptions {
  /** Gate verdicts and notes (and the markdown's chart image); the written reports show them, the table prints them apart. */
  readonly report?: MarkdownOptions;
  /** A command's own terminal view (sweep shows curves rather than rows); default renderTable. */
  readonly table?: (result: RunResult, fit: TableOptions) => string;
  /** The terminal's width, for the row table: columns are left out to fit it. Unlimited when absent. */
  readonly width?: number;
}

interface Renderer {
  readonly render: (result: RunResult, options: RenderOptions) => string;
  /** File extension written for this format. */
  readonly extension: string;
}

/** The renderers table: how each format renders a result, and the file extension it writes. */
export const RENDERERS: Readonly<Record<ReportFormat, Renderer>> = {
  table: {
    render: (result, options) => {
      const fit = options.width === undefined ? {} : { width: options.width };
      return options.table ? options.table(result, fit) : renderTable(result, fit);
    },
    extension: 'txt',
  },
  json: { render: (result) => renderJson(result), extension: 'json' },
  csv: { render: (result) => renderCsv(result), extension: 'csv' },
  md: { render: (result, options) => renderMarkdown(result, options.report), extension: 'md' },
  html: { render: (result, options) => renderHtml(result, options.report), extension: 'html' },
};

/** A result in one of the formats, as text. */
export function renderResult(result: RunResult, format: ReportFormat, options: RenderOptions = {}): string {
  return RENDERERS[format].render(result, options);
}

export function isReportFormat(text: string): text is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(text);
}

/** The format a file name implies (`.json`, `.csv`, `.md`/`.markdown`, `.html`/`.htm`, `.txt`), or undefined. */
export function formatFromPath(path: string): ReportFormat | undefined {
  const match = /\.([a-z]+)$/i.exec(path);
  const extension = match?.[1]!.toLowerCase();
  if (extension === 'markdown') return 'md';
  if (extension === 'htm') return 'html';
  return (Object.keys(RENDERERS) as ReportFormat[]).find((format) => RENDERERS[format].extension === extension);
}
