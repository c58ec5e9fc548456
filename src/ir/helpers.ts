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

interface TrieNode {
  terminal: boolean;
  children: Map<string, TrieNode>;
}

/** A prefix tree of words, one character per edge. */
function wordTrie(words: readonly string[]): TrieNode {
  const root: TrieNode = { terminal: false, children: new Map() };
  for (const w of words) {
    let n = root;
    for (const ch of w) {
      if (!n.children.has(ch)) n.children.set(ch, { terminal: false, children: new Map() });
      n = n.children.get(ch)!;
    }
    n.terminal = true;
  }
  return root;
}

/**
 * Words that are not exactly one of `words` (a trie complement), so an alternation that treats
 * listed words specially cannot also read them the ordinary way, which keeps the regex free of
 * ambiguity (and of exponential backtracking in PCRE and JavaScript).
 * `startsWith` restricts to words starting with that character.
 */
export function wordNotIn(words: readonly string[], startsWith?: string): string {
  const root = wordTrie(words);
  const rest = (n: TrieNode): string => {
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
  values?: { startswith?: readonly string[]; equals?: readonly string[]; basename?: readonly string[] };
  caseInsensitive: boolean;
}

/** A path's directories: any run of components each ending in `/` (no blanks or quotes inside). */
const PATH_DIRS = `(?:[^ \\t\\r\\n"'/]*/)*`;

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
 * `basename` reads the value as an executable, as `executable` reads a path: its last `/`-separated
 * component equals a listed name (`sh`, `/bin/sh`, `/usr/local/bin/sh`; not `/bin/shx`, `/bin/sh.d/x`
 * or `sshd`), the value ending there (a closing quote, then the word end). Podman's JSON form of a
 * command, `'["/bin/sh", "-c", …]'`, is read by its first element.
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
  if (g.values.basename?.length) {
    const names = alternation(g.values.basename.map((n) => literal(n, g.caseInsensitive)));
    valueAlts.push(`${PATH_DIRS}${names}${QUOTE}${WORD_END}`);
    valueAlts.push(`\\[[ \\t]*"${PATH_DIRS}${names}"[ \\t]*[,\\]]`);
  }
  return `${flagValuePrefix(g.names)}${alternation(valueAlts)}`;
}

/**
 * Everything before the value of the first of the named flags that has one (the flag grammar above):
 * `--name VALUE`, `--name=VALUE`, `-x VALUE`, `-xVALUE`, `-x=VALUE`, `-qx VALUE`, the value's opening
 * quote included; or a word quoted whole, `"--name=VALUE"`.
 */
export function flagValuePrefix(names: readonly string[]): string {
  const long = names.filter((n) => n.startsWith('--')).map(escapeRegexLiteral);
  const short = names.filter((n) => /^-[A-Za-z0-9]$/.test(n)).map((n) => `-[A-Za-z0-9]*${escapeRegexLiteral(n.slice(1))}`);
  const forms: string[] = [];
  // bare flag: `--name VALUE`, `--name=VALUE`, `-x VALUE`, `-xVALUE`, `-x=VALUE` (the value may be quoted)
  if (long.length) forms.push(`${alternation(long)}(?:=|${WS}+)${QUOTE}`);
  if (short.length) forms.push(`${alternation(short)}(?:=|${WS}+)?${QUOTE}`);
  // the whole word quoted: `"--name=VALUE"`, `"-xVALUE"`
  if (long.length) forms.push(`["']${alternation(long)}=`);
  if (short.length) forms.push(`["']${alternation(short)}=?`);
  return `${BEFORE_OPTION}${alternation(forms)}`;
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

/** Docker's default registry: an image reference without a registry host is on Docker Hub. */
export const DEFAULT_REGISTRY = 'docker.io';

export type ImageRegistryTest =
  /** The reference names a registry host. */
  | { readonly kind: 'explicit' }
  /** The reference's registry (docker.io when implicit) is an entry of the list (ASCII lower-case entries). */
  | { readonly kind: 'listed'; readonly entries: readonly string[]; readonly match: 'exact' | 'domain' };

export interface ImageGrammar {
  /** Each entry is one or more words separated by single spaces: `run`, `container run`, `image pull`. */
  words: readonly string[];
  /** Global options (before the subcommand) that take the next word as their value: `-H`, `--host`. */
  optionsWithValue: readonly string[];
  /** Global long options that take no value: `--debug`, `--tls`. */
  booleanOptions: readonly string[];
  /** The subcommand's options that take the next word as their value: `-v`, `--volume`, `--name`. */
  subcommandOptionsWithValue: readonly string[];
  /** The subcommand's long options that take no value: `--rm`, `--detach`, `--privileged`. */
  subcommandBooleanOptions: readonly string[];
  registry: ImageRegistryTest;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A character class of the given ASCII letters and digits, consecutive runs written as ranges. */
function classOf(chars: Iterable<string>): string {
  const codes = [...new Set(chars)].map((c) => c.charCodeAt(0)).sort((a, b) => a - b);
  let out = '';
  for (let i = 0; i < codes.length; ) {
    let j = i;
    while (j + 1 < codes.length && codes[j + 1] === codes[j]! + 1) j++;
    out += j - i >= 2 ? `${String.fromCharCode(codes[i]!)}-${String.fromCharCode(codes[j]!)}` : codes.slice(i, j + 1).map((c) => String.fromCharCode(c)).join('');
    i = j + 1;
  }
  return `[${out}]`;
}

const DQ_BODY = `(?:[^"\\\\]|\\\\${ANY})*`;
const SQ_BODY = `[^']*`;
const LONG_NAME = '[A-Za-z0-9][A-Za-z0-9-]*';

/**
 * An alternation of literal words written as a prefix tree (`cpu-(?:period|quota)`): shorter than a
 * flat list, and each position has one way to continue, so backtracking engines never retry a branch.
 */
export function trieAlternation(words: readonly string[]): string {
  const root = wordTrie(words);
  const emit = (n: TrieNode): string => {
    const alts = [...n.children.keys()].sort().map((k) => `${escapeRegexLiteral(k)}${emit(n.children.get(k)!)}`);
    if (alts.length === 0) return '';
    if (n.terminal) return `(?:${alts.join('|')})?`;
    return alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
  };
  const body = emit(root);
  return root.terminal ? body : `(?:${body})`;
}

/**
 * One option word of a command (pflag's reading, which Docker, Podman and nerdctl share), as two
 * disjoint regexes: `consume`, a word that takes the next word as its value, and `single`, an option
 * word that stands alone. A dash word that is neither (a long option in no list, `-`, `---x`) has no
 * reading, so nothing after it is read. Option names are read bare: telemetry quotes an argument only
 * when it holds a blank, which a name never does. A word quoted whole that starts with a dash is an
 * option with its value attached (`"--label=a b"`), standing alone.
 */
function optionWords(withValue: readonly string[], booleans: readonly string[]): { consume?: string; single: string } {
  const longValue = withValue.filter((o) => o.startsWith('--')).map((o) => o.slice(2));
  const shortValue = withValue.filter((o) => /^-[A-Za-z0-9]$/.test(o)).map((o) => o[1]!);
  const V = shortValue.length ? classOf(shortValue) : undefined;
  const N = classOf(Array.from(ALNUM).filter((c) => !shortValue.includes(c)));
  const consumeForms = [...(longValue.length ? [`--${trieAlternation(longValue)}`] : []), ...(V ? [`-${N}*${V}`] : [])];
  const single = [
    // --name=VALUE (any long name: the value is in the word)
    `--${LONG_NAME}=${UNIT}*`,
    // a listed boolean long option
    ...(booleans.length ? [`--${trieAlternation(booleans.map((b) => b.slice(2)))}`] : []),
    // short clusters: boolean letters (-dit, -d=true), or letters up to a value letter with its
    // value attached (-p80, -dp80:80)
    `-${N}+(?:=${UNIT}*)?`,
    ...(V ? [`-${N}*${V}${UNIT}+`] : []),
    // a word quoted whole that starts with a dash: an option with its value attached ("--label=a b", "-eA=b c")
    `"-${DQ_BODY}"${UNIT}*`,
    `'-${SQ_BODY}'${UNIT}*`,
  ];
  return { ...(consumeForms.length ? { consume: alternation(consumeForms) } : {}), single: alternation(single) };
}

/** Options, read one word (or option and value) at a time, each preceded by blanks. */
function optionSequence(withValue: readonly string[], booleans: readonly string[]): string {
  const o = optionWords(withValue, booleans);
  const option = o.consume ? `(?:${o.consume}${WS}+${UNIT}+|${o.single})` : o.single;
  return `(?:${WS}+${option})*`;
}

/**
 * Words made of the `first` and `rest` class bodies (negated classes, without brackets) that are not
 * exactly `word`: a trie complement, so the regex has one reading of each word.
 */
function plainWordNot(word: string, first: string, rest: string): string {
  const step = (i: number): string => {
    if (i === word.length) return `[^${rest}]+`;
    const c = escapeRegexLiteral(word[i]!);
    const other = `[^${i === 0 ? first : rest}${c}][^${rest}]*`;
    return `(?:${i === 0 ? '' : '|'}${other}|${c}${step(i + 1)})`;
  };
  return step(0);
}

/** Everything before a run/create/pull command's image word (see `imageRegex`). */
export function imageWordPrefix(g: Omit<ImageGrammar, 'registry'>): string {
  const seqs = g.words.map((w) => w.split(' ').map(escapeRegexLiteral).join(`${WS}+`));
  const END = `(?:--|"--"|'--')`;
  return (
    `^${WS}*${UNIT}+` +
    optionSequence(g.optionsWithValue, g.booleanOptions) +
    `${WS}+${alternation(seqs)}` +
    optionSequence(g.subcommandOptionsWithValue, g.subcommandBooleanOptions) +
    `${WS}+(?:${END}${WS}+)?`
  );
}

/** The start of an image word: an optional opening quote, then Podman's optional `docker://` transport. */
export const IMAGE_WORD_START = `["']?(?:docker://)?`;

/** An IP address or name of a registry host: a numeric entry names an address and has no subdomains. */
const NUMERIC_HOST = /^[0-9.]+$/;

/**
 * The image reference of a container CLI command (`docker|podman|nerdctl [global options] run|create|
 * pull … [options] IMAGE …`) and its registry. Grammar over shell words (see above):
 *
 * - the first word is the program; then global options; then the subcommand's words, each a whole
 *   word; then the subcommand's options; then the first positional word, which is the image reference
 *   (after an optional bare `--`, which ends the options);
 * - an option word is one of: `--name=VALUE` (any name); a listed boolean long option (`--rm`); a short
 *   cluster of letters (`-dit`, `-d=true`; every letter not listed as taking a value is boolean); a
 *   cluster whose first value letter has its value attached (`-p80:80`, `-dp80:80`); or an option
 *   that takes a value (a listed long option, or a cluster ending in a value letter: `-v`, `-dp`)
 *   followed by its value word, whatever that word is (pflag's rule: `--name -x` names the container
 *   "-x"). Option names are read bare (telemetry quotes an argument only when it holds a blank, which
 *   a name never does); a word quoted whole that starts with a dash is one option word with its value
 *   attached (`"--label=a b"`, `"-eA=b c"`). The reading is the tool's own and has one outcome per
 *   command, so `not` of a registry test is exact;
 * - a long option in neither list (nor `--name=…`) has no reading: nothing after it is read and every
 *   registry test is false (the tools reject unknown options, so the lists must be complete);
 * - the image word may be quoted whole; it is read from its start to its first `/` (a word without
 *   one, to its end, its quotes paired); Podman's `docker://` transport prefix is skipped.
 *
 * The registry (distribution/reference's split): the text before the image's first `/` is a registry
 * host when it contains `.` or `:`, is `localhost`, or holds an upper-case letter (repository paths are
 * lower-case); otherwise, or when the image has no `/`, the registry is docker.io (implicit). A host
 * may carry a port (`host:5000`, digits only); an IPv6 host is bracketed (`[::1]:5000`). Text before
 * the first `/` with a `:` that is not such a port (`dir:/…`, `oci-archive:/…`, Podman's local
 * transports) names no registry: neither test holds. A quote or backslash in that text (other than
 * the image word's opening quote: `"evil.com"/x`, `evil\.com/x`) is read as an explicit registry that
 * is never listed: only obfuscation writes one.
 *
 * - `explicit`: the reference names a registry host (so `localhost:5000/x`, `10.0.0.5:5000/x` and
 *   `[::1]:5000/x` are explicit; `ubuntu:22.04` and `library/alpine` are not);
 * - `listed`: the registry host, without its port, equals an entry, ignoring ASCII case (an entry
 *   with a port, `reg.example:5000`, approves that port only); in a `domain` list also a subdomain of
 *   an entry, except that a numeric entry (an IPv4 address) matches only itself, so an IP registry is
 *   listed only verbatim. An implicit registry is listed when docker.io is.
 *
 * Subcommand words are case-sensitive, as the tools read them.
 */
export function imageRegex(g: ImageGrammar): string {
  const prefix = imageWordPrefix(g);
  // The image word: an optional opening quote, then an optional transport prefix.
  const start = IMAGE_WORD_START;
  const HC = `[^ \\t\\r\\n/:"'\\\\]`; // a host character
  const HF = `[^\\- \\t\\r\\n/:"'\\\\]`; // the first one (an image never starts with -)
  const PORT = `(?::[0-9]+)?`;
  if (g.registry.kind === 'explicit') {
    const obfuscated = `(?:\\\\|[^\\- \\t\\r\\n/"'\\\\][^ \\t\\r\\n/"'\\\\]*["'\\\\])[^ \\t\\r\\n/]*`;
    const named = `(?:[.A-Z]|${HF}${HC}*[.A-Z])${HC}*${PORT}`; // a dot or an upper-case letter
    const withPort = `${HF}${HC}*:[0-9]+`;
    const ipv6 = `\\[[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\\]${PORT}`;
    return `${prefix}${start}(?:${obfuscated}|${named}|${withPort}|localhost|${ipv6})/`;
  }
  const { entries, match } = g.registry;
  const hosts = entries.map((e) => (match === 'domain' && !NUMERIC_HOST.test(e) ? `(?:${HF}${HC}*\\.)?${literal(e, true)}` : literal(e, true)));
  const alts = [`${alternation(hosts)}${PORT}/`];
  let implicitWhole: string | undefined;
  const implicitListed = entries.some((e) => e === DEFAULT_REGISTRY || (match === 'domain' && !NUMERIC_HOST.test(e) && DEFAULT_REGISTRY.endsWith(`.${e}`)));
  if (implicitListed) {
    // no `/` in the word: `alpine`, `ubuntu:22.04`, `localhost:5000` (the image "localhost", tag 5000)
    const whole = `(?:docker://)?[^\\- \\t\\r\\n/"'\\\\][^ \\t\\r\\n/"'\\\\]*`;
    implicitWhole = `(?:${whole}|"${whole}"|'${whole}')${WORD_END}`;
    // a first component without `.`, `:` or upper case that is not localhost: `library/alpine`
    const plain = ` \\t\\r\\n/.:A-Z"'\\\\`;
    alts.push(`${plainWordNot('localhost', `\\-${plain}`, plain)}/`);
  }
  return `${prefix}(?:${start}${alternation(alts)}${implicitWhole ? `|${implicitWhole}` : ''})`;
}
