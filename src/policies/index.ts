/**
 * The policy registry: one table row per policy, and the parser for policy spec strings
 * (`lru`, `s3-fifo:small=0.1,ghost=0.9`). Adding a policy means adding its file and a row here.
 */
import { UsageError } from '../errors.js';
import { parseAssignments, splitName, splitSpecList } from '../spec-text.js';
import type { ParamSpec, Policy, PolicyContext, PolicyDefinition, PolicyParams } from './policy.js';
import { fifo } from './fifo.js';
import { lfu } from './lfu.js';
import { lru } from './lru.js';
import { lruCache } from './lru-cache.js';
import { ttl } from './ttl.js';
import { mru } from './mru.js';
import { random } from './random.js';
import { clock } from './clock.js';
import { sieve } from './sieve.js';
import { s3Fifo } from './s3-fifo.js';
import { twoQ } from './two-q.js';
import { arc } from './arc.js';
import { slru } from './slru.js';
import { slruN } from './slru-n.js';
import { belady } from './belady.js';
import { lirs } from './lirs.js';
import { wTinyLfu } from './w-tinylfu.js';
import { redisLru } from './redis-lru.js';
import { redisLfu } from './redis-lfu.js';
import { memcached } from './memcached.js';

export type { Policy, PolicyContext, PolicyDefinition, PolicyParams, ParamSpec } from './policy.js';

/** The policy registry: one definition per policy, in the order `cachebench policies` lists them. */
export const POLICIES: readonly PolicyDefinition[] = [
  lru,
  fifo,
  lfu,
  ttl,
  lruCache,
  mru,
  random,
  clock,
  sieve,
  s3Fifo,
  twoQ,
  arc,
  slru,
  slruN,
  lirs,
  wTinyLfu,
  redisLru,
  redisLfu,
  memcached,
  belady,
];

const BY_NAME = new Map(POLICIES.map((definition) => [definition.name, definition]));

/** A parsed policy spec: which policy, with every parameter resolved to a value. */
export interface PolicySpec {
  /** Canonical spec text: the name plus only the parameters given, in declaration order. */
  readonly name: string;
  readonly definition: PolicyDefinition;
  readonly params: PolicyParams;
}

/** The registry row of a policy by its name, or undefined. */
export function findPolicy(name: string): PolicyDefinition | undefined {
  return BY_NAME.get(name);
}

/**
 * Splits a list of policies. Parameters are also comma-separated, so a piece with `=` and
 * no `:` continues the previous policy: `lru,s3-fifo:small=0.2,ghost=0.5,lfu` is three.
 */
export function splitPolicyList(list: string, where?: string): string[] {
  const fail = (detail: string): never => {
    throw new UsageError(detail, where);
  };
  return splitSpecList(list, (piece) => piece.includes('=') && !piece.includes(':'), fail);
}

/** Parses one spec such as `s3-fifo:small=0.1`; throws a UsageError labelled `where` if bad. */
export function parsePolicySpec(spec: string, where?: string): PolicySpec {
  const { name: id, body } = splitName(spec, { lowerCase: true });
  const definition = BY_NAME.get(id);
  if (!definition) {
    throw new UsageError(`unknown policy '${id}' (known: ${POLICIES.map((p) => p.name).join(', ')})`, where);
  }
  const fail = (detail: string): never => {
    throw new UsageError(`'${spec.trim()}': ${detail}`, where);
  };
  const given = parseAssignments(
    body.split(','),
    { allowed: definition.params.map((p) => p.name), owner: `policy '${id}'`, skipEmpty: true },
    fail,
  );
  const params: Record<string, number | string | boolean> = {};
  const shown: string[] = [];
  for (const param of definition.params) {
    const text = given.get(param.name);
    params[param.name] = text === undefined ? param.default : parseParam(param, text, id, where);
    if (text !== undefined) shown.push(`${param.name}=${text}`);
  }
  const problem = definition.check?.(params);
  if (problem !== undefined) throw new UsageError(`${id}: ${problem}`, where);
  return { name: shown.length ? `${id}:${shown.join(',')}` : id, definition, params };
}

/** Whether a parsed policy may decline to store a missed object that fits (admission). */
export function mayDecline(spec: PolicySpec): boolean {
  const rule = spec.definition.mayDecline;
  return typeof rule === 'function' ? rule(spec.params) : rule === true;
}

function parseParam(param: ParamSpec, text: string, policy: string, flag: string | undefined): number | string | boolean {
  const where = `${policy}:${param.name}`;
  switch (param.type) {
    case 'boolean': {
      if (/^(true|1|yes|on)$/i.test(text)) return true;
      if (/^(false|0|no|off)$/i.test(text)) return false;
      throw new UsageError(`${where} must be true or false, not '${text}'`, flag);
    }
    case 'choice': {
      if (param.choices?.includes(text)) return text;
      throw new UsageError(`${where} must be one of ${param.choices?.join(', ')}, not '${text}'`, flag);
    }
    default: {
      const value = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(value)) throw new UsageError(`${where} must be a number, not '${text}'`, flag);
      if (param.type === 'integer' && !Number.isInteger(value)) {
        throw new UsageError(`${where} must be a whole number, not '${text}'`, flag);
      }
      if (param.type === 'fraction' && !(value > 0 && value < 1)) {
        throw new UsageError(`${where} must be a fraction between 0 and 1 (exclusive), not '${text}'`, flag);
      }
      const min = param.min ?? -Infinity;
      const max = param.max ?? Infinity;
      if (value < min || value > max) {
        throw new UsageError(`${where} must be between ${min} and ${max}, not '${text}'`, flag);
      }
      return value;
    }
  }
}

/** Builds a fresh policy instance for one replay. */
export function createPolicy(spec: PolicySpec, context: PolicyContext): Policy {
  return spec.definition.create(context, spec.params, spec.name);
}
