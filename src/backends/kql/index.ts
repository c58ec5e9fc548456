/**
 * KQL target: one query per rule and profile (Defender advanced hunting, Microsoft Sentinel), one per
 * correlation rule and profile (correlation.ts), and the watchlist CSVs a Sentinel profile reads.
 */
import type { Allowlist } from '../../model/allowlist.js';
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import { fragmentText, renderTierCond } from '../text/compiler.js';
import { loadTemplate } from '../templates.js';
import { provenanceLines } from '../provenance.js';
import { telemetryFor } from '../telemetry.js';
import { viewFor, type EmittedFile, type RenderResult, type Target } from '../types.js';
import { shownFields } from '../fields.js';
import { kqlDialect as d } from './dialect.js';
import { kqlColumn, kqlComment, kqlString } from './escape.js';
import { allowlistSourceOf, kqlProfiles, type KqlProfile } from './profiles.js';
import { kqlEvaluator } from './evaluate.js';
import { readsWatchlist, watchlistCsv, watchlistRelativePath } from './watchlists.js';
import { kqlRuleCore, listsRead, watchlistUnavailable } from './core.js';
import { renderKqlCorrelation } from './correlation.js';

const queryTemplate = loadTemplate(new URL('./templates/query.kql.hbs', import.meta.url));

export function renderKql(rule: RuleIR, profile: KqlProfile): RenderResult {
  const core = kqlRuleCore(rule, profile);
  if ('unsupported' in core) return { files: [], diagnostics: [core.unsupported] };
  const { fields } = core;
  const stages = [...core.stages];
  const cases = rule.tiers.filter((t) => !t.isDefault).map((t) => `${fragmentText(renderTierCond(t.cond, d), d)}, ${kqlString(t.name)}`);
  const last = rule.tiers[rule.tiers.length - 1]!;
  stages.push(`extend risk_tier = ${cases.length ? `case(${[...cases, kqlString(last.name)].join(',\n    ')})` : kqlString(last.name)}`);
  const risk = rule.tiers.filter((t) => t.action === 'risk').map((t) => t.name);
  stages.push(`extend risk_action = ${risk.length ? `iff(risk_tier in (${risk.map(kqlString).join(', ')}), "risk", "alert")` : '"alert"'}`);
  // The profile's keepColumns that the log source's table has (AKSAuditAdmin has no DeviceId).
  const keep = profile.keepColumns.filter((c) => core.columnTypes.size === 0 || core.columnTypes.has(c));
  const shown = shownFields(rule.logsource.category)
    .map((f) => fields[f])
    .filter((c): c is string => c !== undefined && !keep.includes(c));
  const columns = [...keep, ...shown].map(kqlColumn).concat(rule.signals.map((s) => `sig_${s.id}`), ['risk_score', 'risk_tier', 'risk_action']);
  stages.push(`project ${columns.join(', ')}`);
  stages.push(`order by risk_score desc, ${kqlColumn(profile.timeColumn)} desc`);

  const content = queryTemplate({ header: provenanceLines(rule).map(kqlComment), lets: core.lets, table: core.table, stages });
  return { files: [{ path: `kql/${profile.id}/${rule.name}.kql`, content }], diagnostics: core.notes };
}

/**
 * The watchlist CSVs of a profile that reads allowlists from Sentinel watchlists: one per exact list
 * a rendered query reads (domain lists stay `let` regexes, and a profile with `let` lists needs none).
 * Correlation queries read their stage rules' lists: given the correlations, their stage rules count
 * too (when compiled with the bundled rules they are among `rules` anyway).
 */
export function renderKqlWatchlists(rules: readonly RuleIR[], profile: KqlProfile, correlations: readonly CorrelationIR[] = []): EmittedFile[] {
  const source = allowlistSourceOf(profile);
  const byName = new Map<string, Allowlist>();
  const all = new Map<string, RuleIR>();
  for (const rule of [...rules, ...correlations.flatMap((c) => c.stages.flatMap((s) => s.rules))]) if (!all.has(rule.name)) all.set(rule.name, rule);
  for (const rule of all.values()) {
    const view = viewFor(profile, rule.logsource.category);
    if (!view || telemetryFor(rule, 'kql', profile).unsupported) continue;
    const lists = listsRead(rule, view.fields);
    if (watchlistUnavailable(rule, profile, lists, source)) continue;
    for (const ref of lists) {
      const list = rule.lists.find((l) => l.name === ref.name);
      if (list && readsWatchlist(list.match, source)) byName.set(list.name, list);
    }
  }
  return [...byName.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((list) => ({ path: `kql/${profile.id}/${watchlistRelativePath(list.name)}`, content: watchlistCsv(list) }));
}

export const kqlTarget: Target<KqlProfile> = {
  id: 'kql',
  description: 'Microsoft Sentinel / Defender KQL queries',
  profiles: kqlProfiles,
  render: renderKql,
  renderCorrelation: renderKqlCorrelation,
  renderShared: renderKqlWatchlists,
  evaluator: kqlEvaluator,
};
