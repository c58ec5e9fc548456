/**
 * Deployable packages: files Splunk and Microsoft Sentinel load as they are (issue #6 §2, §3). A
 * package target is a folder under src/package/ exporting one `PackageTarget`, listed in
 * src/package/index.ts; it builds from the compiled queries of its query target, never re-renders them.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import type { RuleIR } from '../ir/nodes.js';
import type { CorrelationIR } from '../ir/correlation.js';
import type { ProfileBase, TargetId } from '../backends/types.js';
import type { CompileOutput } from '../compile.js';

export type PackageTargetId = 'splunk' | 'sentinel';

export interface PackageRequest {
  readonly rules: readonly RuleIR[];
  readonly correlations: readonly CorrelationIR[];
  /** The profile of the query target the package is built for. */
  readonly profile: ProfileBase;
  /** The query target's compiled files for that profile (paths as under dist-queries/). */
  readonly compiled: CompileOutput;
}

export interface PackageFile {
  /** Path under the package output folder, `/`-separated. */
  readonly path: string;
  readonly content: string | Uint8Array;
}

export interface PackageResult {
  readonly files: readonly PackageFile[];
  readonly diagnostics: readonly Diagnostic[];
}

export interface PackageTarget {
  readonly id: PackageTargetId;
  readonly description: string;
  /** Whose compiled queries it packages. */
  readonly queryTarget: TargetId;
  /** The profile used when none is given. */
  readonly defaultProfile: string;
  build(request: PackageRequest): PackageResult;
}
