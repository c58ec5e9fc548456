/** KQL target: one query per rule and profile (Defender advanced hunting, Microsoft Sentinel). */
import type { CanonicalField } from '../../model/types.js';
import { allFieldsRead, type RuleIR } from '../../ir/nodes.js';
import { fragmentText, renderExpr, renderTierCond } from '../text/compiler.js';
import { loadTemplate } from '../templates.js';
import { provenanceLines } from '../provenance.js';
import { telemetryFor } from '../telemetry.js';
import { viewFor, type RenderResult, type Target } from '../types.js';
import { shownFields } from '../fields.js';
import { kqlDialect as d } from './dialect.js';
import { kqlColumn, kqlComment, kqlString } from './escape.js';
import { kqlProfiles, type KqlProfile } from './profiles.js';
import { kqlEvaluator } from './evaluate.js';

const queryTemplate = loadTemplate(new URL('./templates/query.kql.hbs', import.meta.url));

export function renderKql(rule: RuleIR, profile: KqlProfile): RenderResult {
  const telemetry = telemetryFor(rule, 'kql', profile);
  if (telemetry.unsupported) return { files: [], diagnostics: [telemetry.unsupported] };
  const fields = viewFor(profile, rule.logsource.category)!.fields;
  const fieldOf = (f: CanonicalField) => (fields[f] ? kqlColumn(fields[f]!) : undefined);
  const stages: string[] = [];

  // String columns are never null in KQL (absent reads as ""); placeholders, where a profile has any, become "".
  const normalise = allFieldsRead(rule)
    .filter((f) => fields[f] && profile.placeholders.length)
    .map((f) => `${fieldOf(f)!} = iff(${fieldOf(f)!} in (${profile.placeholders.map(kqlString).join(', ')}), "", ${fieldOf(f)!})`);
  if (normalise.length) stages.push(`extend ${normalise.join(', ')}`);

  const match = renderExpr(rule.match, d, fieldOf);
  if (!('const' in match && match.const)) stages.push(`where ${fragmentText(match, d)}`);
  stages.push(`extend ${rule.signals.map((s) => `sig_${s.id} = toint(${fragmentText(renderExpr(s.expr, d, fieldOf), d)})`).join(',\n    ')}`);
  stages.push(`extend risk_score = ${rule.signals.map((s) => `sig_${s.id} * ${s.weight}`).join(' + ')}`);
  stages.push(`where risk_score >= ${rule.threshold}`);
  const cases = rule.tiers.filter((t) => !t.isDefault).map((t) => `${fragmentText(renderTierCond(t.cond, d), d)}, ${kqlString(t.name)}`);
  const last = rule.tiers[rule.tiers.length - 1]!;
  stages.push(`extend risk_tier = ${cases.length ? `case(${[...cases, kqlString(last.name)].join(',\n    ')})` : kqlString(last.name)}`);
  const risk = rule.tiers.filter((t) => t.action === 'risk').map((t) => t.name);
  stages.push(`extend risk_action = ${risk.length ? `iff(risk_tier in (${risk.map(kqlString).join(', ')}), "risk", "alert")` : '"alert"'}`);
  const shown = shownFields(rule.logsource.category)
    .map((f) => fields[f])
    .filter((c): c is string => c !== undefined && !profile.keepColumns.includes(c));
  const columns = [...profile.keepColumns, ...shown].map(kqlColumn).concat(rule.signals.map((s) => `sig_${s.id}`), ['risk_score', 'risk_tier', 'risk_action']);
  stages.push(`project ${columns.join(', ')}`);
  stages.push(`order by risk_score desc, ${kqlColumn(profile.timeColumn)} desc`);

  const table = kqlColumn(profile.tables[rule.logsource.category]!);
  const content = queryTemplate({ header: provenanceLines(rule).map(kqlComment), table, stages });
  return { files: [{ path: `kql/${profile.id}/${rule.name}.kql`, content }], diagnostics: telemetry.notes };
}

export const kqlTarget: Target<KqlProfile> = {
  id: 'kql',
  description: 'Microsoft Sentinel / Defender KQL queries',
  profiles: kqlProfiles,
  render: renderKql,
  evaluator: kqlEvaluator,
};
