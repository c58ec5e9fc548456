/** Every field a predicate, suppression or image key reads belongs to the rule's log source (TargetFilename is a file_event field). */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { CANONICAL_FIELDS, type CanonicalField, type Predicate } from '../../model/types.js';
import type { RuleCheck } from './types.js';
import { walkPredicates } from './walk.js';

export const fieldCategory: RuleCheck = {
  code: 'field-category',
  phase: 'model',
  run({ rule }) {
    const out: Diagnostic[] = [];
    const category = rule.model.logsource.category;
    const allowed: readonly string[] = CANONICAL_FIELDS[category];
    const check = (field: CanonicalField | undefined, at: string) => {
      if (field !== undefined && !allowed.includes(field))
        out.push(diagnostic(rule.file, rule.locate.at(at), 'error', this.code, `field ${field} is not a ${category} field`, `use one of: ${allowed.join(', ')}`));
    };
    walkPredicates(rule.model, (p: Predicate, ptr) => {
      if ('field' in p) check(p.field, `${ptr}/field`);
      for (const helper of ['executable', 'flag', 'argument', 'subcommand', 'image', 'publicAddress', 'listed'] as const)
        if (helper in p) check((p as Record<typeof helper, { field: CanonicalField }>)[helper].field, `${ptr}/${helper}/field`);
      if ('pathArgument' in p) {
        check(p.pathArgument.field, `${ptr}/pathArgument/field`);
        check(p.pathArgument.cwdField, `${ptr}/pathArgument/cwdField`);
      }
    });
    (rule.model.allowlists ?? []).forEach((a, i) => check(a.field, `/allowlists/${i}/field`));
    (rule.model.imageKey ?? []).forEach((k, i) => {
      const [kind, source] = Object.entries(k)[0] as [string, { field: CanonicalField }];
      check(source.field, `/imageKey/${i}/${kind}/field`);
    });
    return out;
  },
};
