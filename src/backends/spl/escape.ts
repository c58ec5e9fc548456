/**
 * The only escaping functions for SPL. Every rule-derived string reaches a query through one of them.
 */

/**
 * A double-quoted SPL string literal for eval/where. Splunk decodes `\\` → `\` and `\"` → `"` and
 * leaves other backslash sequences as written (semantics.md §1.2); doubling every backslash and
 * escaping every quote is therefore always exact. Line breaks are kept out by the callers (regexes
 * are rendered with `\n` escapes); a raw one is refused rather than shipped. So is a backtick, which
 * Splunk would read as the start of a macro name even inside quotes (callers write it as `\x60`).
 */
export function splString(value: string): string {
  if (/[\r\n`]/.test(value)) throw new Error('internal: raw line break or backtick in an SPL string literal');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A field name in eval/where: bare when it is a plain identifier, else single-quoted. Field names come
 * from profiles (data we control), so anything that would need escaping inside the quotes is refused.
 */
export function splField(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  if (/^[A-Za-z0-9_.:-]+$/.test(name)) return `'${name}'`;
  throw new Error(`internal: SPL field name ${JSON.stringify(name)} is not allowed`);
}

/** Text inside an SPL ``` comment: it cannot contain the closing backticks. */
export function splComment(text: string): string {
  return text.replace(/`/g, "'").replace(/[\r\n]+/g, ' ');
}

/** A Splunk macro or stanza name: lower-case ESCU style (space, -, ., / → _). */
export function splMacroName(name: string): string {
  return name.toLowerCase().replace(/[ .\/-]/g, '_');
}

/**
 * A field name among a search command's arguments (`lookup … value AS host OUTPUT …`): bare when it
 * is a plain word, else double-quoted. The same names splField accepts; nothing there needs escaping
 * inside the quotes.
 */
export function splArgField(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(name)) return name;
  if (/^[A-Za-z0-9_.:-]+$/.test(name)) return `"${name}"`;
  throw new Error(`internal: SPL field name ${JSON.stringify(name)} is not allowed`);
}

