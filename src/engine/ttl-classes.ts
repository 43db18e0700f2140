/**
 * Per-class TTLs: `--ttl 'user:*=5m,config:*=1h,*=60s'`. Static data gets a long TTL, profile
 * data a medium one, transactional data a short one: one rule per class of key, by glob
 * (`*` any run of characters, `?` one) or, without a wildcard, by prefix (`session:=30s`).
 * The first rule that matches a key gives its TTL; `*=60s` catches the rest (without it, the
 * rest have no TTL); `off` is no TTL. A request's own `ttl` column still wins.
 *
 * A set of rules is one value of the TTL dimension of a grid, beside plain TTLs. It is
 * resolved once per trace into one TTL per key (a keySpace-long array, in shared memory so
 * worker threads read it without a copy), which the replay loops read in place of the
 * single default TTL.
 */
import { UsageError } from '../errors.js';
import type { Trace } from '../trace/trace.js';
import { formatDuration, parseDuration } from '../units.js';

export interface TtlClassRule {
  /** A glob (`user:*`) or a prefix (`user:`). */
  readonly pattern: string;
  /** Seconds, or null for no TTL. */
  readonly ttl: number | null;
}

export interface TtlClasses {
  readonly rules: readonly TtlClassRule[];
}

/** As typed: `user:*=5m,*=1m` (durations as formatDuration writes them, or off). */
export function ttlClassesLabel(classes: TtlClasses): string {
  return classes.rules.map((rule) => `${rule.pattern}=${rule.ttl === null ? 'off' : formatDuration(rule.ttl)}`).join(',');
}

/** The TTL of keys no other rule matches (the `*` rule's), or null. */
export function fallbackTtl(classes: TtlClasses): number | null {
  return classes.rules.find((rule) => rule.pattern === '*')?.ttl ?? null;
}

/** Whether a `--ttl` value is a set of class rules rather than a list of TTLs. */
export function isTtlClassList(text: string): boolean {
  return text.includes('=');
}

/** `user:*=5m,config:*=1h,*=60s`. */
export function parseTtlClasses(text: string, where?: string): TtlClasses {
  const rules = text.split(',').map((piece): TtlClassRule => {
    const eq = piece.lastIndexOf('=');
    const pattern = eq < 0 ? '' : piece.slice(0, eq).trim();
    const ttlText =
      eq < 0
        ? ''
        : piece
            .slice(eq + 1)
            .trim()
            .toLowerCase();
    if (pattern === '' || ttlText === '') throw new UsageError(`'${piece.trim()}' should be pattern=ttl, e.g. user:*=5m or *=60s`, where);
    if (ttlText === 'off' || ttlText === 'none') return { pattern, ttl: null };
    const ttl = parseDuration(ttlText, where);
    if (!(ttl > 0)) throw new UsageError(`'${piece.trim()}': a TTL must be a positive duration or off`, where);
    return { pattern, ttl };
  });
  const seen = new Set<string>();
  for (const rule of rules) {
    if (seen.has(rule.pattern)) throw new UsageError(`'${rule.pattern}' has two TTLs`, where);
    seen.add(rule.pattern);
  }
  const catchAll = rules.findIndex((rule) => rule.pattern === '*');
  if (catchAll >= 0 && catchAll < rules.length - 1)
    throw new UsageError(`'*=…' matches every key, so the rules after it never apply: put it last`, where);
  return { rules };
}

/** A rule's pattern as a test on a key's text. */
function matcher(pattern: string): (name: string) => boolean {
  if (pattern === '*') return () => true;
  if (!/[*?]/.test(pattern)) return (name) => name.startsWith(pattern);
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`, 's');
  return (name) => regex.test(name);
}

const resolved = new WeakMap<Trace, Map<string, Float64Array>>();

/**
 * Each key's TTL in seconds under `classes` (Infinity: none), in shared memory. Keys are
 * matched by their text; a trace without key text (a synthetic one's are its key numbers)
 * matches only `*`.
 */
export function keyTtlsOf(trace: Trace, classes: TtlClasses): Float64Array {
  const label = ttlClassesLabel(classes);
  let byLabel = resolved.get(trace);
  if (byLabel === undefined) resolved.set(trace, (byLabel = new Map<string, Float64Array>()));
  const cached = byLabel.get(label);
  if (cached !== undefined) return cached;
  const tests = classes.rules.map((rule) => ({ test: matcher(rule.pattern), ttl: rule.ttl ?? Infinity }));
  const ttls = new Float64Array(new SharedArrayBuffer(trace.keySpace * Float64Array.BYTES_PER_ELEMENT)).fill(Infinity);
  const names = trace.keyNames;
  for (let id = 0; id < trace.keySpace; id++) {
    const name = names === undefined ? String(id) : names.get(id);
    for (const rule of tests) {
      if (rule.test(name)) {
        ttls[id] = rule.ttl;
        break;
      }
    }
  }
  byLabel.set(label, ttls);
  return ttls;
}
