/**
 * The Sigma evaluator: reads an emitted Sigma file (one YAML document per verdict tier, each a Sigma
 * rule with the custom attribute `t1612: {rule, tier, action}`) and runs its detections over Sigma
 * taxonomy log records (rows.ts). It implements semantics.md §3.1–§3.3 and nothing else; whatever it
 * meets outside that (a modifier such as `|windash`, keyword searches, a correlation document in a
 * rule's file, `|` aggregations in a condition, …) raises UnsupportedConstruct naming it. It never
 * reads the IR. A correlation's file (base rules and one `temporal_ordered` correlation, §3.5) is read
 * by `compileCorrelation`; temporal.ts states the chain meaning it implements.
 *
 * Each document is compiled once into closures; a selection used by several documents of the file
 * (the tiers of one rule share them) is evaluated at most once per row (a per-row memo).
 *
 * The model it implements:
 *
 * - A field is **present** when the record has the key with a value other than `undefined`; `null`
 *   counts as present (§3.1 `|exists`: "empty or null count as present"). rows.ts never writes null
 *   or `""`: an absent canonical value is a missing key.
 * - **Plain values** (§3.1, G-rules) are whole-value, case-insensitive string matches with `*` (any
 *   run, also empty) and `?` (exactly one character: one code point) wildcards. Escapes: `\` before
 *   `*`, `?` or `\` makes that character literal; `\` before any other character, or at the end, is a
 *   literal backslash (so `\\*` = backslash + wildcard, `\\\*` = backslash + literal star, and three
 *   or four backslashes are two backslashes). A missing or null field matches no string value, `''`
 *   included. A number in the rule is the string of its decimal form (pySigma's SigmaNumber is written
 *   by backends as its str(); semantics.md §3.1 "treated as strings"), so `2375` matches the text
 *   "2375" and not "02375", "2375.0" or " 2375"; numbers and booleans in the record are matched as
 *   their text. A number with `|contains`/`|startswith`/`|endswith` is refused.
 * - **Case-insensitivity** folds ASCII letters only (`A`–`Z` ↔ `a`–`z`), exactly like the IR's
 *   `asciiLower` (src/ir/evaluate.ts): the project's documented model, because engines fold
 *   non-ASCII letters (and `K`/`ſ`) differently, and the checks keep non-ASCII letters out of
 *   case-insensitive values. `|cased` turns folding off.
 * - `|contains` / `|startswith` / `|endswith` add `*` around / after / before the value (§3.2; an
 *   existing `*` makes the added one redundant, so adding it always is the same).
 * - **Lists** of values are OR, `|all` makes them AND (a single value with `|all` is refused, as the
 *   spec does not allow it); a **map** is the AND of its items; a **list of maps** is their OR.
 * - `Field: null` holds when the field is missing or null (§3.1: `null` is the null value; pySigma's
 *   Splunk output `NOT field=*` holds for both; the taxonomy record writes "no value" as a missing
 *   key). It does not hold for `""` (that is `Field: ''`). `null` inside a value list is refused.
 * - `|exists: true|false` tests presence only (§3.1, G-mod).
 * - `|re` is PCRE (pcreToJs), unanchored, case-sensitive unless `|i`; `|m` and `|s` set multiline and
 *   dot-all (§3.2). A missing or null field matches no regex.
 * - `|cidr` takes IPv4 or IPv6 networks, strict like pySigma's `ip_network(strict)`: host bits set,
 *   a malformed network or a netmask instead of a prefix length is refused. A field value that is not
 *   an address of the same family does not match: an IPv4 network holds IPv4 addresses only and an
 *   IPv6 network IPv6 only (`::ffff:10.0.0.1` is IPv6), as Python's `ipaddress` (which pySigma uses)
 *   and src/ir/ip.ts read them; addresses are read as src/ir/ip.ts states (no leading zeros in an
 *   octet, no zone id), by this file's own parser so that the two readings check each other.
 * - **Conditions** (§3.3): identifiers, `and`, `or`, `not`, parentheses, `1 of P`, `any of P`,
 *   `all of P`, `1 of them`, `all of them`; precedence or < and < not < x-of < ( ). Keywords are
 *   lower-case. `P` matches identifiers in full with `*` as any run. `them` and patterns leave out
 *   identifiers starting with `_` (the spec: "Same as 1/all of them, but restricted to matching search
 *   identifiers"; pySigma's `ConditionSelector` does the same). A condition list is the OR of its
 *   conditions.
 */
import type { ProfileView } from '../types.js';
import { signalSelectionPrefix } from './condition.js';
import yaml from 'js-yaml';
import type { CompiledCorrelation, CompiledQuery, QueryEvaluator, Row, StreamRow, TargetResult } from '../evaluation.js';
import { sortChains, type ChainResult } from '../../ir/correlation.js';
import { UnsupportedConstruct } from '../evaluation.js';
import type { EmittedFile } from '../types.js';
import { pcreToJs } from '../pcre.js';
import type { SigmaProfile } from './profiles.js';
import { sigmaRow } from './rows.js';
import { temporalOrderedChains, type StageEvent } from './temporal.js';
import { inNetwork, parseIp, parseNetwork } from '../../ir/ip.js';

/** The Sigma text is not valid Sigma (as opposed to valid Sigma this evaluator does not implement). */
export class SigmaRuleError extends Error {
  constructor(message: string) {
    super(`sigma: ${message}`);
    this.name = 'SigmaRuleError';
  }
}

const unsupported = (what: string): never => {
  throw new UnsupportedConstruct('sigma', what);
};
const invalid = (what: string): never => {
  throw new SigmaRuleError(what);
};

type Pred = (row: Row) => boolean;
type StrTest = (s: string) => boolean;

// ---------------------------------------------------------------------------------------------
// Reading fields

/** The raw value of a field, own properties only (a field called `constructor` is not inherited). */
function reader(field: string): (row: Row) => unknown {
  if (field in Object.prototype) return (row) => (Object.hasOwn(row, field) ? row[field] : undefined);
  return (row) => row[field];
}

/** A present value as the text Sigma matches, or undefined for missing/null. */
function textOf(v: unknown, field: string): string | undefined {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return unsupported(`a non-scalar value (${Array.isArray(v) ? 'list' : typeof v}) in field ${field}`);
}

const HAS_UPPER = /[A-Z]/;
const UPPER_RUNS = /[A-Z]+/g;
/** ASCII-only lower-casing, identical to src/ir/evaluate.ts `asciiLower` (only A–Z change). */
export function foldAscii(s: string): string {
  return HAS_UPPER.test(s) ? s.replace(UPPER_RUNS, (m) => m.toLowerCase()) : s;
}

// ---------------------------------------------------------------------------------------------
// Plain values: wildcards and escapes (§3.1)

type Piece = { readonly lit: string } | '*' | '?';

/** Decode a Sigma string value into literal runs and wildcards. */
export function parseSigmaValue(value: string): Piece[] {
  const out: Piece[] = [];
  let lit = '';
  const flush = () => {
    if (lit) out.push({ lit });
    lit = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      const n = value[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else lit += '\\'; // before any other character, or at the end: a literal backslash
    } else if (c === '*' || c === '?') {
      flush();
      if (c === '*' && out[out.length - 1] === '*') continue; // `**` = `*`
      out.push(c);
    } else lit += c;
  }
  flush();
  return out;
}

const REGEX_SYNTAX = /[\^$\\.*+?()[\]{}|/]/g;

/** A test on the (already folded, when case-insensitive) field text for one decoded value. */
function pieceTest(pieces: readonly Piece[]): StrTest {
  const lits = pieces.filter((p): p is { lit: string } => typeof p === 'object');
  const shape = pieces.map((p) => (typeof p === 'object' ? 'L' : p)).join('');
  const a = lits[0]?.lit ?? '';
  switch (shape) {
    case '':
      return (s) => s === '';
    case 'L':
      return (s) => s === a;
    case '*':
      return () => true;
    case '*L*':
      return (s) => s.includes(a);
    case 'L*':
      return (s) => s.startsWith(a);
    case '*L':
      return (s) => s.endsWith(a);
    case 'L*L': {
      const b = lits[1]!.lit;
      const min = a.length + b.length;
      return (s) => s.length >= min && s.startsWith(a) && s.endsWith(b);
    }
    default: {
      const src = pieces
        .map((p) => (p === '*' ? '[^]*' : p === '?' ? '[^]' : p.lit.replace(REGEX_SYNTAX, (c) => `\\${c}`)))
        .join('');
      const re = new RegExp(`^${src}$`, 'u');
      return (s) => re.test(s);
    }
  }
}

type Wrap = 'contains' | 'startswith' | 'endswith' | undefined;

function stringTest(value: string, wrap: Wrap, cased: boolean): StrTest {
  let pieces = parseSigmaValue(value);
  if (!cased) pieces = pieces.map((p) => (typeof p === 'object' ? { lit: foldAscii(p.lit) } : p));
  if ((wrap === 'contains' || wrap === 'endswith') && pieces[0] !== '*') pieces = ['*', ...pieces];
  if ((wrap === 'contains' || wrap === 'startswith') && pieces[pieces.length - 1] !== '*') pieces = [...pieces, '*'];
  return pieceTest(pieces);
}

// ---------------------------------------------------------------------------------------------
// CIDR (§3.2 `cidr`)

function cidrTest(network: string): StrTest {
  if (typeof network !== 'string') return unsupported(`a non-string |cidr network ${JSON.stringify(network)}`);
  const slash = network.indexOf('/');
  const addr = parseIp(slash < 0 ? network : network.slice(0, slash));
  if (!addr) return unsupported(`|cidr network ${JSON.stringify(network)} (not an IPv4 or IPv6 network)`);
  const bits = addr.version === 4 ? 32 : 128;
  if (slash >= 0) {
    const p = network.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p) || Number(p) > bits)
      return unsupported(`|cidr network ${JSON.stringify(network)} (prefix length must be 0–${bits}; netmasks are not implemented)`);
  }
  // Strict, like pySigma's ip_network(strict=True): no host bits set. A bare address is its own /32 or /128.
  const net = parseNetwork(slash < 0 ? `${network}/${bits}` : network);
  if ('problem' in net) return unsupported(`|cidr network ${JSON.stringify(network)} (host bits set)`);
  return (s) => {
    const ip = parseIp(s);
    return ip !== undefined && inNetwork(ip, net);
  };
}

// ---------------------------------------------------------------------------------------------
// Detection items

const STRING_WRAPS = new Set(['contains', 'startswith', 'endswith']);
const RE_FLAGS = new Set(['i', 'm', 's']);

interface Modifiers {
  wrap: Wrap;
  all: boolean;
  cased: boolean;
  re: boolean;
  flags: { i?: boolean; m?: boolean; s?: boolean };
  cidr: boolean;
  exists: boolean;
}

function parseModifiers(key: string, mods: readonly string[]): Modifiers {
  const m: Modifiers = { wrap: undefined, all: false, cased: false, re: false, flags: {}, cidr: false, exists: false };
  const seen = new Set<string>();
  for (const mod of mods) {
    if (seen.has(mod)) invalid(`modifier |${mod} repeated in "${key}"`);
    seen.add(mod);
    if (STRING_WRAPS.has(mod)) {
      if (m.wrap) unsupported(`modifier combination |${m.wrap}|${mod} in "${key}"`);
      m.wrap = mod as Wrap;
    } else if (mod === 'all') m.all = true;
    else if (mod === 'cased') m.cased = true;
    else if (mod === 're') m.re = true;
    else if (RE_FLAGS.has(mod)) {
      if (!m.re) invalid(`modifier |${mod} must follow |re in "${key}"`);
      m.flags[mod as 'i' | 'm' | 's'] = true;
    } else if (mod === 'cidr') m.cidr = true;
    else if (mod === 'exists') m.exists = true;
    else unsupported(`modifier |${mod} (in "${key}")`);
  }
  const kinds = [m.re && '|re', m.cidr && '|cidr', m.exists && '|exists', m.wrap && `|${m.wrap}`].filter(Boolean);
  if (kinds.length > 1) unsupported(`modifier combination ${kinds.join('')} in "${key}"`);
  if (m.cased && (m.re || m.cidr || m.exists)) unsupported(`modifier |cased with ${kinds[0]} in "${key}"`);
  if (m.exists && mods.length > 1) unsupported(`modifier |exists with other modifiers in "${key}"`);
  return m;
}

/** One `Field|mods: value(s)` item of a map. */
function compileItem(key: string, value: unknown): Pred {
  const [field, ...mods] = key.split('|');
  if (field === '' || field === undefined) return unsupported(`keyword search with modifiers ("${key}")`);
  const m = parseModifiers(key, mods);
  const read = reader(field);

  if (m.exists) {
    if (typeof value !== 'boolean') return invalid(`|exists takes true or false, got ${JSON.stringify(value)} in "${key}"`);
    return value ? (row) => read(row) !== undefined : (row) => read(row) === undefined;
  }

  if (value === null) {
    if (mods.length) return unsupported(`null with modifiers in "${key}"`);
    return (row) => {
      const v = read(row);
      return v === undefined || v === null;
    };
  }

  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0) return invalid(`empty value list in "${key}"`);
  if (m.all && values.length < 2) return invalid(`|all on a single value in "${key}"`);
  for (const v of values) {
    if (v === null) return invalid(`null inside a value list in "${key}"`);
    if (typeof v === 'boolean') return unsupported(`a boolean value (${String(v)}) in "${key}"`);
    if (typeof v !== 'string' && typeof v !== 'number') return unsupported(`a ${v instanceof Date ? 'date' : typeof v} value in "${key}"`);
  }

  let tests: StrTest[];
  let fold = false;
  if (m.re) {
    tests = values.map((v) => {
      if (typeof v !== 'string') return unsupported(`a non-string |re value ${JSON.stringify(v)} in "${key}"`);
      const re = pcreToJs(v, m.flags, 'sigma');
      return (s: string) => re.test(s);
    });
  } else if (m.cidr) {
    tests = values.map((v) => cidrTest(v as string));
  } else {
    fold = !m.cased;
    tests = values.map((v) => {
      if (typeof v === 'number') {
        if (m.wrap) return unsupported(`|${m.wrap} on the number ${v} in "${key}"`);
        const n = String(v);
        return (s: string) => s === n;
      }
      return stringTest(v, m.wrap, m.cased);
    });
  }

  const textAt = (row: Row): string | undefined => {
    const t = textOf(read(row), field);
    return t === undefined ? undefined : fold ? foldAscii(t) : t;
  };
  if (tests.length === 1) {
    const t = tests[0]!;
    return (row) => {
      const s = textAt(row);
      return s !== undefined && t(s);
    };
  }
  if (m.all)
    return (row) => {
      const s = textAt(row);
      if (s === undefined) return false;
      for (const t of tests) if (!t(s)) return false;
      return true;
    };
  return (row) => {
    const s = textAt(row);
    if (s === undefined) return false;
    for (const t of tests) if (t(s)) return true;
    return false;
  };
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function compileMap(name: string, map: Record<string, unknown>): Pred {
  const keys = Object.keys(map);
  if (keys.length === 0) return invalid(`selection ${name} is an empty map`);
  return andOf(keys.map((k) => compileItem(k, map[k])));
}

function compileSelection(name: string, value: unknown): Pred {
  if (isMap(value)) return compileMap(name, value);
  if (Array.isArray(value)) {
    if (value.length === 0) return invalid(`selection ${name} is an empty list`);
    if (value.every(isMap)) return orOf(value.map((m) => compileMap(name, m)));
    return unsupported(`keyword search (selection ${name} is a list of values)`);
  }
  if (typeof value === 'string' || typeof value === 'number') return unsupported(`keyword search (selection ${name} is a single value)`);
  return invalid(`selection ${name} is ${value === null ? 'null' : typeof value}`);
}

function andOf(ps: readonly Pred[]): Pred {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Pred, Pred];
    return (r) => a(r) && b(r);
  }
  return (r) => {
    for (const p of ps) if (!p(r)) return false;
    return true;
  };
}

function orOf(ps: readonly Pred[]): Pred {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Pred, Pred];
    return (r) => a(r) || b(r);
  }
  return (r) => {
    for (const p of ps) if (p(r)) return true;
    return false;
  };
}

// ---------------------------------------------------------------------------------------------
// Conditions (§3.3)

type Tok = { readonly t: 'word' | '(' | ')'; readonly text: string; readonly at: number };

function tokenize(cond: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < cond.length) {
    const c = cond[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      out.push({ t: c, text: c, at: i++ });
      continue;
    }
    if (c === '|') return unsupported(`condition aggregation "${cond.slice(i).trim()}" (deprecated "|" expression)`);
    const m = /^[A-Za-z0-9_\-*]+/.exec(cond.slice(i));
    if (!m) return unsupported(`character ${JSON.stringify(c)} in condition ${JSON.stringify(cond)}`);
    out.push({ t: 'word', text: m[0], at: i });
    i += m[0].length;
  }
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them']);
const QUANTIFIERS = new Set(['1', 'any', 'all']);

interface CondContext {
  /** Selection name → its (memoised) predicate. */
  readonly selections: ReadonlyMap<string, Pred>;
}

function patternRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => `\\${c}`)).join('.*')}$`);
}

function compileCondition(cond: string, ctx: CondContext): Pred {
  const toks = tokenize(cond);
  let pos = 0;
  const peek = (): Tok | undefined => toks[pos];
  const where = (): string => {
    const t = toks[pos];
    return t ? `"${t.text}" at ${t.at}` : 'the end';
  };
  const fail = (msg: string): never => invalid(`condition ${JSON.stringify(cond)}: ${msg}`);

  const parseOr = (): Pred => {
    const parts = [parseAnd()];
    while (peek()?.t === 'word' && peek()!.text === 'or') {
      pos++;
      parts.push(parseAnd());
    }
    return orOf(parts);
  };
  const parseAnd = (): Pred => {
    const parts = [parseNot()];
    while (peek()?.t === 'word' && peek()!.text === 'and') {
      pos++;
      parts.push(parseNot());
    }
    return andOf(parts);
  };
  const parseNot = (): Pred => {
    const t = peek();
    if (t?.t === 'word' && t.text === 'not') {
      pos++;
      const inner = parseNot();
      return (r) => !inner(r);
    }
    return parsePrimary();
  };
  const parsePrimary = (): Pred => {
    const t = peek();
    if (!t) return fail('expected an identifier, "x of", "not" or "(" at the end');
    if (t.t === '(') {
      pos++;
      const inner = parseOr();
      if (peek()?.t !== ')') fail(`expected ")" at ${where()}`);
      pos++;
      return inner;
    }
    if (t.t === ')') return fail(`unexpected ")" at ${t.at}`);
    const next = toks[pos + 1];
    if (QUANTIFIERS.has(t.text) && next?.t === 'word' && next.text === 'of') {
      pos += 2;
      const target = peek();
      if (!target || target.t !== 'word' || (KEYWORDS.has(target.text) && target.text !== 'them'))
        return fail(`expected a pattern or "them" after "${t.text} of" at ${where()}`);
      pos++;
      const re = target.text === 'them' ? /^/ : patternRegExp(target.text);
      const names = [...ctx.selections.keys()].filter((n) => !n.startsWith('_') && re.test(n));
      if (!names.length) return fail(`"${t.text} of ${target.text}" matches no search identifier`);
      const preds = names.map((n) => ctx.selections.get(n)!);
      return t.text === 'all' ? andOf(preds) : orOf(preds);
    }
    if (KEYWORDS.has(t.text)) return fail(`unexpected "${t.text}" at ${t.at}`);
    if (t.text.includes('*')) return fail(`the pattern "${t.text}" is only allowed after "1 of" / "all of"`);
    pos++;
    const p = ctx.selections.get(t.text);
    if (!p) return fail(`search identifier "${t.text}" is not defined in the detection`);
    return p;
  };

  const pred = parseOr();
  if (pos < toks.length) fail(`unexpected ${where()}`);
  return pred;
}

// ---------------------------------------------------------------------------------------------
// Documents

interface CompiledDocument {
  readonly tier: string | null;
  readonly action: string | null;
  readonly matches: Pred;
}

function t1612Attribute(doc: Record<string, unknown>, index: number): { tier: string | null; action: string | null } {
  const a = doc.t1612;
  if (a === undefined) return { tier: null, action: null };
  if (!isMap(a) || typeof a.tier !== 'string' || typeof a.action !== 'string')
    return invalid(`document ${index + 1}: the t1612 attribute must be a map with string tier and action`);
  return { tier: a.tier, action: a.action };
}

/** The file's YAML documents (empty ones left out), each a map, with its 1-based position. */
function parseDocuments(query: EmittedFile): { doc: Record<string, unknown>; at: number }[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(query.content);
  } catch (e) {
    return invalid(`${query.path} is not YAML: ${(e as Error).message}`);
  }
  const out: { doc: Record<string, unknown>; at: number }[] = [];
  docs.forEach((d, i) => {
    if (d === null || d === undefined) return;
    if (!isMap(d)) invalid(`${query.path}: document ${i + 1} is not a map`);
    out.push({ doc: d as Record<string, unknown>, at: i + 1 });
  });
  return out;
}

/** A detection rule document: not a filter, with a detection map. */
function checkRuleDocument(query: EmittedFile, doc: Record<string, unknown>, at: number): Record<string, unknown> {
  if ('filter' in doc && !('detection' in doc)) unsupported(`Sigma filter (document ${at} of ${query.path})`);
  if (!isMap(doc.detection)) invalid(`${query.path}: document ${at} has no detection map`);
  return doc;
}

function loadDocuments(query: EmittedFile): Record<string, unknown>[] {
  return parseDocuments(query).map(({ doc, at }) => {
    if ('correlation' in doc) unsupported(`correlation rule (document ${at} of ${query.path})`);
    return checkRuleDocument(query, doc, at);
  });
}

/**
 * Detection rule documents compiled together: one predicate (and one memo slot) per distinct
 * selection content across them, so a selection several documents share is evaluated once per row.
 * `reset()` must be called before each new row.
 */
interface CompiledDetections {
  readonly matches: readonly Pred[];
  reset(): void;
  /** Selection name → its YAML value (the first document's, for names several documents use). */
  readonly selectionYaml: ReadonlyMap<string, unknown>;
}

function compileDetections(docs: readonly Record<string, unknown>[]): CompiledDetections {
  const slotOf = new Map<string, number>();
  const raws: Pred[] = [];
  let cache = new Uint8Array(0);
  const memo = (i: number): Pred => {
    const raw = raws[i]!;
    return (row) => {
      const c = cache[i];
      if (c !== 0) return c === 1;
      const r = raw(row);
      cache[i] = r ? 1 : 2;
      return r;
    };
  };
  const selectionYaml = new Map<string, unknown>();

  const matches = docs.map((doc, index) => {
    const detection = doc.detection as Record<string, unknown>;
    const selections = new Map<string, Pred>();
    for (const [name, value] of Object.entries(detection)) {
      if (name === 'condition') continue;
      if (name === 'timeframe') unsupported(`detection timeframe (document ${index + 1})`);
      const key = JSON.stringify(value);
      let slot = slotOf.get(key);
      if (slot === undefined) {
        slot = raws.length;
        raws.push(compileSelection(name, value));
        slotOf.set(key, slot);
      }
      selections.set(name, memo(slot));
      if (!selectionYaml.has(name)) selectionYaml.set(name, value);
    }
    const cond = detection.condition;
    const conds = Array.isArray(cond) ? cond : [cond];
    if (!conds.length || conds.some((c) => typeof c !== 'string')) invalid(`document ${index + 1}: condition must be a string or a list of strings`);
    return orOf((conds as string[]).map((c) => compileCondition(c, { selections })));
  });
  cache = new Uint8Array(raws.length);
  return { matches, reset: () => cache.fill(0), selectionYaml };
}

export function compileSigmaFile(query: EmittedFile): CompiledQuery {
  const docs = loadDocuments(query);
  const detections = compileDetections(docs);
  const compiled: CompiledDocument[] = docs.map((doc, index) => ({ ...t1612Attribute(doc, index), matches: detections.matches[index]! }));

  return {
    run(rows) {
      const out: TargetResult[] = [];
      for (const row of rows) {
        detections.reset();
        for (const d of compiled) if (d.matches(row)) out.push({ row, tier: d.tier, action: d.action });
      }
      return out;
    },
    signalExpression(signalId) {
      // The emitter names a signal's selections `sig_<id>_<n>` (condition.ts, signalSelectionPrefix).
      const own = new RegExp(`^${signalSelectionPrefix(signalId).replace(/[\\^$.*+?()[\]{}|/-]/g, (c) => `\\${c}`)}_[0-9]+$`);
      const picked: Record<string, unknown> = {};
      for (const [name, value] of detections.selectionYaml) if (own.test(name)) picked[name] = value;
      if (!Object.keys(picked).length) return undefined;
      return yaml.dump(picked, { lineWidth: -1, noRefs: true, sortKeys: false }).trimEnd();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Correlation files (§3.5): base rules, then one temporal_ordered correlation over them

const TIMESPAN = /^([0-9]+)(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** `timespan: <n>s|m|h|d` (§3.5) in seconds. */
export function timespanSeconds(text: unknown): number {
  if (typeof text !== 'string') return invalid(`timespan must be a string like 30m, got ${JSON.stringify(text)}`);
  const m = TIMESPAN.exec(text);
  if (!m) return unsupported(`timespan ${JSON.stringify(text)} (only <n>s, <n>m, <n>h or <n>d)`);
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}

interface TemporalOrdered {
  /** Referenced rules (by name or id), in order. */
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  readonly timespan: number;
}

const stringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * The `correlation:` map of a temporal_ordered rule. `generate` only decides whether the base rules
 * also run on their own, so it changes no chain; `condition` (an extended temporal expression) and
 * `aliases` are not implemented, nor are the other correlation types.
 */
function readTemporalOrdered(doc: Record<string, unknown>, where: string): TemporalOrdered {
  const c = doc.correlation;
  if (!isMap(c)) return invalid(`${where}: correlation must be a map`);
  if (c.type !== 'temporal_ordered') return unsupported(`correlation type ${JSON.stringify(c.type)} (${where})`);
  for (const key of Object.keys(c))
    if (!['type', 'rules', 'group-by', 'timespan', 'generate'].includes(key)) unsupported(`correlation key ${key} (${where})`);
  if (!stringList(c.rules) || c.rules.length === 0) return invalid(`${where}: rules must be a non-empty list of rule names or ids`);
  if (new Set(c.rules).size !== c.rules.length) return invalid(`${where}: rules lists a rule twice`);
  if (!stringList(c['group-by'])) return invalid(`${where}: temporal_ordered needs group-by, a list of field names`);
  return { rules: c.rules, groupBy: c['group-by'], timespan: timespanSeconds(c.timespan) };
}

/** The referenced base rule documents, in `rules` order, each with its logsource category. */
function stageDocuments(query: EmittedFile, bases: readonly { doc: Record<string, unknown>; at: number }[], refs: readonly string[]): { doc: Record<string, unknown>; category: string }[] {
  return refs.map((ref) => {
    const found = bases.filter(({ doc }) => doc.name === ref || doc.id === ref);
    if (found.length !== 1) return invalid(`${query.path}: the correlation references ${ref}, which ${found.length ? 'several documents' : 'no document'} of the file name${found.length ? '' : 's'}`);
    const { doc, at } = found[0]!;
    const logsource = doc.logsource;
    if (!isMap(logsource) || typeof logsource.category !== 'string') return unsupported(`a base rule without a logsource category (document ${at} of ${query.path})`);
    return { doc: checkRuleDocument(query, doc, at), category: logsource.category };
  });
}

/** Per category, the profile's field name → canonical field, to report groups in the model's terms. */
function canonicalNames(profile: SigmaProfile): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [category, fields] of Object.entries(profile.fields)) out.set(category, new Map(Object.entries(fields ?? {}).map(([canonical, name]) => [name!, canonical])));
  return out;
}

/** A record's group-by values, or undefined when it lacks one (missing or null: it is in no group). */
function groupValues(row: Row, fields: readonly string[]): string[] | undefined {
  const values: string[] = [];
  for (const f of fields) {
    const v = textOf(reader(f)(row), f);
    if (v === undefined) return undefined;
    values.push(v);
  }
  return values;
}

/** A record's `_time` (ISO 8601, rows.ts) in epoch seconds. */
function timeOf(row: Row): number {
  const t = row._time;
  const ms = typeof t === 'string' ? Date.parse(t) : NaN;
  if (Number.isNaN(ms)) throw new Error(`sigma: a record without an ISO 8601 _time (${JSON.stringify(t)}) cannot be placed in a chain`);
  return ms / 1000;
}

/**
 * A correlation file: its base rules are run over the records of their own logsource category, and
 * their matches are chained as temporal.ts states `temporal_ordered` (ordered, within the timespan,
 * equal group-by values). Group-by values are compared as exact text: the spec says only "equal", and
 * the pySigma Splunk backend's `stats … by` (§3.5) groups case-sensitively [inferred]. Results report
 * the group under the canonical field names the profile maps (Computer → Host).
 */
export function compileSigmaCorrelation(query: EmittedFile, profile: SigmaProfile): CompiledCorrelation {
  const docs = parseDocuments(query);
  const correlations = docs.filter(({ doc }) => 'correlation' in doc);
  if (correlations.length !== 1) return unsupported(`${correlations.length} correlation documents in ${query.path} (one is implemented)`);
  const { doc: corrDoc, at } = correlations[0]!;
  const spec = readTemporalOrdered(corrDoc, `document ${at} of ${query.path}`);
  const stages = stageDocuments(query, docs.filter(({ doc }) => !('correlation' in doc)), spec.rules);
  const detections = compileDetections(stages.map((s) => s.doc));
  const names = canonicalNames(profile);
  const canonicalGroup = (category: string, values: readonly string[]): Record<string, string> =>
    Object.fromEntries(
      spec.groupBy.map((f, i) => {
        const canonical = names.get(category)?.get(f);
        if (!canonical) return invalid(`${query.path}: group-by field ${f} is no field of ${category} in profile ${profile.id}`);
        return [canonical, values[i]!];
      }),
    );

  return {
    run(rows: readonly StreamRow[]): ChainResult[] {
      const events: StageEvent[] = [];
      const groups = new Map<string, Record<string, string>>();
      for (const { category, row } of rows) {
        const values = groupValues(row, spec.groupBy);
        if (!values) continue;
        detections.reset();
        const filled = stages.flatMap((s, k) => (s.category === category && detections.matches[k]!(row) ? [k] : []));
        if (!filled.length) continue;
        const key = JSON.stringify(values);
        if (!groups.has(key)) groups.set(key, canonicalGroup(category, values));
        events.push({ time: timeOf(row), stages: filled, group: key });
      }
      return sortChains(temporalOrderedChains(events, stages.length, spec.timespan).map((c) => ({ group: { ...groups.get(c.group)! }, start: c.start, end: c.end })));
    },
  };
}

export const sigmaEvaluator: QueryEvaluator<SigmaProfile> = {
  target: 'sigma',
  toRow: sigmaRow,
  compile(query: EmittedFile, _shared: readonly EmittedFile[], _profile: ProfileView<SigmaProfile>): CompiledQuery {
    return compileSigmaFile(query);
  },
  compileCorrelation(query: EmittedFile, _shared: readonly EmittedFile[], profile: SigmaProfile): CompiledCorrelation {
    return compileSigmaCorrelation(query, profile);
  },
};
