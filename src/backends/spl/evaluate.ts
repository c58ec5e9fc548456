/**
 * The SPL evaluator: executes **the emitted SPL text** (a `.spl` query plus the profile's
 * `macros.conf`, and for lookups its `transforms.conf` and `lookups/*.csv`) over Splunk events
 * (rows.ts), following ../shared/reference/semantics.md §1. It never reads the IR. Each query is
 * parsed once into closures; `run` only calls them.
 *
 * What it reads, in order:
 *
 * 1. ``` comments ``` are removed (each is replaced by one space).
 * 2. Macros `` `name` `` are expanded from the macro table (the `macros.conf` among the shared files,
 *    or a map given to `compileSpl`, which is how a test overrides a `_filter` macro), recursively,
 *    verbatim, anywhere in the text (Splunk expands them even inside quotes). An undefined macro, a
 *    cycle or nesting deeper than MAX_MACRO_DEPTH is an error naming it; a macro with arguments or an
 *    `iseval = 1` macro is not implemented.
 * 3. The text is split into commands on `|` outside double-quoted strings and outside `[ … ]`
 *    subsearches. A subsearch is implemented only as an argument of `| multisearch` or `append`.
 *    The first command is the implicit `search` (a leading `search` keyword is allowed); a query
 *    starting with `|` must start with `| search`, `| multisearch` or `| tstats`.
 * 4. Commands: `search`, `eval`, `where`, `lookup`, `rename`, `table`, `sort`, `streamstats`,
 *    `eventstats`, `mvexpand`, `dedup`, `append`, and the generating `multisearch` and `tstats` (over data-model rows: rows.ts,
 *    compileTstats). Any other command, eval function, operator, search construct or regex
 *    construct throws `UnsupportedConstruct('spl', <name>)`. Text that is not valid SPL throws
 *    `SplQueryError`. It never guesses.
 *
 * ## The data model (§1.5)
 * An event is a map field → string | number. **An absent key (or `undefined`/`null`) is NULL**;
 * `""` is a value. Field names are case-sensitive. A multivalue is an array of strings and numbers
 * (one value is that value, none is NULL [inferred: mvcount counts a single value as 1]); only
 * `eventstats values()` makes one, `coalesce()` passes one through, `eval f=<field or coalesce>`
 * stores one, `mvexpand` expands one and `table` and the output rows carry them. Everything else
 * that meets a multivalue (a comparison, a function computing one value, sort, dedup, a by-field,
 * an aggregate's input) reports it as not implemented, as it does any other kind of value.
 *
 * ## search (base search, `| search`) — §1.3
 * - `field=value` / `field="v a l"`: whole-value match, **case-insensitive** ("By default, searches
 *   are case-insensitive", S-case); `*` is the only wildcard (any run, also empty; S-wild), in
 *   quoted values too. Case folding is ASCII-only (A–Z ↔ a–z) [inferred: semantics.md does not say
 *   how non-ASCII letters fold; this is the project's model, src/ir/evaluate.ts `asciiLower`]. A
 *   number is matched as its decimal text. NULL matches nothing.
 * - `field!=value` holds only for events **that have** the field with another value; `NOT
 *   field=value` also holds for events without it (S-not).
 * - `field IN (v1, "v 2", v3*)`: upper-case `IN`, the OR of `field=vi` (S-wild blog).
 * - Boolean operators are upper-case `NOT`, `OR`, `AND` (or juxtaposition = AND); precedence
 *   `( )` > `NOT` > `OR` > `AND`: OR binds tighter than AND (S-bool: "The search command evaluates
 *   OR before AND"). `*` alone matches every event.
 * - Values: in quotes `\\` → `\` and `\"` → `"` (S-bs); any other backslash sequence is kept as
 *   written [inferred from §1.2]; `\*` is refused (S-bs: a backslash cannot escape `*`, and what it
 *   does instead is not documented).
 * - Not implemented (UnsupportedConstruct): bare terms and phrases (they match `_raw` by indexed
 *   terms, which rows do not carry), `CASE()`/`TERM()`, `<`/`>`/`<=`/`>=`, CIDR values (§1.3 says
 *   search does CIDR matching; not implemented here).
 *
 * ## eval / where expressions — §1.1, §1.2
 * - Types: eval values are strings, numbers or NULL; booleans exist only inside expressions (S-eval:
 *   "The result of an eval expression cannot be a Boolean"). Types are checked when the query is
 *   compiled: `AND`/`OR`/`NOT`, `if`/`case` conditions and `where` need booleans; comparisons,
 *   arithmetic and value functions need values; `eval f=<boolean>` is an error naming `f`.
 * - Three-valued logic. A boolean is TRUE, FALSE or NULL. A comparison, `match`, `like` or `in`
 *   with a NULL operand is NULL ("Comparison with a NULL operand is not TRUE" [inferred], §1.1
 *   rows `=`/`==`/`!=` and `match`). `NOT NULL` = NULL; `AND`: FALSE if either side is FALSE, TRUE
 *   if both are TRUE, else NULL; `OR`: TRUE if either side is TRUE, FALSE if both are FALSE, else
 *   NULL [inferred: the SQL/Kleene rule; semantics.md only says "any predicate whose operand is NULL
 *   is not TRUE", §1.5]. `where` keeps TRUE only (S-where: FALSE and NULL drop the row); `if` and
 *   `case` take a branch only on TRUE (S-cond: `if(NULL, a, b)` → b [inferred from "otherwise"]).
 * - Precedence (loosest → tightest): `OR` < `AND` < `NOT` < `=`,`==`,`!=` < `<`,`<=`,`>`,`>=` <
 *   `+`,`-`,`.` < `*`,`/` < unary `-` < `( )`, calls, literals (S-bool: `( )` > NOT > AND > OR).
 *   Operators are upper-case; `XOR`, `LIKE`, `%` and infix forms other than `in` are not implemented.
 * - Comparisons are case-sensitive (S-where). Two strings compare as strings (code point order for
 *   `<`…), two numbers numerically; a number and a string compare numerically when the string is a
 *   decimal number (`DestinationPort==2375` holds for the field value "2375", and for "02375"); else
 *   `=`/`==` are FALSE (`!=` TRUE) and `<`… are NULL [inferred: Splunk's operator docs say
 *   comparisons take "two numbers or two strings"; the mixed case is not documented]. `=` and `==`
 *   are the same.
 * - Arithmetic: `+` adds two numbers and concatenates two strings; `-`, `*`, `/` need numbers. A
 *   string that is a decimal number counts as a number; a NULL operand, a non-numeric operand or a
 *   division by zero make the expression NULL (S-eval: an expression that "cannot be evaluated
 *   successfully" erases the result field). `.` concatenates (numbers as their decimal text).
 * - String literals: double quotes; `\\` → `\`, `\"` → `"`, `\t` → TAB, any other backslash
 *   sequence kept as written (§1.2, S-expr). Field names: bare `[A-Za-z_][A-Za-z0-9_]*` or
 *   single-quoted. Numbers: decimal.
 * - Functions (lower-case names): `if`, `case` (no TRUE condition → NULL), `match` (PCRE via
 *   pcreToJs, unanchored, case-sensitive unless `(?i)`; the regex must be a string literal),
 *   `replace(X, regex, Z)` (S-text: Z for every occurrence of the regex in X, `\1`…`\9` naming its
 *   groups; PCRE via pcreToJs as for match; both must be string literals; NULL X → NULL; what
 *   replaceAll and replacement say is not implemented is reported),
 *   `like` (`%` any run, `_` one character, whole value, case-sensitive [inferred, §1.1]; the
 *   pattern must be a string literal), `coalesce` (first non-NULL; `""` is not NULL; a multivalue
 *   argument is passed whole [inferred]), `lower`
 *   (ASCII letters [inferred, as for search]; NULL → NULL; numbers unchanged), `isnull`,
 *   `isnotnull`, `in(F, v…)` and `F in(v…)` (equality with each value, no wildcards), `true()`,
 *   `false()`, `null()`, and `cidrmatch("<network>", X)` (S-cond: X is an address inside the
 *   network, IPv4 or IPv6; the network must be a string literal with its host bits zero; NULL X →
 *   NULL). cidrmatch reads addresses and networks as src/ir/ip.ts does: an IPv4 network holds IPv4
 *   addresses only and an IPv6 one IPv6 only (`::ffff:10.0.0.1` is IPv6), and a value that is not an
 *   address is FALSE [inferred: Splunk's parse equals the model's for canonical addresses; for
 *   non-canonical text (`010.0.0.1`, a zone `%eth0`) Splunk's reading is not documented, and the
 *   evaluator takes the model's]. Any other function is UnsupportedConstruct.
 *
 * ## Commands
 * - `eval a=expr, b=expr`: assignments in order, each seeing the ones before it; a NULL result
 *   erases the field (S-eval).
 * - `where expr`: keeps rows whose expression is TRUE.
 * - `lookup <name> <column> [AS <field>] OUTPUT <column> [AS <field>], …` (§1.4, S-lookup): one
 *   lookup field; the definition is the `[<name>]` stanza of a shared transforms.conf, the table its
 *   CSV file (lookup.ts says which settings and how they match). Each output field gets the matched
 *   row's cell; a NULL or `""` input, or no matching row, makes it NULL (OUTPUT overwrites [doc]; that
 *   a miss erases an existing value is [inferred]). `OUTPUTNEW`, no OUTPUT, several lookup fields
 *   and `local=`/`update=` are not implemented.
 * - `table f1, f2 …`: a new row with only those fields, in that order; a NULL field is left out.
 * - `sort [N] [+|-]f, …`: `-` descending, `+` or none ascending; stable. Without N it keeps the first
 *   10,000 results, `sort 0` keeps all, `sort N` the first N (S-sort). Values sort numerically when
 *   both are numbers or decimal-number strings, else as strings in code point order, numbers before
 *   strings [inferred: S-sort "If the field takes on numeric values, the collating sequence is
 *   numeric … otherwise lexicographic"]. Rows missing the field sort last in both directions (§1.4:
 *   "smallest (desc) / largest (asc)").
 * - `search <terms>`: as the base search, on the current rows.
 * - `| multisearch [search …] [search …] …` (Search Reference, multisearch [doc]): generating; at
 *   least two subsearches, each `search` followed by streaming commands only (here: search, eval,
 *   where, lookup; sort or table in one is an error, any other command not implemented). Each runs
 *   over all the events; the results are theirs, subsearch after subsearch [inferred: Splunk
 *   interleaves them in an order the reference does not state, so a query must sort them].
 * - `streamstats last(f) [AS g], … [by k, …]`: running `last()` per group in row order, the current
 *   row included; NULL values do not count, so it is the latest non-NULL value, NULL before any
 *   [inferred]; every earlier row counts (no window) [inferred]; groups compare as text,
 *   case-sensitive, and a row with a NULL by-field gets NULL [inferred]. Options and other
 *   functions are not implemented (compileStreamstats).
 * - `eventstats values(f)|max(f) [AS g], … [by k, …]` (Search Reference, eventstats [doc]): each
 *   aggregate over every row of the row's group, written to each of them in place
 *   (compileEventstats says the rest).
 * - `mvexpand f` (Search Reference, mvexpand [doc]): one row per value of f, in place, the other
 *   fields copied (compileMvexpand says the rest).
 * - `dedup f, …` (Search Reference, dedup [doc]): the first row of each combination of values;
 *   rows where one of the fields is NULL are dropped (`keepempty=false`); values compare as text,
 *   case-sensitive [inferred]. Options are not implemented.
 * - `| tstats [summariesonly=…] [allow_old_summaries=…] [fillnull_value=…] count from
 *   datamodel=<Model>.<Dataset> by <fields> [_time span=<n><unit>]` (Search Reference, tstats
 *   [doc]): over the rows of that dataset (rows.ts DATASET_KEY), one result per group of rows equal
 *   in every by-field (`_time` floored to its span), with `count`; a missing by-field is the
 *   fillnull_value, or without one the row is in no group [inferred] (compileTstats says the rest).
 * - `rename a AS b, …` (Search Reference, rename [doc]): streaming, left to right; a NULL field
 *   leaves the new name NULL [inferred]. Wildcards are not implemented.
 * - `append [ <subsearch> ]` (Search Reference, append [doc]): the subsearch (any query this
 *   evaluator runs, over the same events) adds its first 10,000 results after the current ones.
 *
 * ## Correlation results
 * `compileSplCorrelation` runs an emitted correlation search (src/backends/spl/correlation.ts) over
 * the events of every log source and reads each result row by name: `t1612_key_<Field>` is the
 * group's value of canonical field <Field>, `chain_start` and `chain_end` the chain's first and last
 * stage times in epoch seconds. A result without them is an error.
 */
import type { ProfileView } from '../types.js';
import type { CompiledCorrelation, CompiledQuery, QueryEvaluator, Row, StreamRow, TargetResult } from '../evaluation.js';
import { sortChains, type ChainResult } from '../../ir/correlation.js';
import { pcreToJs } from '../pcre.js';
import type { EmittedFile } from '../types.js';
import { parseConf } from './conf.js';
import type { SplProfile } from './profiles.js';
import { DATASET_KEY, splRow } from './rows.js';
import { invalid, SplQueryError, unsupported } from './errors.js';
import { compileLookup, lookupsFromShared, type LookupTable } from './lookup.js';
import { inNetwork, parseIp, parseNetwork, type IpAddress, type IpNetwork } from '../../ir/ip.js';

export { SplQueryError };

/** A piece of query text for error messages (long regexes are cut). */
function quote(text: string): string {
  const t = text.trim();
  return JSON.stringify(t.length > 120 ? `${t.slice(0, 117)}...` : t);
}

// ---------------------------------------------------------------------------------------------
// Macros

export interface SplMacroDefinition {
  readonly definition: string;
  /** `iseval = 1`: the definition is an eval expression (not implemented). */
  readonly iseval?: boolean;
}

/** Macro name (the stanza name in macros.conf) → its definition. */
export type MacroTable = ReadonlyMap<string, string | SplMacroDefinition>;

export const MAX_MACRO_DEPTH = 32;

/** The macros of a macros.conf text: every stanza with a `definition`. */
export function macrosFromConf(text: string, file = 'macros.conf'): Map<string, SplMacroDefinition> {
  const out = new Map<string, SplMacroDefinition>();
  for (const [stanza, kv] of parseConf(text, file)) {
    const definition = kv.get('definition');
    if (definition === undefined) continue;
    const iseval = /^(1|t|true|y|yes)$/i.test(kv.get('iseval') ?? '0');
    out.set(stanza, { definition, iseval });
  }
  return out;
}

/** The macros of every `macros.conf` among the shared files (later files override earlier ones). */
export function macrosFromShared(shared: readonly EmittedFile[]): Map<string, SplMacroDefinition> {
  const out = new Map<string, SplMacroDefinition>();
  for (const f of shared) if (f.path === 'macros.conf' || f.path.endsWith('/macros.conf')) for (const [k, v] of macrosFromConf(f.content, f.path)) out.set(k, v);
  return out;
}

/** Remove ``` comments ```, each replaced by a space. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const a = text.indexOf('```', i);
    if (a < 0) return out + text.slice(i);
    const b = text.indexOf('```', a + 3);
    if (b < 0) return invalid(`unterminated \`\`\` comment: ${quote(text.slice(a, a + 60))}`);
    out += `${text.slice(i, a)} `;
    i = b + 3;
  }
}

/** Expand `` `name` `` references recursively (comments in definitions removed first). */
export function expandMacros(text: string, macros: MacroTable, stack: readonly string[] = []): string {
  if (stack.length > MAX_MACRO_DEPTH) return invalid(`macro expansion deeper than ${MAX_MACRO_DEPTH} levels: ${stack.join(' → ')}`);
  let out = '';
  let i = 0;
  for (;;) {
    const a = text.indexOf('`', i);
    if (a < 0) return out + text.slice(i);
    const b = text.indexOf('`', a + 1);
    if (b < 0) return invalid(`unterminated macro reference (a lone backtick): ${quote(text.slice(a, a + 60))}`);
    const ref = text.slice(a + 1, b);
    const m = /^([A-Za-z0-9_][A-Za-z0-9_.:-]*)(\([\s\S]*\))?$/.exec(ref);
    if (!m) return invalid(`malformed macro reference \`${ref}\``);
    const name = m[1]!;
    if (m[2] !== undefined) return unsupported(`macro arguments (\`${ref}\`)`);
    const def = macros.get(name);
    if (def === undefined) return invalid(`undefined macro \`${name}\`${stack.length ? ` (used by \`${stack[stack.length - 1]}\`)` : ''}`);
    const d = typeof def === 'string' ? { definition: def } : def;
    if (d.iseval) return unsupported(`eval-based macro \`${name}\` (iseval = 1)`);
    if (stack.includes(name)) return invalid(`recursive macro: ${[...stack, name].join(' → ')}`);
    out += text.slice(i, a) + expandMacros(stripComments(d.definition), macros, [...stack, name]);
    i = b + 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Rows and values

/** A slot not read from the input event yet. */
const UNREAD: unique symbol = Symbol('unread');

/**
 * A row as the pipeline holds it. Every field the query names gets a slot when the query is
 * compiled (`Fields`); a slot is read from the input event on first use, and eval writes slots, so
 * running a query never adds properties to objects. `src` is the input event (null after `table`,
 * when only the slots hold fields); `order` is the slot order `table` chose. Output rows are made
 * into plain objects only at the end (`materialize`).
 */
interface WRow {
  readonly vals: unknown[];
  src: Row | null;
  table: TableShape | null;
}
/** The fields `table` kept (their slots, in order) and the slots of every other field. */
interface TableShape {
  readonly order: readonly number[];
  readonly others: readonly number[];
}
/** An eval value: `undefined` is NULL. */
type V = string | number | undefined;
/**
 * A multivalue field's values, in order: two or more (a field with one value is that value, with
 * none NULL). Only the commands and functions that say so take one (`mvReader`); every other reader
 * reports a multivalue as not implemented.
 */
type MV = readonly (string | number)[];
/** What a multivalue-aware reader gives. */
type MVal = V | MV;
type MVFn = (r: WRow) => MVal;
/** A boolean inside an expression: `null` is NULL. */
type B = boolean | null;
type VFn = (r: WRow) => V;
type BFn = (r: WRow) => B;

function badValue(field: string, v: unknown): never {
  return unsupported(Array.isArray(v) ? `multivalue field ${field}` : `a ${typeof v} value in field ${field}`);
}

/**
 * A field's value where a multivalue may stand: a string or number, NULL, or an array of strings
 * and numbers (an event's multivalue field, or one a command made), whose one value is the value
 * itself and whose none is NULL.
 */
function multivalueOf(field: string, v: unknown): MVal {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return badValue(field, v);
  for (const x of v) if (typeof x !== 'string' && typeof x !== 'number') return badValue(field, x);
  return v.length === 0 ? undefined : v.length === 1 ? (v[0] as string | number) : (v as MV);
}

/** The fields a query names, each with a slot. */
class Fields {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  slot(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }

  /** Reads a field as an eval value: string, number, or undefined for NULL (absent, undefined, null). */
  reader(name: string): VFn {
    const i = this.slot(name);
    // Own properties only: a field called `constructor` is not inherited from Object.prototype.
    const own = name in Object.prototype || name === '__proto__';
    return (w) => {
      let v = w.vals[i];
      if (v === UNREAD) {
        const src = w.src;
        v = src === null ? undefined : own ? (Object.hasOwn(src, name) ? src[name] : undefined) : src[name];
        w.vals[i] = v;
      }
      if (typeof v === 'string' || typeof v === 'number') return v;
      if (v === undefined || v === null) return undefined;
      // A multivalue of one value is that value; of more, not implemented here.
      const m = multivalueOf(name, v);
      return Array.isArray(m) ? badValue(name, m) : (m as V);
    };
  }

  /** Reads a field that may hold a multivalue (only where a command or function takes one). */
  mvReader(name: string): MVFn {
    const i = this.slot(name);
    const own = name in Object.prototype || name === '__proto__';
    return (w) => {
      let v = w.vals[i];
      if (v === UNREAD) {
        const src = w.src;
        v = src === null ? undefined : own ? (Object.hasOwn(src, name) ? src[name] : undefined) : src[name];
        w.vals[i] = v;
      }
      return multivalueOf(name, v);
    };
  }

  /** Sets a field; `undefined` erases it (NULL); a multivalue is stored as its array. */
  writer(name: string): (w: WRow, v: MVal) => void {
    const i = this.slot(name);
    return (w, v) => {
      w.vals[i] = v;
    };
  }
}

function put(row: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(row, key, { value, enumerable: true, writable: true, configurable: true });
  else row[key] = value;
}


/** The plain-object row for an output row: the input event with the slots written over it. */
function materialize(w: WRow, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const vals = w.vals;
  const table = w.table;
  if (table !== null) {
    // After table: the listed fields in their order, then any field a later eval set.
    for (const i of table.order) {
      const v = vals[i];
      if (v !== undefined && v !== null && v !== UNREAD) put(out, names[i]!, v);
    }
    for (const i of table.others) {
      const v = vals[i];
      if (v !== undefined && v !== null && v !== UNREAD) put(out, names[i]!, v);
    }
    return out;
  }
  if (w.src !== null) {
    for (const k of Object.keys(w.src)) {
      const v = w.src[k];
      if (v !== undefined && v !== null) put(out, k, v);
    }
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      if (v === UNREAD) continue;
      const name = names[i]!;
      if (v === undefined || v === null) {
        if (Object.hasOwn(out, name)) delete out[name];
      } else if (out[name] !== v || !Object.hasOwn(out, name)) put(out, name, v);
    }
  }
  return out;
}

const HAS_UPPER = /[A-Z]/;
const UPPER_RUNS = /[A-Z]+/g;
/** ASCII-only lower-casing (only A–Z change), as src/ir/evaluate.ts `asciiLower`. */
function foldAscii(s: string): string {
  return HAS_UPPER.test(s) ? s.replace(UPPER_RUNS, (m) => m.toLowerCase()) : s;
}

const DECIMAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
/** A number, or a string whose whole text is a decimal number, as a number; else undefined. */
function numOf(v: V): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && DECIMAL.test(v)) return Number(v);
  return undefined;
}

/** Code point order (what UTF-8 byte order gives), not UTF-16 code unit order. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

/** Equality of two non-NULL values (§1.1: case-sensitive). */
function equalValues(x: string | number, y: string | number): boolean {
  if (typeof x === typeof y) return x === y;
  const nx = numOf(x);
  const ny = numOf(y);
  return nx !== undefined && ny !== undefined && nx === ny;
}

/** Order of two values: negative, 0, positive, or undefined (NULL or not comparable). */
function orderValues(x: V, y: V): number | undefined {
  if (x === undefined || y === undefined) return undefined;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'string' && typeof y === 'string') return compareStrings(x, y);
  const nx = numOf(x);
  const ny = numOf(y);
  return nx === undefined || ny === undefined ? undefined : nx - ny;
}

const finite = (n: number): number | undefined => (Number.isFinite(n) ? n : undefined);

// ---------------------------------------------------------------------------------------------
// Pipeline splitting

interface Segment {
  readonly text: string;
  /** Where a `[` opens a subsearch at the top level of the segment, or -1. */
  readonly subsearchAt: number;
}

/**
 * Split a pipeline into commands on `|` outside double-quoted strings and outside `[ … ]`
 * subsearches (whose own pipes belong to them). Brackets must balance outside strings.
 */
/**
 * The characters of `text` from `from` on that lie outside double-quoted strings (where `\\`
 * escapes the next character), with their index; `unterminated` is set when a string never closes.
 */
function* outsideStrings(text: string, from = 0, state = { unterminated: false }): Generator<[string, number]> {
  let inQuote = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
      continue;
    }
    if (c === '"') inQuote = true;
    else yield [c, i];
  }
  state.unterminated = inQuote;
}

function splitPipeline(text: string): Segment[] {
  const parts: Segment[] = [];
  let start = 0;
  let depth = 0;
  let subsearchAt = -1;
  const state = { unterminated: false };
  for (const [c, i] of outsideStrings(text, 0, state)) {
    if (c === '[') {
      if (depth === 0 && subsearchAt < 0) subsearchAt = i - start;
      depth++;
    } else if (c === ']') {
      if (depth === 0) invalid(`unbalanced "]" in ${quote(text.slice(Math.max(0, i - 60), i + 1))}`);
      depth--;
    } else if (c === '|' && depth === 0) {
      parts.push({ text: text.slice(start, i), subsearchAt });
      start = i + 1;
      subsearchAt = -1;
    }
  }
  if (state.unterminated) invalid(`unterminated string literal in ${quote(text.slice(-120))}`);
  if (depth > 0) invalid(`unclosed subsearch "[" in ${quote(text.slice(start, start + 120))}`);
  parts.push({ text: text.slice(start), subsearchAt });
  return parts;
}

/** A subsearch where this evaluator runs none (anywhere but as an argument of multisearch). */
function refuseSubsearch(seg: Segment): void {
  if (seg.subsearchAt >= 0) unsupported(`subsearch [ … ] (${quote(seg.text.slice(seg.subsearchAt, seg.subsearchAt + 40))})`);
}

// ---------------------------------------------------------------------------------------------
// search

type Pred = (r: WRow) => boolean;

/** Reads a field as text for search matching: string, number as decimal text, undefined for NULL. */
function searchReader(fields: Fields, field: string): (r: WRow) => string | undefined {
  const read = fields.reader(field);
  return (r) => {
    const v = read(r);
    return typeof v === 'number' ? String(v) : v;
  };
}

/** A case-insensitive whole-value glob (`*` only) over already-folded text. */
function globTest(value: string): (folded: string) => boolean {
  const v = foldAscii(value);
  if (!v.includes('*')) return (s) => s === v;
  const parts = v.split('*');
  if (parts.every((p) => p === '')) return () => true;
  if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    if (b === '') return (s) => s.startsWith(a);
    if (a === '') return (s) => s.endsWith(b);
  }
  if (parts.length === 3 && parts[0] === '' && parts[2] === '') {
    const mid = parts[1]!;
    return (s) => s.includes(mid);
  }
  const re = new RegExp(`^${parts.map((p) => p.replace(/[\^$\\.*+?()[\]{}|/]/g, (c) => `\\${c}`)).join('[^]*')}$`, 'u');
  return (s) => re.test(s);
}

const CIDR = /^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)\/[0-9]{1,3}$/;

function valueMatcher(value: string): (folded: string) => boolean {
  if (CIDR.test(value)) return unsupported(`CIDR matching in search (${JSON.stringify(value)})`);
  return globTest(value);
}

class SearchParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly fields: Fields,
  ) {}

  parse(): Pred {
    this.ws();
    if (this.i >= this.s.length) return invalid('empty search');
    const p = this.parseAnd();
    this.ws();
    if (this.i < this.s.length) invalid(`unexpected ${quote(this.s.slice(this.i, this.i + 40))} in search ${quote(this.s)}`);
    return p;
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private keyword(k: string): boolean {
    if (!this.s.startsWith(k, this.i)) return false;
    const after = this.s[this.i + k.length];
    return after === undefined || /[\s()]/.test(after);
  }

  /** Implicit or explicit AND: the loosest operator of the search command. */
  private parseAnd(): Pred {
    const parts = [this.parseOr()];
    for (;;) {
      this.ws();
      if (this.i >= this.s.length || this.s[this.i] === ')') break;
      if (this.keyword('AND')) {
        this.i += 3;
        this.ws();
      }
      parts.push(this.parseOr());
    }
    if (parts.length === 1) return parts[0]!;
    return (r) => {
      for (const p of parts) if (!p(r)) return false;
      return true;
    };
  }

  /** OR binds tighter than AND in the search command (S-bool). */
  private parseOr(): Pred {
    const parts = [this.parseNot()];
    for (;;) {
      this.ws();
      if (!this.keyword('OR')) break;
      this.i += 2;
      parts.push(this.parseNot());
    }
    if (parts.length === 1) return parts[0]!;
    return (r) => {
      for (const p of parts) if (p(r)) return true;
      return false;
    };
  }

  private parseNot(): Pred {
    this.ws();
    if (this.keyword('NOT')) {
      this.i += 3;
      const p = this.parseNot();
      return (r) => !p(r);
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Pred {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) return invalid(`search ${quote(this.s)} ends where a term was expected`);
    if (c === '(') {
      this.i++;
      const p = this.parseAnd();
      this.ws();
      if (this.s[this.i] !== ')') invalid(`expected ")" in search ${quote(this.s)}`);
      this.i++;
      return p;
    }
    if (c === ')') return invalid(`unexpected ")" in search ${quote(this.s)}`);
    if (this.keyword('AND') || this.keyword('OR')) return invalid(`${this.keyword('OR') ? 'OR' : 'AND'} without a term before it in search ${quote(this.s)}`);
    return this.parseTerm();
  }

  private parseTerm(): Pred {
    const rest = this.s.slice(this.i);
    if (/^(?:CASE|TERM)\(/.test(rest)) return unsupported(`search ${rest.slice(0, 4)}()`);
    const inList = /^([A-Za-z_][A-Za-z0-9_.:-]*)\s+IN\s*\(/.exec(rest);
    if (inList) {
      this.i += inList[0].length;
      const values: string[] = [];
      for (;;) {
        this.ws();
        if (this.s[this.i] === ')') {
          this.i++;
          break;
        }
        if (this.s[this.i] === ',') {
          this.i++;
          continue;
        }
        if (this.i >= this.s.length) invalid(`unclosed IN ( … ) in search ${quote(this.s)}`);
        values.push(this.readValue(true));
      }
      if (!values.length) invalid(`empty IN ( ) in search ${quote(this.s)}`);
      const read = searchReader(this.fields, inList[1]!);
      const tests = values.map(valueMatcher);
      return (r) => {
        const v = read(r);
        if (v === undefined) return false;
        const f = foldAscii(v);
        for (const t of tests) if (t(f)) return true;
        return false;
      };
    }
    const cmp = /^([A-Za-z_][A-Za-z0-9_.:-]*)\s*(!=|<=|>=|=|<|>)\s*/.exec(rest);
    if (cmp) {
      const [whole, field, op] = cmp as unknown as [string, string, string];
      if (op !== '=' && op !== '!=') return unsupported(`search comparison ${op} (${quote(rest.slice(0, 60))})`);
      this.i += whole.length;
      const test = valueMatcher(this.readValue(false));
      const read = searchReader(this.fields, field);
      if (op === '=')
        return (r) => {
          const v = read(r);
          return v !== undefined && test(foldAscii(v));
        };
      // f!=v: only events that have f, with another value (S-not).
      return (r) => {
        const v = read(r);
        return v !== undefined && !test(foldAscii(v));
      };
    }
    if (rest[0] === '"') return unsupported(`search phrase ${quote(rest.slice(0, 60))} (matches _raw)`);
    const word = /^[^\s()]+/.exec(rest)![0];
    if (word === '*') {
      this.i += 1;
      return () => true;
    }
    return unsupported(`bare search term ${JSON.stringify(word)} (matches _raw)`);
  }

  /** A search value: quoted (`\\` → `\`, `\"` → `"`) or a bare word up to whitespace or a parenthesis. */
  private readValue(inList: boolean): string {
    let out = '';
    const s = this.s;
    const escape = () => {
      const n = s[this.i + 1];
      if (n === undefined) invalid(`a backslash at the end of search ${quote(s)}`);
      if (n === '*') unsupported(`\\* in a search value (a backslash cannot escape * in search, S-bs)`);
      out += n === '\\' || n === '"' ? n : `\\${n}`;
      this.i += 2;
    };
    if (s[this.i] === '"') {
      this.i++;
      for (;;) {
        const c = s[this.i];
        if (c === undefined) return invalid(`unterminated string in search ${quote(s)}`);
        if (c === '"') {
          this.i++;
          break;
        }
        if (c === '\\') escape();
        else {
          out += c;
          this.i++;
        }
      }
      const after = s[this.i];
      if (after !== undefined && !/[\s()]/.test(after) && !(inList && after === ',')) invalid(`unexpected ${quote(s.slice(this.i, this.i + 20))} after a quoted value in search`);
      return out;
    }
    const start = this.i;
    for (;;) {
      const c = s[this.i];
      if (c === undefined || /[\s()]/.test(c) || (inList && c === ',')) break;
      if (c === '"') invalid(`a quote inside an unquoted search value ${quote(s.slice(start, this.i + 10))}`);
      if (c === '\\') escape();
      else {
        out += c;
        this.i++;
      }
    }
    if (this.i === start) invalid(`missing value in search ${quote(s)}`);
    return out;
  }
}

function compileSearch(text: string, fields: Fields): Pred {
  return new SearchParser(text, fields).parse();
}

// ---------------------------------------------------------------------------------------------
// eval expressions: lexer

type TokKind = 'num' | 'str' | 'id' | 'qf' | 'op' | 'end';
interface Tok {
  readonly k: TokKind;
  /** num: source text; str: decoded value; id/qf: name; op: the operator. */
  readonly v: string;
  readonly s: number;
  readonly e: number;
}

const NUM = /(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const OPS2 = new Set(['==', '!=', '<=', '>=']);
const OPS1 = new Set(['=', '<', '>', '+', '-', '*', '/', '.', '(', ')', ',']);

function lexEval(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const s = i;
    if (c === '"') {
      // §1.2: \\ → \, \" → ", \t → TAB; any other backslash sequence is kept as written.
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) return invalid(`unterminated string literal ${quote(src.slice(s, s + 60))}`);
        const d = src[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\') {
          const n = src[i + 1];
          if (n === undefined) return invalid(`unterminated string literal ${quote(src.slice(s, s + 60))}`);
          v += n === '\\' || n === '"' ? n : n === 't' ? '\t' : `\\${n}`;
          i += 2;
          continue;
        }
        v += d;
        i++;
      }
      toks.push({ k: 'str', v, s, e: i });
      continue;
    }
    if (c === "'") {
      const close = src.indexOf("'", i + 1);
      if (close < 0) return invalid(`unterminated single-quoted field name ${quote(src.slice(s, s + 60))}`);
      const v = src.slice(i + 1, close);
      if (v === '') return invalid(`empty field name '' in ${quote(src)}`);
      i = close + 1;
      toks.push({ k: 'qf', v, s, e: i });
      continue;
    }
    NUM.lastIndex = i;
    const num = NUM.exec(src);
    if (num) {
      i += num[0].length;
      if (/[A-Za-z_]/.test(src[i] ?? '')) return invalid(`malformed number ${quote(src.slice(s, i + 10))} (a field name starting with a digit must be single-quoted)`);
      toks.push({ k: 'num', v: num[0], s, e: i });
      continue;
    }
    IDENT.lastIndex = i;
    const id = IDENT.exec(src);
    if (id) {
      i += id[0].length;
      toks.push({ k: 'id', v: id[0], s, e: i });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (OPS2.has(two)) {
      i += 2;
      toks.push({ k: 'op', v: two, s, e: i });
      continue;
    }
    if (OPS1.has(c)) {
      i++;
      toks.push({ k: 'op', v: c, s, e: i });
      continue;
    }
    if (c === '%') return unsupported('eval operator %');
    return invalid(`unexpected character ${JSON.stringify(c)} in eval expression ${quote(src)}`);
  }
  toks.push({ k: 'end', v: '', s: src.length, e: src.length });
  return toks;
}

// ---------------------------------------------------------------------------------------------
// eval expressions: typed closures

interface ValueExpr {
  readonly t: 'v';
  readonly f: VFn;
  readonly s: number;
  readonly e: number;
  /** A literal: its value (`undefined` for `null()`); absent for anything else. */
  readonly lit?: { readonly value: V };
  /**
   * The value where a multivalue may stand (a field reference, or coalesce() over one): what `eval`
   * stores. `f` reports a multivalue as not implemented; absent when the value is never one.
   */
  readonly mv?: MVFn;
}
interface BoolExpr {
  readonly t: 'b';
  readonly f: BFn;
  readonly s: number;
  readonly e: number;
  /** For flattening chains of AND / OR. */
  readonly chain?: { readonly op: 'AND' | 'OR'; readonly parts: readonly BFn[] };
}
type Expr = ValueExpr | BoolExpr;

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'XOR', 'LIKE']);

function andOf(parts: readonly BFn[]): BFn {
  if (parts.length === 2) {
    const [a, b] = parts as [BFn, BFn];
    return (r) => {
      const x = a(r);
      if (x === false) return false;
      const y = b(r);
      if (y === false) return false;
      return x === true && y === true ? true : null;
    };
  }
  return (r) => {
    let unknown = false;
    for (const p of parts) {
      const x = p(r);
      if (x === false) return false;
      if (x === null) unknown = true;
    }
    return unknown ? null : true;
  };
}

function orOf(parts: readonly BFn[]): BFn {
  if (parts.length === 2) {
    const [a, b] = parts as [BFn, BFn];
    return (r) => {
      const x = a(r);
      if (x === true) return true;
      const y = b(r);
      if (y === true) return true;
      return x === false && y === false ? false : null;
    };
  }
  return (r) => {
    let unknown = false;
    for (const p of parts) {
      const x = p(r);
      if (x === true) return true;
      if (x === null) unknown = true;
    }
    return unknown ? null : false;
  };
}

const LOOKBEHIND_START = '(?<![\\s\\S])';
const LOOKAHEAD_END = '(?![\\s\\S])';

/**
 * The same JS regex with pcreToJs's start/end-of-input assertions written as `^` and `$`. Without
 * the `m` flag (pcreToJs never sets it) JS `^` is exactly `(?<![\s\S])` and `$` exactly
 * `(?![\s\S])`, but V8 only knows that a regex starting with `^` is anchored: it then tries one
 * position instead of every one (2–4× faster on the emitted command-line regexes). Only assertions
 * outside character classes and escapes are rewritten.
 */
export function anchorAssertions(re: RegExp): RegExp {
  if (re.multiline) return re;
  const src = re.source;
  if (!src.includes(LOOKBEHIND_START) && !src.includes(LOOKAHEAD_END)) return re;
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      out += c + (src[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (src.startsWith(LOOKBEHIND_START, i)) {
      out += '^';
      i += LOOKBEHIND_START.length - 1;
    } else if (src.startsWith(LOOKAHEAD_END, i)) {
      out += '$';
      i += LOOKAHEAD_END.length - 1;
    } else out += c;
  }
  return new RegExp(out, re.flags);
}

/** `%` any run, `_` one character, the rest literal (only syntax characters are escaped: `u` mode refuses `\-`). */
function likeRegex(pattern: string): RegExp {
  let src = '';
  for (const ch of pattern) src += ch === '%' ? '[^]*' : ch === '_' ? '[^]' : ch.replace(/[\^$\\.*+?()[\]{}|/]/g, (c) => `\\${c}`);
  return new RegExp(`^${src}$`, 'u');
}

class EvalParser {
  private p = 0;
  private readonly toks: Tok[];
  constructor(
    private readonly src: string,
    private readonly fields: Fields,
  ) {
    this.toks = lexEval(src);
  }

  get tok(): Tok {
    return this.toks[this.p]!;
  }
  next(): Tok {
    return this.toks[this.p++]!;
  }
  private isOp(v: string): boolean {
    return this.tok.k === 'op' && this.tok.v === v;
  }
  private isKw(v: string): boolean {
    return this.tok.k === 'id' && this.tok.v === v;
  }
  private expectOp(v: string, where: string): Tok {
    if (!this.isOp(v)) this.unexpected(`expected "${v}" ${where}`);
    return this.next();
  }
  atEnd(): boolean {
    return this.tok.k === 'end';
  }
  text(x: { s: number; e: number }): string {
    return this.src.slice(x.s, x.e);
  }

  /** A token where it cannot be: an operator this evaluator does not implement, or bad syntax. */
  unexpected(why = 'unexpected'): never {
    const t = this.tok;
    if (t.k === 'id' && (t.v === 'XOR' || t.v === 'LIKE')) return unsupported(`eval operator ${t.v}`);
    if (t.k === 'id' && (t.v === 'in' || t.v === 'IN')) return unsupported(`eval operator ${t.v} here`);
    const what = t.k === 'end' ? 'the end of the expression' : JSON.stringify(this.src.slice(t.s, t.e));
    return invalid(`${why}: ${what} in ${quote(this.src)}`);
  }

  private asBool(x: Expr, where: string): BoolExpr {
    if (x.t !== 'b') invalid(`${where} needs a boolean expression, got the value ${quote(this.text(x))} (booleans and values do not mix, semantics.md §1.1)`);
    return x as BoolExpr;
  }
  private asValue(x: Expr, where: string): ValueExpr {
    if (x.t !== 'v') invalid(`${where} needs a value, got the boolean ${quote(this.text(x))} (booleans and values do not mix, semantics.md §1.1)`);
    return x as ValueExpr;
  }

  parseExpr(): Expr {
    return this.parseOr();
  }

  private chain(op: 'AND' | 'OR', first: Expr, sub: () => Expr): Expr {
    if (!this.isKw(op)) return first;
    const parts: BFn[] = [];
    const add = (x: Expr) => {
      const b = this.asBool(x, op);
      if (b.chain && b.chain.op === op) parts.push(...b.chain.parts);
      else parts.push(b.f);
    };
    add(first);
    let last: Expr = first;
    while (this.isKw(op)) {
      this.next();
      last = sub();
      add(last);
    }
    return { t: 'b', f: op === 'AND' ? andOf(parts) : orOf(parts), s: first.s, e: last.e, chain: { op, parts } };
  }

  private parseOr(): Expr {
    return this.chain('OR', this.parseAnd(), () => this.parseAnd());
  }
  private parseAnd(): Expr {
    return this.chain('AND', this.parseNot(), () => this.parseNot());
  }
  private parseNot(): Expr {
    if (this.isKw('NOT')) {
      const s = this.next().s;
      const inner = this.asBool(this.parseNot(), 'NOT');
      const f = inner.f;
      return { t: 'b', f: (r) => {
        const x = f(r);
        return x === null ? null : !x;
      }, s, e: inner.e };
    }
    return this.parseEquality();
  }

  private parseEquality(): Expr {
    let left = this.parseRelational();
    for (;;) {
      if ((this.isKw('in') || this.isKw('IN')) && this.toks[this.p + 1]?.k === 'op' && this.toks[this.p + 1]!.v === '(') {
        this.next();
        const args = this.parseArgs();
        left = this.inExpr([left, ...args.list], left.s, args.e);
        continue;
      }
      if (!(this.isOp('=') || this.isOp('==') || this.isOp('!='))) return left;
      const op = this.next().v;
      const right = this.parseRelational();
      left = this.equality(op === '!=', this.asValue(left, op), this.asValue(right, op));
    }
  }

  private equality(negate: boolean, a: ValueExpr, b: ValueExpr): BoolExpr {
    const s = a.s;
    const e = b.e;
    // A literal on one side (the usual `f=="x"`, `sig_x==1`): one read per row.
    const [x, lit] = b.lit && b.lit.value !== undefined ? [a, b.lit.value] : a.lit && a.lit.value !== undefined ? [b, a.lit.value] : [undefined, undefined];
    let f: BFn;
    if (x && lit !== undefined) {
      const xf = x.f;
      f = typeof lit === 'string'
        ? (r) => {
            const v = xf(r);
            if (v === undefined) return null;
            return typeof v === 'string' ? v === lit : equalValues(v, lit);
          }
        : (r) => {
            const v = xf(r);
            if (v === undefined) return null;
            return typeof v === 'number' ? v === lit : equalValues(v, lit);
          };
    } else {
      const af = a.f;
      const bf = b.f;
      f = (r) => {
        const u = af(r);
        const v = bf(r);
        return u === undefined || v === undefined ? null : equalValues(u, v);
      };
    }
    if (!negate) return { t: 'b', f, s, e };
    const g = f;
    return { t: 'b', f: (r) => {
      const v = g(r);
      return v === null ? null : !v;
    }, s, e };
  }

  private parseRelational(): Expr {
    let left = this.parseAdditive();
    for (;;) {
      const op = this.tok.k === 'op' && ['<', '<=', '>', '>='].includes(this.tok.v) ? this.tok.v : undefined;
      if (!op) return left;
      this.next();
      const right = this.parseAdditive();
      const af = this.asValue(left, op).f;
      const bf = this.asValue(right, op).f;
      const test: (d: number) => boolean = op === '<' ? (d) => d < 0 : op === '<=' ? (d) => d <= 0 : op === '>' ? (d) => d > 0 : (d) => d >= 0;
      const f: BFn = (r) => {
        const d = orderValues(af(r), bf(r));
        return d === undefined || Number.isNaN(d) ? null : test(d);
      };
      left = { t: 'b', f, s: left.s, e: right.e };
    }
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (;;) {
      const op = this.isOp('+') || this.isOp('-') || this.isOp('.') ? this.tok.v : undefined;
      if (!op) return left;
      this.next();
      const right = this.parseMultiplicative();
      const af = this.asValue(left, op).f;
      const bf = this.asValue(right, op).f;
      let f: VFn;
      if (op === '+')
        f = (r) => {
          const x = af(r);
          const y = bf(r);
          if (x === undefined || y === undefined) return undefined;
          if (typeof x === 'number' && typeof y === 'number') return finite(x + y);
          if (typeof x === 'string' && typeof y === 'string') return x + y;
          const nx = numOf(x);
          const ny = numOf(y);
          return nx === undefined || ny === undefined ? undefined : finite(nx + ny);
        };
      else if (op === '-')
        f = (r) => {
          const x = numOf(af(r));
          const y = numOf(bf(r));
          return x === undefined || y === undefined ? undefined : finite(x - y);
        };
      else
        f = (r) => {
          const x = af(r);
          const y = bf(r);
          return x === undefined || y === undefined ? undefined : String(x) + String(y);
        };
      left = { t: 'v', f, s: left.s, e: right.e };
    }
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (;;) {
      const op = this.isOp('*') || this.isOp('/') ? this.tok.v : undefined;
      if (!op) return left;
      this.next();
      const right = this.parseUnary();
      const af = this.asValue(left, op).f;
      const bf = this.asValue(right, op).f;
      const f: VFn =
        op === '*'
          ? (r) => {
              const x = af(r);
              const y = bf(r);
              if (typeof x === 'number' && typeof y === 'number') return finite(x * y);
              const nx = numOf(x);
              const ny = numOf(y);
              return nx === undefined || ny === undefined ? undefined : finite(nx * ny);
            }
          : (r) => {
              const nx = numOf(af(r));
              const ny = numOf(bf(r));
              return nx === undefined || ny === undefined || ny === 0 ? undefined : finite(nx / ny);
            };
      left = { t: 'v', f, s: left.s, e: right.e };
    }
  }

  private parseUnary(): Expr {
    if (this.isOp('-')) {
      const s = this.next().s;
      const inner = this.asValue(this.parseUnary(), 'unary -');
      if (inner.lit && typeof inner.lit.value === 'number') {
        const v = -inner.lit.value;
        return { t: 'v', f: () => v, s, e: inner.e, lit: { value: v } };
      }
      const f = inner.f;
      return { t: 'v', f: (r) => {
        const n = numOf(f(r));
        return n === undefined ? undefined : -n;
      }, s, e: inner.e };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const t = this.tok;
    switch (t.k) {
      case 'num': {
        this.next();
        const v = Number(t.v);
        return { t: 'v', f: () => v, s: t.s, e: t.e, lit: { value: v } };
      }
      case 'str': {
        this.next();
        const v = t.v;
        return { t: 'v', f: () => v, s: t.s, e: t.e, lit: { value: v } };
      }
      case 'qf':
        this.next();
        return { t: 'v', f: this.fields.reader(t.v), s: t.s, e: t.e, mv: this.fields.mvReader(t.v) };
      case 'id': {
        const callee = this.toks[this.p + 1];
        if (callee?.k === 'op' && callee.v === '(') return this.parseCall();
        if (KEYWORDS.has(t.v)) return this.unexpected(`expected a value`);
        this.next();
        return { t: 'v', f: this.fields.reader(t.v), s: t.s, e: t.e, mv: this.fields.mvReader(t.v) };
      }
      case 'op':
        if (t.v === '(') {
          this.next();
          const inner = this.parseExpr();
          const close = this.expectOp(')', 'to close "("');
          return { ...inner, s: t.s, e: close.e };
        }
        return this.unexpected('expected a value');
      default:
        return this.unexpected('expected a value');
    }
  }

  private parseArgs(): { list: Expr[]; e: number } {
    this.expectOp('(', 'before the arguments');
    const list: Expr[] = [];
    if (this.isOp(')')) return { list, e: this.next().e };
    for (;;) {
      list.push(this.parseExpr());
      if (this.isOp(',')) {
        this.next();
        continue;
      }
      return { list, e: this.expectOp(')', 'or "," in the argument list').e };
    }
  }

  private parseCall(): Expr {
    const nameTok = this.next();
    const name = nameTok.v;
    if (!FUNCTIONS.has(name)) return unsupported(`eval function ${name}()`);
    const { list: args, e } = this.parseArgs();
    const s = nameTok.s;
    const arity = (min: number, max = min) => {
      if (args.length < min || args.length > max) invalid(`${name}() takes ${min === max ? min : max === Infinity ? `at least ${min}` : `${min}–${max}`} argument${max === 1 ? '' : 's'}, got ${args.length}: ${quote(this.src.slice(s, e))}`);
    };
    const literalString = (x: Expr, what: string): string => {
      if (x.t !== 'v' || !x.lit || typeof x.lit.value !== 'string') return unsupported(`${name}() with a ${what} that is not a string literal (${quote(this.text(x))})`);
      return x.lit.value;
    };
    switch (name) {
      case 'true':
      case 'false': {
        arity(0);
        const v = name === 'true';
        return { t: 'b', f: () => v, s, e };
      }
      case 'null':
        arity(0);
        return { t: 'v', f: () => undefined, s, e, lit: { value: undefined } };
      case 'if': {
        arity(3);
        const c = this.asBool(args[0]!, 'the condition of if()').f;
        const [a, b] = this.sameKind('if()', [args[1]!, args[2]!]);
        if (a!.t === 'v') {
          const af = (a as ValueExpr).f;
          const bf = (b as ValueExpr).f;
          return { t: 'v', f: (r) => (c(r) === true ? af(r) : bf(r)), s, e };
        }
        const af = (a as BoolExpr).f;
        const bf = (b as BoolExpr).f;
        return { t: 'b', f: (r) => (c(r) === true ? af(r) : bf(r)), s, e };
      }
      case 'case': {
        if (args.length < 2 || args.length % 2) invalid(`case() takes condition/value pairs, got ${args.length} arguments: ${quote(this.src.slice(s, e))}`);
        const conds: BFn[] = [];
        const values: Expr[] = [];
        for (let i = 0; i < args.length; i += 2) {
          conds.push(this.asBool(args[i]!, `condition ${i / 2 + 1} of case()`).f);
          values.push(args[i + 1]!);
        }
        const kinds = this.sameKind('case()', values);
        const fs = kinds.map((k) => k.f) as ((r: WRow) => V | B)[];
        const n = conds.length;
        if (kinds[0]!.t === 'v')
          return { t: 'v', f: (r) => {
            for (let i = 0; i < n; i++) if (conds[i]!(r) === true) return fs[i]!(r) as V;
            return undefined; // no match → NULL (S-cond)
          }, s, e };
        return { t: 'b', f: (r) => {
          for (let i = 0; i < n; i++) if (conds[i]!(r) === true) return fs[i]!(r) as B;
          return null;
        }, s, e };
      }
      case 'match': {
        arity(2);
        const x = this.asValue(args[0]!, 'the subject of match()').f;
        const re = anchorAssertions(pcreToJs(literalString(args[1]!, 'regex'), {}, 'spl'));
        return { t: 'b', f: (r) => {
          const v = x(r);
          if (v === undefined) return null; // match(NULL, …) is not TRUE [inferred, §1.1]
          return re.test(typeof v === 'string' ? v : String(v));
        }, s, e };
      }
      case 'like': {
        arity(2);
        const x = this.asValue(args[0]!, 'the subject of like()').f;
        const re = likeRegex(literalString(args[1]!, 'pattern'));
        return { t: 'b', f: (r) => {
          const v = x(r);
          if (v === undefined) return null;
          return re.test(typeof v === 'string' ? v : String(v));
        }, s, e };
      }
      case 'coalesce': {
        arity(1, Infinity);
        const vs = args.map((a, i) => this.asValue(a, `argument ${i + 1} of coalesce()`));
        const fs = vs.map((v) => v.f);
        const f: VFn = (r) => {
          for (const f of fs) {
            const v = f(r);
            if (v !== undefined) return v; // "" is a value, not NULL (§1.1)
          }
          return undefined;
        };
        if (!vs.some((v) => v.mv)) return { t: 'v', f, s, e };
        // A multivalue argument that is the first non-NULL one is the result, all its values
        // [inferred: S-cond says "the first value that is not NULL"; that a multivalue passes whole is
        // not stated].
        const ms = vs.map((v) => v.mv ?? v.f);
        return { t: 'v', f, s, e, mv: (r) => {
          for (const m of ms) {
            const v = m(r);
            if (v !== undefined) return v;
          }
          return undefined;
        } };
      }
      case 'replace': {
        arity(3);
        const x = this.asValue(args[0]!, 'the subject of replace()').f;
        const pattern = literalString(args[1]!, 'regex');
        const re = anchorAssertions(pcreToJs(pattern, {}, 'spl'));
        const subst = replacement(literalString(args[2]!, 'replacement'), groupCount(re), pattern);
        const g = new RegExp(re.source, `${re.flags}g`);
        return { t: 'v', f: (r) => {
          const v = x(r);
          if (v === undefined) return undefined; // replace(NULL, …) is NULL [inferred]
          return replaceAll(typeof v === 'string' ? v : String(v), g, subst, pattern);
        }, s, e };
      }
      case 'lower': {
        arity(1);
        const x = this.asValue(args[0]!, 'lower()').f;
        return { t: 'v', f: (r) => {
          const v = x(r);
          return typeof v === 'string' ? foldAscii(v) : v;
        }, s, e };
      }
      case 'isnull':
      case 'isnotnull': {
        arity(1);
        const x = this.asValue(args[0]!, `${name}()`).f;
        return name === 'isnull' ? { t: 'b', f: (r) => x(r) === undefined, s, e } : { t: 'b', f: (r) => x(r) !== undefined, s, e };
      }
      case 'in':
        arity(2, Infinity);
        return this.inExpr(args, s, e);
      case 'cidrmatch': {
        arity(2);
        const net = subnetOf(literalString(args[0]!, 'subnet'));
        const x = this.asValue(args[1]!, 'the address of cidrmatch()').f;
        return { t: 'b', f: (r) => {
          const v = x(r);
          if (v === undefined) return null; // NULL, like every other predicate on NULL [inferred, §1.5]
          const ip = addressOf(typeof v === 'string' ? v : String(v));
          return ip !== undefined && inNetwork(ip, net);
        }, s, e };
      }
      default:
        return unsupported(`eval function ${name}()`);
    }
  }

  private inExpr(args: readonly Expr[], s: number, e: number): BoolExpr {
    const x = this.asValue(args[0]!, 'in()').f;
    const values = args.slice(1).map((a, i) => this.asValue(a, `value ${i + 1} of in()`).f);
    return { t: 'b', f: (r) => {
      const v = x(r);
      if (v === undefined) return null;
      let unknown = false;
      for (const f of values) {
        const w = f(r);
        if (w === undefined) unknown = true;
        else if (equalValues(v, w)) return true;
      }
      return unknown ? null : false;
    }, s, e };
  }

  private sameKind(where: string, xs: readonly Expr[]): Expr[] {
    const t = xs[0]!.t;
    if (xs.some((x) => x.t !== t)) invalid(`the results of ${where} must all be values or all be booleans: ${quote(xs.map((x) => this.text(x)).join(', '))}`);
    return [...xs];
  }
}

const FUNCTIONS = new Set(['if', 'case', 'match', 'replace', 'like', 'coalesce', 'lower', 'isnull', 'isnotnull', 'in', 'cidrmatch', 'true', 'false', 'null']);

/** The number of capturing groups of a regex. */
function groupCount(re: RegExp): number {
  return new RegExp(`${re.source}|`, re.flags).exec('')!.length - 1;
}

/** A replacement's pieces: literal text, or the number of a group (`\1` … `\9`). */
type Piece = string | number;

/**
 * replace()'s third argument (S-text: it "can also reference groups that are matched in the regex",
 * as `\1`): `\1` … `\9` are groups, every other character is itself. `$` and any other backslash
 * sequence (`\0`, `\\`, `\n`, a group number above the regex's groups, `\1` followed by a digit)
 * are not documented, so not implemented.
 */
function replacement(text: string, groups: number, pattern: string): Piece[] {
  const pieces: Piece[] = [];
  let lit = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '$') return unsupported(`replace() replacement ${JSON.stringify(text)}: what $ means there is not documented`);
    if (c !== '\\') {
      lit += c;
      continue;
    }
    const d = text[i + 1];
    if (d === undefined || !/[1-9]/.test(d) || /[0-9]/.test(text[i + 2] ?? '')) return unsupported(`replace() replacement ${JSON.stringify(text)}: only \\1 … \\9 are implemented (a backslash before ${d === undefined ? 'the end' : JSON.stringify(text.slice(i + 1, i + 3))})`);
    if (Number(d) > groups) return unsupported(`replace() replacement ${JSON.stringify(text)} names group ${d}, but ${JSON.stringify(pattern)} has ${groups}`);
    if (lit) pieces.push(lit);
    lit = '';
    pieces.push(Number(d));
    i++;
  }
  if (lit) pieces.push(lit);
  return pieces;
}

/**
 * Every match of `g` (global) in `s`, left to right and not overlapping, replaced by the pieces; a
 * group that took no part in the match is "" [inferred]. An empty match before the end of `s` is
 * not implemented: where the next search starts after one is engine-specific (PCRE retries the
 * same position for a non-empty match, JavaScript moves on).
 */
function replaceAll(s: string, g: RegExp, pieces: readonly Piece[], pattern: string): string {
  let out = '';
  let last = 0;
  g.lastIndex = 0;
  for (;;) {
    const m = g.exec(s);
    if (m === null) break;
    if (m[0] === '' && m.index < s.length) return unsupported(`replace() where ${JSON.stringify(pattern)} matches an empty string inside the subject`);
    out += s.slice(last, m.index);
    for (const p of pieces) out += typeof p === 'number' ? (m[p] ?? '') : p;
    last = m.index + m[0].length;
    if (m[0] === '') break; // at the end of the subject
  }
  return out + s.slice(last);
}

/** cidrmatch's subnet: a network with its host bits zero (src/ir/ip.ts); anything else is not implemented. */
function subnetOf(text: string): IpNetwork {
  const n = parseNetwork(text);
  return 'problem' in n ? unsupported(`cidrmatch() with the subnet ${JSON.stringify(text)}: ${n.problem}`) : n;
}

/**
 * The address in a value, or undefined when it is not one (src/ir/ip.ts). The last value is kept:
 * a query tests one field against many networks in a row.
 */
let lastAddressText: string | undefined;
let lastAddress: IpAddress | undefined;
function addressOf(text: string): IpAddress | undefined {
  if (text !== lastAddressText) {
    lastAddressText = text;
    lastAddress = parseIp(text);
  }
  return lastAddress;
}

// ---------------------------------------------------------------------------------------------
// Commands

/** A streaming command: the row to pass on (possibly a new one), or undefined to drop it. */
type RowFn = (r: WRow) => WRow | undefined;
/** A command over all rows at once; `input` is the query's input (the events a subsearch runs over). */
type BatchFn = (rows: WRow[], input: readonly Row[]) => WRow[];
type Stage = { readonly stream: RowFn } | { readonly batch: BatchFn };

interface Assignment {
  readonly name: string;
  readonly text: string;
}

interface Ctx {
  readonly fields: Fields;
  readonly assignments: Assignment[];
  readonly lookups: LookupTable;
}

function compileEvalCommand(args: string, ctx: Ctx): RowFn {
  if (args.trim() === '') invalid('eval needs at least one assignment');
  const p = new EvalParser(args, ctx.fields);
  const steps: { read: MVFn; write: (r: WRow, v: MVal) => void }[] = [];
  for (;;) {
    const target = p.next();
    if (target.k !== 'id' && target.k !== 'qf') invalid(`eval: expected a field name, got ${quote(args.slice(target.s, target.e + 20) || 'nothing')} in ${quote(args)}`);
    const eq = p.next();
    if (eq.k !== 'op' || eq.v !== '=') invalid(`eval: expected "=" after ${target.v} in ${quote(args)}`);
    const x = p.parseExpr();
    const text = args.slice(target.s, x.e);
    if (x.t === 'b') invalid(`eval ${target.v}: the result of an eval expression cannot be a Boolean (semantics.md §1.1, S-eval); use if(<condition>, 1, 0): ${quote(text)}`);
    // A field reference or coalesce() may carry a multivalue into the field (S-eval stores what the
    // expression gives); anything else computes a single value.
    steps.push({ read: (x as ValueExpr).mv ?? (x as ValueExpr).f, write: ctx.fields.writer(target.v) });
    ctx.assignments.push({ name: target.v, text });
    const sep = p.tok;
    if (sep.k === 'op' && sep.v === ',') {
      p.next();
      continue;
    }
    if (!p.atEnd()) p.unexpected('expected "," or the end of the eval command');
    break;
  }
  // In order: each assignment sees the ones before it; a NULL result erases the field (S-eval).
  if (steps.length === 1) {
    const { read, write } = steps[0]!;
    return (r) => {
      write(r, read(r));
      return r;
    };
  }
  return (r) => {
    for (const st of steps) st.write(r, st.read(r));
    return r;
  };
}

/** A word of a command's arguments: bare (up to a blank or comma) or double-quoted (`\\`, `\"` decoded). */
interface Word {
  readonly text: string;
  readonly quoted: boolean;
}

function commandWords(args: string, command: string): Word[] {
  const words: Word[] = [];
  const re = /[\s,]*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))/y;
  let i = 0;
  for (;;) {
    if (/^[\s,]*$/.test(args.slice(i))) return words;
    re.lastIndex = i;
    const m = re.exec(args);
    if (!m) return invalid(`${command}: unexpected ${quote(args.slice(i, i + 20))} in ${quote(args)}`);
    words.push(m[1] !== undefined ? { text: m[1].replace(/\\(.)/g, '$1'), quoted: true } : { text: m[2]!, quoted: false });
    i = re.lastIndex;
  }
}

const isKeyword = (w: Word | undefined, k: string): boolean => w !== undefined && !w.quoted && w.text.toUpperCase() === k;

/** `a [AS b]` pairs from `words[i]` until a keyword among `stop`; returns them and where it stopped. */
function renamedFields(words: readonly Word[], i: number, stop: readonly string[], command: string): { pairs: { from: string; to: string }[]; next: number } {
  const pairs: { from: string; to: string }[] = [];
  while (i < words.length && !stop.some((k) => isKeyword(words[i], k))) {
    const from = words[i++]!.text;
    let to = from;
    if (isKeyword(words[i], 'AS')) {
      const target = words[i + 1];
      if (target === undefined || isKeyword(target, 'AS')) return invalid(`${command}: a field name is missing after AS (${from} AS …)`);
      to = target.text;
      i += 2;
    }
    pairs.push({ from, to });
  }
  return { pairs, next: i };
}

/**
 * `lookup <name> <column> [AS <field>] OUTPUT <column> [AS <field>], …` (S-lookup): one input field;
 * each output field gets the matched row's cell, and NULL when no row matches (OUTPUT overwrites
 * [inferred: S-lookup says OUTPUT overwrites existing fields; that a miss erases them is the
 * reading this evaluator takes]). The matching is lookup.ts's.
 */
function compileLookupCommand(args: string, ctx: Ctx): RowFn {
  const words = commandWords(args, 'lookup');
  const first = words[0];
  if (!first) return invalid('lookup needs a lookup name');
  if (!first.quoted && /^[A-Za-z_]+=/.test(first.text)) return unsupported(`lookup option ${first.text.replace(/=.*/, '=')}`);
  const name = first.text;
  const input = renamedFields(words, 1, ['OUTPUT', 'OUTPUTNEW'], 'lookup');
  if (input.pairs.length === 0) return invalid(`lookup ${name}: no lookup field`);
  if (input.pairs.length > 1) return unsupported(`lookup with several lookup fields (${input.pairs.map((p) => p.from).join(', ')})`);
  const keyword = words[input.next];
  if (!keyword) return unsupported(`lookup without OUTPUT (every other column is output)`);
  if (isKeyword(keyword, 'OUTPUTNEW')) return unsupported('lookup OUTPUTNEW');
  const output = renamedFields(words, input.next + 1, ['OUTPUT', 'OUTPUTNEW'], 'lookup');
  if (output.pairs.length === 0) return invalid(`lookup ${name}: OUTPUT without fields`);
  if (output.next < words.length) return invalid(`lookup ${name}: unexpected ${words[output.next]!.text} after the OUTPUT fields`);
  const { from: column, to: field } = input.pairs[0]!;
  const match = compileLookup(name, ctx.lookups.get(name), column, output.pairs.map((p) => p.from));
  const read = ctx.fields.reader(field);
  const writes = output.pairs.map((p) => ctx.fields.writer(p.to));
  return (r) => {
    const v = read(r);
    // NULL and "" match no row (lookup.ts); a number is looked up as its decimal text.
    const cells = v === undefined || v === '' ? undefined : match(typeof v === 'number' ? String(v) : v);
    for (let i = 0; i < writes.length; i++) writes[i]!(r, cells === undefined ? undefined : cells[i]);
    return r;
  };
}

function compileWhere(args: string, ctx: Ctx): RowFn {
  if (args.trim() === '') invalid('where needs an expression');
  const p = new EvalParser(args, ctx.fields);
  const x = p.parseExpr();
  if (!p.atEnd()) p.unexpected('expected the end of the where expression');
  if (x.t !== 'b') invalid(`where needs a boolean expression, got the value ${quote(args)}`);
  const f = (x as BoolExpr).f;
  return (r) => (f(r) === true ? r : undefined); // FALSE and NULL drop the row (S-where)
}

function fieldList(args: string, command: string): string[] {
  const names = args.split(/[\s,]+/).filter((n) => n !== '');
  if (!names.length) invalid(`${command} needs at least one field`);
  for (const n of names) {
    if (n.includes('*')) unsupported(`${command} with a wildcard field list (${n})`);
    if (!/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(n)) invalid(`${command}: malformed field name ${JSON.stringify(n)}`);
  }
  return names;
}

function compileTable(args: string, ctx: Ctx): RowFn {
  const names = [...new Set(fieldList(args, 'table'))];
  const fields = ctx.fields;
  const reads = names.map((n) => fields.mvReader(n)); // a multivalue is kept as it is
  const slots = names.map((n) => fields.slot(n));
  let shape: TableShape | undefined;
  return (r) => {
    // Made on first use: the slots of the whole query are known by then.
    shape ??= { order: slots, others: fields.names.flatMap((_, i) => (slots.includes(i) ? [] : [i])) };
    // The listed fields are read (from the event if needed) and kept; every other field is now NULL.
    for (const read of reads) read(r);
    const vals = r.vals;
    for (const i of shape.others) vals[i] = undefined;
    r.src = null;
    r.table = shape;
    return r;
  };
}

const SORT_DEFAULT_LIMIT = 10_000;

/** Sort order of two present values: numeric when both are numbers, numbers first, else code points. */
function sortCompare(x: string | number, y: string | number): number {
  const nx = numOf(x);
  const ny = numOf(y);
  if (nx !== undefined && ny !== undefined) return nx < ny ? -1 : nx > ny ? 1 : 0;
  if (nx !== undefined) return -1;
  if (ny !== undefined) return 1;
  return compareStrings(String(x), String(y));
}

function compileSort(args: string, ctx: Ctx): BatchFn {
  let rest = args.trim();
  let limit = SORT_DEFAULT_LIMIT;
  const count = /^([0-9]+)(?:\s+|$)/.exec(rest);
  if (count) {
    limit = Number(count[1]) === 0 ? Infinity : Number(count[1]);
    rest = rest.slice(count[0].length);
  }
  if (/^limit\s*=/.test(rest)) unsupported('sort limit=');
  const keys = rest.split(/\s*,\s*|\s+/).filter((k) => k !== '');
  if (!keys.length) invalid(`sort needs at least one field: ${quote(args)}`);
  const last = keys[keys.length - 1]!;
  if (last === 'd' || last === 'desc') unsupported(`sort ${last} (reverse order keyword)`);
  const specs = keys.map((k) => {
    const m = /^([+-]?)([A-Za-z_][A-Za-z0-9_.:-]*)$/.exec(k);
    if (!m) {
      if (/^[+-]?(?:auto|str|ip|num)\(/.test(k)) return unsupported(`sort ${k.replace(/^[+-]/, '').replace(/\(.*/, '')}()`);
      return invalid(`sort: malformed sort key ${JSON.stringify(k)}`);
    }
    return { desc: m[1] === '-', read: ctx.fields.reader(m[2]!) };
  });
  const n = specs.length;
  return (rows) => {
    const m = rows.length;
    // One column of keys per sort field; a column of numbers only compares by subtraction.
    const cols = specs.map((s) => {
      const col = new Array<V>(m);
      for (let i = 0; i < m; i++) col[i] = s.read(rows[i]!);
      return col;
    });
    const numeric = cols.map((c) => c.every((v) => typeof v === 'number'));
    const desc = specs.map((s) => s.desc);
    const order = new Uint32Array(m);
    for (let i = 0; i < m; i++) order[i] = i;
    order.sort((a, b) => {
      for (let k = 0; k < n; k++) {
        const col = cols[k]!;
        let c: number;
        if (numeric[k]) c = (col[a] as number) - (col[b] as number);
        else {
          const x = col[a];
          const y = col[b];
          if (x === undefined || y === undefined) {
            if (x === y) continue;
            return x === undefined ? 1 : -1; // missing last, in both directions (§1.4)
          }
          c = sortCompare(x, y);
        }
        if (c !== 0) return desc[k] ? -c : c;
      }
      return a - b; // stable
    });
    const kept = Math.min(m, limit);
    const out = new Array<WRow>(kept);
    for (let i = 0; i < kept; i++) out[i] = rows[order[i]!]!;
    return out;
  };
}

/**
 * The arguments of streamstats and eventstats: `<func>(<field>) [AS <name>], … [by <field>, …]`,
 * each function one of `functions`. Options (`name=value`), other functions and eval expressions as
 * arguments are reported as not implemented; a malformed list as invalid.
 */
function statsArguments<F extends string>(
  command: string,
  args: string,
  functions: readonly F[],
  ctx: Ctx,
): { aggs: { fn: F; read: VFn; write: (r: WRow, v: MVal) => void }[]; by: VFn[] } {
  const words = commandWords(args, command);
  const option = (w: Word | undefined) => w !== undefined && !w.quoted && /^[A-Za-z_]+=/.test(w.text);
  let i = 0;
  const aggs: { fn: F; read: VFn; write: (r: WRow, v: MVal) => void }[] = [];
  while (i < words.length && !isKeyword(words[i], 'BY')) {
    const w = words[i]!;
    if (option(w)) return unsupported(`${command} option ${w.text.replace(/=.*/, '=')}`);
    const call = /^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/.exec(w.text);
    if (w.quoted || !call) return /^[A-Za-z_][A-Za-z0-9_]*$/.test(w.text) ? unsupported(`${command} function ${w.text}`) : invalid(`${command}: malformed aggregate ${JSON.stringify(w.text)} in ${quote(args)}`);
    const [, fn, field] = call as unknown as [string, string, string];
    if (!(functions as readonly string[]).includes(fn)) return unsupported(`${command} function ${fn}()`);
    if (!/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(field)) return unsupported(`${command} ${fn}() of ${JSON.stringify(field)} (only a field name)`);
    i++;
    let name = w.text;
    if (isKeyword(words[i], 'AS')) {
      const target = words[i + 1];
      if (target === undefined || isKeyword(target, 'BY') || option(target)) return invalid(`${command}: a field name is missing after ${w.text} AS`);
      name = target.text;
      i += 2;
    }
    aggs.push({ fn: fn as F, read: ctx.fields.reader(field), write: ctx.fields.writer(name) });
  }
  if (!aggs.length) return invalid(`${command} needs an aggregate such as ${functions[0]}(<field>): ${quote(args)}`);
  const by: VFn[] = [];
  if (i < words.length) {
    i++; // BY
    if (i >= words.length) return invalid(`${command}: by without fields in ${quote(args)}`);
    for (; i < words.length; i++) {
      const w = words[i]!;
      if (option(w)) return unsupported(`${command} option ${w.text.replace(/=.*/, '=')}`);
      if (w.quoted || !/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(w.text)) return invalid(`${command}: malformed by field ${JSON.stringify(w.text)}`);
      by.push(ctx.fields.reader(w.text));
    }
  }
  return { aggs, by };
}

/**
 * `streamstats <func>(<field>) [AS <name>], … [by <field>, …]`: for each row in order, each
 * aggregate over the rows so far of the row's group, the row itself included (`current` is true by
 * default). Only `last()` is implemented: the latest non-NULL value of the field in the group, NULL
 * before any [inferred: stats functions aggregate the values present, so a row where the field is
 * NULL leaves last() as it was]. Without `window=`/`time_window=` every earlier row of the group
 * counts [inferred: `window` defaults to 0, all events; the reference's `max_stream_window` note is
 * read as bounding `window=`]. Groups are the by-fields' values as text, case-sensitive [inferred];
 * a row with a NULL by-field is in no group and gets NULL aggregates [inferred]. Options, other
 * functions and eval expressions as arguments are not implemented.
 */
function compileStreamstats(args: string, ctx: Ctx): BatchFn {
  const { aggs, by } = statsArguments('streamstats', args, ['last'], ctx);
  const n = aggs.length;
  return (rows) => {
    const state = new Map<string, V[]>();
    const current = new Array<V>(n);
    for (const r of rows) {
      const key = groupKey(by, r);
      // Every aggregate reads the row as it came in, then all are written.
      for (let k = 0; k < n; k++) current[k] = aggs[k]!.read(r);
      if (key === undefined) {
        for (let k = 0; k < n; k++) aggs[k]!.write(r, undefined);
        continue;
      }
      let last = state.get(key);
      if (!last) state.set(key, (last = new Array<V>(n).fill(undefined)));
      for (let k = 0; k < n; k++) {
        if (current[k] !== undefined) last[k] = current[k];
        aggs[k]!.write(r, last[k]);
      }
    }
    return rows;
  };
}

/** The group of a row: its values of the fields, as text; undefined when one is NULL. */
function groupKey(fields: readonly VFn[], r: WRow): string | undefined {
  if (fields.length === 0) return '';
  const parts: string[] = [];
  for (const f of fields) {
    const v = f(r);
    if (v === undefined) return undefined;
    parts.push(typeof v === 'number' ? String(v) : v);
  }
  return JSON.stringify(parts);
}

/**
 * `dedup f1, f2 …` (Search Reference, dedup [doc]): keeps the first row, in the order the rows
 * arrive, of each combination of the fields' values, and drops every row where one of them is NULL
 * (`keepempty` defaults to false). Values compare as text, case-sensitive [inferred]. A count,
 * `keepevents=`, `keepempty=`, `consecutive=` and `sortby` are not implemented.
 */
function compileDedup(args: string, ctx: Ctx): BatchFn {
  const words = commandWords(args, 'dedup');
  if (words[0] && !words[0].quoted && /^[0-9]+$/.test(words[0].text)) return unsupported(`dedup with a count (dedup ${words[0].text} …)`);
  for (const w of words) {
    if (!w.quoted && /^[A-Za-z_]+=/.test(w.text)) return unsupported(`dedup option ${w.text.replace(/=.*/, '=')}`);
    if (isKeyword(w, 'SORTBY')) return unsupported('dedup sortby');
  }
  const names = fieldList(words.map((w) => w.text).join(' '), 'dedup');
  const reads = names.map((n) => ctx.fields.reader(n));
  return (rows) => {
    const seen = new Set<string>();
    const out: WRow[] = [];
    for (const r of rows) {
      const key = groupKey(reads, r);
      if (key === undefined || seen.has(key)) continue;
      seen.add(key);
      out.push(r);
    }
    return out;
  };
}

/**
 * `eventstats <func>(<field>) [AS <name>], … [by <field>, …]` (Search Reference, eventstats [doc]):
 * each aggregate over every row of the row's group, written to each of those rows, in place (the
 * rows keep their order); only rows that have the field count ("Only those events that have fields
 * pertinent to the aggregation are used"). Functions:
 *
 * - `values(X)` [doc: S-mv "distinct values … as a multivalue entry … lexicographical order"]: the
 *   distinct values of X, as text, in code point order [inferred: "lexicographical" read as byte
 *   order of UTF-8, as compareStrings]; none is NULL, one is that value (a field with one value),
 *   more a multivalue. Distinct is exact text, case-sensitive [inferred].
 * - `max(X)` [doc: "max and min … process values as numbers if possible"]: the largest value, when
 *   every value is a number or a decimal-number string; a non-numeric value is not implemented
 *   (its ordering beside numbers is not pinned down here).
 *
 * Groups are the by-fields' values as text, case-sensitive; a row with a NULL by-field is in no group
 * and gets NULL aggregates [inferred, as for streamstats]. Options (allnum=…), other functions,
 * wildcards, eval expressions as arguments and multivalue input values are not implemented; memory
 * limits are not modelled.
 */
function compileEventstats(args: string, ctx: Ctx): BatchFn {
  const { aggs, by } = statsArguments('eventstats', args, ['values', 'max'], ctx);
  return (rows) => {
    // Every aggregate reads every row before any is written (an aggregate may write a field another reads).
    const keys = rows.map((r) => groupKey(by, r));
    const results = aggs.map((a) => {
      const seen = new Map<string, (string | number)[]>();
      rows.forEach((r, j) => {
        const key = keys[j];
        if (key === undefined) return;
        let values = seen.get(key);
        if (!values) seen.set(key, (values = []));
        const v = a.read(r);
        if (v !== undefined) values.push(v);
      });
      const out = new Map<string, MVal>();
      for (const [key, values] of seen) out.set(key, a.fn === 'values' ? distinctValues(values) : maxValue(values));
      return out;
    });
    rows.forEach((r, j) => {
      const key = keys[j];
      aggs.forEach((a, k) => a.write(r, key === undefined ? undefined : results[k]!.get(key)));
    });
    return rows;
  };
}

/** values(): distinct as text, in code point order; none NULL, one that value, more a multivalue. */
function distinctValues(values: readonly (string | number)[]): MVal {
  const distinct = [...new Set(values.map((v) => (typeof v === 'number' ? String(v) : v)))].sort(compareStrings);
  return distinct.length === 0 ? undefined : distinct.length === 1 ? distinct[0] : distinct;
}

/** max(): the largest number; NULL over no values; a non-numeric value is not implemented. */
function maxValue(values: readonly (string | number)[]): V {
  let best: number | undefined;
  for (const v of values) {
    const n = numOf(v);
    if (n === undefined) return unsupported(`eventstats max() over the non-numeric value ${JSON.stringify(v)}`);
    if (best === undefined || n > best) best = n;
  }
  return best;
}

/**
 * `mvexpand <field>` (Search Reference, mvexpand [doc]): each row becomes one row per value of the
 * field, in the order of the values, where the row was ("a new row is created for each value … The
 * other fields are unchanged": every other field, multivalues too, is copied). A row whose field has
 * one value stays as it is [inferred: a field with one value is a multivalue of one]. A row where
 * the field is NULL is not implemented (the reference does not say whether it is kept or dropped).
 * `limit=` is not implemented; an internal field (`_…`) is an error ("can't be applied to internal
 * fields"). The reference's memory limit (500 MB of expanded results, then truncation with a
 * warning) is not modelled.
 */
function compileMvexpand(args: string, ctx: Ctx): BatchFn {
  const words = commandWords(args, 'mvexpand');
  const opt = words.find((w) => !w.quoted && /^[A-Za-z_]+=/.test(w.text));
  if (opt) return unsupported(`mvexpand option ${opt.text.replace(/=.*/, '=')}`);
  if (words.length !== 1) return invalid(`mvexpand takes one field: ${quote(args)}`);
  const name = words[0]!.text;
  if (!/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(name)) return invalid(`mvexpand: malformed field name ${JSON.stringify(name)}`);
  if (name.startsWith('_')) return invalid(`mvexpand cannot be applied to the internal field ${name} (Search Reference, mvexpand)`);
  const read = ctx.fields.mvReader(name);
  const write = ctx.fields.writer(name);
  return (rows) => {
    const out: WRow[] = [];
    for (const r of rows) {
      const v = read(r);
      if (v === undefined) return unsupported(`mvexpand of a row where ${name} is NULL`);
      if (!Array.isArray(v)) {
        write(r, v); // a field with one value (an array of one is that value)
        out.push(r);
        continue;
      }
      for (const x of v as MV) {
        const copy: WRow = { vals: r.vals.slice(), src: r.src, table: r.table };
        write(copy, x);
        out.push(copy);
      }
    }
    return out;
  };
}

/** The commands a multisearch subsearch may hold here: streaming ones. */
const SUBSEARCH_STREAMING = new Set(['search', 'eval', 'where', 'lookup', 'rename']);
/** Commands the reference does not count as streaming (transforming or dataset processing). */
const NOT_STREAMING = new Set(['sort', 'table', 'stats', 'eventstats', 'transaction', 'timechart', 'chart', 'top', 'rare', 'join', 'append', 'tstats']);

function commandName(text: string): string | undefined {
  return /^\s*([A-Za-z_][A-Za-z0-9_]*)(?=\s|$)/.exec(text)?.[1];
}

function compileCommand(seg: Segment, ctx: Ctx): Stage {
  const t = seg.text.trim();
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?=\s|$)\s*([\s\S]*)$/.exec(t);
  if (!m) return invalid(t === '' ? 'an empty command between two "|"' : `malformed command ${quote(t)}`);
  const [, name, args] = m as unknown as [string, string, string];
  if (name === 'multisearch') return invalid('multisearch is a generating command: it must come first, as "| multisearch [search …] [search …]"');
  if (name === 'tstats') return invalid('tstats is a generating command: it must come first, as "| tstats …"');
  if (name === 'append') return { batch: compileAppend(args, ctx) };
  refuseSubsearch(seg);
  switch (name) {
    case 'search': {
      const p = compileSearch(args, ctx.fields);
      return { stream: (r) => (p(r) ? r : undefined) };
    }
    case 'eval':
      return { stream: compileEvalCommand(args, ctx) };
    case 'where':
      return { stream: compileWhere(args, ctx) };
    case 'lookup':
      return { stream: compileLookupCommand(args, ctx) };
    case 'table':
      return { stream: compileTable(args, ctx) };
    case 'rename':
      return { stream: compileRename(args, ctx) };
    case 'sort':
      return { batch: compileSort(args, ctx) };
    case 'streamstats':
      return { batch: compileStreamstats(args, ctx) };
    case 'dedup':
      return { batch: compileDedup(args, ctx) };
    case 'eventstats':
      return { batch: compileEventstats(args, ctx) };
    case 'mvexpand':
      return { batch: compileMvexpand(args, ctx) };
    default:
      return unsupported(`command ${name}`);
  }
}

/**
 * `| multisearch [search …] [search …] …` (Search Reference, multisearch [doc]): a generating
 * command running at least two subsearches, each `search` then streaming commands only, over the
 * events; its results are all of theirs. Splunk interleaves them as they stream in, in an order the
 * reference does not state: here they come subsearch after subsearch, and a query that needs an
 * order sorts. A subsearch here holds search, eval, where and lookup; a non-streaming command in one
 * is an error (the reference forbids it), any other command is not implemented.
 */
function compileMultisearch(args: string, ctx: Ctx): (rows: readonly Row[], width: number) => WRow[] {
  const subsearches: { base: Pred; steps: RowFn[] }[] = [];
  let i = 0;
  for (;;) {
    while (i < args.length && /\s/.test(args[i]!)) i++;
    if (i >= args.length) break;
    if (args[i] !== '[') return invalid(`multisearch takes subsearches in [ ], got ${quote(args.slice(i, i + 40))}`);
    const close = closingBracket(args, i);
    const inner = args.slice(i + 1, close);
    i = close + 1;
    const segments = splitPipeline(inner);
    const head = segments[0]!;
    if (head.subsearchAt >= 0) return unsupported(`a subsearch inside a multisearch subsearch (${quote(inner.slice(0, 60))})`);
    const first = head.text.trim();
    if (!/^search(?=\s|$)/.test(first)) return first === '' ? invalid(`a multisearch subsearch must start with search: ${quote(inner.slice(0, 60))}`) : unsupported(`a multisearch subsearch without a leading search command (${quote(first.slice(0, 40))})`);
    const base = compileSearch(first.slice(6), ctx.fields);
    const steps: RowFn[] = [];
    for (const seg of segments.slice(1)) {
      const name = commandName(seg.text);
      if (name !== undefined && NOT_STREAMING.has(name)) return invalid(`multisearch allows only streaming commands in its subsearches, not ${name} (Search Reference, multisearch)`);
      if (name === 'multisearch') return invalid('multisearch inside a multisearch subsearch');
      if (name !== undefined && !SUBSEARCH_STREAMING.has(name)) return unsupported(`${name} inside a multisearch subsearch`);
      const stage = compileCommand(seg, ctx);
      if (!('stream' in stage)) return invalid(`multisearch allows only streaming commands in its subsearches: ${quote(seg.text)}`);
      steps.push(stage.stream);
    }
    subsearches.push({ base, steps });
  }
  if (subsearches.length < 2) return invalid(`multisearch needs at least two subsearches, got ${subsearches.length} (Search Reference, multisearch)`);
  return (rows, width) => {
    const out: WRow[] = [];
    for (const { base, steps } of subsearches) {
      const n = steps.length;
      for (const src of rows) {
        let r: WRow | undefined = { vals: new Array<unknown>(width).fill(UNREAD), src, table: null };
        if (!base(r)) continue;
        for (let k = 0; k < n && r !== undefined; k++) r = steps[k]!(r);
        if (r !== undefined) out.push(r);
      }
    }
    return out;
  };
}

/** The index of the `]` closing the `[` at `open` (strings skipped; brackets balanced). */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (const [c, i] of outsideStrings(text, open)) {
    if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return invalid(`unclosed subsearch "[" in ${quote(text.slice(open, open + 60))}`);
}

// ---------------------------------------------------------------------------------------------
// Data models: tstats, rename, append

/** A tstats option value: quoted (`\\` → `\`, `\"` → `"`) or a bare word. */
function optionValue(raw: string): string {
  return raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
}

const TRUE_WORDS = /^(?:1|t|true)$/i;
const FALSE_WORDS = /^(?:0|f|false)$/i;
const SPAN = /^([1-9][0-9]*)(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days)$/;
const SPAN_UNIT: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * `| tstats [summariesonly=<bool>] [allow_old_summaries=<bool>] [fillnull_value=<string>] count
 * [AS <name>] from datamodel=<Model>.<Dataset> by <field> … [_time span=<n><unit>]` (Search
 * Reference, tstats [doc]; semantics.md §1.4 S-tstats), over data-model rows (rows.ts: DATASET_KEY
 * names the dataset a row belongs to; its fields carry the dataset prefix, `Processes.process`):
 *
 * - `from datamodel=<dataset>` reads the rows of that dataset (the name compared exactly) [doc];
 * - the rows are grouped by the values of the by-fields, compared as text, case-sensitively
 *   [inferred: stats groups so]; `_time` with `span=` is first floored to the start of its span
 *   (`span=1s`: the second) [doc: span buckets _time]; a by-field `_time` needs `span=` here
 *   (without it tstats picks a span from the time range: not implemented);
 * - a by-field a row lacks (NULL) is `fillnull_value` when it is set [doc: the option "sets a
 *   user-specified value that the tstats command substitutes for null values for any field within
 *   its group-by field list"]; without it such a row is in no group [inferred, semantics.md §1.4:
 *   rows whose BY field is NULL are not grouped];
 * - each group is one result: its by-field values (as text; `_time` a number) and `count`, the
 *   number of its rows [doc]. Results come sorted by the by-fields in order, numbers numerically,
 *   text by code point [inferred: stats orders its results by the by-fields];
 * - `summariesonly` and `allow_old_summaries` take booleans and change nothing here: every row is in
 *   a complete, current summary (the data model is accelerated) [model].
 *
 * Other options (prestats, append, local, chunk_size…), other functions, `where`, a by-clause
 * without fields, `PREFIX()` and multivalue fields are not implemented.
 */
function compileTstats(args: string): (rows: readonly Row[], width: number) => WRow[] {
  let rest = args.trim();
  let fillnull: string | undefined;
  for (;;) {
    const opt = /^([A-Za-z_]+)=("(?:[^"\\]|\\.)*"|[^\s"]+)(?=\s|$)\s*/.exec(rest);
    if (!opt) break;
    const [whole, name, raw] = opt as unknown as [string, string, string];
    const value = optionValue(raw);
    if (name === 'fillnull_value') fillnull = value;
    else if (name === 'summariesonly' || name === 'allow_old_summaries') {
      if (!TRUE_WORDS.test(value) && !FALSE_WORDS.test(value)) return invalid(`tstats ${name}= takes a boolean, got ${JSON.stringify(value)}`);
    } else return unsupported(`tstats option ${name}=`);
    rest = rest.slice(whole.length);
  }
  const fn = /^([A-Za-z_][A-Za-z0-9_]*)(\([^)]*\))?(?:\s+(?:AS|as)\s+([A-Za-z_][A-Za-z0-9_]*))?(?=\s|$)\s*/.exec(rest);
  if (!fn) return invalid(`tstats needs a statistical function such as count: ${quote(args)}`);
  if (fn[1] !== 'count' || fn[2] !== undefined) return unsupported(`tstats function ${fn[1]}${fn[2] ?? ''}`);
  const countAs = fn[3] ?? 'count';
  rest = rest.slice(fn[0].length);
  const from = /^(?:FROM|from)\s+datamodel=("?)([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\1(?=\s|$)\s*/.exec(rest);
  if (!from) return /^(?:FROM|from)\s/.test(rest) ? unsupported(`tstats ${quote(rest.slice(0, 60))} (only from datamodel=<Model>.<Dataset>)`) : unsupported(`tstats without from datamodel= (${quote(rest.slice(0, 60))})`);
  const dataset = from[2]!;
  if (dataset.split('.').length !== 2) return unsupported(`tstats from datamodel=${dataset} (a child dataset; only <Model>.<Dataset>)`);
  rest = rest.slice(from[0].length);
  if (/^(?:WHERE|where)(?=\s|$)/.test(rest)) return unsupported('tstats where');
  const by = /^(?:BY|by)\s+/.exec(rest);
  if (!by) return rest === '' ? unsupported('tstats without by') : invalid(`tstats: unexpected ${quote(rest.slice(0, 40))}`);
  const words = rest.slice(by[0].length).split(/[\s,]+/).filter((w) => w !== '');
  let span: number | undefined;
  const spanWord = words.length ? /^span=(.*)$/.exec(words[words.length - 1]!) : null;
  if (spanWord) {
    const m = SPAN.exec(spanWord[1]!);
    if (!m) return unsupported(`tstats span=${spanWord[1]}`);
    span = Number(m[1]) * SPAN_UNIT[m[2]![0]!]!;
    words.pop();
  }
  if (!words.length) return invalid(`tstats by needs at least one field: ${quote(args)}`);
  for (const w of words) {
    if (/^PREFIX\(/i.test(w)) return unsupported(`tstats ${w}`);
    if (w.includes('=')) return invalid(`tstats: ${JSON.stringify(w)} in the by-clause (span= comes last)`);
    if (!/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(w)) return invalid(`tstats: malformed by-field ${JSON.stringify(w)}`);
  }
  const byFields = [...new Set(words)];
  const timeAt = byFields.indexOf('_time');
  if (timeAt >= 0 && span === undefined) return unsupported('tstats by _time without span=');
  if (timeAt < 0 && span !== undefined) return invalid('tstats span= without _time among the by-fields');
  if (byFields.includes(countAs)) return invalid(`tstats: ${countAs} is both a by-field and the count`);
  const own = (row: Row, k: string): unknown => (Object.hasOwn(row, k) ? row[k] : undefined);

  return (rows, width) => {
    const groups = new Map<string, { values: (string | number)[]; count: number }>();
    for (const row of rows) {
      if (own(row, DATASET_KEY) !== dataset) continue;
      const values: (string | number)[] = [];
      let dropped = false;
      for (let i = 0; i < byFields.length; i++) {
        const v = own(row, byFields[i]!);
        if (Array.isArray(v)) return unsupported(`multivalue field ${byFields[i]} in tstats`);
        if (i === timeAt) {
          const t = numOf(v as V);
          if (t === undefined) {
            dropped = true;
            break;
          }
          values.push(Math.floor(t / span!) * span!);
        } else if (v === undefined || v === null) {
          if (fillnull === undefined) {
            dropped = true;
            break;
          }
          values.push(fillnull);
        } else if (typeof v === 'string' || typeof v === 'number') values.push(String(v));
        else return badValue(byFields[i]!, v);
      }
      if (dropped) continue;
      const key = JSON.stringify(values);
      const g = groups.get(key);
      if (g) g.count++;
      else groups.set(key, { values, count: 1 });
    }
    const sorted = [...groups.values()].sort((a, b) => {
      for (let i = 0; i < byFields.length; i++) {
        const x = a.values[i]!;
        const y = b.values[i]!;
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : compareStrings(String(x), String(y));
        if (c !== 0) return c;
      }
      return 0;
    });
    return sorted.map((g) => {
      const src: Record<string, unknown> = {};
      byFields.forEach((f, i) => put(src, f, g.values[i]));
      put(src, countAs, g.count);
      return { vals: new Array<unknown>(width).fill(UNREAD), src, table: null };
    });
  };
}

/**
 * `rename <field> AS <field>, …` (Search Reference, rename [doc]): a streaming command; the pairs
 * run left to right, each moving the value to the new name and leaving the old one NULL. A field
 * that is NULL leaves the new name NULL too (an existing value there is lost) [inferred]. Names may
 * be double-quoted; wildcards (`Processes.* AS *`) are not implemented.
 */
function compileRename(args: string, ctx: Ctx): RowFn {
  const words = commandWords(args, 'rename');
  if (!words.length) return invalid('rename needs <field> AS <field>');
  const moves: { read: VFn; clear: ((r: WRow, v: V) => void) | undefined; write: (r: WRow, v: V) => void }[] = [];
  for (let i = 0; i < words.length; i += 3) {
    const from = words[i]!.text;
    const to = words[i + 2];
    if (!isKeyword(words[i + 1], 'AS') || to === undefined || isKeyword(to, 'AS')) return invalid(`rename: expected <field> AS <field> at ${JSON.stringify(from)} in ${quote(args)}`);
    if (from.includes('*') || to.text.includes('*')) return unsupported(`rename with wildcards (${from} AS ${to.text})`);
    moves.push({ read: ctx.fields.reader(from), clear: from === to.text ? undefined : ctx.fields.writer(from), write: ctx.fields.writer(to.text) });
  }
  return (r) => {
    for (const m of moves) {
      const v = m.read(r);
      m.clear?.(r, undefined);
      m.write(r, v);
    }
    return r;
  };
}

/** What a subsearch returns at most by default (Search Reference, append [doc]). */
export const SUBSEARCH_MAX_RESULTS = 10_000;

/**
 * `append [ <subsearch> ]` (Search Reference, append [doc]): runs the subsearch, which starts with
 * a generating command (`search`, `| tstats`, `| multisearch` here), over the same events, and adds
 * its results after the current ones, at most SUBSEARCH_MAX_RESULTS of them ("By default,
 * subsearches return a maximum of 10,000 results"). A subsearch's macros are already expanded (they
 * are part of the query's text). Options (extendtimerange=, maxtime=, maxout=) are not implemented.
 */
function compileAppend(args: string, ctx: Ctx): BatchFn {
  const text = args.trim();
  if (!text.startsWith('[')) return /^[A-Za-z_]+=/.test(text) ? unsupported(`append option ${text.replace(/=[\s\S]*/, '=')}`) : invalid(`append takes a subsearch in [ ], got ${quote(text.slice(0, 40))}`);
  const close = closingBracket(text, 0);
  if (text.slice(close + 1).trim() !== '') return invalid(`append: unexpected ${quote(text.slice(close + 1, close + 41))} after its subsearch`);
  const sub = compileText(text.slice(1, close), ctx.lookups);
  const names = ctx.fields.names;
  return (rows, input) => {
    const found = sub.run(input);
    const n = Math.min(found.length, SUBSEARCH_MAX_RESULTS);
    const out = rows.slice();
    for (let i = 0; i < n; i++) out.push({ vals: new Array<unknown>(names.length).fill(UNREAD), src: materialize(found[i]!, sub.names), table: null });
    return out;
  };
}

// ---------------------------------------------------------------------------------------------
// Query

/** The TargetResult of an output row; `sigSlots` are the slots of the query's `sig_*` fields. */
function resultOf(w: WRow, names: readonly string[], sigs: readonly (readonly [number, string])[]): TargetResult {
  const row = materialize(w, names);
  const signals: Record<string, boolean> = {};
  // `== 1`: a flag holds when it is the number 1 (or its text). After `table`, only the query's own
  // fields exist; before it, the event may carry sig_* fields of its own.
  if (w.src === null) {
    for (const [i, id] of sigs) {
      const v = w.vals[i];
      if (v !== undefined && v !== null && v !== UNREAD) signals[id] = v == 1;
    }
  } else for (const k of Object.keys(row)) if (k.startsWith('sig_')) signals[k.slice(4)] = row[k] == 1;
  const tier = row.risk_tier;
  const action = row.risk_action;
  return {
    row,
    tier: tier === undefined || tier === null ? null : String(tier),
    action: action === undefined || action === null ? null : String(action),
    score: Number(row.risk_score),
    signals,
  };
}

/** A query parsed once: `run` gives its output rows (before they become plain objects). */
interface Pipeline {
  /** The query's field names by slot (complete once the query is compiled). */
  readonly names: readonly string[];
  readonly assignments: readonly Assignment[];
  run(rows: readonly Row[]): WRow[];
}

/**
 * Parse a query's text: comments, macros, commands. Its first command is the implicit search, or
 * `| search …`, or a generating `| multisearch [search …] …` or `| tstats …`; streaming commands in
 * a row run as one loop over the rows, and sort, streamstats, dedup and append over all of them.
 */
function compilePipeline(text: string, macros: MacroTable, lookups: LookupTable): Pipeline {
  return compileText(expandMacros(stripComments(text), macros), lookups);
}

/** A query (or an append subsearch) whose comments and macros are already expanded. */
function compileText(expanded: string, lookups: LookupTable): Pipeline {
  const segments = splitPipeline(expanded);
  const ctx: Ctx = { fields: new Fields(), assignments: [], lookups };
  const stages: Stage[] = [];
  let generate: ((rows: readonly Row[], width: number) => WRow[]) | undefined;
  let rest = segments.slice(1);
  const head = segments[0]!;
  const first = head.text.trim();
  if (first === '') {
    // A query starting with "|": its first command must generate results: search, multisearch or tstats here.
    const cmd = segments[1];
    const name = cmd ? commandName(cmd.text) : undefined;
    if (name === 'multisearch') {
      generate = compileMultisearch(cmd!.text.trim().slice('multisearch'.length), ctx);
      rest = segments.slice(2);
    } else if (name === 'tstats') {
      refuseSubsearch(cmd!);
      generate = compileTstats(cmd!.text.trim().slice('tstats'.length));
      rest = segments.slice(2);
    } else if (name !== 'search') return name ? unsupported(`command ${name}`) : invalid('empty query');
  } else {
    refuseSubsearch(head);
    const base = compileSearch(/^search(?=\s|$)/.test(first) ? first.slice(6) : first, ctx.fields);
    stages.push({ stream: (r) => (base(r) ? r : undefined) });
  }
  for (const seg of rest) stages.push(compileCommand(seg, ctx));

  // Consecutive streaming commands run as one loop over the rows.
  const runners: BatchFn[] = [];
  let fns: RowFn[] | undefined;
  for (const st of stages) {
    if ('stream' in st) {
      if (!fns) {
        const group: RowFn[] = (fns = []);
        runners.push((rows) => {
          const out: WRow[] = [];
          const n = group.length;
          for (const input of rows) {
            let r: WRow | undefined = input;
            for (let i = 0; i < n && r !== undefined; i++) r = group[i]!(r);
            if (r !== undefined) out.push(r);
          }
          return out;
        });
      }
      fns.push(st.stream);
    } else {
      fns = undefined;
      runners.push(st.batch);
    }
  }
  const names = ctx.fields.names;
  return {
    names,
    assignments: ctx.assignments,
    run(rows) {
      const width = names.length;
      let current: WRow[] = generate ? generate(rows, width) : rows.map((src) => ({ vals: new Array<unknown>(width).fill(UNREAD), src, table: null }));
      for (const run of runners) current = run(current, rows);
      return current;
    },
  };
}

/**
 * Parse one SPL query (with its macros) into an executable form. `macros` maps a macro name to its
 * definition; a test overrides a `_filter` macro by passing its own entry. `lookups` holds the lookup
 * definitions the `lookup` command may name (lookup.ts `lookupsFromShared`).
 */
export function compileSpl(text: string, macros: MacroTable = new Map(), lookups: LookupTable = new Map()): CompiledQuery {
  const q = compilePipeline(text, macros, lookups);
  const names = q.names;
  const sigSlots = names.flatMap((n, i) => (n.startsWith('sig_') ? [[i, n.slice(4)] as const] : []));
  const signalTexts = new Map<string, string>();
  for (const a of q.assignments) if (a.name.startsWith('sig_') && !signalTexts.has(a.name)) signalTexts.set(a.name, a.text);

  return {
    run(rows: readonly Row[]): TargetResult[] {
      const current = q.run(rows);
      const out = new Array<TargetResult>(current.length);
      for (let i = 0; i < current.length; i++) out[i] = resultOf(current[i]!, names, sigSlots);
      return out;
    },
    signalExpression(signalId: string): string | undefined {
      return signalTexts.get(`sig_${signalId}`);
    },
  };
}

/** The prefix of the result fields holding a chain's group: `t1612_key_<canonical field>`. */
export const GROUP_KEY_PREFIX = 't1612_key_';

/**
 * A correlation result row in the model's terms, read by name: `t1612_key_<Field>` is the group's
 * value of canonical field <Field>, `chain_start` and `chain_end` the chain's first and last stage
 * times (epoch seconds). A row without them is not a correlation result: an error, never a guess.
 */
function chainOf(row: Readonly<Record<string, unknown>>): ChainResult {
  const group: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) if (k.startsWith(GROUP_KEY_PREFIX) && k.length > GROUP_KEY_PREFIX.length) group[k.slice(GROUP_KEY_PREFIX.length)] = String(v);
  const start = numOf(row.chain_start as V);
  const end = numOf(row.chain_end as V);
  if (!Object.keys(group).length || start === undefined || end === undefined)
    throw new SplQueryError(`a correlation result needs ${GROUP_KEY_PREFIX}<field>, chain_start and chain_end (numbers), got ${JSON.stringify(row)}`);
  return { group, start, end };
}

/** Parse an emitted correlation query (`| multisearch …`, or `| tstats … | append [ … ]`) once; `run` reads its results back as chains. */
export function compileSplCorrelation(text: string, macros: MacroTable = new Map(), lookups: LookupTable = new Map()): CompiledCorrelation {
  const q = compilePipeline(text, macros, lookups);
  return {
    run(rows: readonly StreamRow[]): ChainResult[] {
      // The index holds every event; each stage search selects its own log source by its base search.
      const out = q.run(rows.map((r) => r.row));
      return sortChains(out.map((w) => chainOf(materialize(w, q.names))));
    },
  };
}

export const splEvaluator: QueryEvaluator<SplProfile> = {
  target: 'spl',
  toRow: splRow,
  compile(query: EmittedFile, shared: readonly EmittedFile[], _profile: ProfileView<SplProfile>): CompiledQuery {
    return compileSpl(query.content, macrosFromShared(shared), lookupsFromShared(shared));
  },
  compileCorrelation(query: EmittedFile, shared: readonly EmittedFile[], _profile: SplProfile): CompiledCorrelation {
    return compileSplCorrelation(query.content, macrosFromShared(shared), lookupsFromShared(shared));
  },
};
