/**
 * Markdown building blocks for the generated pages. `cell` is the one escaping function: every piece
 * of text that goes into a table cell passes through it, so no rule text can break a table.
 *
 * GitHub Flavoured Markdown splits a table row on every pipe not escaped by a backslash (inside code
 * spans too) and ends the row at a line ending. So a cell turns each line ending into `<br>` and
 * escapes each pipe; a run of backslashes just before a pipe is doubled first, so the pipe's own
 * escape is not eaten by them (`a\|b` stays `a\|b` on screen).
 *
 * Text a rule writes (descriptions, titles, reasons, entries) first goes through `inline`, which keeps
 * its code spans (descriptions use them on purpose) and elsewhere escapes what Markdown would read as
 * markup: `<` (an HTML tag: `/run/user/<uid>` would vanish), `*` and a `_` that is not inside a word
 * (emphasis).
 */

/** Every line ending Markdown (and a reader's editor) may treat as one. */
const LINE_ENDING = /\r\n|[\r\n\u2028\u2029\u0085\v\f]/g;

/** A code span: a run of backticks, then anything up to the same run. */
const CODE_SPAN = /(`+)[\s\S]*?[^`]\1(?!`)/g;

/** Rule-written text as inline Markdown: code spans kept, `<`, `*` and word-boundary `_` escaped elsewhere. */
export function inline(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(CODE_SPAN)) {
    out += escapeProse(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + escapeProse(text.slice(last));
}

function escapeProse(text: string): string {
  return text
    .replace(/</g, '&lt;')
    .replace(/\*/g, '\\*')
    .replace(/_/g, (u, i: number, s: string) => (/[\p{L}\p{N}]/u.test(s[i - 1] ?? '') && /[\p{L}\p{N}]/u.test(s[i + 1] ?? '') ? u : '\\_'));
}

/** Text for one table cell: no raw pipe, no line ending. */
export function cell(text: string): string {
  const oneLine = text.replace(LINE_ENDING, '<br>');
  return oneLine.replace(/(\\*)\|/g, (_m, slashes: string) => `${slashes}${slashes}\\|`).trim();
}

/** A table; every header and cell is escaped with `cell`. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

/** Inline code for identifiers (rule, field, list and profile names), which hold no backtick. */
export function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** A link to another generated page (`<name>.md`, beside this one). */
export function pageLink(name: string): string {
  return `[${name}](${name}.md)`;
}

/** A bullet item; continuation lines are indented so they stay in the item. */
export function bullet(text: string, depth = 0): string {
  const pad = '  '.repeat(depth);
  return `${pad}- ${text.split(LINE_ENDING).join(`\n${pad}  `)}`;
}

/** One line of text (a heading or a summary): line endings become spaces. */
export function oneLine(text: string): string {
  return text.replace(LINE_ENDING, ' ');
}

/** Sections joined by one blank line, ending with a newline. */
export function page(sections: readonly string[]): string {
  return `${sections.filter((s) => s !== '').join('\n\n')}\n`;
}

/** `30m`, `60s`, `1h` for a number of seconds, exact. */
export function duration(seconds: number): string {
  if (seconds === 0) return '0s';
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
