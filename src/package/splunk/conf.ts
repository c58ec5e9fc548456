/**
 * Writing Splunk `.conf` files: `# comment` lines, `[stanza]` headers and `key = value` settings.
 *
 * A value that spans lines (a saved search's SPL, a multi-line macro) is written with continuation
 * lines: every line but the last ends in a backslash, which Splunk drops while keeping the line break
 * (the reading src/backends/spl/conf.ts implements; savedsearches.conf.spec: "Multi-line search
 * strings currently have some limitations", e.g. `| savedsearch` cannot run them). What cannot be
 * written unambiguously is refused with a `ConfValueError` rather than shipped:
 * - a line of a value that itself ends in a backslash (it would read as a continuation, or as an
 *   escaped one, depending on the reader);
 * - a carriage return (Splunk reads `\r\n` as a line end);
 * - leading or trailing blanks on the whole value (the reader trims them).
 * Keys are plain words (`action.notable.param.rule_title`); a key with a blank, `=` or a bracket is
 * a bug in the caller.
 */

export interface ConfSetting {
  readonly key: string;
  readonly value: string;
}

export interface ConfStanza {
  readonly name: string;
  /** Comment lines written above the stanza header (without the `# `). */
  readonly comments?: readonly string[];
  readonly settings: readonly ConfSetting[];
}

export class ConfValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfValueError';
  }
}

const KEY = /^[A-Za-z0-9_.:<>()-]+$/;

/** `# …` lines for a comment (a line break in the text starts a new comment line). */
export function commentLines(text: string): string[] {
  return text.split('\n').map((l) => (l.trim() === '' ? '#' : `# ${l.trimEnd()}`));
}

/** One setting as its physical lines. */
export function settingLines(key: string, value: string): string[] {
  if (!KEY.test(key)) throw new Error(`internal: malformed .conf key ${JSON.stringify(key)}`);
  if (value.includes('\r')) throw new ConfValueError(`the value of ${key} contains a carriage return`);
  if (value !== value.trim()) throw new ConfValueError(`the value of ${key} starts or ends with blanks, which .conf readers trim`);
  const lines = value.split('\n');
  const bad = lines.findIndex((l) => l.endsWith('\\'));
  if (bad >= 0) throw new ConfValueError(`line ${bad + 1} of the value of ${key} ends in a backslash, which .conf readers take for a line continuation`);
  return lines.map((l, i) => (i === 0 ? `${key} = ${l}` : l) + (i < lines.length - 1 ? '\\' : ''));
}

/** A whole `.conf` file: the header comment, then each stanza after a blank line. Ends with a line break. */
export function renderConf(header: readonly string[], stanzas: readonly ConfStanza[]): string {
  const out: string[] = header.flatMap(commentLines);
  for (const s of stanzas) {
    if (/[\r\n\]]/.test(s.name) || s.name.trim() !== s.name) throw new Error(`internal: malformed stanza name ${JSON.stringify(s.name)}`);
    out.push('', ...(s.comments ?? []).flatMap(commentLines), `[${s.name}]`);
    for (const { key, value } of s.settings) out.push(...settingLines(key, value));
  }
  return `${out.join('\n')}\n`;
}
