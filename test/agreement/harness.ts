/**
 * Cross-target agreement: one canonical event through the IR (as each profile sees it) and through
 * every target's evaluator running the emitted query. Shared by the agreement properties and the
 * mutation suite.
 */
import type { CompiledQuery } from '../../src/backends/evaluation.js';
import type { ProfileBase, ProfileView } from '../../src/backends/types.js';
import { compileRule, type CanonicalEvent, type CompiledRule } from '../../src/ir/evaluate.js';
import type { RuleIR } from '../../src/ir/nodes.js';
import { irViewOf, outcomeOfResults, queryColumns, type TargetOutcome } from '../../src/testing/run.js';

export interface Column {
  readonly name: string;
  readonly profile: ProfileView<ProfileBase>;
  readonly ir: CompiledRule;
  readonly query: CompiledQuery;
  readonly toRow: (e: CanonicalEvent) => Readonly<Record<string, unknown>>;
  readonly hasScore: boolean;
}

/** Compile one rule for every target and profile that can run it, with the IR as that profile sees events. */
export function columnsFor(rule: RuleIR): Column[] {
  return queryColumns(rule).map((c) => ({ ...c, ir: compileRule(rule, irViewOf(c.profile)), hasScore: c.target !== 'sigma' }));
}

export interface Disagreement {
  readonly column: string;
  readonly ir: TargetOutcome;
  readonly target: TargetOutcome;
}

/** Every column whose target result differs from the IR on this event. */
export function disagreements(columns: readonly Column[], event: CanonicalEvent): Disagreement[] {
  const out: Disagreement[] = [];
  for (const c of columns) {
    const ir = c.ir.evaluate(event);
    let target: TargetOutcome;
    try {
      target = outcomeOfResults(c.query.run([c.toRow(event)]));
    } catch (e) {
      target = { matched: false, score: 0, tier: null, action: null, error: (e as Error).message };
    }
    const same =
      !target.error &&
      target.matched === ir.matched &&
      target.tier === ir.tier &&
      target.action === ir.action &&
      (!c.hasScore || !ir.matched || target.score === ir.score);
    if (!same) out.push({ column: c.name, ir: { matched: ir.matched, score: ir.score, tier: ir.tier, action: ir.action, signals: ir.signals }, target });
  }
  return out;
}
