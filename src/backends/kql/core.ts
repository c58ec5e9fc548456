/**
 * A KQL rule's core: the pipeline that yields the events a rule reports, shared by the rule's query
 * (index.ts) and the stage `let`s of correlation queries (correlation.ts).
 */
import type { CanonicalField } from '../../model/types.js';
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { allFieldsRead, type Expr, type ListRef, type RuleIR } from '../../ir/nodes.js';
import { fragmentText, renderExpr } from '../text/compiler.js';
import { telemetryFor } from '../telemetry.js';
import { viewFor, type FieldMap } from '../types.js';
import { kqlDialect as d } from './dialect.js';
import { kqlColumn, kqlString } from './escape.js';
import { allowlistSourceOf, type KqlProfile } from './profiles.js';
import { kqlSourceOf, kqlSourceText, SCHEMA_FUNCTIONS } from './tables.js';
import { columnPathOf, columnPathText, kqlFieldColumn } from './column-path.js';
import { fieldPairs } from '../fields.js';
import { allowlistLet, readsWatchlist, WATCHLIST_FUNCTION, type AllowlistSource } from './watchlists.js';

/** The `listed` predicates of an expression whose field the profile carries (the others render false). */
function listedIn(e: Expr, fields: FieldMap, into: Map<string, ListRef>): void {
  if (e.kind === 'and' || e.kind === 'or') e.args.forEach((a) => listedIn(a, fields, into));
  else if (e.kind === 'not') listedIn(e.arg, fields, into);
  else if (e.kind === 'listed' && fields[e.field]) into.set(e.list.name, e.list);
}

/** The allowlists the rule's query reads on a profile with these fields, sorted by name. */
export function listsRead(rule: RuleIR, fields: FieldMap): ListRef[] {
  const lists = new Map<string, ListRef>();
  for (const s of rule.suppress) if (fields[s.field]) lists.set(s.list.name, s.list);
  listedIn(rule.match, fields, lists);
  for (const s of rule.signals) listedIn(s.expr, fields, lists);
  return [...lists.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A profile set to read watchlists on a schema set without `_GetWatchlist` cannot run the rule. */
export function watchlistUnavailable(rule: RuleIR, profile: KqlProfile, lists: readonly ListRef[], source: AllowlistSource): Diagnostic | undefined {
  const watched = lists.filter((l) => readsWatchlist(l.match, source));
  if (!watched.length || SCHEMA_FUNCTIONS[profile.schemaSet].some((f) => f.name === WATCHLIST_FUNCTION)) return undefined;
  return diagnostic(rule.file, { line: 1, column: 1 }, 'error', 'allowlist-source', `kql profile ${profile.id} reads allowlists from watchlists, but its schema set ${profile.schemaSet} has no ${WATCHLIST_FUNCTION}; rule ${rule.name} (lists ${watched.map((l) => l.name).join(', ')}) is not rendered there`, 'set allowlistSource: let in the profile');
}

/**
 * A rule's core on one profile: the events it reports (matched, score at or above the threshold,
 * any tier), as the pipeline `<table> | <stages>` after the allowlist `let`s the stages read. The
 * rule's query (renderKql) adds its tier, action, columns and order; a correlation's stage `let`
 * (correlation.ts) projects its group keys and time. Both are built from this one function, so a
 * stage reads exactly the rule's events.
 */
export interface KqlRuleCore {
  /** The profile's table for the rule's log source as written in a query (a parser function: its call, `_Im_ProcessCreate()`). */
  readonly table: string;
  /** The `let` statements binding the allowlists the stages read (sorted by list name). */
  readonly lets: readonly string[];
  /** Tabular operators after the table, without the leading `| `; a line break continues one. */
  readonly stages: readonly string[];
  /**
   * The columns the stages read per canonical field: the profile's column, or for a field mapped to a
   * path inside a dynamic column the string column the first stage extends it to (column-path.ts).
   */
  readonly fields: FieldMap;
  /** The source's columns (name → Kusto type), the extended path columns (string) included. */
  readonly columnTypes: ReadonlyMap<string, string>;
  /** Notes on what the profile loses (telemetryFor). */
  readonly notes: readonly Diagnostic[];
}

/** The rule's core on the profile, or why the profile cannot run the rule (nothing is rendered then). */
export function kqlRuleCore(rule: RuleIR, profile: KqlProfile): KqlRuleCore | { readonly unsupported: Diagnostic } {
  const telemetry = telemetryFor(rule, 'kql', profile);
  if (telemetry.unsupported) return { unsupported: telemetry.unsupported };
  const table = profile.tables[rule.logsource.category]!;
  const mapped = viewFor(profile, rule.logsource.category)!.fields;
  const paths = pathColumns(rule, profile, table, mapped);
  if ('unsupported' in paths) return paths;
  const { fields, typeOf, extend } = paths;
  const fieldOf = (f: CanonicalField) => (fields[f] ? kqlColumn(fields[f]!) : undefined);
  const source = allowlistSourceOf(profile);
  const lists = listsRead(rule, fields);
  const unavailable = watchlistUnavailable(rule, profile, lists, source);
  if (unavailable) return { unsupported: unavailable };
  const stages: string[] = [];
  // Fields held inside dynamic columns first become string columns (column-path.ts).
  if (extend.length) stages.push(`extend ${extend.join(', ')}`);

  // String columns are never null in KQL (absent reads as ""); placeholders, where a profile has any,
  // become "" in its string columns (a number column holds a number or null, never a placeholder).
  const normalise = allFieldsRead(rule)
    .filter((f) => fields[f] && profile.placeholders.length && (typeOf.get(fields[f]!) ?? 'string') === 'string')
    .map((f) => `${fieldOf(f)!} = ${normalisedColumn(fieldOf(f)!, profile)}`);
  if (normalise.length) stages.push(`extend ${normalise.join(', ')}`);

  // Suppressions drop approved events first (the same rows as after the match: both only filter).
  for (const s of rule.suppress) {
    const f = fieldOf(s.field);
    if (f !== undefined) stages.push(`where not(${d.listed(f, s.list, s.field)})`);
  }
  const match = renderExpr(rule.match, d, fieldOf);
  if (!('const' in match && match.const)) stages.push(`where ${fragmentText(match, d)}`);
  stages.push(`extend ${rule.signals.map((s) => `sig_${s.id} = toint(${fragmentText(renderExpr(s.expr, d, fieldOf), d)})`).join(',\n    ')}`);
  stages.push(`extend risk_score = ${rule.signals.map((s) => `sig_${s.id} * ${s.weight}`).join(' + ')}`);
  stages.push(`where risk_score >= ${rule.threshold}`);
  return {
    table: kqlSourceText(profile.schemaSet, table),
    lets: lists.map((l) => allowlistLet(l, source)),
    stages,
    fields,
    columnTypes: typeOf,
    notes: telemetry.notes,
  };
}

/**
 * The columns a rule's stages read on the profile: a field mapped to a column reads it; a field mapped
 * to a path inside a dynamic column reads the string column `extend <alias> = tostring(<path>)` makes
 * (every mapped path of the log source, in map order, so results show them too). A mapping the
 * source cannot hold (no such column, a path into a column that is not dynamic, an alias taken by a
 * column) is an error, and the rule is not rendered there.
 */
function pathColumns(
  rule: RuleIR,
  profile: KqlProfile,
  table: string,
  mapped: FieldMap,
): { fields: FieldMap; typeOf: ReadonlyMap<string, string>; extend: string[] } | { unsupported: Diagnostic } {
  const columns = kqlSourceOf(profile.schemaSet, table)?.columns;
  const typeOf = new Map<string, string>(columns ?? []);
  const fields: Partial<Record<CanonicalField, string>> = {};
  const extend: string[] = [];
  const problem = (f: CanonicalField, why: string) => ({
    unsupported: diagnostic(rule.file, { line: 1, column: 1 }, 'error', 'profile', `kql profile ${profile.id} maps ${f} to ${mapped[f]!} in ${table}, but ${why}; rule ${rule.name} is not rendered there`, 'fix the mapping in the profile'),
  });
  const aliases = new Map<string, string>();
  for (const [f, value] of fieldPairs(mapped)) {
    const path = columnPathOf(value);
    const type = columns ? typeOf.get(path.column) : undefined;
    if (columns && type === undefined) return problem(f, `${table} has no column ${path.column}`);
    if (!path.steps.length) {
      fields[f] = path.column;
      continue;
    }
    if (columns && type !== 'dynamic') return problem(f, `${path.column} is a ${type} column, and only a dynamic column has members`);
    const alias = kqlFieldColumn(value);
    if (typeOf.has(alias) && !aliases.has(alias)) return problem(f, `${table} has a column ${alias}, the name its path is read into`);
    const seen = aliases.get(alias);
    if (seen !== undefined && seen !== value) return problem(f, `${seen} is read into the same column ${alias}`);
    if (seen === undefined) {
      aliases.set(alias, value);
      typeOf.set(alias, 'string');
      extend.push(`${kqlColumn(alias)} = ${columnPathText(path)}`);
    }
    fields[f] = alias;
  }
  return { fields, typeOf, extend };
}

/** A string column as the rule reads it: the profile's placeholders (Sysmon's `-`) read as "". */
export function normalisedColumn(column: string, profile: Pick<KqlProfile, 'placeholders'>): string {
  return profile.placeholders.length ? `iff(${column} in (${profile.placeholders.map(kqlString).join(', ')}), "", ${column})` : column;
}
