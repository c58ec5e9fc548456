/** Every signal changes the outcome (matched, tier or action) for some combination of the others. */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { outcomeTable } from '../../ir/scoring.js';
import type { RuleCheck } from './types.js';

export const signalWithoutEffect: RuleCheck = {
  code: 'signal-without-effect',
  phase: 'ir',
  run({ rule, ir }) {
    if (!ir) return [];
    const table = outcomeTable(ir);
    const out: Diagnostic[] = [];
    ir.signals.forEach((s, i) => {
      const bit = 1 << i;
      const matters = table.some((row) => {
        if (row.mask & bit) return false;
        const other = table[row.mask | bit]!;
        return other.matched !== row.matched || other.tier !== row.tier || other.action !== row.action;
      });
      if (!matters)
        out.push(diagnostic(rule.file, rule.locate.at(`/signals/${i}/weight`), 'error', this.code, `signal "${s.id}" never changes the outcome: no combination of other signals gives a different match, tier or action with it`, 'raise its weight, use it in a tier, or remove it'));
    });
    return out;
  },
};
