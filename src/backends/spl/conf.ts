/**
 * A small parser for Splunk `.conf` files (the `macros.conf` that `compile` writes, or one a test
 * writes by hand): `Map<stanza, Map<key, value>>`.
 *
 * The format as read here:
 * - `[name]` opens a stanza (the name is the text between the brackets, trimmed). Settings before the
 *   first stanza belong to `default`, as in Splunk. A stanza that appears twice is merged; a key set
 *   twice keeps its last value.
 * - `key = value`: the key and the value are trimmed; the value is everything after the first `=`
 *   (it may contain `=`, `#`, quotes, backticks).
 * - A line whose first non-blank character is `#` is a comment; blank lines are ignored. A `#` later
 *   in a line is part of the value (Splunk has no trailing comments).
 * - A line ending in a backslash continues on the next line: the backslash is dropped and the line
 *   break kept, so a multi-line macro definition keeps its lines (a line break is whitespace to the
 *   search language).
 * - Anything else (a line without `=`, an unclosed `[`, an empty key, a continuation at the end of
 *   the file) is malformed and throws `ConfParseError` naming the file and line.
 */

export type ConfFile = Map<string, Map<string, string>>;

export class ConfParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'ConfParseError';
  }
}

export function parseConf(text: string, file = '<conf>'): ConfFile {
  const out: ConfFile = new Map();
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let stanza = 'default';
  const section = (name: string): Map<string, string> => {
    let s = out.get(name);
    if (!s) out.set(name, (s = new Map()));
    return s;
  };
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i]!;
    // Backslash continuation: join the following physical lines, keeping the line break.
    while (/\\$/.test(line)) {
      if (i + 1 >= lines.length) throw new ConfParseError(file, lineNo, 'a line continuation (trailing backslash) at the end of the file');
      line = `${line.slice(0, -1)}\n${lines[++i]!}`;
    }
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    if (t.startsWith('[')) {
      const m = /^\[(.*)\]$/s.exec(t);
      if (!m) throw new ConfParseError(file, lineNo, `malformed stanza header ${JSON.stringify(t)} (expected [name])`);
      const name = m[1]!.trim();
      if (name === '') throw new ConfParseError(file, lineNo, 'empty stanza name');
      stanza = name;
      section(stanza);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new ConfParseError(file, lineNo, `expected "key = value", a [stanza], a # comment or a blank line, got ${JSON.stringify(t)}`);
    const key = line.slice(0, eq).trim();
    if (key === '') throw new ConfParseError(file, lineNo, `empty key in ${JSON.stringify(t)}`);
    if (/[\s[\]]/.test(key)) throw new ConfParseError(file, lineNo, `malformed key ${JSON.stringify(key)}`);
    section(stanza).set(key, line.slice(eq + 1).trim());
  }
  return out;
}
