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
import { loadAllowlist, todayUtc, type Allowlist } from './model/allowlist.js';

export interface LoadResult {
  readonly rules: readonly LoadedRule[];
  readonly irs: readonly RuleIR[];
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
  /** The allowlists found beside the rules, by name. */
  readonly lists: ReadonlyMap<string, Allowlist>;
}

export interface LoadOptions {
  /** YYYY-MM-DD for expiry warnings (default: today, UTC). Never affects output. */
  readonly today?: string;
}

export function loadRules(paths: readonly string[], opts: LoadOptions = {}): LoadResult {
  const { files, allowlists, diagnostics: found } = findRuleFiles(paths);
  const diagnostics: Diagnostic[] = [...found];
  const lists = new Map<string, Allowlist>();
  for (const path of allowlists) {
    const loaded = loadAllowlist(path, opts.today ?? todayUtc());
    diagnostics.push(...loaded.diagnostics);
    if (!loaded.list || hasErrors(loaded.diagnostics)) continue;
    const other = lists.get(loaded.list.name);
    if (other) diagnostics.push({ file: loaded.list.file, line: 1, column: 1, severity: 'error', code: 'allowlist', message: `allowlist ${loaded.list.name} is also declared in ${other.file}`, hint: 'declare each list once' });
    else lists.set(loaded.list.name, loaded.list);
  }
  const rules: LoadedRule[] = [];
  for (const path of files) {
    const parsed = parseAndValidate(path, 'rule');
    diagnostics.push(...parsed.diagnostics);
    if (parsed.doc && !hasErrors(parsed.diagnostics))
      rules.push({ file: parsed.file, model: parsed.doc.value as RuleModel, locate: parsed.doc });
  }
  const irs: RuleIR[] = [];
  for (const rule of rules) {
    const modelDiags = ruleChecks.filter((c) => c.phase === 'model').flatMap((c) => c.run({ rule, all: rules, lists }));
    diagnostics.push(...modelDiags);
    if (hasErrors(modelDiags)) continue;
    const lowered = lowerRule(rule, lists);
    diagnostics.push(...lowered.diagnostics);
    if (!lowered.ir) continue;
    const irDiags = ruleChecks.filter((c) => c.phase === 'ir').flatMap((c) => c.run({ rule, ir: lowered.ir, all: rules, lists }));
    diagnostics.push(...irDiags);
    if (!hasErrors(irDiags)) irs.push(lowered.ir);
  }
  const sorted = sortDiagnostics(diagnostics);
  return { rules, irs, diagnostics: sorted, ok: !hasErrors(sorted), lists };
}
