/**
 * Where cachebench's settings live, found the way JavaScript tools are: `cachebench.config.json`
 * (or `.mjs`, `.js`, `.cjs`, whose default export is the object) or a `cachebench` key in
 * `package.json`, in the working directory or the nearest folder above it. lilconfig does the
 * search (a small, dependency-free loader, the one Prettier and PostCSS tooling use); JSON is
 * parsed here so that a syntax error names its line and column.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { lilconfig, type Loader } from 'lilconfig';
import { UsageError } from '../errors.js';
import { jsonErrorMessage } from './json-position.js';

/** The names searched, in each folder, in this order. */
export const CONFIG_PLACES = [
  'package.json',
  'cachebench.config.json',
  'cachebench.config.mjs',
  'cachebench.config.js',
  'cachebench.config.cjs',
];

const json: Loader = (path, content) => {
  const text = content.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(jsonErrorMessage(path, text, (error as Error).message));
  }
};

/**
 * The bundled command line passes in `import()` from the module that loads it
 * (bin/cli-loader.cjs): V8 runs the bundle from a code cache, and a script compiled from one
 * cannot import. Everywhere else (the library) this module's own import() is used.
 */
declare const __bundleImport: ((url: string) => Promise<{ default?: unknown }>) | undefined;
const importUrl = (url: string): Promise<{ default?: unknown }> =>
  typeof __bundleImport === 'function' ? __bundleImport(url) : (import(url) as Promise<{ default?: unknown }>);

/** A JavaScript config (.mjs, .js, .cjs): its default export, as lilconfig's own loader takes it. */
const javascript: Loader = async (path) => (await importUrl(pathToFileURL(path).href)).default;

const explorer = () =>
  lilconfig('cachebench', {
    searchPlaces: CONFIG_PLACES,
    loaders: { '.json': json, noExt: json, '.mjs': javascript, '.js': javascript, '.cjs': javascript },
  });

/** A found config: its file and what it holds (not yet checked). */
export interface FoundConfig {
  readonly file: string;
  readonly data: unknown;
}

/** The nearest config from `from` upward, or undefined when there is none. */
export async function findConfig(from = process.cwd()): Promise<FoundConfig | undefined> {
  try {
    const found = await explorer().search(from);
    return found === null || found.isEmpty === true ? undefined : { file: found.filepath, data: found.config as unknown };
  } catch (error) {
    throw configLoadError(error);
  }
}

/** The config at `file` (any of the searched kinds, or any .json name). */
export async function loadConfigFile(file: string): Promise<FoundConfig> {
  try {
    await readFile(file);
  } catch (error) {
    throw new UsageError(
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? `${file}: no such file` : `${file}: ${(error as Error).message}`,
      '--config',
    );
  }
  try {
    const loaded = await explorer().load(file);
    if (loaded === null) throw new UsageError(`${file}: no cachebench settings in it`, '--config');
    return { file: loaded.filepath, data: loaded.config as unknown };
  } catch (error) {
    throw configLoadError(error);
  }
}

function configLoadError(error: unknown): unknown {
  if (error instanceof UsageError) return error;
  // A JavaScript config that throws, or a file that cannot be read: one line, naming it.
  return new UsageError(`cannot load the config: ${(error as Error).message.split('\n')[0]}`, '--config');
}
