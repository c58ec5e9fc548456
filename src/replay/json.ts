/**
 * A JSON reader that remembers where things are: the values JSON.parse would give, and for every
 * array the 1-based line each element starts on, so that a value an export holds can be named by
 * `FILE:line`. Scalars are decoded by JSON.parse itself (exact escapes and numbers); this file only
 * walks the structure.
 */

/** A JSON text that does not parse, with the line of the problem. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export interface LocatedJson {
  readonly value: unknown;
  /** The line each element of an array starts on (arrays of the parsed value only). */
  readonly elementLines: WeakMap<readonly unknown[], readonly number[]>;
  /** Where the value ended: the offset after it (trailing white space not included). */
  readonly end: number;
}

const WS = /[ \t\r\n]/;

/**
 * Parse one JSON value starting at `start` (after optional white space), counting lines from
 * `firstLine`. With `whole`, nothing but white space may follow it.
 */
export function parseLocatedJson(text: string, opts: { start?: number; firstLine?: number; whole?: boolean } = {}): LocatedJson {
  const elementLines = new WeakMap<readonly unknown[], readonly number[]>();
  let i = opts.start ?? 0;
  let line = opts.firstLine ?? 1;
  const n = text.length;

  const fail = (what: string): never => {
    throw new JsonSyntaxError(line, what);
  };
  const skipWs = () => {
    while (i < n && WS.test(text[i]!)) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const describe = () => (i >= n ? 'the end of the text' : JSON.stringify(text[i]));

  const scalar = (pattern: RegExp, what: string): unknown => {
    pattern.lastIndex = i;
    const m = pattern.exec(text);
    if (!m || m.index !== i) return fail(`expected ${what}, found ${describe()}`);
    i += m[0].length;
    return JSON.parse(m[0]) as unknown;
  };
  const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

  const value = (depth: number): unknown => {
    if (depth > 512) return fail('nesting deeper than 512 levels');
    skipWs();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      skipWs();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"') return fail(`expected a key in quotes, found ${describe()}`);
        const key = scalar(STRING, 'a key') as string;
        skipWs();
        if (text[i] !== ':') return fail(`expected ":" after a key, found ${describe()}`);
        i++;
        const v = value(depth + 1);
        // A key called __proto__ is an own property, as JSON.parse makes it.
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        return fail(`expected "," or "}" in an object, found ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      const lines: number[] = [];
      elementLines.set(arr, lines);
      skipWs();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        skipWs();
        lines.push(line);
        arr.push(value(depth + 1));
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        return fail(`expected "," or "]" in an array, found ${describe()}`);
      }
    }
    if (c === '"') return scalar(STRING, 'a string');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return scalar(NUMBER, 'a number');
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const)
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    return fail(`expected a JSON value, found ${describe()}`);
  };

  const v = value(0);
  const end = i;
  if (opts.whole) {
    skipWs();
    if (i < n) fail(`unexpected ${describe()} after the JSON value`);
  }
  return { value: v, elementLines, end };
}
