/**
 * A TCP (or TLS) connection read as lines, for the servers' text streams that capture records:
 * Redis's MONITOR and memcached's watch. Connecting has a timeout and every failure becomes
 * one line naming the server.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export interface LineConnection {
  /** Sends raw bytes (a command). */
  send(text: string): void;
  /** The next line (without its CR LF); undefined once the server closed the connection. */
  next(): Promise<string | undefined>;
  close(): void;
}

export async function openLines(
  host: string,
  port: number,
  { tls = false, timeoutMs = 5000, display }: { tls?: boolean; timeoutMs?: number; display: string },
): Promise<LineConnection> {
  const socket: Socket = tls ? connectTls({ host, port, servername: host }) : connectTcp({ host, port });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`cannot reach ${display}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new Error(
          `cannot reach ${display}: ${error.code === 'ECONNREFUSED' ? 'connection refused (is the server running there?)' : error.message}`,
        ),
      );
    });
  });
  const lines: string[] = [];
  let carry = '';
  let ended = false;
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  socket.setEncoding('latin1');
  socket.on('data', (text: string) => {
    const parts = (carry + text).split('\n');
    carry = parts.pop()!;
    for (const part of parts) lines.push(part.endsWith('\r') ? part.slice(0, -1) : part);
    wake?.();
  });
  socket.on('error', (error) => {
    failure = new Error(`${display}: ${error.message}`);
    wake?.();
  });
  socket.on('close', () => {
    ended = true;
    wake?.();
  });
  return {
    send: (text) => {
      socket.write(text, 'latin1');
    },
    next: async () => {
      for (;;) {
        if (lines.length > 0) return lines.shift();
        if (failure) throw failure;
        if (ended) return undefined;
        // Never paused: a paused socket would make the server buffer the stream for us.
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
    close: () => {
      socket.destroy();
    },
  };
}
