/**
 * The only escaping for Sigma values (spec: sigma-rules-specification, "Escaping"): `*` and `?` are
 * wildcards and `\` escapes them and itself, so a literal string is written with each of the three
 * preceded by a backslash. (`\` before any other character is literal, so doubling is always safe.)
 * Regex values (`|re`) are not wildcard strings and are written as they are.
 */
export function sigmaString(value: string): string {
  return value.replace(/[\\*?]/g, (c) => `\\${c}`);
}

/** Decode a Sigma plain value back to the literal it matches (for tests; wildcards are refused). */
export function decodeSigmaString(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length && '\\*?'.includes(value[i + 1]!)) {
      out += value[i + 1];
      i++;
    } else if (c === '*' || c === '?') throw new Error(`unescaped wildcard ${c} at ${i}`);
    else out += c;
  }
  return out;
}
