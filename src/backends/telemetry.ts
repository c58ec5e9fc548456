/**
 * What a profile can run: a rule needs its log source and every field it reads. A field used only to
 * refine a predicate (a current directory to resolve relative paths) may be missing: the rule still
 * runs, and a note says what is lost. Nothing is dropped silently.
 */
import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import type { CanonicalField } from '../model/types.js';
import type { RuleIR } from '../ir/nodes.js';
import type { ProfileBase, TargetId } from './types.js';

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
