/**
 * The KQL evaluator: executes an emitted KQL query (its **text**) over rows of the profile's table
 * for each log source (a Device table, or an ASIM parser's output; rows.ts), standing in for
 * Microsoft Sentinel / Defender advanced hunting. It follows
 * ../shared/reference/semantics.md §2 and never reads the IR.
 *
 * The query is parsed and semantically analysed by Microsoft's Kusto.Language (kusto.ts) against the
 * tables' schemas and the schema set's functions (tables.ts `DEVICE_TABLE_COLUMNS`,
 * `SCHEMA_FUNCTIONS`: Sentinel's `_GetWatchlist`, the ASIM parsers); any Error diagnostic fails compilation with
 * Kusto's message. The analysed syntax tree is then walked **once** into closures (each operator a
 * step over a row, each expression a function of the row); `run` never looks at the tree again.
 * Whatever the walk meets that is not implemented below (a tabular operator, function, operator,
 * literal form or regex construct) raises `UnsupportedConstruct` naming it: the evaluator never guesses.
 *
 * Implemented:
 * - statements: `let Name = <scalar expression>;`, `let Name = _GetWatchlist('alias') | project Col;`
 *   (function lets and other tabular lets are refused), then one tabular expression
 *   `Table | op | op …` whose source is the profile's table for the rows' log source — a table, or a
 *   tabular function the profile names (an ASIM parser), called without arguments (`_Im_ProcessCreate()`,
 *   or named bare, which Kusto reads as the same call);
 * - tabular queries (`compileKqlTabular`, a correlation query: `compileCorrelation`): tabular lets
 *   (`let T = <tabular expression>;`, computed once per run), sources that are tables (or source
 *   functions, as above) of the profile (the rows of each category go to the profile's table for it)
 *   or let names, `union (A), (B), …`
 *   (kind=outer), `join kind=inner (Right) on Col, …` (every matching pair; the right key kept as
 *   `Col1`), `summarize` with `Name = max(Col)` and `arg_max(Col, Col2, …)` by columns, `distinct
 *   Col, …`, and the streaming operators below between them. Rows are materialised per operator;
 *   each operator's columns are checked against Kusto.Language's result type for it;
 * - watchlists (K-wl): `_GetWatchlist('alias')` reads `watchlists/<alias>.csv` among the query's
 *   shared files (the folder compile writes it to; RFC 4180, SearchKey column required; a missing
 *   file is an error, never an empty list) as a table `_DTItemId` "", `LastUpdatedTimeUTC` null,
 *   `SearchKey`, `WatchlistItem` (the CSV row as a bag); such a table, or a let of it, with one
 *   column, is an operand of `in`/`in~` (K-str: "a tabular expression");
 * - operators: `where`, `extend`, `project` (columns and `name = expr`), `order by` / `sort by`
 *   (numeric, datetime and timespan keys; string keys are refused: Kusto's string collation is not
 *   documented in §2);
 * - scalar: literals (string, verbatim and adjacent strings, long/int, real, bool, datetime, timespan
 *   short forms, typed nulls), `dynamic([...])` of literals, column and `let` references, `( )`,
 *   `and` `or` `not()`, `==` `!=` `<` `<=` `>` `>=`, `+` `-` `*` `/` `%`, unary `-`/`+`, `=~` `!~`,
 *   `contains` `startswith` `endswith` `has` (each with `_cs` and `!` forms), `has_any`, `has_all`,
 *   `between (lo .. hi)` (numbers, datetimes, timespans; a timespan `hi` after a datetime `lo`),
 *   `in` `!in` `in~` `!in~` (with scalars, dynamic arrays, let names and one-column tables),
 *   `matches regex` (a constant or let-bound pattern), and the functions `toint`, `iff`/`iif`,
 *   `case`, `coalesce`, `isempty`, `isnotempty`, `isnull`, `isnotnull`, `ipv4_is_private`,
 *   `ipv4_is_in_any_range`, `ipv6_is_in_any_range` (constant ranges), `extract(regex, group, source)`
 *   (a constant pattern and group), `ago`, `now`; on dynamic values, member access (`d.name`,
 *   `d["name"]`), element access (`d[0]`, constant whole numbers) and `tostring` of a dynamic string
 *   or null (a profile's column paths: column-path.ts).
 *
 * The model (semantics.md §2.1–§2.7; the choices the rows leave open are marked):
 * - Values: string → JS string (never null: a missing string cell reads `""`), int/long/real → number
 *   or null, bool → boolean or null, datetime → Date or null, timespan → milliseconds or null,
 *   dynamic → the JSON value or null.
 * - Null (§2.1, K-null): binary operators are null-sticky, except `==` (null vs non-null → false) and
 *   `!=` (→ true); null == null and null != null are null; `and` is false if either side is false,
 *   `or` true if either is true, otherwise null if either is null; `not(null)` is null. `where`,
 *   `iff` and `case` treat a null predicate as false. `in` on a null left side is false and `!in`
 *   true [inferred from `==`/`!=`]. `toint(bool)` is 1/0/null; `toint` of a real truncates.
 * - Case-insensitive operators (`=~`, `contains`, `startswith`, `endswith`, `has`, `in~`, …) compare
 *   after invariant **simple** lower-casing of both sides (§2.7: "choose invariant lower-casing"):
 *   JS `toLowerCase` without its two context/special mappings (U+0130 İ → `i`, Σ → σ). So Kelvin
 *   sign U+212A matches `k`; the IR folds ASCII only (see kqlFold).
 * - `has` family (§2.3): match iff some (case-folded) occurrence of the needle at i satisfies (needle
 *   starts with a non-alphanumeric OR i = 0 OR the character before is non-alphanumeric) AND (needle
 *   ends with a non-alphanumeric OR the occurrence ends the value OR the next character is
 *   non-alphanumeric). For an all-alphanumeric needle this is the documented term rule; the rest is the
 *   [inferred] boundary rule of §2.3. Alphanumeric = Unicode letter (L*) or decimal digit (Nd), i.e.
 *   .NET `char.IsLetterOrDigit` [inferred: the docs say "alphanumeric", older revisions "ASCII
 *   alphanumeric"]; `_` is a delimiter.
 * - `matches regex` (§2.4): unanchored, case-sensitive; the Rust-regex pattern is translated to an
 *   equivalent JS RegExp (`rustRegexToJs`) or refused. `extract` (K-fn extract [doc]) takes the
 *   group of the same leftmost-first match, "" when there is none (a string is never null:
 *   `rustRegexExtractor`).
 * - `order by`: default desc; nulls last for desc and first for asc unless written (§2.6); NaN sorts
 *   with null; ties keep input order [inferred: Kusto does not promise an order for ties].
 * - `ago(t)` / `now()`: one instant per `run` (§2.6), from the evaluator's clock (`createKqlEvaluator`).
 * - `ipv4_is_private` (K-fn): dotted-quad IPv4 with an optional `/prefix`; anything else (IPv6, "")
 *   is null; a prefix is private when the whole network lies in 10/8, 172.16/12 or 192.168/16
 *   [inferred: the doc shows only `10.1.2.3/24`].
 * - `ipv4_is_in_any_range` / `ipv6_is_in_any_range` (K-fn): addresses and ranges are parsed as
 *   src/ir/ip.ts does, with an optional `/prefix`; a range without one is one address and its host
 *   bits are ignored (doc examples); null when the address or any range does not parse (doc). Marked
 *   [inferred]: the IPv6 function reads IPv4 text as `::ffff:a.b.c.d`, an address written with a
 *   prefix is in a range when its whole network is, and anything src/ir/ip.ts rejects (leading zeros,
 *   blanks, zone ids) is null — Kusto may read more, so the emitted queries test only text of the
 *   model's shape (dialect.ts).
 * - Dynamic values (K-lit dynamic [doc]; `dynamicStep`): `d.key` and `d["key"]` are one subscript,
 *   `a[i]` indexes from 0; null stays null, and a missing member or an element past the end is null
 *   [inferred]; a member of an array or scalar, or an element of a bag or scalar, is refused.
 *   `tostring` (K-fn tostring [doc]): null gives "", a string itself; the text of a number, bag or
 *   array is refused.
 * - `coalesce` (K-null): the first value not null, for strings not empty; all empty strings give ""
 *   [inferred: a string is never null].
 * - Tabular operators (K-fn join, join-inner, union, arg-max [doc]; the rest marked): join kind=inner
 *   pairs every left row with every right row of equal keys (strings case-sensitively, as `==`
 *   [inferred]); `between` is `>= and <=` with their null rules; `max` skips nulls [inferred];
 *   `arg_max` skips rows whose value is null and keeps the first of rows tied on the maximum
 *   [inferred: the doc returns "a row"]; `summarize`/`distinct` group strings case-sensitively
 *   [inferred]; keys that are null (non-string columns) in join, summarize or distinct are refused
 *   (their matching is not in §2), as is arg_max over a group whose value is null in every row.
 *   No operator promises a row order; the evaluator keeps input / first-appearance order.
 * - Numbers are JS numbers: long arithmetic is exact up to 2^53 (literals beyond are refused);
 *   integer division or modulo by zero and `toint` outside the int range raise UnsupportedConstruct
 *   (their results are not in §2).
 */
/// <reference types="@kusto/language-service-next" />
import type { ProfileView } from '../types.js';
import type { CompiledCorrelation, CompiledQuery, QueryEvaluator, Row, StreamRow, TargetResult } from '../evaluation.js';
import { sortChains, type ChainResult } from '../../ir/correlation.js';
import { canonicalFieldsOfColumn, CORRELATION_COLUMNS } from './correlation.js';
import { UnsupportedConstruct } from '../evaluation.js';
import type { EmittedFile } from '../types.js';
import type { KqlProfile } from './profiles.js';
import { analyseKql, kustoErrors, kustoGlobals, listItems, loadKusto } from './kusto.js';
import { kqlRow, kqlTablesOf, type KqlColumns } from './rows.js';
import { kqlSourceOf, SCHEMA_FUNCTIONS } from './tables.js';
import { parseIpv4, parseIpv6 } from '../../ir/ip.js';
import { csvRecords } from '../csv.js';
import { WATCHLIST_COLUMNS, WATCHLIST_FUNCTION, watchlistRelativePath } from './watchlists.js';

/** The query is not valid KQL for the schema (as opposed to valid KQL this evaluator does not implement). */
export class KqlQueryError extends Error {
  constructor(message: string) {
    super(`kql: ${message}`);
    this.name = 'KqlQueryError';
  }
}

const unsupported = (what: string): never => {
  throw new UnsupportedConstruct('kql', what);
};

// ---------------------------------------------------------------------------------------------
// Case folding and string predicates

const NON_ASCII = /[^\x00-\x7f]/;
const SPECIAL_LOWER = /[\u0130\u03a3]/g;

/**
 * Invariant simple lower-casing (semantics.md §2.7), used by every case-insensitive KQL operator:
 * per code point, Unicode's simple lowercase mapping. JS `toLowerCase` applies the full mapping,
 * which differs only for U+0130 (İ → "i̇", simple: "i") and the context-dependent final sigma
 * (Σ → ς at the end of a word, simple: σ); both are mapped first.
 */
export function kqlFold(s: string): string {
  if (!NON_ASCII.test(s)) return s.toLowerCase();
  return s.replace(SPECIAL_LOWER, (ch) => (ch === '\u0130' ? 'i' : '\u03c3')).toLowerCase();
}

const ALNUM = /^[\p{L}\p{Nd}]$/u;

function isAlnumCp(cp: number): boolean {
  return cp < 0x80 ? (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) : ALNUM.test(String.fromCodePoint(cp));
}

/** The code point starting at UTF-16 index i is alphanumeric. */
function alnumAt(s: string, i: number): boolean {
  return isAlnumCp(s.codePointAt(i)!);
}

/** The code point ending at UTF-16 index i is alphanumeric. */
function alnumBefore(s: string, i: number): boolean {
  const lo = s.charCodeAt(i - 1);
  if (lo >= 0xdc00 && lo <= 0xdfff && i >= 2) {
    const hi = s.charCodeAt(i - 2);
    if (hi >= 0xd800 && hi <= 0xdbff) return isAlnumCp(s.codePointAt(i - 2)!);
  }
  return isAlnumCp(lo);
}

/** The `has` test (§2.3: documented term rule + [inferred] boundary rule) for one needle. */
export function hasTest(needle: string, caseSensitive: boolean): (value: string) => boolean {
  if (needle === '') return unsupported('has with an empty string (its result is not documented)');
  const n = caseSensitive ? needle : kqlFold(needle);
  const startAlnum = alnumAt(n, 0);
  const endAlnum = alnumBefore(n, n.length);
  const len = n.length;
  return (value) => {
    const h = caseSensitive ? value : kqlFold(value);
    let i = h.indexOf(n);
    while (i >= 0) {
      const end = i + len;
      if ((!startAlnum || i === 0 || !alnumBefore(h, i)) && (!endAlnum || end === h.length || !alnumAt(h, end))) return true;
      i = h.indexOf(n, i + 1);
    }
    return false;
  };
}

/** `ipv4_is_private` (K-fn): 10/8, 172.16/12, 192.168/16; prefix notation accepted; not IPv4 → null. */
export function ipv4IsPrivate(s: string): boolean | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const parts = [m[1], m[2], m[3], m[4]].map(Number);
  if (parts.some((p) => p > 255)) return null;
  const prefix = m[5] === undefined ? 32 : Number(m[5]);
  if (prefix > 32) return null;
  const addr = ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  const mask = (p: number) => (p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0);
  const net = (addr & mask(prefix)) >>> 0;
  // [inferred] a network is private when it lies wholly inside a private range
  for (const [base, p] of [[0x0a000000, 8], [0xac100000, 12], [0xc0a80000, 16]] as const)
    if (prefix >= p && ((net & mask(p)) >>> 0) === base) return true;
  return false;
}

/** An address or range argument of the ipv*_is_in_any_range functions: its bits and prefix length. */
export interface KqlIpArgument {
  readonly bits: bigint;
  readonly prefix: number;
}

/** `text` as an address of `width` bits with an optional `/prefix` (0–width, no leading zeros) [inferred]. */
function withPrefix(text: string, parse: (s: string) => bigint | undefined, width: number): KqlIpArgument | null {
  const slash = text.indexOf('/');
  const bits = parse(slash < 0 ? text : text.slice(0, slash));
  if (bits === undefined) return null;
  if (slash < 0) return { bits, prefix: width };
  const p = text.slice(slash + 1);
  if (!/^(?:0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > width) return null;
  return { bits, prefix: Number(p) };
}

/** An argument of `ipv4_is_in_any_range`: the model's dotted quad (src/ir/ip.ts), optionally `/prefix`. */
export function kqlIpv4Argument(text: string): KqlIpArgument | null {
  return withPrefix(text, parseIpv4, 32);
}

/**
 * An argument of `ipv6_is_in_any_range`: IPv6 text (src/ir/ip.ts), or IPv4 text read as its
 * IPv4-mapped address `::ffff:a.b.c.d` with a prefix counted in IPv4 bits (+96) [inferred from
 * ipv6_compare, whose docs compare IPv4 with IPv6 text]; optionally `/prefix`.
 */
export function kqlIpv6Argument(text: string): KqlIpArgument | null {
  const v4 = kqlIpv4Argument(text);
  if (v4) return { bits: 0xffff00000000n | v4.bits, prefix: v4.prefix + 96 };
  return withPrefix(text, parseIpv6, 128);
}

/**
 * `ipv4_is_in_any_range(ip, ranges)` / `ipv6_…` over constant ranges (K-fn): true when the address
 * lies in one of the ranges, false otherwise, null when the address or any range does not parse
 * [doc: "null if conversion … wasn't successful"]. A range without a prefix is one address and a
 * range's host bits are ignored [doc examples: `'127.0.0.1'`, `'192.168.1.1/24'`]; an address written
 * with a prefix is in a range when its whole network is [inferred, as for ipv4_is_private].
 */
export function ipInAnyRangeTest(version: 4 | 6, ranges: readonly string[]): (address: string) => boolean | null {
  const read = version === 4 ? kqlIpv4Argument : kqlIpv6Argument;
  const width = version === 4 ? 32 : 128;
  const parsed = ranges.map(read);
  if (parsed.some((r) => r === null)) return () => null;
  const nets = parsed as KqlIpArgument[];
  return (address) => {
    const a = read(address);
    if (!a) return null;
    return nets.some((r) => a.prefix >= r.prefix && a.bits >> BigInt(width - r.prefix) === r.bits >> BigInt(width - r.prefix));
  };
}

// ---------------------------------------------------------------------------------------------
// Rust regex → JS RegExp (semantics.md §2.4)

/** Unicode `\w` as Rust defines it (UTS#18 Annex C): Alphabetic, marks, Nd, Pc, Join_Control. */
const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
const WORD_BOUNDARY = `(?:(?<=[${WORD}])(?![${WORD}])|(?<![${WORD}])(?=[${WORD}]))`;
const NOT_WORD_BOUNDARY = `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`;
const JS_SYNTAX = new Set(['^', '$', '\\', '.', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|', '/']);
const JS_CLASS_SYNTAX = new Set(['\\', ']', '[', '^', '-']);

function jsChar(cp: number, inClass: boolean): string {
  const ch = String.fromCodePoint(cp);
  if ((inClass ? JS_CLASS_SYNTAX : JS_SYNTAX).has(ch)) return `\\${ch}`;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff)) return `\\u{${cp.toString(16)}}`;
  return ch;
}

type Escape = { kind: 'char'; cp: number } | { kind: 'set'; js: string; inClass?: string } | { kind: 'assert'; js: string };

const RUST_META = new Set(Array.from('\\.+*?()|[]{}^$#&-~'));
const regexCache = new Map<string, RegExp>();

/**
 * Translates a Rust `regex`-crate pattern to a JS RegExp (flag `u`) with the same matches, or throws
 * UnsupportedConstruct. Covers what src/ir/regex.ts `render('rust', …)` emits and a little more:
 * literals and escaped metacharacters (`\\.+*?()|[]{}^$#&-~`), `.`, classes with ranges and
 * negation, `(…)`, `(?:…)`, `(?P<name>…)`, alternation, greedy and lazy quantifiers `* + ? {n} {n,} {n,m}`, `^ $ \A \z`, `\t \n \r
 * \f \v \a \xHH \x{…} \u… \U…`, Unicode-aware `\d \D \s \S \w \W \b \B` (as Rust defines them), and
 * the flags `(?i) (?m) (?s)` at the very start. Refused: look-around and backreferences (Rust has
 * none), nested classes and set operations (`[a-y&&xyz]`), Unicode property escapes, mid-pattern
 * flags, more than 16 capturing groups (the K-re limit), and anything else. Groups become
 * non-capturing unless `captures` is set (extract() needs them): then every Rust group `(…)` and
 * `(?P<name>…)` is a JS capturing group with the same number, and the translation adds none.
 */
export function rustRegexToJs(pattern: string, captures = false): RegExp {
  const cacheKey = captures ? `c:${pattern}` : `m:${pattern}`;
  const cached = regexCache.get(cacheKey);
  if (cached) return cached;
  const cs = Array.from(pattern);
  let i = 0;
  let groups = 0;
  const flags = { i: false, m: false, s: false };
  const fail = (what: string): never => unsupported(`the regex construct ${what} (in ${JSON.stringify(pattern)})`);
  const invalid = (what: string): never => {
    throw new KqlQueryError(`invalid regex ${JSON.stringify(pattern)}: ${what}`);
  };

  // Leading flag groups: (?i) (?m) (?s) and combinations.
  for (;;) {
    const m = /^\(\?([A-Za-z]+)\)/.exec(cs.slice(i, i + 12).join(''));
    if (!m) break;
    for (const f of m[1]!) {
      if (f === 'i' || f === 'm' || f === 's') flags[f] = true;
      else fail(`flag (?${f})`);
    }
    i += m[0].length;
  }

  const hex = (digits: string, what: string): number => {
    if (!/^[0-9A-Fa-f]+$/.test(digits)) return invalid(`bad ${what}`);
    const cp = parseInt(digits, 16);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return invalid(`${what} is not a Unicode scalar value`);
    return cp;
  };

  const readEscape = (inClass: boolean): Escape => {
    const n = cs[i + 1];
    if (n === undefined) return invalid('ends with a lone backslash');
    i += 2;
    switch (n) {
      case 'd':
        return { kind: 'set', js: '\\p{Nd}' };
      case 'D':
        return { kind: 'set', js: '\\P{Nd}' };
      case 's':
        return { kind: 'set', js: '\\p{White_Space}' };
      case 'S':
        return { kind: 'set', js: '\\P{White_Space}' };
      case 'w':
        return { kind: 'set', js: `[${WORD}]`, inClass: WORD };
      case 'W':
        return inClass ? fail('\\W inside a class') : { kind: 'set', js: `[^${WORD}]` };
      case 'b':
        return inClass ? fail('\\b inside a class') : { kind: 'assert', js: WORD_BOUNDARY };
      case 'B':
        return inClass ? fail('\\B inside a class') : { kind: 'assert', js: NOT_WORD_BOUNDARY };
      case 'A':
        return inClass ? fail('\\A inside a class') : { kind: 'assert', js: flags.m ? '(?<![\\s\\S])' : '^' };
      case 'z':
        return inClass ? fail('\\z inside a class') : { kind: 'assert', js: flags.m ? '(?![\\s\\S])' : '$' };
      case 't':
        return { kind: 'char', cp: 9 };
      case 'n':
        return { kind: 'char', cp: 10 };
      case 'r':
        return { kind: 'char', cp: 13 };
      case 'f':
        return { kind: 'char', cp: 12 };
      case 'v':
        return { kind: 'char', cp: 11 };
      case 'a':
        return { kind: 'char', cp: 7 };
      case 'x':
      case 'u':
      case 'U': {
        if (cs[i] === '{') {
          const close = cs.indexOf('}', i);
          if (close < 0) return invalid(`unclosed \\${n}{`);
          const cp = hex(cs.slice(i + 1, close).join(''), `\\${n}{…}`);
          i = close + 1;
          return { kind: 'char', cp };
        }
        const width = n === 'x' ? 2 : n === 'u' ? 4 : 8;
        const cp = hex(cs.slice(i, i + width).join(''), `\\${n}`);
        if (cs.slice(i, i + width).length !== width) return invalid(`\\${n} needs ${width} hex digits`);
        i += width;
        return { kind: 'char', cp };
      }
      default:
        // Escaped metacharacters. Newer regex-syntax versions (0.7.2+) accept an escape before any
        // ASCII punctuation, older ones only these; which version Kusto runs is not documented.
        if (RUST_META.has(n)) return { kind: 'char', cp: n.codePointAt(0)! };
        return fail(`\\${n}`);
    }
  };

  const readClass = (): string => {
    // at '['
    const start = i;
    i++;
    let negated = false;
    if (cs[i] === '^') {
      negated = true;
      i++;
    }
    let body = '';
    let first = true;
    for (;;) {
      const c = cs[i];
      if (c === undefined) return invalid(`unclosed class at ${start}`);
      if (c === ']' && !first) {
        i++;
        break;
      }
      if (c === '[') return fail('[ inside a class (nested class or POSIX class)');
      if ((c === '&' || c === '~' || c === '-') && cs[i + 1] === c) return fail(`${c}${c} inside a class (class set operation)`);
      let lo: number;
      if (c === '\\') {
        const e = readEscape(true);
        if (e.kind === 'assert') return fail('an assertion inside a class');
        if (e.kind === 'set') {
          if (cs[i] === '-' && cs[i + 1] !== ']') return invalid('a class range starts with a class');
          body += e.inClass ?? e.js;
          first = false;
          continue;
        }
        lo = e.cp;
      } else {
        lo = c.codePointAt(0)!;
        i++;
      }
      let hi = lo;
      if (cs[i] === '-' && cs[i + 1] === '-') return fail('-- inside a class (class set operation)');
      if (cs[i] === '-' && cs[i + 1] !== ']' && cs[i + 1] !== undefined) {
        i++;
        const d = cs[i]!;
        if (d === '[') return fail('[ inside a class (nested class or POSIX class)');
        if (d === '\\') {
          const e = readEscape(true);
          if (e.kind !== 'char') return invalid('a class range ends with a class or an assertion');
          hi = e.cp;
        } else {
          hi = d.codePointAt(0)!;
          i++;
        }
        if (hi < lo) return invalid('a class range is reversed');
      }
      body += lo === hi ? jsChar(lo, true) : `${jsChar(lo, true)}-${jsChar(hi, true)}`;
      first = false;
    }
    return `[${negated ? '^' : ''}${body}]`;
  };

  const readSequence = (depth: number): string => {
    let out = '';
    // 'atom': the last item can be repeated; 'none': nothing to repeat; 'repeated': already quantified.
    let last: 'atom' | 'none' | 'repeated' | 'assert' = 'none';
    for (;;) {
      const c = cs[i];
      if (c === undefined) {
        if (depth > 0) return invalid('unclosed group');
        return out;
      }
      if (c === ')') {
        if (depth === 0) return invalid('unopened )');
        return out;
      }
      if (c === '|') {
        out += '|';
        i++;
        last = 'none';
        continue;
      }
      if (c === '*' || c === '+' || c === '?' || c === '{') {
        let q = c;
        let j = i + 1;
        if (c === '{') {
          const m = /^\{(\d+)(,(\d*))?\}/.exec(cs.slice(i, i + 24).join(''));
          if (!m) return invalid('{ that is not a repetition {n}, {n,} or {n,m}');
          if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1])) return invalid(`reversed repetition ${m[0]}`);
          q = m[0];
          j = i + m[0].length;
        }
        if (last === 'none') return invalid(`repetition ${q} with nothing to repeat`);
        if (last === 'assert') return fail(`a repeated assertion (${q})`);
        if (last === 'repeated') return fail(`a repeated repetition (${q})`);
        if (cs[j] === '?') {
          q += '?';
          j++;
        }
        out += q;
        i = j;
        last = 'repeated';
        continue;
      }
      if (c === '(') {
        let head = '(?:';
        const rest = cs.slice(i, i + 4).join('');
        if (rest.startsWith('(?:')) i += 3;
        else if (rest.startsWith('(?P<')) {
          // (?<name>…) needs regex 1.9+; only (?P<name>…) is accepted by every version.
          const m = /^\(\?P<([A-Za-z_][A-Za-z0-9_.[\]]*)>/.exec(cs.slice(i, i + 80).join(''));
          if (!m) return invalid('bad group name');
          i += m[0].length;
          groups++;
          if (captures) head = '(';
        } else if (rest.startsWith('(?')) {
          const what = /^\(\?[=!]/.test(rest) || /^\(\?<[=!]/.test(rest)
            ? 'look-around'
            : rest.startsWith('(?<')
              ? 'a (?<name>…) group (Rust regex 1.9+; write (?P<name>…))'
              : 'a flag group after the start';
          return fail(`${what} ${rest}`);
        } else {
          i += 1;
          groups++;
          // Rust numbers named and unnamed groups alike by their opening parenthesis, as JS does.
          head = captures ? '(' : '(?:';
        }
        const inner = readSequence(depth + 1);
        if (cs[i] !== ')') return invalid('unclosed group');
        i++;
        out += `${head}${inner})`;
        last = 'atom';
        continue;
      }
      if (c === '[') {
        out += readClass();
        last = 'atom';
        continue;
      }
      if (c === '.') {
        out += flags.s ? '[\\s\\S]' : '[^\\n]';
        i++;
        last = 'atom';
        continue;
      }
      if (c === '^') {
        out += flags.m ? '(?<![^\\n])' : '^';
        i++;
        last = 'assert';
        continue;
      }
      if (c === '$') {
        out += flags.m ? '(?![^\\n])' : '$';
        i++;
        last = 'assert';
        continue;
      }
      if (c === '\\') {
        const e = readEscape(false);
        if (e.kind === 'char') {
          out += jsChar(e.cp, false);
          last = 'atom';
        } else if (e.kind === 'set') {
          out += e.js;
          last = 'atom';
        } else {
          out += e.js;
          last = 'assert';
        }
        continue;
      }
      if (c === ']' || c === '}') return fail(`an unescaped ${c} outside a class`);
      out += jsChar(c.codePointAt(0)!, false);
      i++;
      last = 'atom';
    }
  };

  const body = readSequence(0);
  if (groups > 16) fail(`${groups} capturing groups (KQL allows 16)`);
  let re: RegExp;
  try {
    re = new RegExp(body, `u${flags.i ? 'i' : ''}`);
  } catch (e) {
    throw new Error(`internal: regex ${JSON.stringify(pattern)} translated to an invalid JS regex /${body}/: ${(e as Error).message}`);
  }
  regexCache.set(cacheKey, re);
  return re;
}

const HAS_SURROGATE = /[\ud800-\udfff]/;

/**
 * `matches regex` for a Rust pattern: true when the value contains a match (unanchored, §2.2).
 *
 * V8 (Node 20) tries a `u`-flag regex at positions *inside* a surrogate pair as well (the spec
 * advances by code point), where a zero-width match (e.g. `\B`, or `^$` in multi-line mode) can
 * hold although it holds at no code point boundary. Consuming atoms never match there, so a match
 * found at such a position is skipped and the search goes on from the next boundary.
 */
export function rustRegexTester(pattern: string): (value: string) => boolean {
  const re = rustRegexToJs(pattern);
  const scan = new RegExp(re.source, `${re.flags}g`);
  return (value) => {
    if (!HAS_SURROGATE.test(value)) return re.test(value);
    scan.lastIndex = 0;
    for (;;) {
      const m = scan.exec(value);
      if (!m) return false;
      const i = m.index;
      const inPair = i > 0 && (value.charCodeAt(i - 1) & 0xfc00) === 0xd800 && (value.charCodeAt(i) & 0xfc00) === 0xdc00;
      if (!inPair) return true;
      scan.lastIndex = i + 1;
    }
  };
}

/** The number of capturing groups of a translated pattern (`captures` set). */
function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`, re.flags).exec('')!.length - 1;
}

/**
 * `extract(regex, captureGroup, source)` for a Rust pattern and a constant group (K-fn extract
 * [doc], https://learn.microsoft.com/kusto/query/extract-function: "If regex finds a match in
 * source: the substring matched against the indicated capture group captureGroup … If there's no
 * match, or the type conversion fails: null"; group 0 is the whole match). The result is a string,
 * and a string is never null in KQL (K-null [doc], https://learn.microsoft.com/kusto/query/scalar-data-types/null-values:
 * "The string data type doesn't support null values"), so no match gives "" [inferred from the two:
 * the evaluator's strings are never null, a missing string cell reads ""]. The match is the
 * leftmost-first one of an unanchored search, as `matches regex` (§2.4; K-re: Rust regex), skipping
 * matches that start inside a surrogate pair as rustRegexTester does; a group that takes no part in
 * the match gives "" [inferred: no substring matched it]. The source is a string (Kusto.Language
 * rejects any other type, KS107), never null, so an empty source is searched like any other (every
 * group of a match in "" is ""). A group number beyond the pattern's groups is refused (its result
 * is not documented), as is a negative one; test/kql/evaluate.extract.test.ts pins each case, and
 * checks the groups of the image-key regexes against Rust's regex crate (ripgrep).
 */
export function rustRegexExtractor(pattern: string, group: number): (value: string) => string {
  const re = rustRegexToJs(pattern, true);
  const count = groupCount(re);
  if (!Number.isSafeInteger(group) || group < 0 || group > count)
    return unsupported(`extract() of group ${group} of a regex with ${count} capturing group(s) (its result is not documented)`);
  const scan = new RegExp(re.source, `${re.flags}g`);
  return (value) => {
    if (!HAS_SURROGATE.test(value)) return re.exec(value)?.[group] ?? '';
    scan.lastIndex = 0;
    for (;;) {
      const m = scan.exec(value);
      if (!m) return '';
      const i = m.index;
      const inPair = i > 0 && (value.charCodeAt(i - 1) & 0xfc00) === 0xd800 && (value.charCodeAt(i) & 0xfc00) === 0xdc00;
      if (!inPair) return m[group] ?? '';
      scan.lastIndex = i + 1;
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Compiled form

/** A row in flight: index 0 the input row, then one slot per column an `extend`/`project` computes. */
type Ctx = unknown[];
type Fn = (c: Ctx) => unknown;

/** A compiled scalar expression: its function, its Kusto type name, and its value when constant. */
interface C {
  readonly f: Fn;
  readonly t: string;
  readonly k?: { readonly v: unknown };
}

interface Column {
  readonly read: Fn;
  readonly t: string;
}

/** The columns visible after an operator, in output order. */
type Scope = Map<string, Column>;

type Step = (c: Ctx) => boolean;
type Block = { readonly kind: 'stream'; readonly steps: Step[] } | { readonly kind: 'sort'; readonly keys: readonly SortKey[] };

interface SortKey {
  readonly f: Fn;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

const NUMERIC = new Set(['int', 'long', 'real']);
const EMPTY_CTX: Ctx = [];

function konst(v: unknown, t: string): C {
  return { f: () => v, t, k: { v } };
}

/** Constant-fold `c` when every operand is constant (and the closure reads nothing else). */
function folded(c: C, operands: readonly C[]): C {
  if (operands.every((o) => o.k)) return { f: c.f, t: c.t, k: { v: c.f(EMPTY_CTX) } };
  return c;
}

function badCell(column: string, type: string, v: unknown): never {
  throw new TypeError(`kql: row column ${column} holds ${v instanceof Object ? v.constructor.name : typeof v}, not a ${type} value`);
}

/**
 * How a cell of a column of type `t` is read (a missing string cell is "", any other missing cell
 * null); a cell of another type is an error in the rows, never coerced.
 */
function cellCoercion(name: string, t: string): (v: unknown) => unknown {
  switch (t) {
    case 'string':
      return (v) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : badCell(name, t, v));
    case 'int':
    case 'long':
    case 'real':
    case 'timespan':
      return (v) => (typeof v === 'number' ? v : v === undefined || v === null ? null : badCell(name, t, v));
    case 'bool':
      return (v) => (typeof v === 'boolean' ? v : v === undefined || v === null ? null : badCell(name, t, v));
    case 'datetime':
      return (v) => (v instanceof Date ? (Number.isNaN(v.getTime()) ? null : v) : v === undefined || v === null ? null : badCell(name, t, v));
    case 'dynamic':
      return (v) => (v === undefined ? null : v);
    default:
      return unsupported(`a column of type ${t} (${name})`);
  }
}

/**
 * Reads a table column from the input row (cellCoercion), once per row: the coerced value is kept
 * in the row's `slot` (never `undefined` once read).
 */
function columnReader(name: string, t: string, slot: number): Fn {
  const coerce = cellCoercion(name, t);
  return (c) => {
    const cached = c[slot];
    if (cached !== undefined) return cached;
    const v = coerce((c[0] as Row)[name]);
    c[slot] = v;
    return v;
  };
}

/** A comparable number for a datetime (ms), a timespan (ms) or a number; null stays null. */
function num(v: unknown): number | null {
  return v === null ? null : v instanceof Date ? v.getTime() : (v as number);
}

const TIMESPAN_UNITS: Readonly<Record<string, number>> = {
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  s: 1000, sec: 1000, second: 1000, seconds: 1000,
  ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
};

// ---------------------------------------------------------------------------------------------
// The tree walk

type Node = Kusto.Language.Syntax.SyntaxNode;
type Expr = Kusto.Language.Syntax.Expression;

let kindNames: Map<number, string> | undefined;

function kindOf(node: Node | null | undefined): string {
  if (!node) return '(missing)';
  if (!kindNames) {
    kindNames = new Map();
    for (const [name, value] of Object.entries(Kusto.Language.Syntax.SyntaxKind)) if (typeof value === 'number') kindNames.set(value, name);
  }
  return kindNames.get(node.Kind as unknown as number) ?? String(node.Kind);
}

/** The child elements of a separated list (`a, b, c`), in order. */
function separated<T>(list: Kusto.Language.Syntax.SyntaxList$1<Kusto.Language.Syntax.SeparatedElement$1<T>> | null): T[] {
  const out: T[] = [];
  if (!list) return out;
  for (let i = 0; i < list.ChildCount; i++) {
    const el = list.GetChild(i) as Kusto.Language.Syntax.SeparatedElement | null;
    if (el?.Element) out.push(el.Element as unknown as T);
  }
  return out;
}

function unbox(v: unknown): unknown {
  return v !== null && typeof v === 'object' && '$boxed' in v ? (v as unknown as { v: unknown }).v : v;
}

interface Clock {
  now: number;
}

/** Columns of a tabular value: (name, Kusto type name), in order. */
type PlanColumns = readonly (readonly [string, string])[];

/** What one run of a tabular query reads: each table's rows (in input order), and the tabular lets computed so far. */
interface RunEnv {
  readonly tables: ReadonlyMap<string, readonly Row[]>;
  readonly memo: Map<Plan, readonly Row[]>;
}

/**
 * A tabular expression compiled for a run: its columns, and its rows (column name → value, values
 * as the evaluator holds them; a cell may be missing or null, and is read with cellCoercion).
 */
interface Plan {
  readonly columns: PlanColumns;
  readonly run: (env: RunEnv) => readonly Row[];
}

/** Values of the key columns as one comparable text; a null key (not a string) is refused (its matching is not in §2). */
function keyOf(row: Row, cells: readonly { readonly name: string; readonly coerce: (v: unknown) => unknown }[], what: string): string {
  const parts = new Array<unknown>(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const v = cells[i]!.coerce(row[cells[i]!.name]);
    if (v === null) return unsupported(`${what} on a null ${cells[i]!.name} (how Kusto matches null keys is not in semantics.md §2)`);
    parts[i] = v instanceof Date ? v.getTime() : v;
  }
  return JSON.stringify(parts);
}

/** A plan whose rows are computed once per run (a let used more than once). */
function memoised(plan: Plan): Plan {
  return {
    columns: plan.columns,
    run: (env) => {
      let rows = env.memo.get(plan);
      if (!rows) env.memo.set(plan, (rows = plan.run(env)));
      return rows;
    },
  };
}

/** A column name usable as a row key. */
function rowKey(name: string): string {
  return name === '__proto__' ? unsupported('a column named __proto__') : name;
}

/** A table whose rows are known when the query is compiled (a watchlist): columns and rows. */
interface ConstTable {
  readonly columns: KqlColumns;
  readonly rows: readonly (readonly unknown[])[];
}

/** The items of a watchlist by alias, one record per CSV row (column → text). */
type WatchlistItems = (alias: string) => readonly Readonly<Record<string, string>>[];

/**
 * A watchlist item as a `_GetWatchlist` row: SearchKey from the CSV, the whole item as the
 * WatchlistItem bag; the item id is "" and the update time null (nothing reads them).
 */
function watchlistRow(item: Readonly<Record<string, string>>): unknown[] {
  const cells: Readonly<Record<string, unknown>> = { _DTItemId: '', LastUpdatedTimeUTC: null, SearchKey: item.SearchKey ?? '', WatchlistItem: { ...item } };
  return WATCHLIST_COLUMNS.map(([name]) => cells[name] ?? null);
}

class QueryCompiler {
  private slots = 0;
  private readonly lets = new Map<string, C>();
  private readonly tabularLets = new Map<string, ConstTable>();
  /** Tabular lets of a tabular query (compileTabular), each computed once per run. */
  private readonly tabularPlans = new Map<string, Plan>();
  private plans = false;
  readonly signals = new Map<string, string>();

  constructor(
    private readonly text: string,
    private readonly tables: ReadonlyMap<string, KqlColumns>,
    private readonly clock: Clock,
    private readonly watchlist: WatchlistItems,
  ) {}

  get slotCount(): number {
    return this.slots;
  }

  textOf(node: Node): string {
    return this.text.slice(node.TextStart, node.TextStart + node.Width);
  }

  private firstToken(node: Node): string {
    return node.GetFirstToken()?.Text ?? kindOf(node);
  }

  // ----- statements and tabular operators

  /** A rule query: lets, then one pipeline over a table, compiled into streaming blocks. */
  compileBlock(root: Node): { blocks: Block[]; scope: Scope } {
    return this.statements(root, (e) => this.compilePipeline(e));
  }

  /**
   * A tabular query (a correlation's): lets, tabular lets included, then one tabular expression of
   * tables, let names, `union`, `join`, `summarize`, `distinct` and the streaming operators.
   */
  compileTabular(root: Node): Plan {
    this.plans = true;
    return this.statements(root, (e) => this.plan(e));
  }

  private statements<T>(root: Node, query: (e: Expr) => T): T {
    const { QueryBlock } = Kusto.Language.Syntax;
    if (!(root instanceof QueryBlock)) return unsupported(`a ${kindOf(root)} (not a query)`);
    if (root.Directives && root.Directives.ChildCount > 0) unsupported('query directives');
    let result: { value: T } | undefined;
    for (const stmt of separated<Kusto.Language.Syntax.Statement>(root.Statements)) {
      if (stmt instanceof Kusto.Language.Syntax.LetStatement) {
        if (result) unsupported('a let statement after the query');
        this.compileLet(stmt);
      } else if (stmt instanceof Kusto.Language.Syntax.ExpressionStatement) {
        if (result) unsupported('more than one tabular expression statement');
        result = { value: query(stmt.Expression!) };
      } else unsupported(`the ${this.firstToken(stmt)} statement`);
    }
    if (!result) return unsupported('a query without a tabular expression');
    return result.value;
  }

  private compileLet(stmt: Kusto.Language.Syntax.LetStatement): void {
    const name = stmt.Name?.SimpleName ?? '';
    const expr = stmt.Expression;
    if (!expr) return unsupported(`let ${name} without a value`);
    if (kindOf(expr) === 'FunctionDeclaration') return unsupported(`a function let (${name})`);
    if (expr.ResultType instanceof Kusto.Language.Symbols.TableSymbol) {
      // A watchlist (rows known now) is a value for `in`; any other tabular let is a plan, in a tabular query only.
      if (this.plans && !this.isConstTable(expr)) this.tabularPlans.set(name, memoised(this.plan(expr)));
      else this.tabularLets.set(name, this.constTable(expr));
    } else this.lets.set(name, this.expr(expr, new Map()));
  }

  /** Whether constTable reads this expression: `_GetWatchlist(…)`, a let of one, then operators. */
  private isConstTable(node: Expr): boolean {
    const S = Kusto.Language.Syntax;
    if (node instanceof S.ParenthesizedExpression) return this.isConstTable(node.Expression!);
    if (node instanceof S.PipeExpression) return this.isConstTable(node.Expression!);
    if (node instanceof S.NameReference) return this.tabularLets.has(node.SimpleName ?? '');
    return node instanceof S.FunctionCallExpression && node.Name?.SimpleName === WATCHLIST_FUNCTION;
  }

  // ----- tabular plans (a correlation query): rows materialised per operator

  /** A tabular expression as a plan; its columns are checked against the analyser's result type. */
  private plan(node: Expr): Plan {
    const S = Kusto.Language.Syntax;
    if (node instanceof S.ParenthesizedExpression) return this.plan(node.Expression!);
    let p: Plan;
    if (node instanceof S.NameReference) p = this.namedPlan(node);
    else if (node instanceof S.FunctionCallExpression) p = this.sourcePlan(this.sourceFunction(node));
    else if (node instanceof S.UnionOperator) p = this.union(node);
    else if (node instanceof S.PipeExpression) {
      const ops: Kusto.Language.Syntax.QueryOperator[] = [];
      let source: Expr = node;
      while (source instanceof S.PipeExpression) {
        ops.unshift(source.Operator!);
        source = source.Expression!;
      }
      p = this.plan(source);
      let pending: Kusto.Language.Syntax.QueryOperator[] = [];
      const flush = () => {
        if (pending.length) p = this.segment(p, pending);
        pending = [];
      };
      for (const op of ops) {
        if (op instanceof S.JoinOperator) {
          flush();
          p = this.join(p, op);
        } else if (op instanceof S.SummarizeOperator) {
          flush();
          p = this.summarize(p, op);
        } else if (op instanceof S.DistinctOperator) {
          flush();
          p = this.distinct(p, op);
        } else pending.push(op); // compileOps implements the streaming ones and refuses the rest
      }
      flush();
    } else return unsupported(`the tabular expression ${this.firstToken(node)} (${kindOf(node)})`);
    this.checkColumns(node, p.columns);
    return p;
  }

  /** The analyser's columns of a tabular node (names and type names, in order). */
  private resultColumns(node: Node): PlanColumns {
    const t = (node as Expr).ResultType;
    if (!(t instanceof Kusto.Language.Symbols.TableSymbol)) throw new Error(`internal: ${kindOf(node)} has no tabular result type`);
    return listItems(t.Columns).map((c) => [c.Name ?? '', c.Type?.Name ?? 'unknown'] as const);
  }

  /** The plan's columns must be the analyser's: the evaluator's model of each operator's output is Kusto's. */
  private checkColumns(node: Node, columns: PlanColumns): void {
    const expected = this.resultColumns(node);
    const text = (cs: PlanColumns) => cs.map(([n, t]) => `${n}:${t}`).join(', ');
    if (text(expected) !== text(columns)) throw new Error(`internal: kql evaluator computes columns (${text(columns)}) where Kusto.Language has (${text(expected)}) for ${this.textOf(node).slice(0, 80)}`);
  }

  /** Columns whose names and types come from the analyser, checked against what the operator computes (types, count). */
  private analyserColumns(node: Node, types: readonly string[], what: string): PlanColumns {
    const cols = this.resultColumns(node);
    if (cols.length !== types.length || cols.some(([, t], i) => t !== types[i]))
      throw new Error(`internal: ${what} gives ${types.length} column(s) (${types.join(', ')}) where Kusto.Language has ${cols.map(([n, t]) => `${n}:${t}`).join(', ')}`);
    return cols.map(([n, t]) => [rowKey(n), t] as const);
  }

  /** A table of the profile (rows given to the run), a parser function named without arguments, or a tabular let. */
  private namedPlan(node: Kusto.Language.Syntax.NameReference): Plan {
    const name = node.SimpleName ?? '';
    const bound = this.tabularPlans.get(name);
    if (bound) return bound;
    const source = this.sourceName(node);
    if (source !== undefined) return this.sourcePlan(source);
    return unsupported(`the tabular name ${name} here`);
  }

  /** The rows the run gives for one of the profile's sources. */
  private sourcePlan(name: string): Plan {
    const columns = this.tables.get(name)!;
    return { columns, run: (env) => env.tables.get(name) ?? [] };
  }

  /**
   * A name that reads one of the profile's sources: a table, or a tabular function the profile
   * names for a log source (an ASIM parser), which Kusto calls without arguments when named bare.
   */
  private sourceName(node: Kusto.Language.Syntax.NameReference): string | undefined {
    const name = node.SimpleName ?? '';
    const { TableSymbol, FunctionSymbol } = Kusto.Language.Symbols;
    const symbol = node.ReferencedSymbol;
    return this.tables.has(name) && (symbol instanceof TableSymbol || symbol instanceof FunctionSymbol) ? name : undefined;
  }

  /**
   * A call of a tabular function the profile names for a log source (`_Im_ProcessCreate()`): its
   * rows are the source's. Arguments (a parser's filtering parameters) are not implemented.
   */
  private sourceFunction(node: Kusto.Language.Syntax.FunctionCallExpression): string {
    const name = node.Name?.SimpleName ?? '';
    if (!this.tables.has(name) || !(node.ReferencedSymbol instanceof Kusto.Language.Symbols.FunctionSymbol))
      return unsupported(`the tabular expression ${this.textOf(node)} (a call of ${name}, not one of the profile's sources)`);
    if (separated<Expr>(node.ArgumentList?.Expressions ?? null).length) return unsupported(`${name}() with arguments (${this.textOf(node)})`);
    return name;
  }

  /** Streaming operators over a plan's rows (compileOps), read back into rows. */
  private segment(input: Plan, ops: readonly Kusto.Language.Syntax.QueryOperator[]): Plan {
    const { blocks, scope } = this.compileOps(input.columns, ops);
    const out = [...scope];
    const names = out.map(([n]) => rowKey(n));
    const reads = out.map(([, c]) => c.read);
    const width = names.length;
    return {
      columns: out.map(([n, c]) => [n, c.t] as const),
      run: (env) => {
        const ctxs = executeBlocks(blocks, this.slots + 1, input.run(env));
        const rows = new Array<Row>(ctxs.length);
        for (let r = 0; r < ctxs.length; r++) {
          const row: Record<string, unknown> = {};
          for (let i = 0; i < width; i++) row[names[i]!] = reads[i]!(ctxs[r]!);
          rows[r] = row;
        }
        return rows;
      },
    };
  }

  /** A column of a plan (by a name reference), with how its cells read. */
  private planColumn(input: Plan, e: Expr, what: string): { readonly name: string; readonly t: string; readonly coerce: (v: unknown) => unknown } {
    if (!(e instanceof Kusto.Language.Syntax.NameReference)) return unsupported(`${what} of ${this.textOf(e)} (only column names are implemented)`);
    const name = e.SimpleName ?? '';
    const col = input.columns.find(([n]) => n === name);
    if (!col) return unsupported(`${what} of an unknown column ${name}`);
    return { name: rowKey(name), t: col[1], coerce: cellCoercion(name, col[1]) };
  }

  /**
   * `union (A), (B), …` with no parameters: kind=outer (K-fn union [doc]): every column of every
   * input, by name in order of appearance; a cell an input lacks is null ("" for a string). Inputs
   * whose same-named columns differ in type get suffixed columns in Kusto: refused. Rows: each
   * input's in turn [inferred: union promises no order; nothing here depends on one].
   */
  private union(node: Kusto.Language.Syntax.UnionOperator): Plan {
    if (node.Parameters && node.Parameters.ChildCount > 0) return unsupported(`union with parameters (${this.textOf(node.Parameters)})`);
    const inputs = separated<Expr>(node.Expressions).map((e) => this.plan(e));
    const columns: (readonly [string, string])[] = [];
    for (const input of inputs)
      for (const [n, t] of input.columns) {
        const seen = columns.find(([m]) => m === n);
        if (!seen) columns.push([n, t]);
        else if (seen[1] !== t) return unsupported(`union of a column ${n} typed ${seen[1]} and ${t}`);
      }
    const names = columns.map(([n]) => rowKey(n));
    return {
      columns,
      run: (env) => {
        const rows: Row[] = [];
        for (const input of inputs)
          for (const r of input.run(env)) {
            const row: Record<string, unknown> = {};
            for (const n of names) row[n] = r[n] ?? null;
            rows.push(row);
          }
        return rows;
      },
    };
  }

  /**
   * `join kind=inner (Right) on Col, …` (K-fn join, join-inner [doc]): one output row for every
   * pair of a left row and a right row with equal keys (`on Col` compares $left.Col == $right.Col:
   * strings case-sensitively, as `==`, K-str). Output columns: the left's, then the right's, a right
   * name taken on the left renamed by Kusto (`Key1`); the names are the analyser's. Only
   * `kind=inner` is implemented (the default, innerunique, dedups the left side: §2.6). Pairs come
   * left row by left row, right rows in order [inferred: join promises no order].
   */
  private join(left: Plan, op: Kusto.Language.Syntax.JoinOperator): Plan {
    const params: Kusto.Language.Syntax.NamedParameter[] = [];
    for (let i = 0; i < (op.Parameters?.ChildCount ?? 0); i++) {
      const p = op.Parameters!.GetChild(i);
      if (!(p instanceof Kusto.Language.Syntax.NamedParameter)) return unsupported(`join with the parameter ${p ? this.textOf(p as Node) : '(missing)'}`);
      params.push(p);
    }
    const kinds = params.filter((p) => p.Name?.SimpleName === 'kind');
    if (params.length !== 1 || kinds.length !== 1) return unsupported(params.length ? `join with parameters ${params.map((p) => this.textOf(p)).join(' ')} (only kind=inner is implemented)` : 'join without kind= (innerunique)');
    const kind = this.textOf(kinds[0]!.Expression!).trim();
    if (kind !== 'inner') return unsupported(`join kind=${kind}`);
    const right = this.plan(op.Expression!);
    const cond = op.ConditionClause;
    if (!(cond instanceof Kusto.Language.Syntax.JoinOnClause)) return unsupported(`join ${cond ? this.textOf(cond) : 'without a condition'} (only on Col, … is implemented)`);
    const keys = separated<Expr>(cond.Expressions).map((e) => {
      const l = this.planColumn(left, e, 'join on');
      const r = this.planColumn(right, e, 'join on');
      if (l.t !== r.t) return unsupported(`join on ${l.name} typed ${l.t} and ${r.t}`);
      if (l.t === 'dynamic') return unsupported(`join on a dynamic column ${l.name}`);
      return { l, r };
    });
    if (!keys.length) return unsupported('join on no column');
    const columns = this.analyserColumns(op, [...left.columns, ...right.columns].map(([, t]) => t), 'join kind=inner');
    const leftNames = left.columns.map(([n]) => rowKey(n));
    const rightNames = right.columns.map(([n]) => rowKey(n));
    const outNames = columns.map(([n]) => n);
    const lk = keys.map((k) => k.l);
    const rk = keys.map((k) => k.r);
    const nl = leftNames.length;
    return {
      columns,
      run: (env) => {
        const byKey = new Map<string, Row[]>();
        for (const r of right.run(env)) {
          const k = keyOf(r, rk, 'join');
          const list = byKey.get(k);
          if (list) list.push(r);
          else byKey.set(k, [r]);
        }
        const out: Row[] = [];
        for (const l of left.run(env)) {
          const matches = byKey.get(keyOf(l, lk, 'join'));
          if (!matches) continue;
          for (const r of matches) {
            const row: Record<string, unknown> = {};
            for (let i = 0; i < nl; i++) row[outNames[i]!] = l[leftNames[i]!] ?? null;
            for (let i = 0; i < rightNames.length; i++) row[outNames[nl + i]!] = r[rightNames[i]!] ?? null;
            out.push(row);
          }
        }
        return out;
      },
    };
  }

  /**
   * `summarize <aggregates> by Col, …` with `max(Col)` (`Name = max(Col)`) and
   * `arg_max(Col, Col2, …)`; output columns: the by columns, then each aggregate's (names are the
   * analyser's). One row per distinct combination of by values, in order of first appearance
   * [inferred: summarize promises no order]. `max` ignores nulls [inferred], and is null when every
   * value is; `arg_max` returns a row maximising its first argument, ignoring rows where it is null
   * (K-fn arg-max [doc]); of rows tied on the maximum it keeps the first in input order [inferred:
   * the doc returns "a row"]; a group where it is null in every row is refused (which row Kusto
   * returns then is not documented). Aggregated values must be numbers, datetimes or timespans.
   */
  private summarize(input: Plan, op: Kusto.Language.Syntax.SummarizeOperator): Plan {
    if (op.Parameters && op.Parameters.ChildCount > 0) return unsupported(`summarize with parameters (${this.textOf(op.Parameters)})`);
    if (op.ByClause?.BinClause) return unsupported('summarize by … bin=');
    const by = separated<Expr>(op.ByClause?.Expressions ?? null).map((e) => this.planColumn(input, e, 'summarize by'));
    type Agg = { readonly kind: 'max' | 'arg_max'; readonly of: ReturnType<QueryCompiler['planColumn']>; readonly rest: readonly ReturnType<QueryCompiler['planColumn']>[] };
    const aggs: Agg[] = separated<Expr>(op.Aggregates).map((e) => {
      const S = Kusto.Language.Syntax;
      const named = e instanceof S.SimpleNamedExpression;
      const call = named ? e.Expression : e;
      if (!(call instanceof S.FunctionCallExpression)) return unsupported(`the aggregate ${this.textOf(e)}`);
      const fn = call.Name?.SimpleName ?? '';
      const args = separated<Expr>(call.ArgumentList?.Expressions ?? null);
      if (fn !== 'max' && fn !== 'arg_max') return unsupported(`the aggregation function ${fn}()`);
      if (fn === 'max' && args.length !== 1) return unsupported(`max() with ${args.length} arguments`);
      if (fn === 'arg_max' && (named || args.length < 2)) return unsupported(`${this.textOf(e)} (arg_max with its columns named, or without columns to return)`);
      const of = this.planColumn(input, args[0]!, `${fn}()`);
      if (!NUMERIC.has(of.t) && of.t !== 'datetime' && of.t !== 'timespan') return unsupported(`${fn}() of a ${of.t} column (its order is not in semantics.md §2)`);
      return { kind: fn, of, rest: args.slice(1).map((a) => this.planColumn(input, a, `${fn}()`)) };
    });
    const types = [...by.map((b) => b.t), ...aggs.flatMap((a) => (a.kind === 'max' ? [a.of.t] : [a.of.t, ...a.rest.map((r) => r.t)]))];
    const columns = this.analyserColumns(op, types, 'summarize');
    const outNames = columns.map(([n]) => n);
    return {
      columns,
      run: (env) => {
        type State = { byValues: unknown[]; best: unknown[]; rows: (Row | undefined)[] };
        const groups = new Map<string, State>();
        for (const row of input.run(env)) {
          const k = keyOf(row, by, 'summarize by');
          let g = groups.get(k);
          if (!g) groups.set(k, (g = { byValues: by.map((b) => b.coerce(row[b.name])), best: aggs.map(() => null), rows: aggs.map(() => undefined) }));
          for (let i = 0; i < aggs.length; i++) {
            const a = aggs[i]!;
            const v = a.of.coerce(row[a.of.name]);
            const n = num(v);
            if (n === null || Number.isNaN(n)) continue;
            const best = num(g.best[i]);
            if (best === null || n > best) {
              g.best[i] = v;
              g.rows[i] = row;
            }
          }
        }
        const out: Row[] = [];
        for (const g of groups.values()) {
          const values: unknown[] = [...g.byValues];
          aggs.forEach((a, i) => {
            if (a.kind === 'max') values.push(g.best[i]);
            else {
              const r = g.rows[i] ?? unsupported(`arg_max(${a.of.name}, …) over a group where ${a.of.name} is null in every row (which row Kusto returns is not documented)`);
              values.push(g.best[i], ...a.rest.map((c) => c.coerce(r[c.name])));
            }
          });
          const row: Record<string, unknown> = {};
          outNames.forEach((n, i) => (row[n] = values[i]));
          out.push(row);
        }
        return out;
      },
    };
  }

  /**
   * `distinct Col, …` (K-fn): the distinct combinations of the columns, in order of first appearance
   * [inferred: distinct promises no order]; strings compare case-sensitively [inferred from ==].
   */
  private distinct(input: Plan, op: Kusto.Language.Syntax.DistinctOperator): Plan {
    if (op.Parameters && op.Parameters.ChildCount > 0) return unsupported(`distinct with parameters (${this.textOf(op.Parameters)})`);
    const cols = separated<Expr>(op.Expressions).map((e) => this.planColumn(input, e, 'distinct'));
    const columns = cols.map((c) => [c.name, c.t] as const);
    return {
      columns,
      run: (env) => {
        const seen = new Set<string>();
        const out: Row[] = [];
        for (const row of input.run(env)) {
          const k = keyOf(row, cols, 'distinct');
          if (seen.has(k)) continue;
          seen.add(k);
          const r: Record<string, unknown> = {};
          for (const c of cols) r[c.name] = c.coerce(row[c.name]);
          out.push(r);
        }
        return out;
      },
    };
  }

  /**
   * A tabular expression read as a value (`x in (T)`, `let T = …`): `_GetWatchlist('alias')`, then
   * `project` of its columns, or a let bound to one. Its rows are read once, here.
   */
  private constTable(node: Expr): ConstTable {
    const S = Kusto.Language.Syntax;
    if (node instanceof S.ParenthesizedExpression) return this.constTable(node.Expression!);
    if (node instanceof S.NameReference) return this.tabularLets.get(node.SimpleName ?? '') ?? unsupported(`the table ${node.SimpleName} as a value`);
    if (node instanceof S.PipeExpression) return this.projectConst(this.constTable(node.Expression!), node.Operator!);
    if (node instanceof S.FunctionCallExpression && node.Name?.SimpleName === WATCHLIST_FUNCTION) return this.watchlistTable(node);
    return unsupported(`the tabular expression ${this.textOf(node)} (only ${WATCHLIST_FUNCTION}('…') | project … is implemented)`);
  }

  private projectConst(input: ConstTable, op: Kusto.Language.Syntax.QueryOperator): ConstTable {
    if (!(op instanceof Kusto.Language.Syntax.ProjectOperator)) return unsupported(`the ${this.firstToken(op)} operator in a tabular value`);
    const picked = separated<Expr>(op.Expressions).map((e) => {
      const i = e instanceof Kusto.Language.Syntax.NameReference ? input.columns.findIndex(([n]) => n === e.SimpleName) : -1;
      return i >= 0 ? i : unsupported(`project of ${this.textOf(e)} in a tabular value`);
    });
    return { columns: picked.map((i) => input.columns[i]!), rows: input.rows.map((r) => picked.map((i) => r[i])) };
  }

  private watchlistTable(node: Kusto.Language.Syntax.FunctionCallExpression): ConstTable {
    const args = separated<Expr>(node.ArgumentList?.Expressions ?? null).map((a) => this.expr(a, new Map()));
    const alias = args.length === 1 ? args[0]!.k?.v : undefined;
    if (typeof alias !== 'string') return unsupported(`${WATCHLIST_FUNCTION}() with arguments other than one constant alias (${this.textOf(node)})`);
    return { columns: WATCHLIST_COLUMNS, rows: this.watchlist(alias).map(watchlistRow) };
  }

  private compilePipeline(expr: Expr): { blocks: Block[]; scope: Scope } {
    const ops: Kusto.Language.Syntax.QueryOperator[] = [];
    let source: Expr = expr;
    while (source instanceof Kusto.Language.Syntax.PipeExpression) {
      ops.unshift(source.Operator!);
      source = source.Expression!;
    }
    let table: string | undefined;
    if (source instanceof Kusto.Language.Syntax.FunctionCallExpression) table = this.sourceFunction(source);
    else if (source instanceof Kusto.Language.Syntax.NameReference) {
      table = this.sourceName(source);
      if (table === undefined) return unsupported(`the table ${source.SimpleName ?? ''}`);
    } else return unsupported(`a query that starts with ${this.firstToken(source)} (only a table name or a call of a source function is implemented)`);
    return this.compileOps(this.tables.get(table)!, ops);
  }

  /**
   * The streaming operators (`where`, `extend`, `project`, `order by`) over rows with these columns,
   * compiled into blocks of steps over a row in flight; the scope is the output's columns.
   */
  private compileOps(columns: PlanColumns, ops: readonly Kusto.Language.Syntax.QueryOperator[]): { blocks: Block[]; scope: Scope } {
    // A table column gets its row slot when the query first reads it.
    const readers = new Map<string, Fn>();
    const reader = (name: string, t: string): Fn => {
      let r = readers.get(name);
      if (!r) readers.set(name, (r = columnReader(name, t, ++this.slots)));
      return r;
    };
    let scope: Scope = new Map(columns.map(([name, t]) => [name, { t, get read() { return reader(name, t); } }]));
    const blocks: Block[] = [];
    let steps: Step[] = [];
    const stream = () => {
      if (steps.length || blocks.length === 0) blocks.push({ kind: 'stream', steps });
      steps = [];
    };
    for (const op of ops) {
      const S = Kusto.Language.Syntax;
      if (op instanceof S.FilterOperator) {
        if (op.Parameters && op.Parameters.ChildCount > 0) unsupported('where with parameters');
        const p = this.expr(op.Condition!, scope);
        if (p.t !== 'bool') unsupported(`where on a ${p.t} expression`);
        const f = p.f;
        steps.push((c) => f(c) === true);
      } else if (op instanceof S.ExtendOperator) {
        const assigned: [string, Column][] = [];
        const sets: { slot: number; f: Fn }[] = [];
        for (const e of separated<Expr>(op.Expressions)) {
          if (!(e instanceof S.SimpleNamedExpression)) return unsupported(`extend of an unnamed or compound expression (${this.textOf(e)})`);
          const name = e.Name?.SimpleName ?? '';
          const value = this.expr(e.Expression!, scope);
          const slot = ++this.slots;
          sets.push({ slot, f: value.f });
          assigned.push([name, { read: (c) => c[slot], t: value.t }]);
          if (name.startsWith('sig_') && !this.signals.has(name.slice(4))) this.signals.set(name.slice(4), this.textOf(e.Expression!));
        }
        steps.push(assignStep(sets));
        const next: Scope = new Map(scope);
        for (const [name, col] of assigned) next.set(name, col); // an existing column keeps its position
        scope = next;
      } else if (op instanceof S.ProjectOperator) {
        const next: Scope = new Map();
        const sets: { slot: number; f: Fn }[] = [];
        for (const e of separated<Expr>(op.Expressions)) {
          if (e instanceof S.NameReference && e.ReferencedSymbol instanceof Kusto.Language.Symbols.ColumnSymbol) {
            const name = e.SimpleName ?? '';
            const col = scope.get(name);
            if (!col) return unsupported(`project of an unknown column ${name}`);
            next.set(name, col);
          } else if (e instanceof S.SimpleNamedExpression) {
            const name = e.Name?.SimpleName ?? '';
            const value = this.expr(e.Expression!, scope);
            const slot = ++this.slots;
            sets.push({ slot, f: value.f });
            next.set(name, { read: (c) => c[slot], t: value.t });
          } else return unsupported(`project of ${this.textOf(e)}`);
        }
        if (sets.length) steps.push(assignStep(sets));
        scope = next;
      } else if (op instanceof S.SortOperator) {
        if (op.Parameters && op.Parameters.ChildCount > 0) unsupported(`${this.firstToken(op)} with parameters`);
        const keys: SortKey[] = [];
        for (const e of separated<Expr>(op.Expressions)) {
          let inner: Expr = e;
          let desc = true;
          let nulls: string | undefined;
          if (e instanceof S.OrderedExpression) {
            inner = e.Expression!;
            const dir = e.Ordering?.AscOrDescKeyword?.Text;
            if (dir) desc = dir === 'desc';
            nulls = e.Ordering?.NullsClause?.FirstOrLastKeyword?.Text ?? undefined;
          }
          const key = this.expr(inner, scope);
          if (!NUMERIC.has(key.t) && key.t !== 'datetime' && key.t !== 'timespan')
            unsupported(`sorting by a ${key.t} expression (${this.textOf(inner)}): the order is not documented in semantics.md §2.6`);
          const nullsFirst = nulls === undefined ? !desc : nulls === 'first';
          keys.push({ f: key.f, desc, nullsFirst });
        }
        stream();
        blocks.push({ kind: 'sort', keys });
      } else return unsupported(`the ${this.firstToken(op)} operator`);
    }
    stream();
    return { blocks, scope };
  }

  // ----- scalar expressions

  expr(node: Expr, scope: Scope): C {
    const S = Kusto.Language.Syntax;
    if (node instanceof S.ParenthesizedExpression) return this.expr(node.Expression!, scope);
    if (node instanceof S.LiteralExpression || node instanceof S.CompoundStringLiteralExpression) return this.literal(node);
    if (node instanceof S.DynamicExpression) return konst(this.dynamicValue(node.Expression!), 'dynamic');
    if (node instanceof S.NameReference) return this.name(node, scope);
    if (node instanceof S.BinaryExpression) return this.binary(node, scope);
    if (node instanceof S.PrefixUnaryExpression) return this.unary(node, scope);
    if (node instanceof S.InExpression) return this.inExpr(node, scope);
    if (node instanceof S.BetweenExpression) return this.between(node, scope);
    if (node instanceof S.HasAnyExpression) return this.hasAnyAll(node, scope, 'has_any');
    if (node instanceof S.HasAllExpression) return this.hasAnyAll(node, scope, 'has_all');
    if (node instanceof S.FunctionCallExpression) return this.call(node, scope);
    if (node instanceof S.PathExpression) return this.member(node, scope);
    if (node instanceof S.ElementExpression) return this.element(node, scope);
    const op = (node as { Operator?: Kusto.Language.Syntax.SyntaxToken | null }).Operator?.Text;
    return unsupported(op ? `the operator ${op}` : `the expression ${this.textOf(node)} (${kindOf(node)})`);
  }

  private typeOf(node: Expr): string {
    return node.ResultType?.Name ?? 'unknown';
  }

  private literal(node: Expr): C {
    const kind = kindOf(node);
    const t = this.typeOf(node);
    const text = this.textOf(node).trim();
    const isNull = /^[a-z]+\(\s*null\s*\)$/.test(text);
    switch (kind) {
      case 'StringLiteralExpression':
      case 'CompoundStringLiteralExpression': {
        const v: unknown = node.LiteralValue;
        if (typeof v !== 'string') return unsupported(`the string literal ${text}`);
        return konst(v, 'string');
      }
      case 'BooleanLiteralExpression': {
        if (isNull) return konst(null, 'bool');
        const v = unbox(node.LiteralValue);
        if (typeof v !== 'boolean') return unsupported(`the bool literal ${text}`);
        return konst(v, 'bool');
      }
      case 'LongLiteralExpression':
      case 'IntLiteralExpression': {
        const type = kind === 'IntLiteralExpression' ? 'int' : 'long';
        if (isNull) return konst(null, type);
        const m = /^(?:(?:long|int)\(\s*)?(?:([+-]?\d+)|0[xX]([0-9A-Fa-f]+))(?:\s*\))?$/.exec(text);
        if (!m) return unsupported(`the ${type} literal ${text}`);
        const v = m[1] !== undefined ? Number(m[1]) : parseInt(m[2]!, 16);
        if (!Number.isSafeInteger(v)) return unsupported(`the ${type} literal ${text} (beyond ±2^53)`);
        return konst(v, type);
      }
      case 'RealLiteralExpression': {
        if (isNull) return konst(null, 'real');
        const v = unbox(node.LiteralValue);
        if (typeof v !== 'number' || !/^(?:(?:real|double)\(\s*)?[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:\s*\))?$/.test(text))
          return unsupported(`the real literal ${text}`);
        return konst(v, 'real');
      }
      case 'DateTimeLiteralExpression': {
        if (isNull) return konst(null, 'datetime');
        const m = /^datetime\(\s*(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?)(\.\d{1,7})?)?Z?\s*\)$/.exec(text);
        if (!m) return unsupported(`the datetime literal ${text}`);
        const ms = Date.parse(`${m[1]}T${m[2] ?? '00:00'}${m[2] && m[2].length === 5 ? ':00' : ''}${m[3] ? m[3].slice(0, 4).padEnd(4, '0') : ''}Z`);
        if (Number.isNaN(ms)) return unsupported(`the datetime literal ${text}`);
        return konst(new Date(ms), 'datetime');
      }
      case 'TimespanLiteralExpression': {
        if (isNull) return konst(null, 'timespan');
        const m = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(text);
        const unit = m ? TIMESPAN_UNITS[m[2]!] : undefined;
        if (!m || unit === undefined) return unsupported(`the timespan literal ${text}`);
        return konst(Number(m[1]) * unit, 'timespan');
      }
      case 'NullLiteralExpression':
        return konst(null, t);
      default:
        return unsupported(`the literal ${text} (${kind})`);
    }
  }

  /** The value of a `dynamic(...)` body: literals and arrays of them. */
  private dynamicValue(node: Expr): unknown {
    const S = Kusto.Language.Syntax;
    if (node instanceof S.JsonArrayExpression) return separated<Expr>(node.Values).map((e) => this.dynamicValue(e));
    if (node instanceof S.JsonObjectExpression) return unsupported(`a dynamic property bag (${this.textOf(node)})`);
    const c = this.expr(node, new Map());
    if (!c.k) return unsupported(`a non-literal in dynamic() (${this.textOf(node)})`);
    return c.k.v;
  }

  private name(node: Kusto.Language.Syntax.NameReference, scope: Scope): C {
    const sym = node.ReferencedSymbol;
    const name = node.SimpleName ?? '';
    const Sym = Kusto.Language.Symbols;
    if (sym instanceof Sym.ColumnSymbol) {
      const col = scope.get(name);
      if (!col) return unsupported(`the column ${name} here`);
      return { f: col.read, t: col.t };
    }
    if (sym instanceof Sym.VariableSymbol) {
      const v = this.lets.get(name);
      if (!v) return unsupported(`the name ${name}`);
      return v;
    }
    return unsupported(`the name ${name} (${sym ? kindOfSymbol(sym) : 'unresolved'})`);
  }

  /** `d.name` on a dynamic value: a member of a property bag (dynamicStep). */
  private member(node: Kusto.Language.Syntax.PathExpression, scope: Scope): C {
    const S = Kusto.Language.Syntax;
    const d = this.expr(node.Expression!, scope);
    if (d.t !== 'dynamic') return unsupported(`member access on a ${d.t} (${this.textOf(node)})`);
    const selector = node.Selector;
    let name: string;
    if (selector instanceof S.NameReference) name = selector.SimpleName ?? '';
    else if (selector instanceof S.BracketedName) {
      const v: unknown = (selector.Name as Expr | null)?.LiteralValue;
      if (typeof v !== 'string') return unsupported(`the member ${this.textOf(selector)}`);
      name = v;
    } else return unsupported(`the member selector ${selector ? this.textOf(selector) : '(missing)'} (${kindOf(selector)})`);
    return this.dynamicStep(d, name, node);
  }

  /** `d['name']`, `d[0]` on a dynamic value, with a constant string or whole-number subscript (dynamicStep). */
  private element(node: Kusto.Language.Syntax.ElementExpression, scope: Scope): C {
    const S = Kusto.Language.Syntax;
    const d = this.expr(node.Expression!, scope);
    if (d.t !== 'dynamic') return unsupported(`element access on a ${d.t} (${this.textOf(node)})`);
    const selector = node.Selector;
    if (!(selector instanceof S.BracketedExpression)) return unsupported(`the element selector ${selector ? this.textOf(selector) : '(missing)'} (${kindOf(selector)})`);
    const sub = this.expr(selector.Expression!, scope);
    if (!sub.k) return unsupported(`a subscript that is not a constant (${this.textOf(selector)})`);
    const v = sub.k.v;
    if (sub.t === 'string' && typeof v === 'string') return this.dynamicStep(d, v, node);
    if (NUMERIC.has(sub.t) && typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return this.dynamicStep(d, v, node);
    return unsupported(`the subscript ${this.textOf(selector)} (only constant strings and whole numbers from 0 are implemented; a negative index counts from the end)`);
  }

  /**
   * One step into a dynamic value (K-lit dynamic [doc]: `dict.key` and `dict["key"]` are the same
   * subscript; `arr[i]` indexes an array from 0): null stays null; a property bag gives the member's
   * value, or null when it has no such member; an array gives the element, or null past its end
   * [inferred: the doc states the subscripts, not the value of a missing slot; null is what
   * `tostring()` reads as "", which Sentinel's own AKS queries rely on for absent members]. A member of
   * an array or of a scalar, or an index into a bag or a scalar, is refused (the value Kusto gives is
   * not in semantics.md §2): reported, never guessed.
   */
  private dynamicStep(d: C, key: string | number, node: Node): C {
    const f = d.f;
    const text = this.textOf(node).trim();
    const kind = (v: unknown) => (Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'a property bag' : `a ${typeof v}`);
    const step =
      typeof key === 'string'
        ? (c: Ctx) => {
            const v = f(c);
            if (v === null || v === undefined) return null;
            if (typeof v !== 'object' || Array.isArray(v)) return unsupported(`${text}: a member of ${kind(v)}`);
            return Object.hasOwn(v, key) ? ((v as Record<string, unknown>)[key] ?? null) : null;
          }
        : (c: Ctx) => {
            const v = f(c);
            if (v === null || v === undefined) return null;
            if (!Array.isArray(v)) return unsupported(`${text}: an element of ${kind(v)}`);
            return key < v.length ? (v[key] ?? null) : null;
          };
    return folded({ f: step, t: 'dynamic' }, [d]);
  }

  private unary(node: Kusto.Language.Syntax.PrefixUnaryExpression, scope: Scope): C {
    const op = node.Operator?.Text ?? '';
    const a = this.expr(node.Expression!, scope);
    if (!NUMERIC.has(a.t) && a.t !== 'timespan') return unsupported(`unary ${op} on ${a.t}`);
    const f = a.f;
    if (op === '-') return folded({ f: (c) => { const v = f(c) as number | null; return v === null ? null : -v; }, t: a.t }, [a]);
    if (op === '+') return a;
    return unsupported(`the unary operator ${op}`);
  }

  private binary(node: Kusto.Language.Syntax.BinaryExpression, scope: Scope): C {
    const op = (node.Operator?.Text ?? '').replace(/\s+/g, ' ');
    const resultType = this.typeOf(node);
    switch (op) {
      case 'and':
      case 'or': {
        const l = this.expr(node.Left!, scope);
        const r = this.expr(node.Right!, scope);
        if (l.t !== 'bool' || r.t !== 'bool') return unsupported(`${op} on ${l.t} and ${r.t}`);
        const lf = l.f;
        const rf = r.f;
        const f: Fn =
          op === 'and'
            ? (c) => {
                const a = lf(c);
                if (a === false) return false;
                const b = rf(c);
                if (b === false) return false;
                return a === null || b === null ? null : true;
              }
            : (c) => {
                const a = lf(c);
                if (a === true) return true;
                const b = rf(c);
                if (b === true) return true;
                return a === null || b === null ? null : false;
              };
        return folded({ f, t: 'bool' }, [l, r]);
      }
      case '==':
      case '!=':
        return this.equality(op, node, scope);
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const l = this.expr(node.Left!, scope);
        const r = this.expr(node.Right!, scope);
        const ordered = (t: string) => NUMERIC.has(t) || t === 'datetime' || t === 'timespan';
        if (!ordered(l.t) || !ordered(r.t) || (NUMERIC.has(l.t) !== NUMERIC.has(r.t)) || (!NUMERIC.has(l.t) && l.t !== r.t))
          return unsupported(`${op} on ${l.t} and ${r.t}`);
        const lf = l.f;
        const rf = r.f;
        if (NUMERIC.has(l.t) && r.k && typeof r.k.v === 'number') {
          // The common `risk_score >= 2`: a number against a constant.
          const k = r.k.v;
          const f: Fn =
            op === '<' ? (c) => { const a = lf(c) as number | null; return a === null ? null : a < k; }
            : op === '<=' ? (c) => { const a = lf(c) as number | null; return a === null ? null : a <= k; }
            : op === '>' ? (c) => { const a = lf(c) as number | null; return a === null ? null : a > k; }
            : (c) => { const a = lf(c) as number | null; return a === null ? null : a >= k; };
          return folded({ f, t: 'bool' }, [l, r]);
        }
        const cmp = { '<': (a: number, b: number) => a < b, '<=': (a: number, b: number) => a <= b, '>': (a: number, b: number) => a > b, '>=': (a: number, b: number) => a >= b }[op];
        return folded({ f: (c) => { const a = num(lf(c)); const b = num(rf(c)); return a === null || b === null ? null : cmp(a, b); }, t: 'bool' }, [l, r]);
      }
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return this.arithmetic(op, node, scope, resultType);
      case '=~':
      case '!~': {
        const l = this.stringOperand(node.Left!, scope, op);
        const r = this.stringOperand(node.Right!, scope, op);
        const neg = op === '!~';
        const lf = l.f;
        if (r.k) {
          const n = kqlFold(r.k.v as string);
          return folded({ f: (c) => (kqlFold(lf(c) as string) === n) !== neg, t: 'bool' }, [l, r]);
        }
        const rf = r.f;
        return { f: (c) => (kqlFold(lf(c) as string) === kqlFold(rf(c) as string)) !== neg, t: 'bool' };
      }
      case 'matches regex': {
        const l = this.stringOperand(node.Left!, scope, op);
        const r = this.stringOperand(node.Right!, scope, op);
        if (!r.k) return unsupported('matches regex with a non-constant pattern');
        const test = rustRegexTester(r.k.v as string);
        const lf = l.f;
        return folded({ f: (c) => test(lf(c) as string), t: 'bool' }, [l]);
      }
      default: {
        const m = /^(!?)(contains|startswith|endswith|has)(_cs)?$/.exec(op);
        if (!m) return unsupported(`the operator ${op}`);
        const l = this.stringOperand(node.Left!, scope, op);
        const r = this.stringOperand(node.Right!, scope, op);
        if (!r.k) return unsupported(`${op} with a non-constant right-hand side`);
        const neg = m[1] === '!';
        const cs = m[3] === '_cs';
        const needle = r.k.v as string;
        if (needle === '') return unsupported(`${op} "" (its result is not documented)`);
        const lf = l.f;
        let test: (s: string) => boolean;
        if (m[2] === 'has') test = hasTest(needle, cs);
        else {
          const n = cs ? needle : kqlFold(needle);
          const fold = cs ? (s: string) => s : kqlFold;
          test =
            m[2] === 'contains' ? (s) => fold(s).includes(n) : m[2] === 'startswith' ? (s) => fold(s).startsWith(n) : (s) => fold(s).endsWith(n);
        }
        return folded({ f: neg ? (c) => !test(lf(c) as string) : (c) => test(lf(c) as string), t: 'bool' }, [l]);
      }
    }
  }

  private stringOperand(node: Expr, scope: Scope, op: string): C {
    const c = this.expr(node, scope);
    if (c.t !== 'string') return unsupported(`${op} on a ${c.t} operand (${this.textOf(node)})`);
    return c;
  }

  private equality(op: '==' | '!=', node: Kusto.Language.Syntax.BinaryExpression, scope: Scope): C {
    const l = this.expr(node.Left!, scope);
    const r = this.expr(node.Right!, scope);
    const neg = op === '!=';
    const lf = l.f;
    const rf = r.f;
    if (l.t === 'string' && r.t === 'string') {
      if (r.k) {
        const k = r.k.v;
        return folded({ f: neg ? (c) => lf(c) !== k : (c) => lf(c) === k, t: 'bool' }, [l, r]);
      }
      return folded({ f: neg ? (c) => lf(c) !== rf(c) : (c) => lf(c) === rf(c), t: 'bool' }, [l, r]);
    }
    const comparable =
      (NUMERIC.has(l.t) && NUMERIC.has(r.t)) || (l.t === r.t && (l.t === 'bool' || l.t === 'datetime' || l.t === 'timespan'));
    if (!comparable) return unsupported(`${op} on ${l.t} and ${r.t}`);
    // K-null: null == null → null, null == x → false; null != null → null, null != x → true.
    if (NUMERIC.has(l.t) && r.k && typeof r.k.v === 'number') {
      // The common `sig_x == 1`: a number against a non-null constant.
      const k = r.k.v;
      return folded({ f: (c) => { const a = lf(c); return a === null ? neg : (a === k) !== neg; }, t: 'bool' }, [l, r]);
    }
    const f: Fn = (c) => {
      const a = lf(c);
      const b = rf(c);
      if (a === null || b === null) return a === null && b === null ? null : neg;
      return (num(a as number | Date) === num(b as number | Date)) !== neg;
    };
    return folded({ f, t: 'bool' }, [l, r]);
  }

  private arithmetic(op: string, node: Kusto.Language.Syntax.BinaryExpression, scope: Scope, resultType: string): C {
    const l = this.expr(node.Left!, scope);
    const r = this.expr(node.Right!, scope);
    const lf = l.f;
    const rf = r.f;
    const sticky = (g: (a: number, b: number) => unknown): Fn => (c) => {
      const a = num(lf(c));
      if (a === null) return null;
      const b = num(rf(c));
      return b === null ? null : g(a, b);
    };
    let f: Fn | undefined;
    if (NUMERIC.has(l.t) && NUMERIC.has(r.t) && NUMERIC.has(resultType) && (op === '+' || op === '-' || op === '*')) {
      // The common `sig_x * 3 + …`: direct closures, null-sticky.
      if (r.k && typeof r.k.v === 'number') {
        const k = r.k.v;
        f =
          op === '+' ? (c) => { const a = lf(c) as number | null; return a === null ? null : a + k; }
          : op === '-' ? (c) => { const a = lf(c) as number | null; return a === null ? null : a - k; }
          : (c) => { const a = lf(c) as number | null; return a === null ? null : a * k; };
      } else
        f =
          op === '+' ? (c) => { const a = lf(c) as number | null; if (a === null) return null; const b = rf(c) as number | null; return b === null ? null : a + b; }
          : op === '-' ? (c) => { const a = lf(c) as number | null; if (a === null) return null; const b = rf(c) as number | null; return b === null ? null : a - b; }
          : (c) => { const a = lf(c) as number | null; if (a === null) return null; const b = rf(c) as number | null; return b === null ? null : a * b; };
    } else if (NUMERIC.has(l.t) && NUMERIC.has(r.t) && NUMERIC.has(resultType)) {
      const integer = resultType !== 'real';
      if (op === '+') f = sticky((a, b) => a + b);
      else if (op === '-') f = sticky((a, b) => a - b);
      else if (op === '*') f = sticky((a, b) => a * b);
      else if (op === '/')
        f = integer ? sticky((a, b) => (b === 0 ? unsupported('integer division by zero') : Math.trunc(a / b))) : sticky((a, b) => a / b);
      else if (op === '%') f = integer ? sticky((a, b) => (b === 0 ? unsupported('integer modulo by zero') : a % b)) : sticky((a, b) => a % b);
    } else if (l.t === 'datetime' && r.t === 'timespan' && (op === '+' || op === '-')) {
      f = sticky((a, b) => new Date(op === '+' ? a + b : a - b));
    } else if (l.t === 'timespan' && r.t === 'datetime' && op === '+') {
      f = sticky((a, b) => new Date(a + b));
    } else if (l.t === 'datetime' && r.t === 'datetime' && op === '-') {
      f = sticky((a, b) => a - b);
    } else if (l.t === 'timespan' && r.t === 'timespan' && (op === '+' || op === '-')) {
      f = sticky((a, b) => (op === '+' ? a + b : a - b));
    }
    if (!f) return unsupported(`${op} on ${l.t} and ${r.t}`);
    return folded({ f, t: resultType }, [l, r]);
  }

  /**
   * `x between (lo .. hi)` (K-fn between [doc]): `x >= lo and x <= hi`, both bounds included, with
   * the null rules of those operators (§2.1); numbers, datetimes or timespans, and `hi` may be a
   * timespan after a datetime `lo` (the range lo .. lo + hi). `!between` is not implemented.
   */
  private between(node: Kusto.Language.Syntax.BetweenExpression, scope: Scope): C {
    const op = node.Operator?.Text ?? '';
    if (op !== 'between') return unsupported(`the operator ${op}`);
    const x = this.expr(node.Left!, scope);
    const lo = this.expr(node.Right!.First!, scope);
    const hi = this.expr(node.Right!.Second!, scope);
    const kind = (t: string) => (NUMERIC.has(t) ? 'number' : t);
    const lf = lo.f;
    let hf = hi.f;
    if (x.t === 'datetime' && lo.t === 'datetime' && hi.t === 'timespan') {
      const span = hi.f;
      hf = (c) => {
        const a = num(lf(c));
        const b = num(span(c));
        return a === null || b === null ? null : a + b;
      };
    } else if (kind(x.t) !== kind(lo.t) || kind(lo.t) !== kind(hi.t) || !(kind(x.t) === 'number' || x.t === 'datetime' || x.t === 'timespan'))
      return unsupported(`between on ${x.t} with a range of ${lo.t} .. ${hi.t}`);
    const xf = x.f;
    const f: Fn = (c) => {
      const v = num(xf(c));
      const a = num(lf(c));
      const b = num(hf(c));
      const ge = v === null || a === null ? null : v >= a;
      const le = v === null || b === null ? null : v <= b;
      if (ge === false || le === false) return false;
      return ge === null || le === null ? null : true;
    };
    return folded({ f, t: 'bool' }, [x, lo, hi]);
  }

  /** `in`, `!in`, `in~`, `!in~` (K-str): equality with any element; dynamic arrays are flattened. */
  private inExpr(node: Kusto.Language.Syntax.InExpression, scope: Scope): C {
    const op = node.Operator?.Text ?? '';
    const m = /^(!?)in(~?)$/.exec(op);
    if (!m) return unsupported(`the operator ${op}`);
    const neg = m[1] === '!';
    const ci = m[2] === '~';
    const l = this.expr(node.Left!, scope);
    const isString = l.t === 'string';
    if (!isString && !(NUMERIC.has(l.t) && !ci)) return unsupported(`${op} on a ${l.t} value`);
    const consts: unknown[] = [];
    const dynamicElements: Fn[] = [];
    for (const e of separated<Expr>(node.Right?.Expressions ?? null)) {
      if (e.ResultType instanceof Kusto.Language.Symbols.TableSymbol) {
        consts.push(...this.tableColumnValues(e, op, l.t));
        continue;
      }
      const c = this.expr(e, scope);
      if (c.t === 'dynamic') {
        if (!c.k) return unsupported(`${op} with a non-constant dynamic list`);
        const v = c.k.v;
        for (const x of Array.isArray(v) ? v.flat(Infinity) : [v]) consts.push(x);
      } else if (c.k) consts.push(c.k.v);
      else if ((c.t === 'string') === isString && (isString || NUMERIC.has(c.t))) dynamicElements.push(c.f);
      else return unsupported(`${op} with a ${c.t} element on a ${l.t} value`);
    }
    for (const x of consts) {
      if (isString ? typeof x !== 'string' : typeof x !== 'number' && x !== null)
        return unsupported(`${op} with a list element ${JSON.stringify(x)} of another type than the ${l.t} value`);
    }
    const fold = ci ? kqlFold : (s: string) => s;
    const set = new Set(consts.filter((x) => x !== null).map((x) => (isString ? fold(x as string) : x)));
    const lf = l.f;
    const f: Fn = (c) => {
      const v = lf(c);
      if (v === null) return neg; // [inferred from ==/!=: null equals no element]
      const key = isString ? fold(v as string) : v;
      let hit = set.has(key);
      for (let i = 0; !hit && i < dynamicElements.length; i++) {
        const x = dynamicElements[i]!(c);
        hit = x !== null && (isString ? fold(x as string) : x) === key;
      }
      return hit !== neg;
    };
    return folded({ f, t: 'bool' }, [l]);
  }

  /** The values of a one-column tabular operand of `in` (K-str: "a tabular expression"). */
  private tableColumnValues(e: Expr, op: string, valueType: string): unknown[] {
    const table = this.constTable(e);
    if (table.columns.length !== 1) return unsupported(`${op} with a tabular expression of ${table.columns.length} columns (${this.textOf(e)})`);
    const type = table.columns[0]![1];
    if ((type === 'string') !== (valueType === 'string') || (type !== 'string' && !NUMERIC.has(type)))
      return unsupported(`${op} with a ${type} column on a ${valueType} value`);
    return table.rows.map((r) => r[0]);
  }

  private hasAnyAll(node: Kusto.Language.Syntax.HasAnyExpression | Kusto.Language.Syntax.HasAllExpression, scope: Scope, op: 'has_any' | 'has_all'): C {
    const l = this.stringOperand(node.Left!, scope, op);
    const needles: string[] = [];
    for (const e of separated<Expr>(node.Right?.Expressions ?? null)) {
      const c = this.expr(e, scope);
      if (!c.k) return unsupported(`${op} with a non-constant argument (${this.textOf(e)})`);
      const v = c.k.v;
      for (const x of Array.isArray(v) ? v.flat(Infinity) : [v]) {
        if (typeof x !== 'string') return unsupported(`${op} with a non-string element ${JSON.stringify(x)}`);
        needles.push(x);
      }
    }
    const tests = needles.map((n) => hasTest(n, false));
    const lf = l.f;
    const f: Fn =
      op === 'has_any'
        ? (c) => {
            const s = lf(c) as string;
            for (const t of tests) if (t(s)) return true;
            return false;
          }
        : (c) => {
            const s = lf(c) as string;
            for (const t of tests) if (!t(s)) return false;
            return true;
          };
    return folded({ f, t: 'bool' }, [l]);
  }

  /** The constant range arguments of an ipv*_is_in_any_range call: strings, or dynamic arrays of strings. */
  private rangeList(fn: string, args: readonly C[]): string[] {
    const ranges: string[] = [];
    for (const a of args) {
      if (!a.k) return unsupported(`${fn}() with a range that is not a constant`);
      const v = a.k.v;
      for (const r of a.t === 'dynamic' && Array.isArray(v) ? v : [v]) {
        if (typeof r !== 'string') return unsupported(`${fn}() with the range ${JSON.stringify(r)} (not a string)`);
        ranges.push(r);
      }
    }
    return ranges;
  }

  private call(node: Kusto.Language.Syntax.FunctionCallExpression, scope: Scope): C {
    const name = node.Name?.SimpleName ?? '';
    if (this.lets.has(name)) return unsupported(`the user-defined function ${name}()`);
    if (!(node.ReferencedSymbol instanceof Kusto.Language.Symbols.FunctionSymbol)) return unsupported(`the function ${name}()`);
    const argNodes = separated<Expr>(node.ArgumentList?.Expressions ?? null);
    const args = () => argNodes.map((a) => this.expr(a, scope));
    const t = this.typeOf(node);
    const arity = (n: number, a: C[]) => {
      if (a.length !== n) unsupported(`${name}() with ${a.length} arguments`);
    };
    switch (name) {
      case 'not': {
        const a = args();
        arity(1, a);
        if (a[0]!.t !== 'bool') return unsupported(`not() of a ${a[0]!.t}`);
        const f = a[0]!.f;
        return folded({ f: (c) => { const v = f(c); return v === null ? null : !v; }, t: 'bool' }, a);
      }
      case 'toint': {
        const a = args();
        arity(1, a);
        const x = a[0]!;
        const f = x.f;
        if (x.t === 'bool') return folded({ f: (c) => { const v = f(c); return v === null ? null : v ? 1 : 0; }, t: 'int' }, a);
        if (NUMERIC.has(x.t))
          return folded({
            f: (c) => {
              const v = f(c) as number | null;
              if (v === null || Number.isNaN(v)) return null;
              const n = Math.trunc(v);
              return n >= -2147483648 && n <= 2147483647 ? n : unsupported(`toint(${v}) outside the int range`);
            },
            t: 'int',
          }, a);
        return unsupported(`toint() of a ${x.t} (conversion rules not in semantics.md §2.1)`);
      }
      case 'tostring': {
        // K-fn tostring [doc]: "If value is null, the result is an empty string". Implemented for a
        // string (itself) and a dynamic holding a string or null; the text form of any other value
        // (numbers, dates, bags, arrays) is not in semantics.md §2, so it is refused when met.
        const a = args();
        arity(1, a);
        const x = a[0]!;
        if (x.t === 'string') return x;
        if (x.t !== 'dynamic') return unsupported(`tostring() of a ${x.t} (its text form is not in semantics.md §2)`);
        const f = x.f;
        const text = this.textOf(node).trim();
        return folded({
          f: (c) => {
            const v = f(c);
            if (v === null || v === undefined) return '';
            if (typeof v === 'string') return v;
            return unsupported(`${text} of a dynamic ${Array.isArray(v) ? 'array' : typeof v === 'object' ? 'property bag' : typeof v} (its text form is not in semantics.md §2)`);
          },
          t: 'string',
        }, a);
      }
      case 'iff':
      case 'iif': {
        const a = args();
        arity(3, a);
        if (a[0]!.t !== 'bool') return unsupported(`${name}() with a ${a[0]!.t} predicate`);
        const [p, x, y] = [a[0]!.f, a[1]!.f, a[2]!.f];
        return folded({ f: (c) => (p(c) === true ? x(c) : y(c)), t }, a);
      }
      case 'case': {
        const a = args();
        if (a.length < 3 || a.length % 2 === 0) return unsupported(`case() with ${a.length} arguments (else is mandatory)`);
        const preds: Fn[] = [];
        const values: Fn[] = [];
        for (let i = 0; i + 1 < a.length; i += 2) {
          if (a[i]!.t !== 'bool') return unsupported(`case() with a ${a[i]!.t} predicate`);
          preds.push(a[i]!.f);
          values.push(a[i + 1]!.f);
        }
        const otherwise = a[a.length - 1]!.f;
        const n = preds.length;
        return folded({
          f: (c) => {
            for (let i = 0; i < n; i++) if (preds[i]!(c) === true) return values[i]!(c);
            return otherwise(c);
          },
          t,
        }, a);
      }
      case 'isempty':
      case 'isnotempty': {
        const a = args();
        arity(1, a);
        const f = a[0]!.f;
        const neg = name === 'isnotempty';
        return folded({ f: (c) => { const v = f(c); return (v === null || v === '') !== neg; }, t: 'bool' }, a);
      }
      case 'isnull':
      case 'isnotnull': {
        const a = args();
        arity(1, a);
        const f = a[0]!.f;
        const neg = name === 'isnotnull';
        return folded({ f: (c) => (f(c) === null) !== neg, t: 'bool' }, a);
      }
      case 'ipv4_is_private': {
        const a = args();
        arity(1, a);
        if (a[0]!.t !== 'string') return unsupported(`ipv4_is_private() of a ${a[0]!.t}`);
        const f = a[0]!.f;
        return folded({ f: (c) => ipv4IsPrivate(f(c) as string), t: 'bool' }, a);
      }
      case 'ipv4_is_in_any_range':
      case 'ipv6_is_in_any_range': {
        const a = args();
        if (a.length < 2 || a[0]!.t !== 'string') return unsupported(`${name}() of a ${a[0]?.t ?? 'missing'} address`);
        const test = ipInAnyRangeTest(name === 'ipv4_is_in_any_range' ? 4 : 6, this.rangeList(name, a.slice(1)));
        const f = a[0]!.f;
        return folded({ f: (c) => test(f(c) as string), t: 'bool' }, a);
      }
      case 'coalesce': {
        const a = args();
        if (a.length < 2) return unsupported(`coalesce() with ${a.length} argument`);
        const fs = a.map((x) => x.f);
        // K-null coalesce: the first value that is not null, or for strings not empty; a string result is never null [inferred: "" when all are empty].
        const skip = t === 'string' ? (v: unknown) => v === null || v === '' : (v: unknown) => v === null;
        const none = t === 'string' ? '' : null;
        return folded({
          f: (c) => {
            for (const g of fs) {
              const v = g(c);
              if (!skip(v)) return v;
            }
            return none;
          },
          t,
        }, a);
      }
      case 'extract': {
        const a = args();
        if (a.length !== 3) return unsupported(`extract() with ${a.length} arguments (only regex, captureGroup, source is implemented; not typeLiteral)`);
        const [re, group, source] = a as [C, C, C];
        if (re.t !== 'string' || !re.k) return unsupported(`extract() with a regex that is not a constant string (${this.textOf(argNodes[0]!)})`);
        if (!NUMERIC.has(group.t) || !group.k || typeof group.k.v !== 'number') return unsupported(`extract() with a capture group that is not a constant number (${this.textOf(argNodes[1]!)})`);
        if (source.t !== 'string') return unsupported(`extract() from a ${source.t} (its conversion to string is not in semantics.md §2)`);
        const run = rustRegexExtractor(re.k.v as string, group.k.v);
        const f = source.f;
        return folded({ f: (c) => run(f(c) as string), t: 'string' }, a);
      }
      case 'ago': {
        const a = args();
        arity(1, a);
        if (a[0]!.t !== 'timespan') return unsupported(`ago() of a ${a[0]!.t}`);
        const f = a[0]!.f;
        const clock = this.clock;
        return { f: (c) => { const v = f(c) as number | null; return v === null ? null : new Date(clock.now - v); }, t: 'datetime' };
      }
      case 'now': {
        const a = args();
        if (a.length > 1 || (a.length === 1 && a[0]!.t !== 'timespan')) return unsupported('now() with these arguments');
        const f = a[0]?.f;
        const clock = this.clock;
        return { f: f ? (c) => { const v = f(c) as number | null; return v === null ? null : new Date(clock.now + v); } : () => new Date(clock.now), t: 'datetime' };
      }
      default:
        return unsupported(`the function ${name}()`);
    }
  }
}

function kindOfSymbol(sym: Kusto.Language.Symbols.Symbol): string {
  const n = (sym.constructor as { $$name?: string }).$$name ?? 'symbol';
  return n.replace(/^Kusto\.Language\.Symbols\./, '');
}

function assignStep(sets: readonly { slot: number; f: Fn }[]): Step {
  // All values of one extend/project are computed from the row before it (Kusto does not let an
  // expression see a column defined in the same operator), then stored.
  if (sets.length === 1) {
    const { slot, f } = sets[0]!;
    return (c) => {
      c[slot] = f(c);
      return true;
    };
  }
  const n = sets.length;
  const slots = sets.map((s) => s.slot);
  const fns = sets.map((s) => s.f);
  const values = new Array<unknown>(n);
  return (c) => {
    for (let i = 0; i < n; i++) values[i] = fns[i]!(c);
    for (let i = 0; i < n; i++) c[slots[i]!] = values[i];
    return true;
  };
}

/** Sorts rows by the keys (each computed once per row; null and NaN are one group, §2.6). */
function sortCtxs(ctxs: Ctx[], keys: readonly SortKey[]): Ctx[] {
  const n = ctxs.length;
  const m = keys.length;
  const vals = new Float64Array(n * m); // NaN = null
  let infinite = false;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < m; j++) {
      const v = num(keys[j]!.f(ctxs[i]!));
      vals[i * m + j] = v === null ? Number.NaN : v;
      if (v === Infinity || v === -Infinity) infinite = true;
    }
  const desc = keys.map((k) => k.desc);
  const nullsFirst = keys.map((k) => k.nullsFirst);
  const order: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (!infinite) {
    // Fast path: make every key ascending (negate desc keys) and put null/NaN at ±Infinity, then
    // compare by subtraction (Infinity - Infinity is NaN: equal, go on to the next key).
    for (let j = 0; j < m; j++) {
      const sign = desc[j] ? -1 : 1;
      const nullValue = nullsFirst[j] ? -Infinity : Infinity;
      for (let i = j; i < n * m; i += m) {
        const v = vals[i]!;
        vals[i] = v !== v ? nullValue : sign * v;
      }
    }
    order.sort(
      m === 1
        ? (a, b) => vals[a]! - vals[b]! || 0
        : (a, b) => {
            for (let j = 0; j < m; j++) {
              const d = vals[a * m + j]! - vals[b * m + j]!;
              if (d) return d; // NaN (equal infinities) and 0 fall through
            }
            return 0;
          },
    );
    const out: Ctx[] = new Array<Ctx>(n);
    for (let i = 0; i < n; i++) out[i] = ctxs[order[i]!]!;
    return out;
  }
  order.sort((a, b) => {
    for (let j = 0; j < m; j++) {
      const x = vals[a * m + j]!;
      const y = vals[b * m + j]!;
      if (x === y) continue;
      const xn = x !== x; // NaN
      const yn = y !== y;
      if (xn || yn) {
        if (xn && yn) continue;
        return xn === nullsFirst[j] ? -1 : 1;
      }
      return (x < y) === desc[j] ? 1 : -1;
    }
    return 0;
  });
  const out: Ctx[] = new Array<Ctx>(n);
  for (let i = 0; i < n; i++) out[i] = ctxs[order[i]!]!;
  return out;
}

/** Runs compiled blocks over input rows (in order); returns the rows in flight that come out. */
function executeBlocks(blocks: readonly Block[], slots: number, rows: readonly Row[]): Ctx[] {
  const newCtx = (row: Row): Ctx => {
    const c: Ctx = new Array<unknown>(slots);
    c[0] = row;
    return c;
  };
  let ctxs: Ctx[] = [];
  let first = true;
  for (const block of blocks) {
    if (block.kind === 'sort') {
      if (first) ctxs = rows.map(newCtx);
      first = false;
      ctxs = sortCtxs(ctxs, block.keys);
      continue;
    }
    const steps = block.steps;
    const n = steps.length;
    const next: Ctx[] = [];
    if (first) {
      // A row the first steps drop leaves its (cleared) array to the next row.
      let spare: Ctx | undefined;
      outer: for (let i = 0; i < rows.length; i++) {
        const c: Ctx = spare ?? new Array<unknown>(slots);
        spare = undefined;
        c[0] = rows[i];
        for (let j = 0; j < n; j++)
          if (!steps[j]!(c)) {
            spare = c.fill(undefined);
            continue outer;
          }
        next.push(c);
      }
    } else
      outer: for (let i = 0; i < ctxs.length; i++) {
        const c = ctxs[i]!;
        for (let j = 0; j < n; j++) if (!steps[j]!(c)) continue outer;
        next.push(c);
      }
    first = false;
    ctxs = next;
  }
  if (first) ctxs = rows.map(newCtx);
  return ctxs;
}

// ---------------------------------------------------------------------------------------------
// The evaluator

/** One result row; `signals` (from the `sig_<id>` columns, 1 = holds) is read on demand. */
class KqlResult implements TargetResult {
  readonly #signalColumns: readonly (readonly [string, string])[];

  constructor(
    readonly row: Row,
    readonly tier: string | null,
    readonly action: string | null,
    /** Undefined when the query outputs no numeric `risk_score`. */
    readonly score: number | undefined,
    signalColumns: readonly (readonly [string, string])[],
  ) {
    this.#signalColumns = signalColumns;
  }

  get signals(): Readonly<Record<string, boolean>> | undefined {
    if (this.#signalColumns.length === 0) return undefined;
    const sig: Record<string, boolean> = {};
    for (const [name, id] of this.#signalColumns) sig[id] = this.row[name] === 1;
    return sig;
  }
}

export interface KqlEvaluatorOptions {
  /** The instant `now()` / `ago()` use, read once per `run` (default: the system clock). */
  readonly now?: () => Date | number;
}

/**
 * The query text analysed by Kusto.Language against the profile's tables and its schema set's
 * functions (the ASIM parsers a profile reads are among those); throws on any Error diagnostic.
 */
function analysed(query: EmittedFile, profile: Pick<KqlProfile, 'schemaSet'>, sources: ReadonlyMap<string, KqlColumns>): Kusto.Language.KustoCode {
  loadKusto();
  const tables = [...sources].filter(([name]) => kqlSourceOf(profile.schemaSet, name)?.kind === 'table');
  const key = `${profile.schemaSet}:${tables.map(([name]) => name).join(',')}`;
  const globals = kustoGlobals(key, profile.schemaSet, tables.map(([name, columns]) => ({ name, columns })), SCHEMA_FUNCTIONS[profile.schemaSet]);
  const code = analyseKql(query.content, globals);
  const errors = kustoErrors(code);
  if (errors.length) {
    const text = query.content;
    throw new KqlQueryError(
      `${query.path} does not analyse (Kusto.Language):\n${errors
        .map((d) => `${d.code} ${d.message} at ${d.start}: …${text.slice(Math.max(0, d.start - 30), d.start)}⟦${text.slice(d.start, d.start + Math.max(d.length, 1))}⟧${text.slice(d.start + Math.max(d.length, 1), d.start + 30)}…`)
        .join('\n')}`,
    );
  }
  return code;
}

/**
 * The watchlists a query reads, from the shared files of its folder (`<folder>/watchlists/<alias>.csv`,
 * as compile writes them); a missing one or one without a SearchKey column is an error, never an
 * empty list.
 */
function watchlistsBeside(query: EmittedFile, shared: readonly EmittedFile[]): WatchlistItems {
  const folder = query.path.slice(0, query.path.lastIndexOf('/') + 1);
  return (alias) => {
    const path = `${folder}${watchlistRelativePath(alias)}`;
    const file = shared.find((f) => f.path === path);
    if (!file) throw new KqlQueryError(`${query.path} reads ${WATCHLIST_FUNCTION}(${JSON.stringify(alias)}), but there is no ${path} among the shared files`);
    let items: Record<string, string>[];
    try {
      items = csvRecords(file.content, path);
    } catch (e) {
      throw new KqlQueryError((e as Error).message);
    }
    if (items.length && !Object.hasOwn(items[0]!, 'SearchKey')) throw new KqlQueryError(`${path} has no SearchKey column`);
    return items;
  };
}

function clockOf(options: KqlEvaluatorOptions): () => number {
  return () => {
    const n = options.now?.() ?? Date.now();
    return n instanceof Date ? n.getTime() : n;
  };
}

/** A tabular KQL query compiled: its output columns (name, Kusto type) and a run over stream rows. */
export interface KqlTabularQuery {
  readonly columns: readonly (readonly [string, string])[];
  /** Rows of any of the profile's log sources, each in its category's table; returns the output rows. */
  run(rows: readonly StreamRow[]): Record<string, unknown>[];
}

/**
 * Compiles a query that may read several tables and use tabular lets, `union`, `join kind=inner`,
 * `summarize` (max, arg_max), `distinct` besides the streaming operators (a correlation query).
 * Rows of a category belong to the profile's table for it (`profile.tables`).
 */
export function compileKqlTabular(query: EmittedFile, shared: readonly EmittedFile[], profile: KqlProfile, options: KqlEvaluatorOptions = {}): KqlTabularQuery {
  const tables = kqlTablesOf(profile);
  const code = analysed(query, profile, tables);
  const clock: Clock = { now: 0 };
  const compiler = new QueryCompiler(query.content, tables, clock, watchlistsBeside(query, shared));
  const plan = compiler.compileTabular(code.Syntax!);
  const nowOf = clockOf(options);
  const cells = plan.columns.map(([n, t]) => [rowKey(n), cellCoercion(n, t)] as const);
  return {
    columns: plan.columns,
    run(rows: readonly StreamRow[]): Record<string, unknown>[] {
      clock.now = nowOf();
      const byTable = new Map<string, Row[]>();
      for (const { category, row } of rows) {
        const table = profile.tables[category];
        if (table === undefined) throw new Error(`kql: a ${category} row, but profile ${profile.id} has no table for ${category}`);
        let list = byTable.get(table);
        if (!list) byTable.set(table, (list = []));
        list.push(row);
      }
      return plan.run({ tables: byTable, memo: new Map() }).map((r) => Object.fromEntries(cells.map(([n, coerce]) => [n, coerce(r[n])])));
    },
  };
}

/**
 * A correlation query's results read back into the model's terms (correlation.ts): `chain_start`
 * and `chain_end` (datetimes) give start and end in epoch seconds; every other column except the
 * profile's time column and `correlation`, `correlation_level`, `correlation_action` is a group
 * column: `t1612_key_<F>` is field F, any other name the one canonical field the profile maps to it.
 */
function compileKqlCorrelation(query: EmittedFile, shared: readonly EmittedFile[], profile: KqlProfile, options: KqlEvaluatorOptions): CompiledCorrelation {
  const q = compileKqlTabular(query, shared, profile, options);
  const typeOf = (name: string) => q.columns.find(([n]) => n === name)?.[1];
  for (const c of ['chain_start', 'chain_end'])
    if (typeOf(c) !== 'datetime') throw new KqlQueryError(`${query.path} outputs no datetime column ${c}`);
  const fixed = new Set<string>([profile.timeColumn, ...CORRELATION_COLUMNS]);
  const group = q.columns
    .filter(([n]) => !fixed.has(n))
    .map(([column, t]) => {
      if (t !== 'string') throw new KqlQueryError(`${query.path}: group column ${column} is a ${t}, not a string`);
      const key = /^t1612_key_([A-Za-z][A-Za-z0-9]*)$/.exec(column)?.[1];
      const fields = key ? [key] : canonicalFieldsOfColumn(profile, column);
      if (fields.length !== 1) throw new KqlQueryError(`${query.path}: output column ${column} names ${fields.length ? `several fields (${fields.join(', ')})` : 'no field'} of profile ${profile.id}`);
      return { column, field: fields[0]! };
    });
  const seconds = (v: unknown, column: string): number => {
    if (!(v instanceof Date)) throw new KqlQueryError(`${query.path}: a result with ${column} ${v === null ? 'null' : String(v)}`);
    return v.getTime() / 1000;
  };
  return {
    run(rows: readonly StreamRow[]): ChainResult[] {
      return sortChains(
        q.run(rows).map((r) => ({
          group: Object.fromEntries(group.map(({ column, field }) => [field, r[column] as string])),
          start: seconds(r.chain_start, 'chain_start'),
          end: seconds(r.chain_end, 'chain_end'),
        })),
      );
    },
  };
}

export function createKqlEvaluator(options: KqlEvaluatorOptions = {}): QueryEvaluator<KqlProfile> {
  const nowOf = clockOf(options);
  return {
    target: 'kql',
    toRow: kqlRow,
    compileCorrelation: (query, shared, profile) => compileKqlCorrelation(query, shared, profile, options),
    compile(query: EmittedFile, shared: readonly EmittedFile[], profile: ProfileView<KqlProfile>): CompiledQuery {
      const tables = kqlTablesOf(profile);
      const code = analysed(query, profile, tables);
      const clock: Clock = { now: 0 };
      const compiler = new QueryCompiler(query.content, tables, clock, watchlistsBeside(query, shared));
      const { blocks, scope } = compiler.compileBlock(code.Syntax!);
      const output = [...scope];
      const names = output.map(([name]) => name);
      const reads = output.map(([, col]) => col.read);
      const width = names.length;
      // Every result row starts as a copy of this (same keys, same order), then gets its values.
      const template: Record<string, unknown> = {};
      for (const name of names) {
        if (name === '__proto__') unsupported('a column named __proto__');
        template[name] = null;
      }
      const signalColumns = names.filter((n) => n.startsWith('sig_')).map((n) => [n, n.slice(4)] as const);
      const signals = new Map(compiler.signals);
      const slots = compiler.slotCount + 1;
      return {
        run(rows: readonly Row[]): TargetResult[] {
          clock.now = nowOf();
          const ctxs = executeBlocks(blocks, slots, rows);
          const results: TargetResult[] = new Array<TargetResult>(ctxs.length);
          for (let r = 0; r < ctxs.length; r++) {
            const c = ctxs[r]!;
            const row: Record<string, unknown> = { ...template };
            for (let i = 0; i < width; i++) row[names[i]!] = reads[i]!(c);
            const tier = row.risk_tier;
            const action = row.risk_action;
            const score = row.risk_score;
            results[r] = new KqlResult(row, typeof tier === 'string' ? tier : null, typeof action === 'string' ? action : null, typeof score === 'number' ? score : undefined, signalColumns);
          }
          return results;
        },
        signalExpression(signalId: string): string | undefined {
          return signals.get(signalId);
        },
      };
    },
  };
}

/** The KQL evaluator with the system clock. */
export const kqlEvaluator: QueryEvaluator<KqlProfile> = createKqlEvaluator();
