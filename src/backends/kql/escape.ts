/**
 * The only escaping functions for KQL (semantics.md §2.5). Every rule-derived string reaches a
 * query through one of them.
 */

/**
 * A regular (double-quoted) KQL string literal. Kusto accepts only the escapes `\\ \" \' \t \n \r
 * \0 \a \b \f \v \ooo \xHH \uXXXX \UXXXXXXXX`; any other backslash sequence is a syntax error, so
 * every backslash is doubled, the quote is escaped, and control characters use \uXXXX.
 */
export function kqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * A verbatim string for a regex (`@"…"`): backslashes are literal, a quote is doubled. A verbatim
 * string cannot hold a line break; regexes are rendered with `\n`-style escapes, so one is refused.
 */
export function kqlVerbatim(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error('internal: raw line break in a KQL verbatim string');
  return `@"${value.replace(/"/g, '""')}"`;
}

const COLUMN_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r' };

/**
 * A column name: bare when it is an identifier that cannot be a keyword, else bracketed (`['and']`).
 * Every Kusto reserved word is lower-case letters, digits and underscores, or starts with `__`, so
 * such names are always bracketed rather than checked against a keyword list.
 */
export function kqlColumn(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !/^(?:[a-z0-9_]+|__.*)$/.test(name)) return name;
  return `['${name.replace(/[\\'\n\r]/g, (c) => COLUMN_ESCAPES[c]!)}']`;
}

/** Text after `//` in a comment line. */
export function kqlComment(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
