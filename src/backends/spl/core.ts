/**
 * A rule's core in SPL: what both the rule's saved search (index.ts) and a correlation's stage
 * search (correlation.ts) run, so an event is a result of the rule in exactly one way.
 *
 *     `<base search macro>`                   (a log source read with a base search), or
 *     | tstats summariesonly=true allow_old_summaries=true fillnull_value="<placeholder>" count
 *         from datamodel=<Model.Dataset> by <fields> _time span=1s
 *     | rename <Dataset>.<f> AS <f>, …          (a log source read from a data model: source.ts)
 *     | eval <normalise every field the rule reads>
 *     | `<rule>_allowlist`                      (when the rule reads allowlists)
 *     | where <match>                           (unless the match is constant true)
 *     | eval sig_<id>=if(<signal>, 1, 0), …
 *     | eval risk_score=sig_<id>*<weight>+…
 *     | where risk_score>=<threshold>
 *
 * After the base search every command is streaming (search, eval, lookup, where), which is what a
 * multisearch subsearch may hold (correlation.ts). The tier and action evals (`tierStages`) are
 * streaming too.
 *
 * **What a tstats row means.** tstats groups the dataset's events by its by-fields: every field the
 * rule reads (`allFieldsRead`: match, signals, optional fields, suppressions) and the host (and, in a
 * correlation joined on the image, the rule's image-key fields: correlation.ts), plus
 * `_time span=1s`. One row is one group: events equal in every by-field within one second (`_time`
 * is the start of that second, `count` how many events). A by-field an event lacks is the
 * fillnull_value, which the normalising eval reads as absent like any placeholder, so an event with
 * a missing field is still a row (without fillnull_value it would be in no group [inferred]). Every value the rule
 * tests is a by-field, so all events of a group have the same outcome and the row has it: results
 * are per group, not per event; counts of identical events collapse into `count`.
 */
import type { CanonicalField } from '../../model/types.js';
import { allFieldsRead, type RuleIR } from '../../ir/nodes.js';
import { fragmentText, renderExpr, renderTierCond } from '../text/compiler.js';
import type { FieldMap } from '../types.js';
import { splDialect as d } from './dialect.js';
import { splArgField, splField, splMacroName, splString } from './escape.js';
import type { SplMacro, SplProfile } from './profiles.js';
import { allowlistMacroName } from './allowlist.js';
import { splSource, TSTATS_COUNT, TSTATS_SPAN, type TstatsSource } from './source.js';

export function filterMacroName(name: string): string {
  return `${splMacroName(name)}_filter`;
}

/** The ESCU-style customer filter macro of a rule or correlation: a no-op until the customer defines it. */
export function filterMacro(name: string): SplMacro {
  return { name: filterMacroName(name), definition: 'search *', description: `Tuning filter for ${name}, yours to edit (kept as search * when generated).` };
}

/**
 * A field's value with missing values made one thing: NULL and the profile's placeholders become
 * `""`, so no predicate sees NULL (semantics.md §1.1: a predicate on NULL is not TRUE, and
 * `coalesce` keeps `""`). `field` is already quoted (splField).
 */
export function normalisedValue(field: string, placeholders: readonly string[]): string {
  const cases = placeholders.map((p) => `${field}==${splString(p)}, ""`).join(', ');
  return cases ? `case(isnull(${field}), "", ${cases}, true(), ${field})` : `coalesce(${field}, "")`;
}

export interface SplCore {
  /**
   * What generates the events: the profile's base-search macro in backticks, or the whole
   * `| tstats …` command (which starts with its pipe).
   */
  readonly base: string;
  /** The commands after it, without their leading `|`, up to and including the threshold `where`. */
  readonly stages: readonly string[];
}

/**
 * The rule's fields on a profile, as every command after the base reads them (a data-model field
 * renamed without its dataset prefix). The profile runs the rule's log source: telemetryFor said so.
 */
export function ruleFields(rule: RuleIR, profile: SplProfile): FieldMap {
  return splSource(profile, rule.logsource.category).fields;
}

/**
 * The canonical fields a tstats search groups by: every field the rule reads, and the host, and any
 * `extra` field a caller reads after the core (a correlation joined on the image reads the rule's
 * image-key fields: correlation.ts).
 */
export function tstatsFields(rule: RuleIR, source: TstatsSource, extra: readonly CanonicalField[] = []): CanonicalField[] {
  return [...new Set<CanonicalField>([...allFieldsRead(rule), 'Host', ...extra])].filter((f) => source.raw[f]);
}

/** `| tstats … by … _time span=1s`, then the rename of the by-fields (without the leading pipe). */
function tstatsCommands(rule: RuleIR, source: TstatsSource, extra: readonly CanonicalField[]): { base: string; rename?: string } {
  const raw = [...new Set(tstatsFields(rule, source, extra).map((f) => source.raw[f]!))].sort();
  const by = [...raw.map(splArgField), '_time'].join(' ');
  const base = `| tstats summariesonly=true allow_old_summaries=true fillnull_value=${splString(source.fillnull)} ${TSTATS_COUNT} from datamodel=${source.dataModel} by ${by} span=${TSTATS_SPAN}`;
  const renames = tstatsFields(rule, source, extra)
    .filter((f) => source.fields[f] !== source.raw[f])
    .map((f) => [source.raw[f]!, source.fields[f]!] as const)
    .filter(([from], i, all) => all.findIndex(([x]) => x === from) === i)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return renames.length ? { base, rename: `rename ${renames.map(([from, to]) => `${splArgField(from)} AS ${splArgField(to)}`).join(', ')}` } : { base };
}

/**
 * `extra`: canonical fields read after the core (they are carried through tstats as by-fields, and
 * not normalised here); the rule's own saved search passes none.
 */
export function ruleCore(rule: RuleIR, profile: SplProfile, extra: readonly CanonicalField[] = []): SplCore {
  const source = splSource(profile, rule.logsource.category);
  const fields = source.fields;
  const fieldOf = (f: CanonicalField) => (fields[f] ? splField(fields[f]!) : undefined);
  const stages: string[] = [];
  let base: string;
  if (source.kind === 'tstats') {
    const t = tstatsCommands(rule, source, extra);
    base = t.base;
    if (t.rename) stages.push(t.rename);
  } else base = `\`${source.macro}\``;

  const normalise = allFieldsRead(rule)
    .filter((f) => fields[f])
    .map((f) => `${fieldOf(f)!}=${normalisedValue(fieldOf(f)!, profile.placeholders)}`);
  if (normalise.length) stages.push(`eval ${normalise.join(', ')}`);
  // Allowlist lookups see the normalised values (an absent one is "", which no entry matches) and
  // run before every test that reads their flags.
  if (rule.lists.length) stages.push(`\`${allowlistMacroName(rule)}\``);

  const match = renderExpr(rule.match, d, fieldOf);
  if (!('const' in match && match.const)) stages.push(`where ${fragmentText(match, d)}`);

  stages.push(`eval ${rule.signals.map((s) => `sig_${s.id}=if(${fragmentText(renderExpr(s.expr, d, fieldOf), d)}, 1, 0)`).join(', ')}`);
  stages.push(`eval risk_score=${rule.signals.map((s) => `sig_${s.id}*${s.weight}`).join('+')}`);
  stages.push(`where risk_score>=${rule.threshold}`);
  return { base, stages };
}

/** The tier and action of a result (every result lands on a tier: the last one is the default). */
export function tierStages(rule: RuleIR): string[] {
  const tierCases = rule.tiers.map((t) => `${t.isDefault ? 'true()' : fragmentText(renderTierCond(t.cond, d), d)}, ${splString(t.name)}`);
  const riskTiers = rule.tiers.filter((t) => t.action === 'risk').map((t) => `risk_tier==${splString(t.name)}`);
  return [
    `eval risk_tier=case(${tierCases.join(', ')})`,
    riskTiers.length ? `eval risk_action=case(${riskTiers.join(' OR ')}, "risk", true(), "alert")` : 'eval risk_action="alert"',
  ];
}
