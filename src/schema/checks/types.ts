import type { Diagnostic } from '../../model/diagnostics.js';
import type { LoadedRule } from '../../model/types.js';
import type { RuleIR } from '../../ir/nodes.js';
import type { Allowlist } from '../../model/allowlist.js';

/** What a check sees. `ir` is present for checks that run after lowering. */
export interface CheckContext {
  readonly rule: LoadedRule;
  readonly ir?: RuleIR;
  /** Every rule being loaded in this run, for cross-rule checks. */
  readonly all: readonly LoadedRule[];
  /** The allowlists of this run, by name. */
  readonly lists: ReadonlyMap<string, Allowlist>;
}

/**
 * One semantic check beyond the schema (graphql-js style: one per file, registered in
 * `checks/index.ts`). `phase: 'model'` checks run on the validated YAML before lowering;
 * `phase: 'ir'` checks run on the lowered rule.
 */
export interface RuleCheck {
  readonly code: string;
  readonly phase: 'model' | 'ir';
  run(ctx: CheckContext): Diagnostic[];
}
