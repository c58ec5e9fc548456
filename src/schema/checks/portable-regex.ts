/** Every regex stays inside the subset PCRE (Splunk), Rust (KQL) and JavaScript read alike (src/ir/regex.ts). */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { Predicate } from '../../model/types.js';
import { PortableRegex } from '../../ir/regex.js';
import type { RuleCheck } from './types.js';
import { walkPredicates } from './walk.js';

export const portableRegex: RuleCheck = {
  code: 'portable-regex',
  phase: 'model',
  run({ rule }) {
    const out: Diagnostic[] = [];
    walkPredicates(rule.model, (p: Predicate, ptr) => {
      if (!('field' in p) || p.regex === undefined) return;
      const ci = (p.case ?? 'insensitive') === 'insensitive';
      const list = Array.isArray(p.regex) ? p.regex : [p.regex];
      list.forEach((src, i) => {
        const r = PortableRegex.parse(src, ci);
        if (r instanceof PortableRegex) return;
        const at = Array.isArray(p.regex) ? `${ptr}/regex/${i}` : `${ptr}/regex`;
        out.push(diagnostic(rule.file, rule.locate.at(at), 'error', this.code, `${r.message} (at offset ${r.index} of ${JSON.stringify(src)})`, r.hint));
      });
    });
    return out;
  },
};
