/**
 * Temporary files being written (a report, a generated trace, a binary trace cache), so that
 * an interrupt removes them instead of leaving `.x.csv.123.tmp` behind. Every writer writes
 * to a temporary name and renames it into place; while at least one such file exists, SIGINT
 * and SIGTERM remove them all and then end the process with the signal, as it would have
 * ended without the handler (exit status 130 or 143 in a shell). While none exists no
 * handler is installed, so Ctrl-C during a long replay stops it at once as usual.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeCrypto } from './lazy-builtins.js';

const live = new Set<string>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const path of live) rmSync(path, { force: true });
  live.clear();
  uninstall();
  // Re-raise with the default disposition, so the exit status says which signal ended it.
  process.kill(process.pid, signal);
}

function install(): void {
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
}

/** A path in the system's temporary folder that no other process or call picks: `cachebench-<what>-<pid>-<random><suffix>`. */
export function temporaryPath(what: string, suffix: string): string {
  return join(tmpdir(), `cachebench-${what}-${process.pid}-${nodeCrypto().randomBytes(6).toString('hex')}${suffix}`);
}

/** Registers a temporary file that an interrupt must remove. */
export function trackTemporary(path: string): void {
  live.add(path);
  if (live.size === 1) install();
}

/** The file was renamed into place or removed: an interrupt no longer needs to. */
export function releaseTemporary(path: string): void {
  if (!live.delete(path)) return;
  if (live.size === 0) uninstall();
}

/** Removes a temporary file (if it is there) and stops tracking it. */
export function removeTemporary(path: string): void {
  rmSync(path, { force: true });
  releaseTemporary(path);
}

/**
 * Writes through `write(temp)` to a temporary name beside `path`, then renames it into place;
 * on failure (or an interrupt) the temporary file is removed and `path` is left as it was.
 */
export async function withTemporary<T>(
  temp: string,
  write: (temp: string) => Promise<T>,
  remove: (temp: string) => Promise<void>,
): Promise<T> {
  trackTemporary(temp);
  try {
    return await write(temp);
  } catch (error) {
    await remove(temp).catch(() => undefined);
    throw error;
  } finally {
    releaseTemporary(temp);
  }
}
