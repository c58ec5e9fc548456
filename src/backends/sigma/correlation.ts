/**
 * Correlation rules on the Sigma target (semantics.md §3.5, G-corr): one file per correlation and
 * profile holding, first, one base rule per stage — "an event that is a result (any tier) of one of
 * the stage's rules" — and then a `temporal_ordered` correlation over those base rules, grouped by the
 * profile's names of the group-by fields.
 *
 * A base rule's condition is, over the stage's rules, the OR of "this rule gives a result": its match,
 * no allowlist suppressing it, its signals reaching its threshold (src/ir/scoring.ts: a matched event
 * always lands on some tier, the last one being the default, so no tier condition is needed). Each
 * rule's selections carry the rule's name as a prefix (`docker_build_risk__match_1`): rule names have
 * no `_`, so the first `__` ends the prefix and names from different rules never meet.
 *
 * Sigma has one `timespan` for the whole chain and no per-stage windows, so the correlation uses the
 * sum of the windows (the longest chain the model allows): every chain of the model is reported, and
 * with three or more stages so are chains that break one stage's window but not the total. The
 * reading is src/ir/correlation.ts's `total-span`; a warning says so for each such correlation.
 */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { CanonicalField, LogsourceCategory } from '../../model/types.js';
import type { RuleIR } from '../../ir/nodes.js';
import type { CorrelationIR } from '../../ir/correlation.js';
import { provenanceLines } from '../provenance.js';
import { sigmaTags } from '../attack.js';
import { loadTemplate } from '../templates.js';
import { correlationTelemetry } from '../telemetry.js';
import { viewFor, type RenderResult } from '../types.js';
import { cOr, Selections } from './condition.js';
import { detectionFor, dumpYaml, resultCond, ruleConds, uuidV5, type SigmaDocument } from './documents.js';
import { sigmaLogsource, type SigmaProfile } from './profiles.js';

const fileTemplate = loadTemplate(new URL('./templates/rules.yml.hbs', import.meta.url));

/** Seconds as a Sigma timespan (`<n>s|m|h|d`) in the largest unit that states it exactly. */
export function sigmaTimespan(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/** A base rule's name: the correlation's name and the stage label (labels have no `-`). */
export function stageRuleName(c: CorrelationIR, label: string): string {
  return `${c.name}-${label}`;
}

/** The prefix of one rule's selections in a base rule. */
function selectionPrefix(rule: RuleIR): string {
  return `${rule.name.replace(/-/g, '_')}__`;
}

function skipped(c: CorrelationIR, profile: SigmaProfile, why: string, hint: string): Diagnostic {
  return diagnostic(c.file, { line: 1, column: 1 }, 'warning', 'unsupported-profile', `sigma profile ${profile.id}: ${why}; correlation ${c.name} is skipped there`, hint);
}

/** A base rule has one logsource: every rule of a stage must read the same category. */
function stageCategories(c: CorrelationIR, stages: readonly (readonly RuleIR[])[], profile: SigmaProfile): LogsourceCategory[] | Diagnostic {
  const categories: LogsourceCategory[] = [];
  for (const [k, rules] of stages.entries()) {
    const found = [...new Set(rules.map((r) => r.logsource.category))];
    if (found.length > 1)
      return skipped(c, profile, `stage ${c.stages[k]!.label} mixes log sources (${found.join(', ')}) and a Sigma rule has one`, 'use the spl or kql target for this chain');
    categories.push(found[0]!);
  }
  return categories;
}

/** Base rule names must differ; labels are free text, so two stages could share one. */
function repeatedLabel(c: CorrelationIR, profile: SigmaProfile): Diagnostic | undefined {
  const labels = c.stages.map((s) => s.label);
  const twice = labels.find((l, i) => labels.indexOf(l) !== i);
  return twice === undefined ? undefined : skipped(c, profile, `two stages are labelled ${twice}, so their base rules would share a name`, 'give each stage its own label');
}

/**
 * The group-by fields under the profile's names. `group-by` names one field for every rule of the
 * chain, so each field must have the same name in every stage's log source.
 */
function groupByNames(c: CorrelationIR, categories: readonly LogsourceCategory[], profile: SigmaProfile): string[] | Diagnostic {
  const names: string[] = [];
  for (const f of c.groupBy) {
    const mapped = [...new Set(categories.map((cat) => viewFor(profile, cat)!.fields[f]!))];
    if (mapped.length > 1) return skipped(c, profile, `group-by field ${f} is named ${mapped.join(' or ')} across the stages' log sources`, 'map it to one name in every log source of the profile');
    names.push(mapped[0]!);
  }
  return names;
}

function stageDocument(c: CorrelationIR, k: number, rules: readonly RuleIR[], category: LogsourceCategory, profile: SigmaProfile): SigmaDocument {
  const stage = c.stages[k]!;
  const fields = viewFor(profile, category)!.fields;
  const fieldOf = (f: CanonicalField) => fields[f]!;
  const sel = new Selections();
  const condition = cOr(rules.map((r) => resultCond(r, ruleConds(r, sel, fieldOf, selectionPrefix(r)))));
  // The checks reject rules whose logic folds to a constant, so a stage's condition never does.
  if (condition.kind === 'const') throw new Error(`internal: stage ${stage.label} of ${c.name} folds to ${condition.value}`);
  const left = stage.rules.filter((r) => !rules.includes(r)).map((r) => r.name);
  const within = stage.within ? ` It must follow the previous stage's event within ${stage.within} in the model; Sigma checks only the correlation's timespan.` : '';
  return {
    title: `${c.title}: stage ${stage.label}`,
    id: uuidV5(c.id, `stage:${stage.label}`),
    name: stageRuleName(c, stage.label),
    status: c.status,
    description:
      `Stage "${stage.label}" (${k + 1} of ${c.stages.length}) of t1612 correlation ${c.name} (${c.id}): an event that is a result, any tier, of ${rules.map((r) => r.name).join(' or ')} — the rule's match, no allowlist suppressing it, its signals reaching its threshold. ` +
      `Selections are prefixed with the rule they come from (${rules.map(selectionPrefix).join(', ')}).${within}` +
      `${left.length ? ` This profile cannot run ${left.join(', ')}, so the stage goes without ${left.length > 1 ? 'them' : 'it'}.` : ''} ` +
      `A chain stage, not an alert (level informational): the correlation rule ${c.name} in this file alerts on the chain.`,
    ...(c.references.length ? { references: [...c.references] } : {}),
    author: c.author,
    date: c.created,
    ...(c.modified ? { modified: c.modified } : {}),
    tags: sigmaTags(c),
    logsource: sigmaLogsource(profile, category),
    detection: detectionFor(condition, sel),
    level: 'informational',
  };
}

/** Per-stage windows as text: `egress within 30m of build, deploy within 30m of egress`. */
function windowsText(c: CorrelationIR): string {
  return c.stages.flatMap((s, i) => (s.within ? [`${s.label} within ${s.within} of ${c.stages[i - 1]!.label}`] : [])).join(', ');
}

/**
 * With one window (two stages) the single timespan is that window and nothing changes. With more,
 * the total span admits chains whose stages break their own window: a warning names them.
 */
function approximation(c: CorrelationIR, profile: SigmaProfile, timespan: string): Diagnostic | undefined {
  if (c.stages.filter((s) => s.within).length < 2) return undefined;
  return diagnostic(
    c.file,
    { line: 1, column: 1 },
    'warning',
    'approximation',
    `sigma profile ${profile.id}: correlation ${c.name} has per-stage windows (${windowsText(c)}) but Sigma's temporal_ordered has one timespan, so it uses ${timespan} (their sum) from first to last stage; chains whose stages are further apart than their own window but within ${timespan} in all also match`,
    "expected for Sigma; the correlation's tests state Sigma's outcome with expectByProfile",
  );
}

/**
 * Sigma's correlation rules join on `group-by` fields of the events and have no way to compare a value
 * each stage's rule derives from its own event (the image a build tags, the image a run starts), so
 * the join on the image is dropped: every chain of the model is still reported, and so are chains of
 * one host that build one image and run another.
 */
function imageJoinDropped(c: CorrelationIR, profile: SigmaProfile): Diagnostic | undefined {
  if (!c.joinOnImage) return undefined;
  return diagnostic(
    c.file,
    { line: 1, column: 1 },
    'warning',
    'approximation',
    `sigma profile ${profile.id}: correlation ${c.name} joins its stages on the image, which Sigma's group-by cannot express (the image is read from each event by its rule), so the Sigma correlation groups by ${c.groupBy.join(', ')} only; a build of one image followed by a run of another on the same host also matches`,
    "expected for Sigma; the correlation's tests state Sigma's outcome with expectByProfile",
  );
}

function correlationDocument(c: CorrelationIR, ruleNames: readonly string[], groupBy: readonly string[], timespan: string, approximates: boolean): SigmaDocument {
  const windowNote = approximates
    ? `\n\nSigma has no per-stage windows: this temporal_ordered correlation requires the stages in order within ${timespan} of the first (the sum of its windows: ${windowsText(c)}), so it also reports chains that break one stage's window but not the total.`
    : '';
  const imageNote = c.joinOnImage
    ? `\n\nSigma cannot join on the image each stage's event names, so this correlation groups by ${c.groupBy.join(', ')} only and also reports a build of one image followed by a run of another.`
    : '';
  const note = `${windowNote}${imageNote}`;
  return {
    title: c.title,
    id: c.id,
    name: c.name,
    status: c.status,
    description: `${c.description}${note}`,
    ...(c.references.length ? { references: [...c.references] } : {}),
    author: c.author,
    date: c.created,
    ...(c.modified ? { modified: c.modified } : {}),
    tags: sigmaTags(c),
    correlation: { type: 'temporal_ordered', rules: [...ruleNames], 'group-by': [...groupBy], timespan },
    ...(c.falsePositives.length ? { falsepositives: [...c.falsePositives] } : {}),
    level: c.level,
    // A custom attribute, as on a rule's documents: what a result of this correlation is in t1612.
    t1612: { rule: c.name, action: c.action },
  };
}

export function renderSigmaCorrelation(c: CorrelationIR, profile: SigmaProfile): RenderResult {
  const telemetry = correlationTelemetry(c, 'sigma', profile);
  if (telemetry.unsupported) return { files: [], diagnostics: [telemetry.unsupported] };
  const categories = stageCategories(c, telemetry.stages, profile);
  if (!Array.isArray(categories)) return { files: [], diagnostics: [categories] };
  const problem = repeatedLabel(c, profile);
  if (problem) return { files: [], diagnostics: [problem] };
  const groupBy = groupByNames(c, categories, profile);
  if (!Array.isArray(groupBy)) return { files: [], diagnostics: [groupBy] };

  const timespan = sigmaTimespan(c.spanSeconds);
  const warning = approximation(c, profile, timespan);
  const imageWarning = imageJoinDropped(c, profile);
  const stages = telemetry.stages.map((rules, k) => stageDocument(c, k, rules, categories[k]!, profile));
  const documents = [...stages, correlationDocument(c, stages.map((d) => d.name as string), groupBy, timespan, warning !== undefined)].map((d) => dumpYaml(d).trimEnd());
  const content = fileTemplate({ header: provenanceLines(c), documents });
  return { files: [{ path: `sigma/${profile.id}/${c.name}.yml`, content }], diagnostics: [...telemetry.notes, ...(warning ? [warning] : []), ...(imageWarning ? [imageWarning] : [])] };
}
