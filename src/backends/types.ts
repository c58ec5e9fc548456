/** What a target is: a folder under src/backends/ exporting one `Target`, listed in src/backends/index.ts. */
import type { Diagnostic } from '../model/diagnostics.js';
import type { CanonicalField, LogsourceCategory } from '../model/types.js';
import type { RuleIR } from '../ir/nodes.js';
import type { QueryEvaluator } from './evaluation.js';

export type TargetId = 'spl' | 'kql' | 'sigma';

/**
 * How one deployment sees events: field names, placeholders for missing values, where the events
 * live. Profiles are data (a user profile is the same shape); query writing never hard-codes them.
 */
export interface ProfileBase {
  readonly id: string;
  readonly description: string;
  /** Canonical field → the target's field or column. A field absent here is not carried. */
  readonly fields: Readonly<Partial<Record<CanonicalField, string>>>;
  /** Values the telemetry writes for a missing value (Sysmon for Linux: `-`); read as absent. */
  readonly placeholders: readonly string[];
  /** Log source categories the profile has events for. */
  readonly categories: readonly LogsourceCategory[];
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
  /** Files shared by all rules of one profile (Splunk's macros.conf). */
  renderShared?(rules: readonly RuleIR[], profile: P): readonly EmittedFile[];
  /** Executes the emitted text over target-shaped rows (src/backends/evaluation.ts). */
  readonly evaluator?: QueryEvaluator<P>;
}
