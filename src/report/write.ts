/**
 * Writing reports to disk so a reader never sees half a file: the text goes to a temporary
 * file in the same directory (same filesystem, so the rename is atomic), is flushed, and is
 * then renamed over the target. If anything fails the temporary file is removed and the
 * previous report, if any, is left as it was. The filesystem calls are injectable so tests
 * can make them fail.
 *
 * Also decides where `--out` writes: a file path, or a folder (an existing directory or a
 * path ending in `/`) that receives `<command>-<trace name>.<ext>`.
 */
import { constants, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { releaseTemporary, trackTemporary, withTemporary } from '../temp-files.js';
import { formatFromPath, RENDERERS, type ReportFormat } from './render.js';

export interface WriteFs {
  mkdir(path: string): Promise<void>;
  /** Creates `path` (it must not exist), writes `text` and flushes it to disk. */
  writeNew(path: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
}

export const nodeWriteFs: WriteFs = {
  async mkdir(path) {
    await mkdir(path, { recursive: true });
  },
  async writeNew(path, text) {
    const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => rename(from, to),
  async remove(path) {
    await rm(path, { force: true });
  },
};

let tempCounter = 0;

/** Writes `text` to `path` all at once or not at all. */
export async function writeFileAtomic(path: string, text: string, fs: WriteFs = nodeWriteFs): Promise<void> {
  const directory = dirname(path);
  const temp = join(directory, `.${basename(path)}.${process.pid}.${++tempCounter}.tmp`);
  try {
    await fs.mkdir(directory);
    await withTemporary(
      temp,
      async (file) => {
        await fs.writeNew(file, text);
        await fs.rename(file, path);
      },
      (file) => fs.remove(file),
    );
  } catch (error) {
    throw outError(error, path);
  }
}

/**
 * A failed write as one sentence about the target (not the hidden temporary file), labelled
 * with the `out` option; anything but a filesystem error passes through.
 */
export function outError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    EACCES: 'permission denied (the folder is not writable)',
    EPERM: 'permission denied',
    // Temporary names are unique, so EEXIST comes from creating the folder: a file is in its way.
    EEXIST: 'a part of the path is a file, not a folder',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'it is a folder; name a file, or end the path with / to write into it',
    ENOSPC: 'no space left on the device',
    EROFS: 'the filesystem is read-only',
    ENAMETOOLONG: 'the name is too long',
    ENOENT: 'its folder does not exist',
  };
  const reason = code === undefined ? undefined : reasons[code];
  return reason === undefined ? error : new UsageError(`cannot write ${path}: ${reason}`, 'out');
}

/**
 * Writes several files that belong together (an SVG chart, then the markdown report linking
 * it) under one lock on the last, the main one, so two runs writing the same report cannot
 * leave the markdown of one beside the chart of the other: each file is written atomically
 * in the order given, and the set by one writer at a time.
 */
export async function writeFilesAtomic(files: readonly { path: string; text: string }[], fs: WriteFs = nodeWriteFs): Promise<void> {
  const main = files.at(-1);
  if (main === undefined) return;
  await withLock(`${main.path}.lock`, async () => {
    for (const file of files) await writeFileAtomic(file.path, file.text, fs);
  });
}

/** How long a writer waits for another to finish the same report before saying so. */
const LOCK_WAIT_MS = 30_000;

/**
 * Runs `body` holding `lock`, a file created exclusively with the holder's pid in it. A lock
 * left by a process that no longer runs is taken over; an interrupt removes ours.
 */
async function withLock<T>(lock: string, body: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const target = lock.replace(/\.lock$/, '');
  // The folder first: a file in its way is EEXIST too, which must not read as a held lock.
  await mkdir(dirname(lock), { recursive: true }).catch((error: unknown) => {
    throw outError(error, target);
  });
  for (;;) {
    try {
      const handle = await open(lock, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw outError(error, target);
      if (!(await lockHolderRuns(lock))) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() - started > LOCK_WAIT_MS) throw new UsageError(`another cachebench is still writing ${target}`, 'out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  trackTemporary(lock);
  try {
    return await body();
  } finally {
    releaseTemporary(lock);
    await rm(lock, { force: true });
  }
}

async function lockHolderRuns(lock: string): Promise<boolean> {
  const pid = Number(await readFile(lock, 'utf8').catch(() => ''));
  // Being written this very moment: its holder runs.
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The folder `--out` uses when given without a value. */
export const DEFAULT_REPORT_DIR = 'reports/';

export interface OutTarget {
  readonly path: string;
  readonly format: ReportFormat;
}

/**
 * Where `--out` writes and in which format. An explicit `--format` wins; otherwise a file's
 * extension decides, and a folder gets markdown (the report meant for people).
 */
export function resolveOutTarget(
  out: string,
  context: { command: string; source: string; format?: ReportFormat | undefined },
  isDirectory: (path: string) => boolean = existingDirectory,
): OutTarget {
  if (out.trim() === '') throw new UsageError('expected a file or folder name', 'out');
  if (isFolderTarget(out, isDirectory)) {
    const format = context.format ?? 'md';
    return { path: join(out, `${context.command}-${fileSlug(context.source)}.${RENDERERS[format].extension}`), format };
  }
  const format = context.format ?? formatFromPath(out);
  if (!format) {
    throw new UsageError(
      `cannot tell the format of '${out}' from its extension (use .json, .csv, .md, .html or .txt, or name the format)`,
      'out',
    );
  }
  return { path: out, format };
}

/** A trace file's base name without extensions, or a synthetic spec made file-name safe. */
export function fileSlug(source: string): string {
  const name = basename(source.replace(/\\/g, '/'));
  const stem = name.replace(/(\.(csv|txt|tsv|gz|trace|log))+$/i, '');
  const slug = stem
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return slug || 'trace';
}

/** Whether `--out` names a folder to write into: written with a trailing slash, or one that exists. */
export function isFolderTarget(out: string, isDirectory: (path: string) => boolean = existingDirectory): boolean {
  return out.endsWith('/') || out.endsWith('\\') || isDirectory(out);
}

function existingDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
