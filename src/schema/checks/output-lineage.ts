/**
 * Every name an alert shows is an output of the rule's results (issue #6 §3, output-field lineage):
 * message tokens, entities and details name a field of the rule's log source, risk_score, risk_tier,
 * risk_action or sig_<id> of a declared signal. Packages map each to the compiled query's column per
 * profile (src/package/outputs.ts) and reject a profile whose query does not output it.
 */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { CANONICAL_FIELDS } from '../../model/types.js';
import type { RuleCheck } from './types.js';

/** `{name}` tokens of an alert message, with their offsets. */
export function messageTokens(message: string): { name: string; index: number }[] {
  return [...message.matchAll(/\{([^{}]*)\}/g)].map((m) => ({ name: m[1]!, index: m.index! }));
}

/** The outputs of a rule's results, by name. */
export function ruleOutputs(category: keyof typeof CANONICAL_FIELDS, signals: readonly string[]): string[] {
  return [...CANONICAL_FIELDS[category], 'risk_score', 'risk_tier', 'risk_action', ...signals.map((s) => `sig_${s}`)];
}

/** The outputs of a correlation's results, by name. */
export function correlationOutputs(groupBy: readonly string[]): string[] {
  return [...groupBy, 'chain_start', 'chain_end', 'correlation', 'correlation_level', 'correlation_action'];
}

/** The lineage diagnostics of one detection's `alert`, given its outputs. */
export function lineageProblems(
  alert: { message?: string; entities?: readonly string[]; details?: readonly string[] } | undefined,
  outputs: readonly string[],
  at: (pointer: string) => { line: number; column: number },
  file: string,
  code: string,
): Diagnostic[] {
  if (!alert) return [];
  const out: Diagnostic[] = [];
  const known = new Set(outputs);
  const hint = `use one of: ${outputs.join(', ')}`;
  for (const t of messageTokens(alert.message ?? ''))
    if (!known.has(t.name)) out.push(diagnostic(file, at('/alert/message'), 'error', code, `message token {${t.name}} is not an output of the results`, hint));
  (alert.entities ?? []).forEach((e, i) => {
    if (!known.has(e)) out.push(diagnostic(file, at(`/alert/entities/${i}`), 'error', code, `entity ${e} is not an output of the results`, hint));
  });
  (alert.details ?? []).forEach((d, i) => {
    if (!known.has(d)) out.push(diagnostic(file, at(`/alert/details/${i}`), 'error', code, `detail ${d} is not an output of the results`, hint));
  });
  return out;
}

export const outputLineage: RuleCheck = {
  code: 'output-lineage',
  phase: 'model',
  run({ rule }) {
    const m = rule.model;
    return lineageProblems(m.alert, ruleOutputs(m.logsource.category, m.signals.map((s) => s.id)), (p) => rule.locate.at(p), rule.file, this.code);
  },
};
