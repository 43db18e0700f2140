/**
 * A fleet: N application instances, each with its own in-process L1, in front of the shared
 * tiers below (`--instances 8 --balance key-hash --invalidation pubsub:delay=5ms`).
 *
 * - The balancer sends each request (get, set or delete) to one instance: `round-robin` by
 *   request number, `random` by a seeded draw, `key-hash` by a fixed hash of the key, so one
 *   key always lands on one instance and the instances' L1s partition the keys.
 * - A write (a set or a delete) reaches the instance the balancer picked. The write policy
 *   applies there and to the shared tiers at once; what the other instances' L1s learn is
 *   the invalidation mode:
 *   - `pubsub:delay=5ms`: a broadcast drops the key from every other L1 after the delay (the
 *     writer's own L1 at once), as a Redis pub/sub or client-side-caching channel does;
 *   - `ttl-only`: no broadcast: the other L1s serve their copy until it expires or is evicted;
 *   - `none`: not even the writer's own L1 is told; only the shared tiers take the write.
 *
 * One instance with `pubsub` (any delay) or `ttl-only` is exactly the single chain of
 * `--tiers`: the writer is the only instance.
 */
import { UsageError } from '../../errors.js';
import { splitName, splitSpecList } from '../../spec-text.js';
import { Rng } from '../../trace/synthetic/rng.js';
import { parseDuration } from '../../units.js';

export const BALANCES = ['round-robin', 'random', 'key-hash'] as const;
export type Balance = (typeof BALANCES)[number];

export type Invalidation =
  | { readonly kind: 'pubsub'; /** Seconds from the write to every other L1 dropping the key. */ readonly delay: number }
  | { readonly kind: 'ttl-only' }
  | { readonly kind: 'none' };

export const INVALIDATION_KINDS = ['pubsub', 'ttl-only', 'none'] as const;

export interface FleetConfig {
  readonly instances: number;
  readonly balance: Balance;
  readonly invalidation: Invalidation;
}

/** Most instances one job may model: each holds its own per-key state. */
export const MAX_INSTANCES = 1024;

/** The default when a fleet is asked for without `--invalidation`: a broadcast with no delay, the best case. */
export const DEFAULT_INVALIDATION: Invalidation = { kind: 'pubsub', delay: 0 };

/** As typed: `pubsub:delay=5ms`, `ttl-only`, `none`. */
export function invalidationLabel(invalidation: Invalidation): string {
  if (invalidation.kind !== 'pubsub') return invalidation.kind;
  return `pubsub:delay=${Number((invalidation.delay * 1e3).toPrecision(6))}ms`;
}

export function parseInvalidation(text: string, flag = 'invalidation'): Invalidation {
  const { name, body } = splitName(text.trim(), { lowerCase: true });
  if (name === 'ttl-only' || name === 'none') {
    if (body !== '') throw new UsageError(`'${text}': ${name} takes no parameters`, flag);
    return { kind: name };
  }
  if (name !== 'pubsub') throw new UsageError(`unknown invalidation '${text}' (use pubsub:delay=5ms, ttl-only or none)`, flag);
  if (body === '') return { kind: 'pubsub', delay: 0 };
  const eq = body.indexOf('=');
  if (eq < 0 || body.slice(0, eq).trim() !== 'delay')
    throw new UsageError(`'${text}': pubsub takes one parameter, delay (pubsub:delay=5ms)`, flag);
  const delay = parseDuration(body.slice(eq + 1), flag, 'ms');
  if (!(delay >= 0)) throw new UsageError(`'${text}': the delay must be 0 or more`, flag);
  return { kind: 'pubsub', delay };
}

/** `pubsub:delay=5ms,ttl-only`: the modes to compare side by side. */
export function parseInvalidations(text: string, flag = 'invalidation'): Invalidation[] {
  const fail = (detail: string): never => {
    throw new UsageError(detail, flag);
  };
  return splitSpecList(text, () => false, fail).map((piece) => parseInvalidation(piece, flag));
}

/** Seeded stream of the random balancer's draws. */
const BALANCE_STREAM = 0xba1a;

/**
 * The instance a key-hash balancer sends key `id` to: murmur3's 32-bit finalizer, so
 * neighbouring ids (keys seen one after the other) spread evenly.
 */
export function keyHashInstance(id: number, instances: number): number {
  let h = id >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % instances;
}

/** Picks the instance of each request, in trace order. */
export class Balancer {
  private readonly rng: Rng | undefined;
  private turn = 0;

  constructor(
    private readonly instances: number,
    private readonly balance: Balance,
    seed: number,
  ) {
    this.rng = balance === 'random' ? new Rng(seed, BALANCE_STREAM) : undefined;
  }

  /** The instance request `i` (on key `id`) goes to. */
  pick(id: number): number {
    const n = this.instances;
    if (n === 1) return 0;
    if (this.balance === 'key-hash') return keyHashInstance(id, n);
    if (this.rng !== undefined) return Math.floor(this.rng.nextFloat() * n);
    const instance = this.turn;
    this.turn = instance + 1 === n ? 0 : instance + 1;
    return instance;
  }
}

/**
 * Broadcast invalidations on their way: (due time, instance that wrote, key), in the order
 * they were sent. One delay for all, so they fall due in that order too: a FIFO, no heap.
 */
export class Broadcasts {
  private due = new Float64Array(1024);
  private from = new Uint32Array(1024);
  private keys = new Uint32Array(1024);
  private head = 0;
  private tail = 0;

  get pending(): number {
    return this.tail - this.head;
  }

  send(due: number, writer: number, id: number): void {
    if (this.tail === this.due.length) this.grow();
    this.due[this.tail] = due;
    this.from[this.tail] = writer;
    this.keys[this.tail++] = id;
  }

  /** Delivers every broadcast due by `now` (with `slack`): `deliver(writer, key)` for each. */
  deliverDue(now: number, slack: number, deliver: (writer: number, id: number) => void): void {
    while (this.head < this.tail && this.due[this.head]! <= now + slack) {
      deliver(this.from[this.head]!, this.keys[this.head]!);
      this.head++;
    }
  }

  private grow(): void {
    const live = this.tail - this.head;
    // Copy what is still pending to the front: into arrays of the same size when at least half
    // is delivered, else into arrays twice as long.
    const size = live * 2 <= this.due.length ? this.due.length : this.due.length * 2;
    const move = <T extends Float64Array | Uint32Array>(old: T, next: T): T => {
      next.set(old.subarray(this.head, this.tail));
      return next;
    };
    this.due = move(this.due, new Float64Array(size));
    this.from = move(this.from, new Uint32Array(size));
    this.keys = move(this.keys, new Uint32Array(size));
    this.head = 0;
    this.tail = live;
  }
}
