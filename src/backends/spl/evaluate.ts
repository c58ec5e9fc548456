/**
 * The SPL evaluator: executes **the emitted SPL text** (a `.spl` query plus the profile's
 * `macros.conf`) over Splunk events (rows.ts), following ../shared/reference/semantics.md §1. It
 * never reads the IR. Each query is parsed once into closures; `run` only calls them.
 *
 * What it reads, in order:
 *
 * 1. ``` comments ``` are removed (each is replaced by one space).
 * 2. Macros `` `name` `` are expanded from the macro table (the `macros.conf` among the shared files,
 *    or a map given to `compileSpl`, which is how a test overrides a `_filter` macro), recursively,
 *    verbatim, anywhere in the text (Splunk expands them even inside quotes). An undefined macro, a
 *    cycle or nesting deeper than MAX_MACRO_DEPTH is an error naming it; a macro with arguments or an
 *    `iseval = 1` macro is not implemented.
 * 3. The text is split into commands on `|` outside double-quoted strings. A `[` outside quotes (a
 *    subsearch) is not implemented. The first command is the implicit `search` (a leading
 *    `search` keyword is allowed); a query starting with `|` must start with `| search`.
 * 4. Commands: `search`, `eval`, `where`, `table`, `sort`. Any other command, eval function,
 *    operator, search construct or regex construct throws `UnsupportedConstruct('spl', <name>)`.
 *    Text that is not valid SPL throws `SplQueryError`. It never guesses.
 *
 * ## The data model (§1.5)
 * An event is a map field → string | number. **An absent key (or `undefined`/`null`) is NULL**;
 * `""` is a value. A multivalue (array) or any other kind of value is not implemented. Field names
 * are case-sensitive.
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
 *   decimal number, else the result is NULL [inferred: Splunk's operator docs say comparisons take
 *   "two numbers or two strings"; the mixed case is not documented]. `=` and `==` are the same.
 * - Arithmetic: `+` adds two numbers and concatenates two strings; `-`, `*`, `/` need numbers. A
 *   string that is a decimal number counts as a number; a NULL operand, a non-numeric operand or a
 *   division by zero make the expression NULL (S-eval: an expression that "cannot be evaluated
 *   successfully" erases the result field). `.` concatenates (numbers as their decimal text).
 * - String literals: double quotes; `\\` → `\`, `\"` → `"`, `\t` → TAB, any other backslash
 *   sequence kept as written (§1.2, S-expr). Field names: bare `[A-Za-z_][A-Za-z0-9_]*` or
 *   single-quoted. Numbers: decimal.
 * - Functions (lower-case names): `if`, `case` (no TRUE condition → NULL), `match` (PCRE via
 *   pcreToJs, unanchored, case-sensitive unless `(?i)`; the regex must be a string literal),
 *   `like` (`%` any run, `_` one character, whole value, case-sensitive [inferred, §1.1]; the
 *   pattern must be a string literal), `coalesce` (first non-NULL; `""` is not NULL), `lower`
 *   (ASCII letters [inferred, as for search]; NULL → NULL; numbers unchanged), `isnull`,
 *   `isnotnull`, `in(F, v…)` and `F in(v…)` (equality with each value, no wildcards), `true()`,
 *   `false()`, `null()`. Any other function is UnsupportedConstruct.
 *
 * ## Commands
 * - `eval a=expr, b=expr`: assignments in order, each seeing the ones before it; a NULL result
 *   erases the field (S-eval).
 * - `where expr`: keeps rows whose expression is TRUE.
 * - `table f1, f2 …`: a new row with only those fields, in that order; a NULL field is left out.
 * - `sort [N] [+|-]f, …`: `-` descending, `+` or none ascending; stable. Without N it keeps the first
 *   10,000 results, `sort 0` keeps all, `sort N` the first N (S-sort). Values sort numerically when
 *   both are numbers or decimal-number strings, else as strings in code point order, numbers before
 *   strings [inferred: S-sort "If the field takes on numeric values, the collating sequence is
 *   numeric … otherwise lexicographic"]. Rows missing the field sort last in both directions (§1.4:
 *   "smallest (desc) / largest (asc)").
 * - `search <terms>`: as the base search, on the current rows.
 */
import type { ProfileView } from '../types.js';
import { UnsupportedConstruct, type CompiledQuery, type QueryEvaluator, type Row, type TargetResult } from '../evaluation.js';
import { pcreToJs } from '../pcre.js';
import type { EmittedFile } from '../types.js';
import { parseConf } from './conf.js';
import type { SplProfile } from './profiles.js';
import { splRow } from './rows.js';

/** The text is not valid SPL (as opposed to valid SPL this evaluator does not implement). */
export class SplQueryError extends Error {
  constructor(message: string) {
    super(`spl: ${message}`);
    this.name = 'SplQueryError';
  }
}

const unsupported = (what: string): never => {
  throw new UnsupportedConstruct('spl', what);
};
const invalid = (what: string): never => {
  throw new SplQueryError(what);
};

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
/** A boolean inside an expression: `null` is NULL. */
type B = boolean | null;
type VFn = (r: WRow) => V;
type BFn = (r: WRow) => B;

function badValue(field: string, v: unknown): never {
  return unsupported(Array.isArray(v) ? `multivalue field ${field}` : `a ${typeof v} value in field ${field}`);
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
      return badValue(name, v);
    };
  }

  /** Sets a field; `undefined` erases it (NULL). */
  writer(name: string): (w: WRow, v: V) => void {
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
}

function splitPipeline(text: string): Segment[] {
  const parts: Segment[] = [];
  let start = 0;
  let inQuote = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
      continue;
    }
    if (c === '"') inQuote = true;
    else if (c === '[') unsupported(`subsearch [ … ] (${quote(text.slice(i, i + 40))})`);
    else if (c === '|') {
      parts.push({ text: text.slice(start, i) });
      start = i + 1;
    }
  }
  if (inQuote) invalid(`unterminated string literal in ${quote(text.slice(-120))}`);
  parts.push({ text: text.slice(start) });
  return parts;
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

function likeRegex(pattern: string): RegExp {
  let src = '';
  for (const ch of pattern) src += ch === '%' ? '[^]*' : ch === '_' ? '[^]' : ch.replace(/[\^$\\.*+?()[\]{}|/-]/g, (c) => `\\${c}`);
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
        return { t: 'v', f: this.fields.reader(t.v), s: t.s, e: t.e };
      case 'id': {
        const callee = this.toks[this.p + 1];
        if (callee?.k === 'op' && callee.v === '(') return this.parseCall();
        if (KEYWORDS.has(t.v)) return this.unexpected(`expected a value`);
        this.next();
        return { t: 'v', f: this.fields.reader(t.v), s: t.s, e: t.e };
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
        const fs = args.map((a, i) => this.asValue(a, `argument ${i + 1} of coalesce()`).f);
        return { t: 'v', f: (r) => {
          for (const f of fs) {
            const v = f(r);
            if (v !== undefined) return v; // "" is a value, not NULL (§1.1)
          }
          return undefined;
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

const FUNCTIONS = new Set(['if', 'case', 'match', 'like', 'coalesce', 'lower', 'isnull', 'isnotnull', 'in', 'true', 'false', 'null']);

// ---------------------------------------------------------------------------------------------
// Commands

/** A streaming command: the row to pass on (possibly a new one), or undefined to drop it. */
type RowFn = (r: WRow) => WRow | undefined;
type BatchFn = (rows: WRow[]) => WRow[];
type Stage = { readonly stream: RowFn } | { readonly batch: BatchFn };

interface Assignment {
  readonly name: string;
  readonly text: string;
}

interface Ctx {
  readonly fields: Fields;
  readonly assignments: Assignment[];
}

function compileEvalCommand(args: string, ctx: Ctx): RowFn {
  if (args.trim() === '') invalid('eval needs at least one assignment');
  const p = new EvalParser(args, ctx.fields);
  const steps: { read: VFn; write: (r: WRow, v: V) => void }[] = [];
  for (;;) {
    const target = p.next();
    if (target.k !== 'id' && target.k !== 'qf') invalid(`eval: expected a field name, got ${quote(args.slice(target.s, target.e + 20) || 'nothing')} in ${quote(args)}`);
    const eq = p.next();
    if (eq.k !== 'op' || eq.v !== '=') invalid(`eval: expected "=" after ${target.v} in ${quote(args)}`);
    const x = p.parseExpr();
    const text = args.slice(target.s, x.e);
    if (x.t === 'b') invalid(`eval ${target.v}: the result of an eval expression cannot be a Boolean (semantics.md §1.1, S-eval); use if(<condition>, 1, 0): ${quote(text)}`);
    steps.push({ read: (x as ValueExpr).f, write: ctx.fields.writer(target.v) });
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
  const reads = names.map((n) => fields.reader(n));
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

function compileCommand(text: string, ctx: Ctx): Stage {
  const t = text.trim();
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?=\s|$)\s*([\s\S]*)$/.exec(t);
  if (!m) return invalid(t === '' ? 'an empty command between two "|"' : `malformed command ${quote(t)}`);
  const [, name, args] = m as unknown as [string, string, string];
  switch (name) {
    case 'search': {
      const p = compileSearch(args, ctx.fields);
      return { stream: (r) => (p(r) ? r : undefined) };
    }
    case 'eval':
      return { stream: compileEvalCommand(args, ctx) };
    case 'where':
      return { stream: compileWhere(args, ctx) };
    case 'table':
      return { stream: compileTable(args, ctx) };
    case 'sort':
      return { batch: compileSort(args, ctx) };
    default:
      return unsupported(`command ${name}`);
  }
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

/**
 * Parse one SPL query (with its macros) into an executable form. `macros` maps a macro name to its
 * definition; a test overrides a `_filter` macro by passing its own entry.
 */
export function compileSpl(text: string, macros: MacroTable = new Map()): CompiledQuery {
  const expanded = expandMacros(stripComments(text), macros);
  const segments = splitPipeline(expanded);
  const ctx: Ctx = { fields: new Fields(), assignments: [] };
  const stages: Stage[] = [];
  const first = segments[0]!.text.trim();
  if (first === '') {
    // A query starting with "|": its first command must generate results; only search does here.
    const cmd = segments[1]?.text.trim() ?? '';
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(cmd)?.[0];
    if (name !== 'search') return name ? unsupported(`command ${name}`) : invalid('empty query');
  } else {
    const base = compileSearch(/^search(?=\s|$)/.test(first) ? first.slice(6) : first, ctx.fields);
    stages.push({ stream: (r) => (base(r) ? r : undefined) });
  }
  for (const seg of segments.slice(1)) stages.push(compileCommand(seg.text, ctx));

  // Consecutive streaming commands run as one loop over the rows.
  const runners: ((rows: WRow[]) => WRow[])[] = [];
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
  const sigSlots = names.flatMap((n, i) => (n.startsWith('sig_') ? [[i, n.slice(4)] as const] : []));
  const signalTexts = new Map<string, string>();
  for (const a of ctx.assignments) if (a.name.startsWith('sig_') && !signalTexts.has(a.name)) signalTexts.set(a.name, a.text);

  return {
    run(rows: readonly Row[]): TargetResult[] {
      const width = names.length;
      let current: WRow[] = rows.map((src) => ({ vals: new Array<unknown>(width).fill(UNREAD), src, table: null }));
      for (const run of runners) current = run(current);
      const out = new Array<TargetResult>(current.length);
      for (let i = 0; i < current.length; i++) out[i] = resultOf(current[i]!, names, sigSlots);
      return out;
    },
    signalExpression(signalId: string): string | undefined {
      return signalTexts.get(`sig_${signalId}`);
    },
  };
}

export const splEvaluator: QueryEvaluator<SplProfile> = {
  target: 'spl',
  toRow: splRow,
  compile(query: EmittedFile, shared: readonly EmittedFile[], _profile: ProfileView<SplProfile>): CompiledQuery {
    return compileSpl(query.content, macrosFromShared(shared));
  },
};
