/** What a target is: a folder under src/backends/ exporting one `Target`, listed in src/backends/index.ts. */
import type { Diagnostic } from '../model/diagnostics.js';
import type { CanonicalField, LogsourceCategory } from '../model/types.js';
import type { RuleIR } from '../ir/nodes.js';
import type { QueryEvaluator } from './evaluation.js';
import type { CorrelationIR } from '../ir/correlation.js';

export type TargetId = 'spl' | 'kql' | 'sigma';

/** Canonical field → the target's field or column. A field absent here is not carried. */
export type FieldMap = Readonly<Partial<Record<CanonicalField, string>>>;

/**
 * How one deployment sees events: per log source, its field names; placeholders for missing
 * values; where the events live. Profiles are data (a user profile is the same shape); query writing
 * never hard-codes them.
 */
export interface ProfileBase {
  readonly id: string;
  readonly description: string;
  /** Per log source category the profile has events for, its field mapping. */
  readonly fields: Readonly<Partial<Record<LogsourceCategory, FieldMap>>>;
  /** Values the telemetry writes for a missing value (Sysmon for Linux: `-`); read as absent. */
  readonly placeholders: readonly string[];
  /** The bundled profile this one extends, if any: test cases' per-profile outcomes apply to it too. */
  readonly basedOn?: string;
  /** How late an event may arrive after its own time (`5m`); scheduled searches read back that much more (src/ir/schedule.ts). */
  readonly ingestionLag?: string;
}

/** A profile as one log source sees it: the same profile with that category's flat field map. */
export type ProfileView<P extends ProfileBase = ProfileBase> = Omit<P, 'fields'> & {
  readonly category: LogsourceCategory;
  readonly fields: FieldMap;
};

export function viewFor<P extends ProfileBase>(profile: P, category: LogsourceCategory): ProfileView<P> | undefined {
  const fields = profile.fields[category];
  return fields ? { ...profile, category, fields } : undefined;
}

export function categoriesOf(profile: ProfileBase): LogsourceCategory[] {
  return Object.keys(profile.fields) as LogsourceCategory[];
}

export interface EmittedFile {
  /** Path under the output directory, `/`-separated: `spl/sysmon_linux/docker-build-risk.spl`. */
  readonly path: string;
  readonly content: string;
}

export interface RenderResult {
  readonly files: readonly EmittedFile[];
  /** Notes and warnings about what the target or profile cannot express (never silent). */
  readonly diagnostics: readonly Diagnostic[];
}

export interface Target<P extends ProfileBase = ProfileBase> {
  readonly id: TargetId;
  readonly description: string;
  readonly profiles: readonly P[];
  /** Render one rule for one profile. */
  render(rule: RuleIR, profile: P): RenderResult;
  /**
   * Render one correlation rule for one profile (its stage rules are in the IR). A target or profile
   * that cannot express it returns no file and a diagnostic saying so; an approximation is a warning
   * naming what changes.
   */
  renderCorrelation?(c: CorrelationIR, profile: P): RenderResult;
  /**
   * Files shared by all rules of one profile (Splunk's macros.conf). `correlations` are the
   * correlation rules compiled beside them, for targets whose shared files serve those too.
   */
  renderShared?(rules: readonly RuleIR[], profile: P, correlations?: readonly CorrelationIR[]): readonly EmittedFile[];
  /** Executes the emitted text over target-shaped rows (src/backends/evaluation.ts). */
  readonly evaluator?: QueryEvaluator<P>;
}
