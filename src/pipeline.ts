/**
 * load → validate (schema, then checks) → lower to IR. The one path every command takes, so
 * `validate`, `compile`, `explain` and the tests see the same rules and the same diagnostics.
 */
import { hasErrors, sortDiagnostics, type Diagnostic } from './model/diagnostics.js';
import { findRuleFiles, parseAndValidate } from './model/load.js';
import type { LoadedRule, RuleModel } from './model/types.js';
import { ruleChecks } from './schema/checks/index.js';
import { lowerRule } from './ir/lower.js';
import type { RuleIR } from './ir/nodes.js';

export interface LoadResult {
  readonly rules: readonly LoadedRule[];
  readonly irs: readonly RuleIR[];
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
}

export function loadRules(paths: readonly string[]): LoadResult {
  const { files, diagnostics: found } = findRuleFiles(paths);
  const diagnostics: Diagnostic[] = [...found];
  const rules: LoadedRule[] = [];
  for (const path of files) {
    const parsed = parseAndValidate(path, 'rule');
    diagnostics.push(...parsed.diagnostics);
    if (parsed.doc && !hasErrors(parsed.diagnostics))
      rules.push({ file: parsed.file, model: parsed.doc.value as RuleModel, locate: parsed.doc });
  }
  const irs: RuleIR[] = [];
  for (const rule of rules) {
    const modelDiags = ruleChecks.filter((c) => c.phase === 'model').flatMap((c) => c.run({ rule, all: rules }));
    diagnostics.push(...modelDiags);
    if (hasErrors(modelDiags)) continue;
    const lowered = lowerRule(rule);
    diagnostics.push(...lowered.diagnostics);
    if (!lowered.ir) continue;
    const irDiags = ruleChecks.filter((c) => c.phase === 'ir').flatMap((c) => c.run({ rule, ir: lowered.ir, all: rules }));
    diagnostics.push(...irDiags);
    if (!hasErrors(irDiags)) irs.push(lowered.ir);
  }
  const sorted = sortDiagnostics(diagnostics);
  return { rules, irs, diagnostics: sorted, ok: !hasErrors(sorted) };
}
