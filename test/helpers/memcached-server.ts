/**
 * Throwaway memcached processes for tests: each on a free loopback port, waited for until it
 * answers `version`, killed when the test ends. Tests skip only when memcached is not
 * installed (.ci/run installs Debian's package).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import type { TestContext } from 'node:test';
import { freePort } from './redis-server.js';

export interface MemcachedServer {
  readonly port: number;
  readonly url: string;
  /** The server's version, e.g. [1, 6, 18]. */
  readonly version: readonly number[];
  /** The server process (tests stop it with SIGSTOP to make it hang). */
  readonly process: ChildProcess;
  /** Sends raw protocol text and resolves with everything the server answered until `until` shows up. */
  send(text: string, until: RegExp): Promise<string>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function memcachedUnavailable(): string | undefined {
  const probe = spawnSync('memcached', ['-V'], { encoding: 'utf8' });
  return probe.error || probe.status !== 0 ? 'memcached is not installed (apt-get install memcached); .ci/run installs it' : undefined;
}

/** Starts memcached with `-m 16` unless `args` says otherwise (e.g. ['-m', '24', '-f', '2']). */
export async function startMemcached(t: TestContext, args: readonly string[] = ['-m', '16']): Promise<MemcachedServer | undefined> {
  const unavailable = memcachedUnavailable();
  if (unavailable) {
    t.skip(unavailable);
    return undefined;
  }
  const version = (/(\d+)\.(\d+)\.(\d+)/.exec(spawnSync('memcached', ['-V'], { encoding: 'utf8' }).stdout) ?? []).slice(1).map(Number);
  const port = await freePort();
  // -u root only matters when the tests run as root, which memcached otherwise refuses.
  const child = spawn('memcached', ['-p', String(port), '-l', '127.0.0.1', '-U', '0', '-u', 'root', ...args], { stdio: 'ignore' });
  running.add(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    running.delete(child);
  });
  const send = (text: string, until: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let reply = '';
      socket.once('error', reject);
      socket.once('connect', () => socket.write(text));
      socket.on('data', (chunk) => {
        reply += chunk.toString('latin1');
        if (until.test(reply)) {
          socket.destroy();
          resolve(reply);
        }
      });
    });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await send('version\r\n', /VERSION/);
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`memcached on port ${port} did not answer: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { port, url: `memcached://127.0.0.1:${port}`, version, send, process: child };
}

/** The slab classes `memcached -vv` prints at start-up with these options: [chunk size, per page] by class. */
export async function slabClassListing(args: readonly string[]): Promise<[number, number][]> {
  const port = await freePort();
  const child = spawn('memcached', ['-vv', '-p', String(port), '-l', '127.0.0.1', '-U', '0', '-u', 'root', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  let text = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`memcached -vv printed no slab classes: ${text}`));
      }, 10_000);
      child.stderr.on('data', (chunk: Buffer) => {
        text += chunk.toString('latin1');
        // The listing ends before the server starts listening ("<26 server listening").
        if (/server listening|Failed/.test(text)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    child.kill('SIGKILL');
    running.delete(child);
  }
  return [...text.matchAll(/slab class\s+\d+: chunk size\s+(\d+) perslab\s+(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}
