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
import { formatDuration, parseDuration, parseTtlList } from '../units.js';

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

/**
 * A `--ttl` value: a list of TTLs (`off,30s,5m`), a set of per-class TTLs (`user:*=5m,*=60s`),
 * or several of either separated by `;` (`60s;user:*=5m,*=60s`), each one more value of the
 * TTL dimension. `ttls` is undefined when only classes were given (then there is no no-TTL
 * row); [null] when nothing was.
 */
export function parseTtlSettings(
  text: string | undefined,
  where?: string,
): { ttls: (number | null)[] | undefined; jitter: number | undefined; classes: TtlClasses[] } {
  if (text === undefined) return { ttls: [null], jitter: undefined, classes: [] };
  const groups = text.split(';').map((group) => group.trim());
  if (groups.some((group) => group === '')) throw new UsageError(`'${text}' has an empty TTL setting (two semicolons in a row?)`, where);
  const classes = groups.filter(isTtlClassList).map((group) => parseTtlClasses(group, where));
  const lists = groups.filter((group) => !isTtlClassList(group));
  if (lists.length === 0) return { ttls: undefined, jitter: undefined, classes };
  // All plain TTLs are one list: parseTtlList de-duplicates them and refuses two jitters.
  return { ...parseTtlList(lists.join(','), where), classes };
}

/** Parsed classes as the library's `ttlClasses` option (ms), or nothing without any. */
export function ttlClassOptions(classes: readonly TtlClasses[]): { ttlClasses?: { pattern: string; ttlMs: number | null }[][] } {
  if (classes.length === 0) return {};
  return {
    ttlClasses: classes.map((set) =>
      set.rules.map((rule) => ({ pattern: rule.pattern, ttlMs: rule.ttl === null ? null : rule.ttl * 1e3 })),
    ),
  };
}
