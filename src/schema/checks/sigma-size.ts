/**
 * The Sigma form stays readable and loadable: Sigma has no arithmetic, so the threshold and score
 * conditions are expanded into signal combinations (src/ir/tier-logic.ts). A tier whose condition
 * would reference signals more than SIGMA_MAX_TERMS times is rejected rather than shipped.
 */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { and, formulaSize, not, tierSelection } from '../../ir/tier-logic.js';
import type { RuleCheck } from './types.js';

export const SIGMA_MAX_TERMS = 256;

export const sigmaSize: RuleCheck = {
  code: 'sigma-size',
  phase: 'ir',
  run({ rule, ir }) {
    if (!ir) return [];
    const out: Diagnostic[] = [];
    ir.tiers.forEach((t, i) => {
      const sel = tierSelection(ir, i);
      const size = formulaSize(and([sel.threshold, sel.tier, ...sel.higher.map(not)]));
      if (size > SIGMA_MAX_TERMS)
        out.push(diagnostic(rule.file, rule.locate.at(`/tiers/${i}/name`), 'error', this.code, `the Sigma rule for tier "${t.name}" would need ${size} signal references (limit ${SIGMA_MAX_TERMS})`, 'use fewer signals or weights that reach the threshold in fewer combinations'));
    });
    return out;
  },
};
