import type { Predicate, RuleModel } from '../../model/types.js';

/** Visit every predicate of a rule (match and signals) with its JSON Pointer. */
export function walkPredicates(model: RuleModel, visit: (p: Predicate, pointer: string) => void): void {
  const go = (p: Predicate, ptr: string): void => {
    visit(p, ptr);
    if ('all' in p) p.all.forEach((q, i) => go(q, `${ptr}/all/${i}`));
    else if ('any' in p) p.any.forEach((q, i) => go(q, `${ptr}/any/${i}`));
    else if ('not' in p) go(p.not, `${ptr}/not`);
  };
  go(model.match, '/match');
  model.signals.forEach((s, i) => go(s.when, `/signals/${i}/when`));
}
