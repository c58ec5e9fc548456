/**
 * The helper predicates' grammars, written as portable regular expressions. Each helper reads a
 * field the way a shell would split it into words, so its meaning is the same on every target:
 * the same regex is rendered for PCRE (Splunk), Rust (KQL), JavaScript (our evaluators) and Sigma.
 *
 * Shell words (the grammar every helper shares):
 * - words are separated by blanks (space, tab, CR, LF) outside quotes;
 * - a word is a run of units: an unquoted character, a backslash and the character after it,
 *   a double-quoted string (in which backslash escapes) or a single-quoted string;
 * - a regex only looks at word starts it reaches from the beginning of the field through balanced
 *   quotes, so text inside a quoted argument (`--label "x --no-cache"`) is never read as a word;
 *   after an unbalanced quote nothing further is read.
 */
import { escapeRegexLiteral } from './regex.js';

const WS = '[ \\t\\r\\n]';
const ANY = '(?:.|\\n)';
/** One unit of a word (never a blank). */
const UNIT = `(?:[^ \\t\\r\\n"'\\\\]|\\\\${ANY}|"(?:[^"\\\\]|\\\\${ANY})*"|'[^']*')`;
/** A unit that is not a plain character from `exclude` (used to build word complements). */
function unitExcept(exclude: string): string {
  const cls = Array.from(exclude)
    .map((c) => (c === '-' || c === ']' || c === '\\' || c === '[' || c === '^' ? `\\${c}` : c))
    .join('');
  return `(?:[^ \\t\\r\\n"'\\\\${cls}]|\\\\${ANY}|"(?:[^"\\\\]|\\\\${ANY})*"|'[^']*')`;
}
/** Everything before a word start, through balanced quotes: the start, or a prefix ending in a blank. */
const BEFORE_WORD = `^(?:(?:[^"'\\\\]|\\\\${ANY}|"(?:[^"\\\\]|\\\\${ANY})*"|'[^']*')*?${WS})?`;
const WORD_END = `(?:${WS}|$)`;
const QUOTE = `["']?`;
/**
 * What may stand before an argument inside one word: `--name=` or `-x` (a flag's value), or `key=`
 * (a key=value word, as in buildctl's `--local context=/tmp/ctx`).
 */
const FLAG_VALUE_PREFIX = `(?:--?[A-Za-z0-9][A-Za-z0-9-]*=|-[A-Za-z]|[A-Za-z0-9_.][A-Za-z0-9_.-]*=)?`;

/** A case-insensitive literal written with explicit ASCII letter classes. */
export function literal(s: string, caseInsensitive: boolean): string {
  if (!caseInsensitive) return escapeRegexLiteral(s);
  let out = '';
  for (const ch of s) out += /[A-Za-z]/.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : escapeRegexLiteral(ch);
  return out;
}

function alternation(items: readonly string[]): string {
  return `(?:${items.join('|')})`;
}

/**
 * Words that are not exactly one of `words` (a trie complement), so an alternation that treats
 * listed words specially cannot also read them the ordinary way, which keeps the regex free of
 * ambiguity (and of exponential backtracking in PCRE and JavaScript).
 * `startsWith` restricts to words starting with that character.
 */
export function wordNotIn(words: readonly string[], startsWith?: string): string {
  interface Node {
    terminal: boolean;
    children: Map<string, Node>;
  }
  const root: Node = { terminal: false, children: new Map() };
  for (const w of words) {
    let n = root;
    for (const ch of w) {
      if (!n.children.has(ch)) n.children.set(ch, { terminal: false, children: new Map() });
      n = n.children.get(ch)!;
    }
    n.terminal = true;
  }
  const rest = (n: Node): string => {
    const alts: string[] = [];
    if (!n.terminal) alts.push(''); // the word may end here
    const keys = [...n.children.keys()].sort();
    alts.push(`${unitExcept(keys.join(''))}${UNIT}*`);
    for (const k of keys) alts.push(`${escapeRegexLiteral(k)}${rest(n.children.get(k)!)}`);
    return alternation(alts);
  };
  if (startsWith !== undefined) {
    const child = root.children.get(startsWith) ?? { terminal: false, children: new Map() };
    return `${escapeRegexLiteral(startsWith)}${rest(child)}`;
  }
  // non-empty: the first unit is mandatory
  const keys = [...root.children.keys()].sort();
  const alts = [`${unitExcept(keys.join(''))}${UNIT}*`];
  for (const k of keys) alts.push(`${escapeRegexLiteral(k)}${rest(root.children.get(k)!)}`);
  return alternation(alts);
}

/** Word starts before a bare `--`: after it, words are operands, not options. */
const BEFORE_OPTION = `^${WS}*(?:${wordNotIn(['--'])}${WS}+)*?`;

export interface ExecutableGrammar {
  names: readonly string[];
  versionSuffix: boolean;
  caseInsensitive: boolean;
}

/**
 * Executable basename in a list. The field is a path or a bare name; its last `/`- or
 * `\`-separated component must equal a listed name, optionally followed by a version suffix
 * (`[0-9]+(.[0-9]+)*`: `python3`, `python3.11`, `ruby3.2`) when `versionSuffix` is set.
 * `sshd`, `containerd-shim` and `pwsh` never match `sh`.
 */
export function executableRegex(g: ExecutableGrammar): string {
  const names = alternation(g.names.map((n) => literal(n, g.caseInsensitive)));
  const version = g.versionSuffix ? '(?:[0-9]+(?:\\.[0-9]+)*)?' : '';
  return `(?:^|[/\\\\])${names}${version}$`;
}

export interface FlagGrammar {
  names: readonly string[];
  values?: { startswith?: readonly string[]; equals?: readonly string[] };
  caseInsensitive: boolean;
}

/**
 * A command-line flag is set. Grammar, over shell words (see above), before any bare `--`:
 * - long flag `--name`: the word `--name`, or `--name=true|1|t|T|TRUE|True` (`--no-cache=false` is
 *   not set); `--no-cache-filter` is another flag;
 * - short flag `-x`: a word `-` followed by letters that include `x` (combined short flags `-qx`);
 * - a word may be wrapped in quotes (`"--no-cache"`).
 * With `values` the flag takes a value, which must start with / equal one of the listed strings:
 * `--name=VALUE`, `--name VALUE`, `-x VALUE`, `-xVALUE`, `-x=VALUE`, `-qx VALUE` (combined: the
 * letters before `x` are read as boolean flags); the value may be quoted. Flag names are case-sensitive;
 * `case` applies to values.
 */
export function flagRegex(g: FlagGrammar): string {
  const long = g.names.filter((n) => n.startsWith('--')).map(escapeRegexLiteral);
  const short = g.names.filter((n) => /^-[A-Za-z0-9]$/.test(n)).map((n) => `-[A-Za-z0-9]*${escapeRegexLiteral(n.slice(1))}`);
  /** The word as written bare, or wrapped whole in double or single quotes. */
  const quotedWord = (w: string) => `(?:${w}|"${w}"|'${w}')`;
  if (!g.values) {
    const truthy = '(?:=(?:1|t|T|TRUE|true|True))?';
    const names = [...long.map((n) => `${n}${truthy}`), ...short.map((n) => `${n}[A-Za-z0-9]*`)];
    return `${BEFORE_OPTION}${quotedWord(alternation(names))}${WORD_END}`;
  }
  const valueAlts: string[] = [];
  for (const v of g.values.startswith ?? []) valueAlts.push(literal(v, g.caseInsensitive));
  for (const v of g.values.equals ?? []) valueAlts.push(`${literal(v, g.caseInsensitive)}${QUOTE}${WORD_END}`);
  const value = alternation(valueAlts);
  const forms: string[] = [];
  // bare flag: `--name VALUE`, `--name=VALUE`, `-x VALUE`, `-xVALUE`, `-x=VALUE` (the value may be quoted)
  if (long.length) forms.push(`${alternation(long)}(?:=|${WS}+)${QUOTE}`);
  if (short.length) forms.push(`${alternation(short)}(?:=|${WS}+)?${QUOTE}`);
  // the whole word quoted: `"--name=VALUE"`, `"-xVALUE"`
  if (long.length) forms.push(`["']${alternation(long)}=`);
  if (short.length) forms.push(`["']${alternation(short)}=?`);
  return `${BEFORE_OPTION}${alternation(forms)}${value}`;
}

export interface ArgumentGrammar {
  startswith?: readonly string[];
  contains?: readonly string[];
  endswith?: readonly string[];
  caseInsensitive: boolean;
}

/**
 * Some argument starts with / contains / ends with a listed string. An argument is a shell word, or
 * the value part of a word `--name=VALUE`, `-xVALUE` or `key=VALUE`; it may be quoted as a whole. `contains` and
 * `endswith` look at the argument's unquoted characters up to the next blank.
 */
export function argumentRegex(g: ArgumentGrammar): string {
  const alts: string[] = [];
  for (const v of g.startswith ?? []) alts.push(literal(v, g.caseInsensitive));
  for (const v of g.contains ?? []) alts.push(`[^ \\t\\r\\n]*${literal(v, g.caseInsensitive)}`);
  for (const v of g.endswith ?? []) alts.push(`[^ \\t\\r\\n]*${literal(v, g.caseInsensitive)}${QUOTE}${WORD_END}`);
  return `${BEFORE_WORD}${FLAG_VALUE_PREFIX}${QUOTE}${alternation(alts)}`;
}

/**
 * A path argument lies under one of the directories: an argument (as for `argumentRegex`) equal to
 * the directory or starting with the directory and `/`, comparing whole leading path components:
 * `/var/tmp` and `/var/tmp/x` are under `/var/tmp`; `/home/u/tmp/` and `/tmpl/` are not under `/tmp`.
 * Paths are case-sensitive.
 */
export function pathUnderRegex(dirs: readonly string[]): string {
  return `${BEFORE_WORD}${FLAG_VALUE_PREFIX}${QUOTE}${dirAlternation(dirs)}(?:/|["']|${WORD_END})`;
}

/** A relative path argument: the word `.` or one starting with `./` (`..` is not resolved). */
export function relativePathRegex(): string {
  return `${BEFORE_WORD}${FLAG_VALUE_PREFIX}${QUOTE}\\.(?:/|["']|${WORD_END})`;
}

/** A directory field (the process's current directory) lies under one of the directories. */
export function directoryUnderRegex(dirs: readonly string[]): string {
  return `^${dirAlternation(dirs)}(?:/|$)`;
}

function dirAlternation(dirs: readonly string[]): string {
  return alternation(dirs.map((d) => escapeRegexLiteral(d.length > 1 ? d.replace(/\/+$/, '') : d)));
}

export interface SubcommandGrammar {
  /** Each entry is one or more words separated by single spaces: `build`, `image build`. */
  words: readonly string[];
  optionsWithValue: readonly string[];
}

/** A word that does not start with `-`. */
const NON_DASH_WORD = `${unitExcept('-')}${UNIT}*`;

/**
 * The command's subcommand. Grammar over shell words: the first word is the program; then any number
 * of global options, then the subcommand's words, each a whole word (`docker --debug image build .`
 * is `image build`; `docker run builder` is not `build`). A global option is a word starting with
 * `-`; an option listed in `optionsWithValue` may also take the next word as its value when that word
 * does not start with `-` (`docker -H tcp://h build`). The reading is existential: the subcommand
 * matches if some reading of the options puts it there (so `docker -H build` is a `build`). This
 * keeps the regex linear in PCRE and JavaScript, which backtrack. Subcommand words are
 * case-sensitive, as the tools read them.
 */
export function subcommandRegex(g: SubcommandGrammar): string {
  const valueOpt = g.optionsWithValue.length
    ? `${alternation(g.optionsWithValue.map(escapeRegexLiteral))}${WS}+${NON_DASH_WORD}|`
    : '';
  const option = `(?:${valueOpt}-${UNIT}*)`;
  const seqs = g.words.map((w) => w.split(' ').map(escapeRegexLiteral).join(`${WS}+`));
  return `^${WS}*${UNIT}+(?:${WS}+${option})*${WS}+${alternation(seqs)}${WORD_END}`;
}
