/**
 * Which field of a CSV row feeds which trace column. The `--columns` text maps trace
 * columns to header names (`key=obj_id,time=ts`) or to 1-based field positions
 * (`time=1,key=2,size=3`, libCacheSim style, usually with `--no-header`). Columns not
 * mentioned are found by their own names in the header, case-insensitively; without a
 * header the key defaults to field 1. The result is a layout of 0-based field indexes
 * that both CSV readers (the byte-level fast path and csv-parse) share, so they agree
 * on every row.
 */
import { TraceFormatError, UsageError } from '../errors.js';
import { ALL_COLUMNS, type ColumnName } from './trace.js';

/** The option these errors name (the CLI shows it as --columns). */
const FLAG = 'columns';

/** One `--columns` entry: a header name (lower-cased) or a 0-based field index. */
export type ColumnSource = { readonly name: string } | { readonly index: number };

export type ColumnMapping = Partial<Record<ColumnName, ColumnSource>>;

/** 0-based field index per trace column; -1 when the column is absent. */
export interface ColumnLayout {
  readonly key: number;
  readonly time: number;
  readonly size: number;
  readonly op: number;
  readonly ttl: number;
  readonly cost: number;
  /** Fields every row must have (the header's count, or the first row's without one). */
  readonly fieldCount: number;
}

/** Parses the `--columns` text; throws a UsageError naming `--columns` on any mistake. */
export function parseColumnsOption(text: string | undefined): ColumnMapping {
  const mapping: ColumnMapping = {};
  if (text === undefined) return mapping;
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.length === 0 || entries.every((entry) => entry === '')) {
    throw new UsageError(`'${text}' is empty; use e.g. key=obj_id,time=ts or time=1,key=2`, FLAG);
  }
  const usedSources = new Map<string, ColumnName>();
  for (const entry of entries) {
    const match = /^([A-Za-z]+)\s*=\s*(.+)$/.exec(entry);
    if (!match) {
      throw new UsageError(`'${entry}' is not COLUMN=NAME or COLUMN=POSITION (e.g. key=obj_id or key=2)`, FLAG);
    }
    const column = match[1]!.toLowerCase() as ColumnName;
    const target = match[2]!.trim();
    if (!(ALL_COLUMNS as readonly string[]).includes(column)) {
      throw new UsageError(`unknown column '${match[1]}' (known: ${ALL_COLUMNS.join(', ')})`, FLAG);
    }
    if (mapping[column]) throw new UsageError(`column '${column}' is mapped twice`, FLAG);
    let source: ColumnSource;
    let sourceKey: string;
    if (/^\d+$/.test(target)) {
      const position = Number(target);
      if (!Number.isSafeInteger(position) || position < 1) {
        throw new UsageError(`'${entry}': positions are 1-based (the first field is 1)`, FLAG);
      }
      source = { index: position - 1 };
      sourceKey = `#${position}`;
    } else {
      source = { name: target.toLowerCase() };
      sourceKey = target.toLowerCase();
    }
    const other = usedSources.get(sourceKey);
    if (other) throw new UsageError(`'${target}' is mapped to both ${other} and ${column}`, FLAG);
    usedSources.set(sourceKey, column);
    mapping[column] = source;
  }
  return mapping;
}

/** Rejects mappings that cannot work without a header (names need one). */
export function checkMappingForHeaderless(mapping: ColumnMapping): void {
  for (const column of ALL_COLUMNS) {
    const source = mapping[column];
    if (source && 'name' in source) {
      throw new UsageError(
        `'${column}=${source.name}' names a header column, but the file is read without a header; use 1-based positions such as ${column}=2`,
        FLAG,
      );
    }
  }
}

/** The layout for a file with a header row (`headerFields` as read, line 1). */
export function layoutFromHeader(headerFields: readonly string[], mapping: ColumnMapping, file: string, line: number): ColumnLayout {
  const names = headerFields.map((field) => field.trim().toLowerCase());
  const indexOf = (name: string): number => names.indexOf(name);
  // A column named twice would be read from the first silently: refuse to guess.
  const refuseTwice = (name: string, index: number): void => {
    const again = names.indexOf(name, index + 1);
    if (again >= 0) throw new TraceFormatError(`the header names '${name}' twice (fields ${index + 1} and ${again + 1})`, file, line);
  };
  const resolve = (column: ColumnName): number => {
    const source = mapping[column];
    if (!source) {
      const index = indexOf(column);
      if (index >= 0) refuseTwice(column, index);
      return index;
    }
    if ('index' in source) {
      if (source.index >= names.length) {
        throw new TraceFormatError(
          `the column map's ${column}=${source.index + 1}: the header has only ${names.length} field${names.length === 1 ? '' : 's'}`,
          file,
          line,
        );
      }
      return source.index;
    }
    const index = indexOf(source.name);
    if (index >= 0) refuseTwice(source.name, index);
    if (index < 0) {
      throw new TraceFormatError(
        `the header has no column '${source.name}' (named by the column map's ${column}=${source.name}; header: ${describeHeader(headerFields)})`,
        file,
        line,
      );
    }
    return index;
  };
  const layout = buildLayout(resolve, names.length);
  if (layout.key < 0) {
    throw new TraceFormatError(
      `the header has no 'key' column (header: ${describeHeader(headerFields)}); name it key or map a column to it (key=NAME)`,
      file,
      line,
    );
  }
  // A header column claimed by a --columns entry must not also be picked up by its own name.
  const seen = new Map<number, ColumnName>();
  for (const column of ALL_COLUMNS) {
    const index = layout[column];
    if (index < 0) continue;
    const other = seen.get(index);
    if (other) {
      throw new UsageError(`field ${index + 1} ('${headerFields[index]}') would feed both ${other} and ${column}`, FLAG);
    }
    seen.set(index, column);
  }
  return layout;
}

/** The layout for a headerless file whose first row has `fieldCount` fields. */
/**
 * Read without a header and without a column map, the first field is the key and every row
 * a request. A first row made of column names (`key`, `key,time,size`) is then a header the
 * reader was told is not there: it would be counted as a request of a key called "key".
 */
export function refuseHeaderAsRow(firstRow: readonly string[], mapping: ColumnMapping, file: string, line: number): void {
  if (Object.keys(mapping).length > 0) return;
  const names = firstRow.map((field) => field.trim().toLowerCase());
  if (names.includes('key') && names.every((name) => (ALL_COLUMNS as readonly string[]).includes(name))) {
    throw new TraceFormatError(`the first row (${describeHeader(firstRow)}) is a header, but the file is read as having none`, file, line);
  }
}

export function layoutWithoutHeader(fieldCount: number, mapping: ColumnMapping, file: string, line: number): ColumnLayout {
  const resolve = (column: ColumnName): number => {
    const source = mapping[column];
    if (!source) return column === 'key' ? 0 : -1;
    const index = (source as { index: number }).index;
    if (index >= fieldCount) {
      throw new TraceFormatError(
        `the column map's ${column}=${index + 1}: the first row has only ${fieldCount} field${fieldCount === 1 ? '' : 's'}`,
        file,
        line,
      );
    }
    return index;
  };
  const layout = buildLayout(resolve, fieldCount);
  const seen = new Map<number, ColumnName>();
  for (const column of ALL_COLUMNS) {
    const index = layout[column];
    if (index < 0) continue;
    const other = seen.get(index);
    if (other) {
      throw new UsageError(
        `field ${index + 1} would feed both ${other} and ${column}${other === 'key' && !mapping.key ? ' (without a header the key is field 1 unless key=N says otherwise)' : ''}`,
        FLAG,
      );
    }
    seen.set(index, column);
  }
  return layout;
}

function buildLayout(resolve: (column: ColumnName) => number, fieldCount: number): ColumnLayout {
  return {
    key: resolve('key'),
    time: resolve('time'),
    size: resolve('size'),
    op: resolve('op'),
    ttl: resolve('ttl'),
    cost: resolve('cost'),
    fieldCount,
  };
}

function describeHeader(fields: readonly string[]): string {
  // A binary file read as CSV has a "header" of noise: say what it is rather than echo it.
  // eslint-disable-next-line no-control-regex -- control bytes are what marks binary data
  if (fields.some((field) => /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(field))) return 'binary data, not text';
  const shown = fields
    .slice(0, 8)
    .map((field) => field.trim())
    .join(', ');
  return fields.length > 8 ? `${shown}, ...` : shown;
}
