/**
 * Where a JSON text first goes wrong, as a character offset: JSON.parse says what is wrong
 * but, on Node 20, often not where. Called only after JSON.parse has failed, so it needs to
 * be right, not fast: a plain recursive descent over RFC 8259's grammar.
 */
export function jsonErrorOffset(text: string): number {
  let at = 0;
  const fail = (): never => {
    throw new JsonOffset(at);
  };
  const space = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at]!)) at++;
  };
  const literal = (word: string): void => {
    for (const c of word) {
      if (text[at] !== c) fail();
      at++;
    }
  };
  const string = (): void => {
    at++; // the opening quote
    while (at < text.length && text[at] !== '"') {
      const c = text.charCodeAt(at);
      if (c < 0x20) fail();
      if (text[at] === '\\') {
        at++;
        const escape = text[at];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 1, at + 5))) fail();
          at += 4;
        } else if (escape === undefined || !'"\\/bfnrt'.includes(escape)) fail();
      }
      at++;
    }
    if (at >= text.length) fail();
    at++;
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
    if (!match || match[0] === '-' || match[0] === '') fail();
    at += match![0].length;
  };
  const value = (): void => {
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      space();
      if (text[at] === '}') {
        at++;
        return;
      }
      for (;;) {
        space();
        if (text[at] !== '"') fail();
        string();
        space();
        if (text[at] !== ':') fail();
        at++;
        value();
        space();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] !== '}') fail();
        at++;
        return;
      }
    }
    if (c === '[') {
      at++;
      space();
      if (text[at] === ']') {
        at++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[at] === ',') {
          at++;
          continue;
        }
        if (text[at] !== ']') fail();
        at++;
        return;
      }
    }
    if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else number();
  };
  try {
    value();
    space();
    if (at < text.length) fail();
  } catch (error) {
    if (error instanceof JsonOffset) return error.offset;
    throw error;
  }
  return at;
}

/** Thrown from deep in the descent to unwind it with the offset reached. */
class JsonOffset extends Error {
  constructor(readonly offset: number) {
    super(`JSON goes wrong at offset ${offset}`);
  }
}

/** A JSON.parse error as `file:line:column: not valid JSON (reason)`, from the position it names. */
export function jsonErrorMessage(path: string, text: string, message: string): string {
  // V8's message quotes a window of the text (over several lines): keep only what it says.
  const reason = message.split(/,\s*(?:\.\.\.)?"|\s*in JSON at position/)[0]!.trim();
  const before = text.slice(0, jsonErrorOffset(text));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${path}:${line}:${column}: not valid JSON (${reason})`;
}
