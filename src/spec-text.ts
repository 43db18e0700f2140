/**
 * The one parser of `name:key=value,key=value` text, which policies (`s3-fifo:small=0.2`),
 * synthetic traces (`zipf:alpha=0.9,keys=1e5,requests=1e6`, `mix:zipf(...)*0.8+scan(...)`),
 * tiers (`lru:1000@0.05ms`) and stampede modes (`xfetch:beta=2`) are written in. It only
 * splits and checks the shape (names, duplicates, empty pieces); each caller gives the
 * values their meaning and its errors their wording through `fail`.
 */

/** Reports a malformed piece; callers throw their own error (naming the spec or the option). */
export type Fail = (detail: string) => never;

/** `name:body` -> the name (lower-cased when asked) and the text after the first colon. */
export function splitName(text: string, { lowerCase = false } = {}): { name: string; body: string } {
  const colon = text.indexOf(':');
  const name = (colon < 0 ? text : text.slice(0, colon)).trim();
  return { name: lowerCase ? name.toLowerCase() : name, body: colon < 0 ? '' : text.slice(colon + 1) };
}

/** Splits at `separator` outside parentheses; trims the pieces. */
export function splitTopLevel(text: string, separator: string, fail: Fail): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth < 0) fail(`unbalanced ')' at '${text.slice(i)}'`);
    else if (c === separator && depth === 0) {
      pieces.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (depth !== 0) fail(`unbalanced '(' in '${text}'`);
  pieces.push(text.slice(start).trim());
  return pieces;
}

export interface AssignmentRules {
  /** The names that may be given; anything else is refused, listing these. */
  readonly allowed: readonly string[];
  /** Who the parameters belong to, for messages: `zipf`, `policy 'lru'`. */
  readonly owner: string;
  /** Skip empty pieces (a trailing comma) instead of refusing them. */
  readonly skipEmpty?: boolean;
}

/** `key=value` pieces to a map in the order given: no empty, malformed, unknown, repeated or valueless ones. */
export function parseAssignments(pieces: readonly string[], rules: AssignmentRules, fail: Fail): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of pieces) {
    const piece = raw.trim();
    if (piece === '') {
      if (rules.skipEmpty) continue;
      fail('empty parameter (two commas in a row?)');
    }
    const eq = piece.indexOf('=');
    if (eq < 0) fail(`'${piece}' should be name=value`);
    const name = piece.slice(0, eq).trim();
    const value = piece.slice(eq + 1).trim();
    if (!rules.allowed.includes(name)) {
      fail(`unknown parameter '${name}' for ${rules.owner} (parameters: ${rules.allowed.join(', ') || 'none'})`);
    }
    if (values.has(name)) fail(`parameter '${name}' given twice`);
    if (value === '') fail(`parameter '${name}' has no value`);
    values.set(name, value);
  }
  return values;
}

/**
 * Splits a comma-separated list of specs whose parameters are comma-separated too: a piece
 * continues the spec before it while `continues(piece)` says so (for policies: it has `=`
 * and no `:`), so `lru,s3-fifo:small=0.2,ghost=0.5,lfu` is three specs.
 */
export function splitSpecList(list: string, continues: (piece: string, previous: string) => boolean, fail?: Fail): string[] {
  const specs: string[] = [];
  for (const raw of list.split(',')) {
    const piece = raw.trim();
    if (piece === '') {
      // `lru,` or `lru,,lfu` is a slip of the keyboard, not a list of two.
      if (fail) fail(`'${list}' has an empty item (a stray comma?)`);
      continue;
    }
    const previous = specs.at(-1);
    if (previous !== undefined && continues(piece, previous)) specs[specs.length - 1] = `${previous},${piece}`;
    else specs.push(piece);
  }
  return specs;
}
