/** A tier condition names only signals the rule defines. */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { TierCondition } from '../../model/types.js';
import type { RuleCheck } from './types.js';

export const unknownSignal: RuleCheck = {
  code: 'unknown-signal',
  phase: 'model',
  run({ rule }) {
    const out: Diagnostic[] = [];
    const ids = rule.model.signals.map((s) => s.id);
    const walk = (c: TierCondition, ptr: string): void => {
      if ('all' in c) c.all.forEach((x, i) => walk(x, `${ptr}/all/${i}`));
      else if ('any' in c) c.any.forEach((x, i) => walk(x, `${ptr}/any/${i}`));
      else if ('not' in c) walk(c.not, `${ptr}/not`);
      else if ('signal' in c && !ids.includes(c.signal))
        out.push(diagnostic(rule.file, rule.locate.at(`${ptr}/signal`), 'error', this.code, `tier condition references unknown signal "${c.signal}"`, `define it under signals, or use one of: ${ids.join(', ')}`));
    };
    rule.model.tiers.forEach((t, i) => t.when && walk(t.when, `/tiers/${i}/when`));
    return out;
  },
};
