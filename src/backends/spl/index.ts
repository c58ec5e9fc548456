/**
 * Splunk SPL target: one saved-search query per rule and profile, one per correlation rule and
 * profile (correlation.ts), plus the profile's shared files: macros.conf, and for allowlists
 * transforms.conf and lookups/*.csv (allowlist.ts). A profile reads each log source with a base
 * search or from an accelerated data model with tstats (source.ts; the bundled `sysmon_linux` and
 * `cim`).
 */
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import { loadTemplate } from '../templates.js';
import { provenanceLines } from '../provenance.js';
import { correlationTelemetry, telemetryFor } from '../telemetry.js';
import type { EmittedFile, RenderResult, Target } from '../types.js';
import { shownFields } from '../fields.js';
import { splComment, splField } from './escape.js';
import { splProfiles, type SplProfile, type SplMacro } from './profiles.js';
import { splEvaluator } from './evaluate.js';
import { allowlistMacro, renderLookups } from './allowlist.js';
import { filterMacro, filterMacroName, ruleCore, ruleFields, tierStages, tstatsFields } from './core.js';
import { correlationProblem, renderSplCorrelation } from './correlation.js';
import { sourceProblem, splSource, TSTATS_COUNT } from './source.js';

const queryTemplate = loadTemplate(new URL('./templates/query.spl.hbs', import.meta.url));
const macrosTemplate = loadTemplate(new URL('./templates/macros.conf.hbs', import.meta.url));

/**
 * A rule's saved search: its core (core.ts: base search or tstats, normalising eval, allowlist
 * macro, match, signals, score, threshold), then its tier and action, the table, the sort and the
 * customer's `<rule>_filter` macro. The table shows the time, the host and the rule's log source
 * fields the results carry (from a data model: the by-fields, and `count`, the events in the row).
 */
export function renderSpl(rule: RuleIR, profile: SplProfile): RenderResult {
  const telemetry = telemetryFor(rule, 'spl', profile);
  if (telemetry.unsupported) return { files: [], diagnostics: [telemetry.unsupported] };
  const problem = sourceProblem(rule, profile);
  if (problem) return { files: [], diagnostics: [problem] };
  const source = splSource(profile, rule.logsource.category);
  const fields = ruleFields(rule, profile);
  const core = ruleCore(rule, profile);
  const carried = source.kind === 'tstats' ? new Set(tstatsFields(rule, source)) : undefined;
  const shown = shownFields(rule.logsource.category).filter((f) => fields[f] && (!carried || carried.has(f))).map((f) => splField(fields[f]!));
  const host = source.kind === 'search' ? [source.hostField] : fields.Host ? [splField(fields.Host)] : [];
  const stages = [
    ...core.stages,
    ...tierStages(rule),
    `table ${[profile.timeField, ...host, ...shown, ...rule.signals.map((s) => `sig_${s.id}`), 'risk_score', 'risk_tier', 'risk_action', ...(source.kind === 'tstats' ? [TSTATS_COUNT] : [])].join(', ')}`,
    `sort 0 -risk_score, -${profile.timeField}`,
    `\`${filterMacroName(rule.name)}\``,
  ];
  const content = queryTemplate({ header: provenanceLines(rule).map(splComment), base: core.base, stages });
  return { files: [{ path: `spl/${profile.id}/${rule.name}.spl`, content }], diagnostics: telemetry.notes };
}

/** The macros of a rule a profile can run: its `_filter`, and `_allowlist` when it reads lists. */
function ruleMacros(rule: RuleIR, profile: SplProfile): SplMacro[] {
  const allowlist = allowlistMacro(rule, ruleFields(rule, profile));
  return allowlist ? [allowlist, filterMacro(rule.name)] : [filterMacro(rule.name)];
}

/**
 * A profile's shared files: macros.conf, then the allowlists' transforms.conf and lookup CSVs. The
 * rules are the ones compiled and, for each correlation the profile can run, the stage rules its
 * subsearches call (their base, `_allowlist` and `_filter` macros and their lookups), once each;
 * each such correlation adds its own `<correlation>_filter` macro.
 */
export function renderSplShared(rules: readonly RuleIR[], profile: SplProfile, correlations: readonly CorrelationIR[] = []): EmittedFile[] {
  const runnable = rules.filter((r) => !telemetryFor(r, 'spl', profile).unsupported && !sourceProblem(r, profile));
  const names = new Set(runnable.map((r) => r.name));
  const correlationMacros: SplMacro[] = [];
  for (const c of correlations) {
    const telemetry = correlationTelemetry(c, 'spl', profile);
    if (telemetry.unsupported || correlationProblem(c, telemetry.stages, profile)) continue;
    correlationMacros.push(filterMacro(c.name));
    for (const rule of telemetry.stages.flat()) {
      if (names.has(rule.name)) continue;
      names.add(rule.name);
      runnable.push(rule);
    }
  }
  const macros = [...profile.macros, ...runnable.flatMap((r) => ruleMacros(r, profile)), ...correlationMacros];
  macros.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const content = macrosTemplate({ header: provenanceLines(), macros });
  return [{ path: `spl/${profile.id}/macros.conf`, content }, ...renderLookups(runnable, profile)];
}

export const splTarget: Target<SplProfile> = {
  id: 'spl',
  description: 'Splunk SPL saved-search queries and correlation searches, macros.conf and allowlist lookups (transforms.conf, lookups/*.csv)',
  profiles: splProfiles,
  render: renderSpl,
  renderCorrelation: renderSplCorrelation,
  renderShared: renderSplShared,
  evaluator: splEvaluator,
};
