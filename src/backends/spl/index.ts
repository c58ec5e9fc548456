/** Splunk SPL target: one saved-search query per rule and profile, plus the profile's macros.conf. */
import type { CanonicalField } from '../../model/types.js';
import { allFieldsRead, type RuleIR } from '../../ir/nodes.js';
import { fragmentText, renderExpr, renderTierCond } from '../text/compiler.js';
import { loadTemplate } from '../templates.js';
import { provenanceLines } from '../provenance.js';
import { telemetryFor } from '../telemetry.js';
import { viewFor, type EmittedFile, type RenderResult, type Target } from '../types.js';
import { shownFields } from '../fields.js';
import { splDialect as d } from './dialect.js';
import { splComment, splField, splMacroName, splString } from './escape.js';
import { splProfiles, type SplProfile, type SplMacro } from './profiles.js';
import { splEvaluator } from './evaluate.js';

const queryTemplate = loadTemplate(new URL('./templates/query.spl.hbs', import.meta.url));
const macrosTemplate = loadTemplate(new URL('./templates/macros.conf.hbs', import.meta.url));

export function filterMacroName(rule: RuleIR): string {
  return `${splMacroName(rule.name)}_filter`;
}

/** The ESCU-style customer filter macro: a no-op until the customer defines it. */
export function filterMacro(rule: RuleIR): SplMacro {
  return { name: filterMacroName(rule), definition: 'search *', description: `Tuning filter for ${rule.name}, yours to edit (kept as search * when generated).` };
}

export function renderSpl(rule: RuleIR, profile: SplProfile): RenderResult {
  const telemetry = telemetryFor(rule, 'spl', profile);
  if (telemetry.unsupported) return { files: [], diagnostics: [telemetry.unsupported] };
  const fields = viewFor(profile, rule.logsource.category)!.fields;
  const fieldOf = (f: CanonicalField) => (fields[f] ? splField(fields[f]!) : undefined);
  const stages: string[] = [];

  // Missing values mean one thing: null and placeholders become "", so no predicate sees NULL.
  const normalise = allFieldsRead(rule)
    .filter((f) => fields[f])
    .map((f) => {
      const name = fieldOf(f)!;
      const placeholders = profile.placeholders.map((p) => `${name}==${splString(p)}, ""`).join(', ');
      return placeholders ? `${name}=case(isnull(${name}), "", ${placeholders}, true(), ${name})` : `${name}=coalesce(${name}, "")`;
    });
  if (normalise.length) stages.push(`eval ${normalise.join(', ')}`);

  const match = renderExpr(rule.match, d, fieldOf);
  if (!('const' in match && match.const)) stages.push(`where ${fragmentText(match, d)}`);

  stages.push(`eval ${rule.signals.map((s) => `sig_${s.id}=if(${fragmentText(renderExpr(s.expr, d, fieldOf), d)}, 1, 0)`).join(', ')}`);
  stages.push(`eval risk_score=${rule.signals.map((s) => `sig_${s.id}*${s.weight}`).join('+')}`);
  stages.push(`where risk_score>=${rule.threshold}`);
  const tierCases = rule.tiers.map((t) => `${t.isDefault ? 'true()' : fragmentText(renderTierCond(t.cond, d), d)}, ${splString(t.name)}`);
  stages.push(`eval risk_tier=case(${tierCases.join(', ')})`);
  const riskTiers = rule.tiers.filter((t) => t.action === 'risk').map((t) => `risk_tier==${splString(t.name)}`);
  stages.push(riskTiers.length ? `eval risk_action=case(${riskTiers.join(' OR ')}, "risk", true(), "alert")` : 'eval risk_action="alert"');
  const shown = shownFields(rule.logsource.category).filter((f) => fields[f]).map((f) => fieldOf(f)!);
  stages.push(`table ${[profile.timeField, profile.hostField, ...shown, ...rule.signals.map((s) => `sig_${s.id}`), 'risk_score', 'risk_tier', 'risk_action'].join(', ')}`);
  stages.push(`sort 0 -risk_score, -${profile.timeField}`);
  stages.push(`\`${filterMacroName(rule)}\``);

  const base = `\`${profile.baseSearch[rule.logsource.category]}\``;
  const content = queryTemplate({ header: provenanceLines(rule).map(splComment), base, stages });
  return { files: [{ path: `spl/${profile.id}/${rule.name}.spl`, content }], diagnostics: telemetry.notes };
}

export function renderSplMacros(rules: readonly RuleIR[], profile: SplProfile): EmittedFile[] {
  const macros = [...profile.macros, ...rules.filter((r) => !telemetryFor(r, 'spl', profile).unsupported).map(filterMacro)];
  macros.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const content = macrosTemplate({ header: provenanceLines(), macros });
  return [{ path: `spl/${profile.id}/macros.conf`, content }];
}

export const splTarget: Target<SplProfile> = {
  id: 'spl',
  description: 'Splunk SPL saved-search queries and macros.conf',
  profiles: splProfiles,
  render: renderSpl,
  renderShared: renderSplMacros,
  evaluator: splEvaluator,
};
