/**
 * Allowlists in Splunk: each list a rule reads is a CSV lookup (`lookups/t1612_<list>.csv`, defined
 * in `transforms.conf`), and each rule that reads lists gets a `<rule>_allowlist` macro that looks
 * its fields up and drops the suppressed events. The query calls that macro right after the
 * normalising `eval`, so the customer's `<rule>_filter` macro stays theirs, and approving a value
 * means editing rules/allowlists/, never a query.
 *
 * The lookup sets a flag field `t1612_al_<list>_<Canonical>` (dialect.ts `allowlistFlag`) to the
 * matched entry, and leaves it NULL when nothing matches; `listed` predicates test it with
 * `isnotnull()`. Matching is the model's (src/model/allowlist.ts `listMatches`):
 * - ASCII case is ignored: `case_sensitive_match = false` (entries are ASCII by schema);
 * - a domain list also matches subdomains: beside each entry `docker.io` the CSV holds a
 *   `*.docker.io` row, read with `match_type = WILDCARD(value)`; entries cannot contain `*` (schema),
 *   so no other row is a pattern;
 * - an absent value never matches: the normalising eval has made it `""`, and no row matches `""`
 *   (entries are non-empty and a `*.` row needs at least the dot and the entry);
 * - `max_matches = 1`: one matched row is enough, and the flag stays a single value.
 */
import type { CanonicalField } from '../../model/types.js';
import type { Allowlist } from '../../model/allowlist.js';
import type { Expr, RuleIR } from '../../ir/nodes.js';
import { assertNever } from '../../ir/nodes.js';
import { provenanceLines } from '../provenance.js';
import { loadTemplate } from '../templates.js';
import { telemetryFor } from '../telemetry.js';
import { viewFor, type EmittedFile, type FieldMap } from '../types.js';
import { allowlistFlag } from './dialect.js';
import { splArgField, splMacroName } from './escape.js';
import { csvText } from '../csv.js';
import type { SplMacro, SplProfile } from './profiles.js';

const transformsTemplate = loadTemplate(new URL('./templates/transforms.conf.hbs', import.meta.url));

/** One lookup a rule's macro runs: the list, the canonical field and the profile's field for it. */
export interface ListLookup {
  readonly list: string;
  readonly canonical: CanonicalField;
  readonly field: string;
}

export function allowlistMacroName(rule: RuleIR): string {
  return `${splMacroName(rule.name)}_allowlist`;
}

/** The lookup definition (transforms.conf stanza) and CSV file of a list. */
export function lookupName(list: string): string {
  return `t1612_${list}`;
}

export function lookupFile(list: string): string {
  return `${lookupName(list)}.csv`;
}

/** Every (list, field) a `listed` predicate in the expression reads, keyed `list\0field`. */
function listedPairs(e: Expr, into: Map<string, { list: string; canonical: CanonicalField }>): void {
  switch (e.kind) {
    case 'and':
    case 'or':
      e.args.forEach((a) => listedPairs(a, into));
      return;
    case 'not':
      listedPairs(e.arg, into);
      return;
    case 'listed':
      into.set(`${e.list.name}\u0000${e.field}`, { list: e.list.name, canonical: e.field });
      return;
    case 'compare':
    case 'regex':
    case 'cidr':
    case 'numeq':
      return;
    default:
      assertNever(e);
  }
}

const byListThenField = (a: ListLookup, b: ListLookup): number =>
  a.list < b.list ? -1 : a.list > b.list ? 1 : a.canonical < b.canonical ? -1 : a.canonical > b.canonical ? 1 : 0;

/**
 * The lookups a rule needs on a profile: one per (list, field) read by `listed` predicates (match
 * and signals) and by suppressions, sorted. A field the profile does not carry needs none: a
 * predicate on it is false, and it is never listed.
 */
export function listLookups(rule: RuleIR, fields: FieldMap): ListLookup[] {
  const pairs = new Map<string, { list: string; canonical: CanonicalField }>();
  listedPairs(rule.match, pairs);
  rule.signals.forEach((s) => listedPairs(s.expr, pairs));
  for (const s of rule.suppress) pairs.set(`${s.list.name}\u0000${s.field}`, { list: s.list.name, canonical: s.field });
  return [...pairs.values()].flatMap((p) => (fields[p.canonical] ? [{ ...p, field: fields[p.canonical]! }] : [])).sort(byListThenField);
}

function lookupCommand(l: ListLookup): string {
  return `lookup ${lookupName(l.list)} value AS ${splArgField(l.field)} OUTPUT value AS ${allowlistFlag(l.list, l.canonical)}`;
}

/** Drops the events whose field is in a suppressing list (the IR's `suppress`), or undefined. */
function suppression(rule: RuleIR, fields: FieldMap): string | undefined {
  const flags = [...new Set(rule.suppress.filter((s) => fields[s.field]).map((s) => allowlistFlag(s.list.name, s.field)))].sort();
  return flags.length ? `where NOT (${flags.map((f) => `isnotnull(${f})`).join(' OR ')})` : undefined;
}

/**
 * The rule's `<rule>_allowlist` macro for a profile's log source fields, or undefined when the rule
 * reads no list. One line (macros.conf): the lookups, then the suppression. A profile that carries
 * none of the fields gets `search *`, so the query reads the same on every profile.
 */
export function allowlistMacro(rule: RuleIR, fields: FieldMap): SplMacro | undefined {
  if (rule.lists.length === 0) return undefined;
  const commands = listLookups(rule, fields).map(lookupCommand);
  const suppress = suppression(rule, fields);
  if (suppress) commands.push(suppress);
  const lists = rule.lists.map((l) => l.name).join(', ');
  return {
    name: allowlistMacroName(rule),
    definition: commands.length ? commands.join(' | ') : 'search *',
    description: `Allowlist lookups for ${rule.name} (${lists}); generated from the allowlist files, so edit those and recompile rather than this macro.`,
  };
}

/** The lists the runnable rules read on a profile, by name, sorted. */
function listsRead(rules: readonly RuleIR[], profile: SplProfile): Allowlist[] {
  const out = new Map<string, Allowlist>();
  for (const rule of rules) {
    if (rule.lists.length === 0 || telemetryFor(rule, 'spl', profile).unsupported) continue;
    const fields = viewFor(profile, rule.logsource.category)!.fields;
    for (const l of listLookups(rule, fields)) {
      const list = rule.lists.find((x) => x.name === l.list);
      if (!list) throw new Error(`internal: rule ${rule.name} reads allowlist ${l.list} but does not carry it`);
      if (!out.has(list.name)) out.set(list.name, list);
    }
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const CSV_HEADER = ['value', 'reason', 'owner', 'expires'] as const;

/** A list's lookup table: one row per entry, and for a domain list a `*.<entry>` row after each. */
export function lookupCsv(list: Allowlist): string {
  const rows: string[][] = [[...CSV_HEADER]];
  for (const e of list.entries) {
    const rest = [e.reason, e.owner, e.expires ?? ''];
    rows.push([e.value, ...rest]);
    if (list.match === 'domain') rows.push([`*.${e.value}`, ...rest]);
  }
  return csvText(rows);
}

function transformsStanza(list: Allowlist): { name: string; source: string; settings: { key: string; value: string }[] } {
  const settings = [
    { key: 'filename', value: lookupFile(list.name) },
    { key: 'case_sensitive_match', value: 'false' },
    { key: 'max_matches', value: '1' },
  ];
  if (list.match === 'domain') settings.push({ key: 'match_type', value: 'WILDCARD(value)' });
  return { name: lookupName(list.name), source: `${list.file} (${list.match} match)`, settings };
}

/** transforms.conf and lookups/*.csv of a profile: only the lists some runnable rule reads there. */
export function renderLookups(rules: readonly RuleIR[], profile: SplProfile): EmittedFile[] {
  const lists = listsRead(rules, profile);
  if (!lists.length) return [];
  const header = [...provenanceLines(), 'One CSV lookup per allowlist the rules read; the lists themselves are the allowlist files named below.'];
  return [
    { path: `spl/${profile.id}/transforms.conf`, content: transformsTemplate({ header, lookups: lists.map(transformsStanza) }) },
    ...lists.map((l) => ({ path: `spl/${profile.id}/lookups/${lookupFile(l.name)}`, content: lookupCsv(l) })),
  ];
}
