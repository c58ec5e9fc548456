/** Tiers: unique names; exactly one default, last, without `when`; every other tier has `when`. Signals: unique ids. */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { RuleCheck } from './types.js';

export const tierOrder: RuleCheck = {
  code: 'tier-order',
  phase: 'model',
  run({ rule }) {
    const out: Diagnostic[] = [];
    const { tiers, signals } = rule.model;
    const err = (ptr: string, msg: string, hint: string) => out.push(diagnostic(rule.file, rule.locate.at(ptr), 'error', this.code, msg, hint));
    const seenSig = new Map<string, number>();
    signals.forEach((s, i) => {
      if (seenSig.has(s.id)) err(`/signals/${i}/id`, `duplicate signal id "${s.id}" (also signals[${seenSig.get(s.id)}])`, 'give each signal its own id');
      else seenSig.set(s.id, i);
    });
    const seen = new Map<string, number>();
    tiers.forEach((t, i) => {
      if (seen.has(t.name)) err(`/tiers/${i}/name`, `duplicate tier name "${t.name}" (also tiers[${seen.get(t.name)}])`, 'give each tier its own name');
      else seen.set(t.name, i);
      const last = i === tiers.length - 1;
      if (t.default && !last) err(`/tiers/${i}/default`, `default tier "${t.name}" is not the last tier`, 'move it to the end: tiers are tried in order');
      if (t.default && t.when) err(`/tiers/${i}/when`, `default tier "${t.name}" has a when condition`, 'remove when: the default applies when no earlier tier does');
      if (!t.default && !t.when) err(`/tiers/${i}`, `tier "${t.name}" has no when condition`, last ? 'add when, or mark the last tier default: true' : 'add a when condition');
    });
    const lastTier = tiers[tiers.length - 1];
    if (lastTier && !lastTier.default && lastTier.when)
      err(`/tiers/${tiers.length - 1}`, `the last tier "${lastTier.name}" is not a default tier`, 'add a last tier with default: true so every result gets a tier');
    return out;
  },
};
