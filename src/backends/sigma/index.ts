/**
 * Sigma target. Sigma has no scores, so each tier becomes its own Sigma rule whose condition is
 * exactly "this rule's events, whose signals reach the threshold, land on this tier and on no earlier
 * one" (src/ir/tier-logic.ts), built from named selections. `level` comes from the tier; a `risk`
 * tier is `informational` (recorded, not alerted). Allowlist suppressions are Sigma's own idiom, a
 * `filter_<list>` selection every tier's condition excludes (`… and not filter_<list>_1`).
 * Correlation rules become `temporal_ordered` correlations over one base rule per stage
 * (correlation.ts).
 */
import type { CanonicalField } from '../../model/types.js';
import type { RuleIR } from '../../ir/nodes.js';
import { tierSelection } from '../../ir/tier-logic.js';
import { loadTemplate } from '../templates.js';
import { provenanceLines } from '../provenance.js';
import { telemetryFor } from '../telemetry.js';
import { viewFor, type RenderResult, type Target } from '../types.js';
import { cAnd, cNot, Selections } from './condition.js';
import { detectionFor, dumpYaml, formulaToCond, ruleConds, uuidV5, type SigmaDocument } from './documents.js';
import { renderSigmaCorrelation } from './correlation.js';
import { sigmaEvaluator } from './evaluate.js';
import { sigmaLogsource, sigmaProfiles, type SigmaProfile } from './profiles.js';
import { sigmaTags } from '../attack.js';

const fileTemplate = loadTemplate(new URL('./templates/rules.yml.hbs', import.meta.url));

export function sigmaDocuments(rule: RuleIR, profile: SigmaProfile): SigmaDocument[] {
  const fields = viewFor(profile, rule.logsource.category)!.fields;
  const fieldOf = (f: CanonicalField) => fields[f]!;
  const sel = new Selections();
  const conds = ruleConds(rule, sel, fieldOf);
  const weights = rule.signals.map((s) => `${s.id} (${s.weight})`).join(', ');
  const suppressed = rule.suppress.length ? ` that no allowlist suppresses (${rule.suppress.map((s) => `${s.list.name} on ${fieldOf(s.field)}`).join(', ')})` : '';
  return rule.tiers.flatMap((tier, i) => {
    const parts = tierSelection(rule, i);
    const sig = conds.signal;
    const condition = cAnd([
      conds.match,
      ...conds.filters.map(cNot),
      formulaToCond(parts.threshold, sig),
      formulaToCond(parts.tier, sig),
      ...parts.higher.map((h) => cNot(formulaToCond(h, sig))),
    ]);
    // A tier no result can reach (a shadowed default tier, which validate warns about) has no document.
    if (condition.kind === 'const' && !condition.value) return [];
    if (condition.kind === 'const') throw new Error(`internal: tier ${tier.name} of ${rule.name} folds to true`);
    // Keep only the selections this tier's condition uses.
    const detection = detectionFor(condition, sel);
    const doc: SigmaDocument = {
      // rule titles and tier titles are at most 120 characters each (schema), within Sigma's 256
      title: `${rule.title}: ${tier.title}`,
      id: uuidV5(rule.id, `tier:${tier.name}`),
      // rule names have no `_` and tier names no `-`, so names stay unique across rules
      name: `${rule.name}-${tier.name}`,
      status: rule.status,
      description: `${rule.description}\n\nTier "${tier.name}" of t1612 rule ${rule.name} (${rule.id}): ${tier.title}. Sigma has no scores, so this rule encodes the tier exactly: the events the rule is about${suppressed}, whose signals reach the threshold ${rule.threshold} (weights: ${weights}), whose signals satisfy this tier's condition and no earlier tier's.${tier.action === 'risk' ? ' Results are recorded as risk, not alerted.' : ''}`,
      references: [...rule.references],
      author: rule.author,
      date: rule.created,
      ...(rule.modified ? { modified: rule.modified } : {}),
      tags: sigmaTags(rule),
      logsource: sigmaLogsource(profile, rule.logsource.category),
      detection,
      falsepositives: [...rule.falsePositives],
      level: tier.action === 'risk' ? 'informational' : tier.level,
      // A custom attribute (pySigma keeps unknown top-level keys as custom_attributes): which t1612
      // tier this document encodes, so results map back to the rule's verdict.
      t1612: { rule: rule.name, tier: tier.name, action: tier.action },
    };
    if (!rule.references.length) delete doc.references;
    if (!rule.falsePositives.length) delete doc.falsepositives;
    return [doc];
  });
}


function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}

export function renderSigma(rule: RuleIR, profile: SigmaProfile): RenderResult {
  const telemetry = telemetryFor(rule, 'sigma', profile);
  if (telemetry.unsupported) return { files: [], diagnostics: [telemetry.unsupported] };
  // Tier documents repeat the same (long) selections: each is dumped once and spliced into every
  // document that uses it, which keeps output identical to dumping whole documents.
  const selectionText = new Map<string, string>();
  const documents = sigmaDocuments(rule, profile).map((d) => {
    const keys = Object.keys(d);
    const at = keys.indexOf('detection');
    const part = (ks: string[]) => (ks.length ? dumpYaml(Object.fromEntries(ks.map((k) => [k, d[k]]))) : '');
    const detection = d.detection as Record<string, unknown>;
    let body = '';
    for (const [name, value] of Object.entries(detection)) {
      let text = name === 'condition' ? undefined : selectionText.get(name);
      if (text === undefined) {
        text = indent(dumpYaml({ [name]: value }));
        if (name !== 'condition') selectionText.set(name, text);
      }
      body += text;
    }
    return `${part(keys.slice(0, at))}detection:\n${body}${part(keys.slice(at + 1))}`.trimEnd();
  });
  const content = fileTemplate({ header: provenanceLines(rule), documents });
  return { files: [{ path: `sigma/${profile.id}/${rule.name}.yml`, content }], diagnostics: telemetry.notes };
}

export const sigmaTarget: Target<SigmaProfile> = {
  id: 'sigma',
  description: 'Sigma rules (one per verdict tier) and temporal_ordered correlations',
  profiles: sigmaProfiles,
  render: renderSigma,
  renderCorrelation: renderSigmaCorrelation,
  evaluator: sigmaEvaluator,
};
