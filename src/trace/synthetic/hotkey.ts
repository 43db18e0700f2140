/**
 * The classic stampede workload: one hot key requested at a steady rate, expiring every `ttl`,
 * optionally among background keys. `hotkey:rate=1000,duration=60s,ttl=10s` is one key read
 * 1000 times a second for a minute, every read carrying a 10s TTL (so each expiry meets a wall
 * of concurrent readers).
 *
 * Parameters: rate (requests per second, required), duration (required), ttl (optional: fills
 * the trace's ttl column), cost (optional: fills the cost column, the fetch time of a miss),
 * keys (background keys, default 0), background (share of requests that go to a background key
 * chosen uniformly, default 0.5 when keys > 0), seed (default 1). Arrivals are evenly spaced
 * (request i at i / rate) so the number of readers during one fetch is exact.
 * Key 'hot' is id 0; background keys are named bg0, bg1, ... and interned in first-seen order.
 */
import { UsageError } from '../../errors.js';
import { parseAssignments, splitName } from '../../spec-text.js';
import { parseCount, parseDuration, parseNumber } from '../../units.js';
import { TraceBuilder, type Trace } from '../trace.js';
import { Rng } from './rng.js';

export interface HotKeySpec {
  readonly text: string;
  readonly rate: number;
  readonly duration: number;
  readonly ttl?: number;
  readonly cost?: number;
  readonly keys: number;
  readonly background: number;
  readonly seed: number;
}

const PARAMS = ['rate', 'duration', 'ttl', 'cost', 'keys', 'background', 'seed'] as const;
/** Requests above this are refused: the spec is meant for scenarios, not bulk load. */
const MAX_REQUESTS = 1e8;

export function isHotKeySpec(text: string): boolean {
  return /^\s*hotkey(:|$)/.test(text);
}

export function parseHotKeySpec(spec: string): HotKeySpec {
  const text = spec.trim();
  const fail = (detail: string): never => {
    throw new UsageError(`trace spec '${text}': ${detail}`);
  };
  const guard = <T>(parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      if (error instanceof UsageError) return fail(error.message);
      throw error;
    }
  };
  const values = parseAssignments(splitName(text).body.split(','), { allowed: PARAMS, owner: 'hotkey', skipEmpty: true }, fail);
  for (const required of ['rate', 'duration']) if (!values.has(required)) fail(`missing parameter '${required}'`);
  const rate = guard(() => parseNumber(values.get('rate')!, 'rate'));
  if (!(rate > 0)) fail(`rate must be a positive number of requests per second`);
  const duration = guard(() => parseDuration(values.get('duration')!, 'duration'));
  if (!(duration > 0)) fail(`duration must be positive`);
  if (rate * duration > MAX_REQUESTS) fail(`rate x duration is more than ${MAX_REQUESTS} requests`);
  const ttl = values.has('ttl') ? guard(() => parseDuration(values.get('ttl')!, 'ttl')) : undefined;
  if (ttl !== undefined && !(ttl > 0)) fail(`ttl must be positive`);
  const cost = values.has('cost') ? guard(() => parseDuration(values.get('cost')!, 'cost', 'ms')) : undefined;
  const keys = values.has('keys') ? guard(() => parseCount(values.get('keys')!, 'keys', { allowZero: true })) : 0;
  const background = values.has('background')
    ? guard(() => parseNumber(values.get('background')!, 'background', 0, 1))
    : keys > 0
      ? 0.5
      : 0;
  if (background > 0 && keys === 0) fail(`background needs keys= (how many background keys)`);
  if (background === 1) fail(`background must be below 1, or there is no hot key`);
  const seed = values.has('seed') ? guard(() => parseCount(values.get('seed')!, 'seed', { allowZero: true })) : 1;
  return {
    text,
    rate,
    duration,
    ...(ttl !== undefined && { ttl }),
    ...(cost !== undefined && { cost }),
    keys,
    background,
    seed,
  };
}

export function generateHotKeyTrace(spec: HotKeySpec): Trace {
  const requests = Math.floor(spec.rate * spec.duration);
  const builder = new TraceBuilder(requests);
  const rng = new Rng(spec.seed);
  const idOfLabel = new Int32Array(spec.keys).fill(-1);
  const names = ['hot'];
  for (let i = 0; i < requests; i++) {
    let id = 0;
    if (spec.background > 0 && rng.nextFloat() < spec.background) {
      const label = rng.nextInt(spec.keys);
      if (idOfLabel[label] === -1) {
        idOfLabel[label] = names.length;
        names.push(`bg${label}`);
      }
      id = idOfLabel[label]!;
    }
    builder.push(id, undefined, i / spec.rate, undefined, spec.ttl, spec.cost);
  }
  return builder.build(spec.text, names.length, names);
}
