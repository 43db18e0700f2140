/**
 * A minimal pipelined client for memcached's text protocol: the handful of commands a
 * replay needs (get, set, delete, stats, flush_all, version), over one TCP connection.
 *
 * Written here rather than taken from npm: the maintained memcached clients hide pipelining
 * behind per-command callbacks, retry and fail over by themselves, and none reports
 * `stats settings`; a replay needs exact ordering, no retries and a one-line cause on any
 * failure. The protocol is line-based (protocol.txt in memcached's source), so the reader
 * is a small state machine over the incoming bytes.
 */
import { connect, type Socket } from 'node:net';
import { Buffer } from 'node:buffer';

export type MemcachedReply =
  | { readonly kind: 'value'; readonly bytes: number }
  | { readonly kind: 'miss' }
  | { readonly kind: 'line'; readonly line: string }
  | { readonly kind: 'stats'; readonly stats: Map<string, string> };

type Expect = 'get' | 'line' | 'stats';

interface Pending {
  readonly expect: Expect;
  resolve(reply: MemcachedReply): void;
  reject(error: Error): void;
}

export class MemcachedConnection {
  private readonly socket: Socket;
  private readonly pending: Pending[] = [];
  private head = 0;
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes of a VALUE's data still to skip (plus its CRLF), and the size it announced. */
  private valueLeft = -1;
  private valueBytes = 0;
  private sawValue = false;
  private stats: Map<string, string> | undefined;
  private failure: Error | undefined;
  private readonly timeoutMs: number;

  private constructor(socket: Socket, timeoutMs: number) {
    this.socket = socket;
    this.timeoutMs = timeoutMs;
    socket.on('data', (chunk: Buffer) => {
      this.read(chunk);
    });
    socket.on('error', (error) => {
      this.fail(error);
    });
    socket.on('close', () => {
      this.fail(new Error('the server closed the connection'));
    });
    socket.setTimeout(timeoutMs, () => {
      if (this.head < this.pending.length) this.fail(new Error(`no reply within ${timeoutMs / 1000}s`));
    });
  }

  static open(host: string, port: number, timeoutSeconds: number): Promise<MemcachedConnection> {
    const timeoutMs = Math.max(1, Math.round(timeoutSeconds * 1000));
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no connection within ${timeoutSeconds}s`));
      }, timeoutMs);
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new Error(error.code === 'ECONNREFUSED' ? 'connection refused (is memcached running there?)' : error.message));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new MemcachedConnection(socket, timeoutMs));
      });
    });
  }

  /** Whether the connection can still be used (for clean-up after a failure). */
  usable(): boolean {
    return this.failure === undefined;
  }

  close(): void {
    this.failure ??= new Error('closed');
    this.socket.destroy();
  }

  /**
   * Holds writes until `flush()`, so a batch of commands leaves in one write rather than one
   * system call per command (which cost a third of a replay's time).
   */
  hold(): void {
    this.socket.cork();
  }

  flush(): void {
    this.socket.uncork();
  }

  get(key: string): Promise<MemcachedReply> {
    return this.send(`get ${key}\r\n`, 'get');
  }

  set(key: string, value: Buffer, ttlSeconds = 0): Promise<MemcachedReply> {
    this.socket.write(`set ${key} 0 ${ttlSeconds} ${value.length}\r\n`);
    this.socket.write(value);
    return this.send('\r\n', 'line');
  }

  delete(key: string): Promise<MemcachedReply> {
    return this.send(`delete ${key}\r\n`, 'line');
  }

  /** `stats` or `stats settings` / `stats slabs` / `stats items`, as name -> value. */
  async statsOf(group = ''): Promise<Map<string, string>> {
    const reply = await this.send(group === '' ? 'stats\r\n' : `stats ${group}\r\n`, 'stats');
    return reply.kind === 'stats' ? reply.stats : new Map();
  }

  async command(text: string): Promise<string> {
    const reply = await this.send(`${text}\r\n`, 'line');
    return reply.kind === 'line' ? reply.line : '';
  }

  private send(text: string, expect: Expect): Promise<MemcachedReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ expect, resolve, reject });
      this.socket.write(text);
    });
  }

  private fail(error: Error): void {
    if (this.failure === undefined) this.failure = error;
    while (this.head < this.pending.length) this.pending[this.head++]!.reject(this.failure);
    this.socket.destroy();
  }

  private settle(reply: MemcachedReply): void {
    const waiting = this.pending[this.head++];
    if (this.head > 4096 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    waiting?.resolve(reply);
  }

  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let at = 0;
    for (;;) {
      if (this.valueLeft >= 0) {
        const take = Math.min(this.valueLeft, this.buffer.length - at);
        at += take;
        this.valueLeft -= take;
        if (this.valueLeft > 0) break;
        this.valueLeft = -1;
        continue;
      }
      const end = this.buffer.indexOf('\r\n', at);
      if (end < 0) break;
      const line = this.buffer.toString('latin1', at, end);
      at = end + 2;
      this.line(line);
    }
    this.buffer = at >= this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(at);
  }

  private line(line: string): void {
    const expect = this.pending[this.head]?.expect;
    if (expect === 'get') {
      if (line.startsWith('VALUE ')) {
        this.sawValue = true;
        this.valueBytes = Number(line.slice(line.lastIndexOf(' ') + 1));
        // The data and its CRLF follow; skipped, since only its size matters.
        this.valueLeft = this.valueBytes + 2;
        return;
      }
      if (line === 'END') {
        this.settle(this.sawValue ? { kind: 'value', bytes: this.valueBytes } : { kind: 'miss' });
        this.sawValue = false;
        return;
      }
      this.settle({ kind: 'line', line });
      return;
    }
    if (expect === 'stats') {
      if (line.startsWith('STAT ')) {
        const space = line.indexOf(' ', 5);
        (this.stats ??= new Map()).set(line.slice(5, space), line.slice(space + 1));
        return;
      }
      const stats = this.stats ?? new Map<string, string>();
      this.stats = undefined;
      this.settle(line === 'END' ? { kind: 'stats', stats } : { kind: 'line', line });
      return;
    }
    this.settle({ kind: 'line', line });
  }
}
