/**
 * Every tier can be the verdict for some matched combination of signals: earlier tiers and the
 * threshold do not shadow it. A shadowed default tier is only a warning (it is mandatory).
 */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { outcomeTable } from '../../ir/scoring.js';
import type { RuleCheck } from './types.js';

export const unreachableTier: RuleCheck = {
  code: 'unreachable-tier',
  phase: 'ir',
  run({ rule, ir }) {
    if (!ir) return [];
    const reached = new Set(outcomeTable(ir).filter((r) => r.matched).map((r) => r.tier));
    const out: Diagnostic[] = [];
    ir.tiers.forEach((t, i) => {
      if (reached.has(t.name)) return;
      out.push(
        diagnostic(
          rule.file,
          rule.locate.at(t.isDefault ? `/tiers/${i}/name` : `/tiers/${i}/when`),
          t.isDefault ? 'warning' : 'error',
          this.code,
          t.isDefault ? `default tier "${t.name}" is never reached: earlier tiers cover every result` : `tier "${t.name}" is never reached: no combination of signals at or above the threshold lands on it`,
          t.isDefault ? 'remove an earlier catch-all tier, or accept that the default is unused' : 'move it before the tier that shadows it, or change its condition',
        ),
      );
    });
    return out;
  },
};
