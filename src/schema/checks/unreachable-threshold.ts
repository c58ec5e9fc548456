/** The threshold can be reached: it is at most the sum of all weights. */
import { diagnostic } from '../../model/diagnostics.js';
import type { RuleCheck } from './types.js';

export const unreachableThreshold: RuleCheck = {
  code: 'unreachable-threshold',
  phase: 'model',
  run({ rule }) {
    const total = rule.model.signals.reduce((n, s) => n + s.weight, 0);
    if (rule.model.threshold <= total) return [];
    return [diagnostic(rule.file, rule.locate.at('/threshold'), 'error', this.code, `threshold ${rule.model.threshold} is above the highest possible score ${total}`, `lower the threshold to at most ${total}, or add signals`)];
  },
};
