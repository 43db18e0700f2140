/**
 * `cachebench.config.json`: the trace, grid and gates of a CI check in one file, so the CI
 * step is just `cachebench gate`. This module checks the file's shape (types, unknown
 * fields) and turns it into the same text values the command-line flags carry; the CLI then
 * parses those with the flag parsers and reports errors against the config field.
 * Relative paths in the file are relative to the file's folder.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { findConfig, loadConfigFile } from './discover.js';
import { stripFlag } from './metrics.js';

export const DEFAULT_CONFIG_FILE = 'cachebench.config.json';

/** The config as flag text, ready for the same parsers the flags go through. */
export interface GateConfig {
  readonly file: string;
  readonly trace: string;
  readonly policies?: string;
  readonly maxsize?: string;
  readonly capacity?: string;
  readonly ttl?: string;
  readonly lookupCost?: string;
  readonly missCost?: string;
  readonly seed?: string;
  readonly columns?: string;
  readonly header?: boolean;
  readonly traceFormat?: string;
  readonly blockSize?: string;
  readonly asserts: readonly string[];
  readonly baseline?: string;
  readonly maxDrop?: string;
  readonly maxLatencyRise?: string;
  readonly out?: string;
  readonly format?: string;
  readonly writePolicy?: string;
  readonly flushInterval?: string;
  readonly stampede?: string;
  readonly tiers?: string;
  readonly instances?: string;
  readonly balance?: string;
  readonly invalidation?: string;
  readonly outage?: string;
  readonly restart?: string;
  readonly originLimit?: string;
}

type FieldKind = 'text' | 'list' | 'bool' | 'path' | 'strings';

/** Every field, its accepted JSON types, and the flag it stands for (for help in messages). */
export const CONFIG_FIELDS: Readonly<Record<string, { kind: FieldKind; flag: string }>> = {
  trace: { kind: 'path', flag: '<trace>' },
  policies: { kind: 'list', flag: '--policies' },
  maxsize: { kind: 'list', flag: '--maxsize' },
  capacity: { kind: 'list', flag: '--capacity' },
  ttl: { kind: 'list', flag: '--ttl' },
  lookupCost: { kind: 'text', flag: '--lookup-cost' },
  missCost: { kind: 'text', flag: '--miss-cost' },
  seed: { kind: 'text', flag: '--seed' },
  columns: { kind: 'text', flag: '--columns' },
  header: { kind: 'bool', flag: '--no-header' },
  traceFormat: { kind: 'text', flag: '--trace-format' },
  blockSize: { kind: 'text', flag: '--block-size' },
  asserts: { kind: 'strings', flag: '--assert' },
  baseline: { kind: 'path', flag: '--baseline' },
  maxDrop: { kind: 'text', flag: '--max-drop' },
  maxLatencyRise: { kind: 'text', flag: '--max-latency-rise' },
  out: { kind: 'path', flag: '--out' },
  format: { kind: 'text', flag: '--format' },
  writePolicy: { kind: 'text', flag: '--write-policy' },
  flushInterval: { kind: 'text', flag: '--flush-interval' },
  stampede: { kind: 'text', flag: '--stampede' },
  tiers: { kind: 'list', flag: '--tiers' },
  instances: { kind: 'list', flag: '--instances' },
  balance: { kind: 'text', flag: '--balance' },
  invalidation: { kind: 'list', flag: '--invalidation' },
  outage: { kind: 'list', flag: '--outage' },
  restart: { kind: 'list', flag: '--restart' },
  originLimit: { kind: 'text', flag: '--origin-limit' },
};

/** The config field a flag stands for, to re-label flag parser errors. */
export function configFieldOf(flag: string): string | undefined {
  // Library errors name the option (`asserts`, `maxDrop`), which is the field's own name.
  if (Object.hasOwn(CONFIG_FIELDS, flag)) return flag;
  return Object.entries(CONFIG_FIELDS).find(([, field]) => field.flag === flag)?.[0];
}

/**
 * The gate's config: the file named with --config, or else the nearest one found from the
 * working directory upward (`cachebench.config.json`, `.mjs`/`.js`/`.cjs`, or the `cachebench`
 * key of `package.json`).
 */
/**
 * A flag parser's error re-labelled as an error in the config field its value came from, when
 * `cameFromFile(field)` says it did; any other error as it is.
 */
export function blamedOnConfigField(error: unknown, file: string, cameFromFile: (field: string) => boolean): unknown {
  if (!(error instanceof UsageError) || error.where === undefined) return error;
  const field = configFieldOf(error.where);
  return field !== undefined && cameFromFile(field) ? new UsageError(`${file}: field '${field}': ${stripFlag(error)}`) : error;
}

export async function loadGateConfig(path: string | undefined): Promise<GateConfig> {
  const found = path !== undefined ? await loadConfigFile(path) : await findConfig();
  if (!found) {
    throw new UsageError(`no ${DEFAULT_CONFIG_FILE} (or "cachebench" in package.json) here or above; create one, or pass --config FILE`);
  }
  return parseGateConfig(found.data, relative(process.cwd(), found.file) || found.file);
}

export function parseGateConfig(data: unknown, file: string, { requireTrace = true }: { requireTrace?: boolean } = {}): GateConfig {
  const fail = (message: string): never => {
    throw new UsageError(`${file}: ${message}`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail('expected a JSON object');
  const folder = dirname(file);
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    if (name === '$schema' || name.startsWith('//')) continue;
    const field = CONFIG_FIELDS[name];
    if (!field) return fail(`unknown field '${name}' (known: ${Object.keys(CONFIG_FIELDS).join(', ')})`);
    values[name] = fieldValue(name, field.kind, value, folder, fail);
  }
  if (requireTrace && values.trace === undefined) fail(`field 'trace' is required (a trace file or a synthetic spec)`);
  const asserts = (values.asserts as string[] | undefined) ?? [];
  return { ...(values as Omit<GateConfig, 'file' | 'asserts' | 'trace'>), trace: values.trace as string, asserts, file };
}

function fieldValue(name: string, kind: FieldKind, value: unknown, folder: string, fail: (message: string) => never): unknown {
  switch (kind) {
    case 'bool':
      if (typeof value !== 'boolean') fail(`field '${name}' must be true or false`);
      return value;
    case 'text':
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value !== 'string' || value.trim() === '') fail(`field '${name}' must be a string or a number`);
      return value;
    case 'list': {
      const items = Array.isArray(value) ? value : [value];
      if (
        items.length === 0 ||
        !items.every((item) => (typeof item === 'string' && item.trim() !== '') || (typeof item === 'number' && Number.isFinite(item)))
      ) {
        fail(`field '${name}' must be a string, a number, or a list of them`);
      }
      return items.map(String).join(',');
    }
    case 'strings':
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) fail(`field '${name}' must be a list of strings`);
      return value;
    case 'path': {
      if (typeof value !== 'string' || value.trim() === '') fail(`field '${name}' must be a path`);
      return resolvePath(value, folder, name);
    }
  }
}

/** Paths are relative to the config file; a synthetic spec (`zipf:...`) is left as is. */
function resolvePath(value: string, folder: string, name: string): string {
  if (isAbsolute(value) || (name === 'trace' && /^[a-z][a-z0-9-]*:/i.test(value))) return value;
  const resolved = relative(process.cwd(), resolve(folder, value)) || '.';
  // Keep the trailing slash that marks a folder for --out.
  return /[\\/]$/.test(value) && !/[\\/]$/.test(resolved) ? `${resolved}/` : resolved;
}
