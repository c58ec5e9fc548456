/**
 * The image helper reads each option word one way: an option listed both as taking a value and as
 * boolean, in the same place (global or the subcommand's), would make the reading ambiguous.
 */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { RuleCheck } from './types.js';
import { walkPredicates } from './walk.js';

export const imageOptions: RuleCheck = {
  code: 'image-options',
  phase: 'model',
  run({ rule }) {
    const out: Diagnostic[] = [];
    walkPredicates(rule.model, (p, ptr) => {
      if (!('image' in p)) return;
      const pairs = [
        ['optionsWithValue', 'booleanOptions'],
        ['subcommandOptionsWithValue', 'subcommandBooleanOptions'],
      ] as const;
      for (const [valued, plain] of pairs) {
        const takesValue = new Set(p.image[valued] ?? []);
        (p.image[plain] ?? []).forEach((o, i) => {
          if (takesValue.has(o))
            out.push(diagnostic(rule.file, rule.locate.at(`${ptr}/image/${plain}/${i}`), 'error', this.code, `option ${o} is listed both in ${valued} and in ${plain}`, `keep it in one list: ${valued} if it takes the next word as its value, ${plain} if it takes none`));
        });
      }
    });
    return out;
  },
};
