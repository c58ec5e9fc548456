/**
 * What a profile can run: a rule needs its log source and every field it reads. A field used only to
 * refine a predicate (a current directory to resolve relative paths) may be missing: the rule still
 * runs, and a note says what is lost. Nothing is dropped silently.
 */
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { CanonicalField } from '../model/types.js';
import type { RuleIR } from '../ir/nodes.js';
import type { ProfileBase, TargetId } from './types.js';
import { carriesGroup, type CorrelationIR } from '../ir/correlation.js';

export interface TelemetryVerdict {
  /** Set when the profile cannot run the rule at all. */
  readonly unsupported?: Diagnostic;
  readonly notes: readonly Diagnostic[];
  /** Fields the profile carries, for evaluating the rule as this profile sees events. */
  readonly availableFields: ReadonlySet<CanonicalField>;
}

export function telemetryFor(rule: RuleIR, target: TargetId, profile: ProfileBase): TelemetryVerdict {
  const where = `${target} profile ${profile.id}`;
  const mapped = profile.fields[rule.logsource.category];
  const available = new Set(Object.keys(mapped ?? {}) as CanonicalField[]);
  if (!mapped)
    return {
      unsupported: diagnostic(rule.file, { line: 1, column: 1 }, 'warning', 'unsupported-profile', `${where} has no ${rule.logsource.category} events; rule ${rule.name} is skipped there`, 'use a profile that collects them'),
      notes: [],
      availableFields: available,
    };
  const missingRequired = rule.fieldsRead.filter((f) => !available.has(f));
  if (missingRequired.length)
    return {
      unsupported: diagnostic(rule.file, { line: 1, column: 1 }, 'warning', 'unsupported-profile', `${where} lacks field(s) ${missingRequired.join(', ')}; rule ${rule.name} is skipped there`, 'map the fields in the profile or use another profile'),
      notes: [],
      availableFields: available,
    };
  const notes = rule.optionalFields
    .filter((o) => !available.has(o.field) && !rule.fieldsRead.includes(o.field))
    .map((o) => diagnostic(rule.file, o.position, 'note', 'missing-field', `${where} has no ${o.field}, so ${o.use} there`, "expected for this profile; the rule's tests state its outcome there with expectByProfile"));
  return { notes, availableFields: available };
}

export interface CorrelationTelemetry {
  /** Set when the profile cannot run the chain: a stage none of whose rules it can run. */
  readonly unsupported?: Diagnostic;
  readonly notes: readonly Diagnostic[];
  /** Per stage, the rules this profile runs (in stage order). */
  readonly stages: readonly (readonly RuleIR[])[];
}

/**
 * Why a target cannot run an *image-only* stage rule (one whose log source has no group-by field,
 * k8s_audit: it joins on the image alone, src/ir/correlation.ts), or undefined when it can. KQL keeps
 * the latest start per (group, time, image class) state, which is exact (kql/correlation.ts); SPL's
 * streamstats carry keeps the latest candidate per class, whose start is not the latest once a stage
 * needs prefixes that name the image (src/ir/correlation.ts's header); Sigma's correlations join on
 * group-by values only.
 */
export const IMAGE_ONLY_STAGES: Readonly<Record<TargetId, string | undefined>> = {
  kql: undefined,
  spl: "SPL's streamstats carry cannot keep the latest chain start of the prefixes that name the image",
  sigma: "Sigma's correlations join on group-by fields, not on the image each rule reads",
};

/**
 * What a profile can run of a chain: per stage the rules it can run (its log source, its fields and
 * the group-by fields). A rule whose log source has no group-by field (k8s_audit) joins on the image
 * alone (src/ir/correlation.ts): it runs when the chain joins on the image, on a target that can
 * (IMAGE_ONLY_STAGES), and the rule names its image on the profile. A stage left without rules makes
 * the chain unsupported there; a rule dropped from a stage that keeps others is a note.
 */
export function correlationTelemetry(c: CorrelationIR, target: TargetId, profile: ProfileBase): CorrelationTelemetry {
  const where = `${target} profile ${profile.id}`;
  const notes: Diagnostic[] = [];
  const stages: RuleIR[][] = [];
  for (const stage of c.stages) {
    const runnable: RuleIR[] = [];
    for (const rule of stage.rules) {
      const t = telemetryFor(rule, target, profile);
      const imageOnly = !carriesGroup(c, rule);
      const missingGroup = imageOnly ? [] : c.groupBy.filter((f) => !t.availableFields.has(f));
      const noImage = imageOnly && !rule.imageKey.some((s) => t.availableFields.has(s.field));
      const cannot = imageOnly ? (c.joinOnImage ? IMAGE_ONLY_STAGES[target] : 'the correlation does not join on the image') : undefined;
      if (t.unsupported || missingGroup.length || cannot || noImage) {
        const why = t.unsupported
          ? t.unsupported.message.replace(/; rule .*$/, '')
          : cannot
            ? `${where}: rule ${rule.name} has no ${c.groupBy.join(', ')} and joins on the image alone, and ${cannot}`
            : noImage
              ? `${where} has none of the fields rule ${rule.name} reads its image from (${rule.imageKey.map((s) => s.field).join(', ')}), and the rule has no ${c.groupBy.join(', ')} to join on otherwise`
              : `${where} lacks group-by field(s) ${missingGroup.join(', ')}`;
        const hint = !t.unsupported && cannot ? (c.joinOnImage ? 'expected for this target; the kql target runs such a stage rule' : 'add joinOn: [image] to the correlation') : 'expected when the profile lacks that telemetry';
        notes.push(diagnostic(c.file, { line: 1, column: 1 }, 'note', 'unsupported-profile', `${why}, so stage ${stage.label} of ${c.name} runs without rule ${rule.name} there`, hint));
      } else runnable.push(rule);
    }
    if (!runnable.length)
      return {
        unsupported: diagnostic(c.file, { line: 1, column: 1 }, 'warning', 'unsupported-profile', `${where} can run no rule of stage ${stage.label}; correlation ${c.name} is skipped there`, 'map the stage rules\' fields in the profile or use another profile'),
        notes: [],
        stages: [],
      };
    stages.push(runnable);
  }
  return { notes, stages };
}
