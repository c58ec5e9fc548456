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
import { readFileSync } from 'node:fs';
import { lowerCorrelation, type CorrelationIR, type CorrelationModel } from './ir/correlation.js';
import { correlationChecks } from './schema/checks/correlation.js';
import type { LocatedDocument } from './model/yaml.js';

export interface LoadResult {
  readonly rules: readonly LoadedRule[];
  readonly irs: readonly RuleIR[];
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
  /** Correlation rules (a `correlation:` document), lowered over the rules they chain. */
  readonly correlations: readonly CorrelationIR[];
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
  const correlationDocs: { file: string; model: CorrelationModel; locate: LocatedDocument }[] = [];
  for (const path of files) {
    if (isCorrelationFile(path)) {
      const parsed = parseAndValidate(path, 'correlation');
      diagnostics.push(...parsed.diagnostics);
      if (parsed.doc && !hasErrors(parsed.diagnostics)) correlationDocs.push({ file: parsed.file, model: parsed.doc.value as CorrelationModel, locate: parsed.doc });
      continue;
    }
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
  const byName = new Map(irs.map((r) => [r.name, r]));
  // Plain rules found, loaded or not (by file name: a rule that did not parse has no name of its own).
  const ruleNames = new Set(files.filter((f) => !isCorrelationFile(f)).map((f) => (f.split(/[\\/]/).pop() ?? '').replace(/\.ya?ml$/, '')));
  const correlations: CorrelationIR[] = [];
  for (const doc of correlationDocs) {
    const found = correlationChecks(doc, byName, { rules: ruleNames, correlations: new Set(correlationDocs.map((d) => d.model.name)) });
    diagnostics.push(...found);
    // A stage rule that failed to load leaves the chain unlowered (its own errors say why).
    const complete = doc.model.correlation.stages.every((st) => st.rules.every((r) => byName.has(r)));
    if (!hasErrors(found) && complete) correlations.push(lowerCorrelation(doc.model, doc.file, byName));
  }
  const sorted = sortDiagnostics(diagnostics);
  return { rules, irs, correlations, diagnostics: sorted, ok: !hasErrors(sorted), lists };
}

/** A correlation rule is a YAML document with a top-level `correlation:` key. */
function isCorrelationFile(path: string): boolean {
  try {
    return /^correlation:/m.test(readFileSync(path, 'utf8'));
  } catch {
    return false; // parseAndValidate reports the read error
  }
}
