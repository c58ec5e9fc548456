/** Every allowlist a rule names (`listed:`, `image.registry.listed`, `allowlists:`) is declared in a *.allowlist.yml file. */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { RuleCheck } from './types.js';
import { walkPredicates } from './walk.js';

export const unknownList: RuleCheck = {
  code: 'unknown-list',
  phase: 'model',
  run({ rule, lists }) {
    const out: Diagnostic[] = [];
    const known = [...lists.keys()].sort();
    const check = (name: string, at: string) => {
      if (!lists.has(name))
        out.push(diagnostic(rule.file, rule.locate.at(at), 'error', this.code, `allowlist "${name}" is not declared`, known.length ? `use one of: ${known.join(', ')}; or add ${name.replace(/_/g, '-')}.allowlist.yml beside the rules` : `add ${name.replace(/_/g, '-')}.allowlist.yml beside the rules`));
    };
    walkPredicates(rule.model, (p, ptr) => {
      if ('listed' in p) check(p.listed.list, `${ptr}/listed/list`);
      if ('image' in p && p.image.registry !== 'explicit') check(p.image.registry.listed, `${ptr}/image/registry/listed`);
    });
    (rule.model.allowlists ?? []).forEach((a, i) => check(a.list, `/allowlists/${i}/list`));
    return out;
  },
};
