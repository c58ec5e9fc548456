/**
 * CSV lookups for the SPL evaluator (the `lookup` command of evaluate.ts): lookup definitions from
 * the `transforms.conf` among the shared files, their tables from the `lookups/` folder beside it,
 * and the matching Splunk does (semantics.md §1.4 row `| lookup`; S-lookup and the Knowledge Manager
 * Manual's "Add field matching rules to your lookup configuration").
 *
 * What is read, and how:
 * - A definition is a transforms.conf stanza with `filename = <file>.csv`; the table is
 *   `lookups/<file>.csv` beside that transforms.conf. `[default]` settings apply to every stanza
 *   (as in Splunk). External (`external_cmd`, `external_type`) and KV store (`collection`) lookups,
 *   and any setting other than those below, are UnsupportedConstruct.
 * - The CSV is RFC 4180: a header row of column names, then rows of as many cells; `"…"` cells with
 *   `""` for a quote may hold commas and line breaks; LF or CRLF line ends. Anything else is an
 *   SplQueryError naming the file and line.
 * - `case_sensitive_match` (default true): with false, ASCII letters are folded on both sides
 *   [inferred: the documentation does not say how non-ASCII letters fold; ASCII is the project's
 *   model, and the generated lists are ASCII by schema].
 * - `match_type = WILDCARD(<column>)`: in that column `*` matches any run of characters, also an
 *   empty one [inferred: the documentation shows `*` as "any" without saying whether the run may be
 *   empty]; every other character is literal. `EXACT(…)` is the default; `CIDR(…)` is not
 *   implemented.
 * - `max_matches` (1–1000, default 100): the first matching rows in file order [doc]. More than one
 *   matching row would make multivalue output fields, which this evaluator does not implement: that
 *   is an UnsupportedConstruct at run time. `min_matches` other than 0 (and so `default_match`) is
 *   not implemented.
 * - An input value that is NULL or `""` matches no row [inferred: the generated tables hold no empty
 *   value and no pattern that matches `""`, so the generated queries do not depend on it].
 * - A matched row's empty cell outputs NULL [inferred].
 */
import type { EmittedFile } from '../types.js';
import { parseConf } from './conf.js';
import { invalid, unsupported } from './errors.js';
import { parseCsv } from '../csv.js';

export interface LookupDefinition {
  readonly name: string;
  /** The stanza's settings, with `[default]` under them. */
  readonly settings: ReadonlyMap<string, string>;
  /** The transforms.conf that defines it, for messages. */
  readonly file: string;
  /** The text of `lookups/<filename>` beside that transforms.conf, when the file is there. */
  readonly table?: { readonly path: string; readonly text: string };
}

/** Lookup name (the transforms.conf stanza) → its definition. */
export type LookupTable = ReadonlyMap<string, LookupDefinition>;

const TRANSFORMS = 'transforms.conf';

/** The lookup definitions of every transforms.conf among the shared files (later files override earlier ones). */
export function lookupsFromShared(shared: readonly EmittedFile[]): Map<string, LookupDefinition> {
  const byPath = new Map(shared.map((f) => [f.path, f.content]));
  const out = new Map<string, LookupDefinition>();
  for (const f of shared) {
    if (f.path !== TRANSFORMS && !f.path.endsWith(`/${TRANSFORMS}`)) continue;
    const dir = f.path.slice(0, f.path.length - TRANSFORMS.length);
    const conf = parseConf(f.content, f.path);
    const defaults = conf.get('default') ?? new Map<string, string>();
    for (const [name, own] of conf) {
      if (name === 'default') continue;
      const settings = new Map([...defaults, ...own]);
      const filename = settings.get('filename');
      const path = filename === undefined ? undefined : `${dir}lookups/${filename}`;
      const text = path === undefined ? undefined : byPath.get(path);
      out.set(name, { name, settings, file: f.path, ...(path !== undefined && text !== undefined ? { table: { path, text } } : {}) });
    }
  }
  return out;
}


const HAS_UPPER = /[A-Z]/;
/** ASCII-only lower-casing: only A–Z change. */
function foldAscii(s: string): string {
  return HAS_UPPER.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

function booleanSetting(def: LookupDefinition, key: string, fallback: boolean): boolean {
  const v = def.settings.get(key);
  if (v === undefined) return fallback;
  if (/^(?:1|t|true|y|yes)$/i.test(v)) return true;
  if (/^(?:0|f|false|n|no)$/i.test(v)) return false;
  return invalid(`${def.file} [${def.name}]: ${key} = ${JSON.stringify(v)} is not a boolean`);
}

function integerSetting(def: LookupDefinition, key: string, fallback: number, min: number, max: number): number {
  const v = def.settings.get(key);
  if (v === undefined) return fallback;
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) return invalid(`${def.file} [${def.name}]: ${key} = ${JSON.stringify(v)} is not a whole number ${min}–${max}`);
  return Number(v);
}

/** The columns `match_type` reads with wildcards; EXACT is the default, CIDR is not implemented. */
function wildcardColumns(def: LookupDefinition): Set<string> {
  const out = new Set<string>();
  const text = def.settings.get('match_type');
  if (text === undefined || text.trim() === '') return out;
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z]+)\(\s*([^()\s]+)\s*\)\s*$/.exec(part);
    if (!m) return invalid(`${def.file} [${def.name}]: malformed match_type ${JSON.stringify(text)} (expected WILDCARD(<field>), …)`);
    const kind = m[1]!.toUpperCase();
    if (kind === 'WILDCARD') out.add(m[2]!);
    else if (kind !== 'EXACT') return kind === 'CIDR' ? unsupported(`lookup match_type CIDR(${m[2]}) (${def.name})`) : invalid(`${def.file} [${def.name}]: unknown match_type ${m[1]}`);
  }
  return out;
}

const SETTINGS = new Set(['filename', 'case_sensitive_match', 'max_matches', 'min_matches', 'default_match', 'match_type']);

/** Checks the definition is a CSV lookup with settings this evaluator implements. */
function checkDefinition(name: string, def: LookupDefinition | undefined): LookupDefinition {
  if (!def) return /\.csv$/i.test(name) ? unsupported(`lookup by CSV file name (${name}); define it in transforms.conf`) : invalid(`undefined lookup ${name} (no [${name}] stanza in a transforms.conf)`);
  if (def.settings.has('external_cmd') || def.settings.has('external_type')) return unsupported(`external lookup ${name}`);
  if (def.settings.has('collection')) return unsupported(`KV store lookup ${name}`);
  const filename = def.settings.get('filename');
  if (filename === undefined) return invalid(`${def.file} [${name}] is not a lookup definition (no filename)`);
  for (const key of def.settings.keys()) if (!SETTINGS.has(key)) unsupported(`lookup setting ${key} (${name})`);
  if (integerSetting(def, 'min_matches', 0, 0, 1000) !== 0) unsupported(`lookup min_matches above 0 (${name})`);
  if (!def.table) return invalid(`lookup ${name}: its file lookups/${filename} is not beside ${def.file}`);
  return def;
}

/** The output cells of the matched row (an empty cell is NULL), or undefined when no row matches. */
export type LookupMatcher = (value: string) => readonly (string | undefined)[] | undefined;

/** A whole-value pattern: `*` any run, everything else literal (only syntax characters are escaped: `u` mode refuses others). */
function wildcardRegex(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[\^$\\.*+?()[\]{}|/]/g, (c) => `\\${c}`)).join('[^]*')}$`, 'u');
}

/**
 * The matching of `lookup <name> <inputColumn> … OUTPUT <outputColumns…>`, compiled once. The caller
 * passes only non-empty values: NULL and `""` match no row.
 */
export function compileLookup(name: string, found: LookupDefinition | undefined, inputColumn: string, outputColumns: readonly string[]): LookupMatcher {
  const def = checkDefinition(name, found);
  const table = def.table!;
  const caseSensitive = booleanSetting(def, 'case_sensitive_match', true);
  const maxMatches = integerSetting(def, 'max_matches', 100, 1, 1000);
  const wildcard = wildcardColumns(def).has(inputColumn);
  let parsed: string[][];
  try {
    parsed = parseCsv(table.text, table.path);
  } catch (e) {
    return invalid((e as Error).message);
  }
  const [header, ...rows] = parsed;
  if (!header) return invalid(`${table.path}: an empty lookup table (no header row)`);
  const column = (c: string): number => {
    const i = header.indexOf(c);
    return i >= 0 ? i : invalid(`lookup ${name}: ${table.path} has no column ${JSON.stringify(c)} (columns: ${header.join(', ')})`);
  };
  const key = column(inputColumn);
  const outputs = outputColumns.map(column);
  rows.forEach((r, i) => {
    if (r.length !== header.length) invalid(`${table.path}: row ${i + 2} has ${r.length} cells, the header ${header.length}`);
  });
  const fold = caseSensitive ? (s: string) => s : foldAscii;
  // Plain keys by value (their row numbers in file order); wildcard keys are tried one by one.
  const exact = new Map<string, number[]>();
  const patterns: { row: number; re: RegExp }[] = [];
  rows.forEach((r, i) => {
    const k = fold(r[key]!);
    if (wildcard && k.includes('*')) patterns.push({ row: i, re: wildcardRegex(k) });
    else {
      const list = exact.get(k);
      if (list) list.push(i);
      else exact.set(k, [i]);
    }
  });
  return (value) => {
    const v = fold(value);
    const hits = [...(exact.get(v) ?? []), ...patterns.filter((p) => p.re.test(v)).map((p) => p.row)].sort((a, b) => a - b).slice(0, maxMatches);
    if (hits.length === 0) return undefined;
    if (hits.length > 1) return unsupported(`lookup ${name}: ${hits.length} rows match ${JSON.stringify(value)} (max_matches = ${maxMatches}), a multivalue output`);
    const row = rows[hits[0]!]!;
    return outputs.map((o) => (row[o] === '' ? undefined : row[o]));
  };
}
