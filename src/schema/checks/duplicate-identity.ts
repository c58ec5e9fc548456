/** No two rules share an id or a name, and a rule's name is its file name. */
import { basename } from 'node:path';
import { diagnostic } from '../../model/diagnostics.js';
import type { LoadedRule } from '../../model/types.js';
import type { RuleCheck } from './types.js';

type Index = { readonly id: Map<string, LoadedRule>; readonly name: Map<string, LoadedRule> };
const indexes = new WeakMap<readonly LoadedRule[], Index>();

/** First rule per id and per name, built once per run (the check runs once per rule). */
function indexOf(all: readonly LoadedRule[]): Index {
  let ix = indexes.get(all);
  if (!ix) {
    ix = { id: new Map(), name: new Map() };
    for (const r of all) {
      if (!ix.id.has(r.model.id)) ix.id.set(r.model.id, r);
      if (!ix.name.has(r.model.name)) ix.name.set(r.model.name, r);
    }
    indexes.set(all, ix);
  }
  return ix;
}

export const duplicateIdentity: RuleCheck = {
  code: 'duplicate-identity',
  phase: 'model',
  run({ rule, all }) {
    const out = [];
    const stem = basename(rule.file).replace(/\.ya?ml$/, '');
    if (rule.model.name !== stem)
      out.push(diagnostic(rule.file, rule.locate.at('/name'), 'error', this.code, `rule name "${rule.model.name}" differs from its file name "${stem}"`, `rename the file to ${rule.model.name}.yml or set name: ${stem}`));
    for (const key of ['id', 'name'] as const) {
      const first = indexOf(all)[key].get(rule.model[key]);
      if (first && first !== rule)
        out.push(diagnostic(rule.file, rule.locate.at(`/${key}`), 'error', this.code, `duplicate rule ${key} "${rule.model[key]}", already used by ${first.file}:${first.locate.at(`/${key}`).line}`, `give this rule its own ${key}`));
    }
    return out;
  },
};
