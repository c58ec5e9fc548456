/**
 * Case-insensitive comparisons use ASCII letters only: SPL `lower()`, KQL `=~`/`contains` and Sigma
 * consumers fold non-ASCII letters differently (or not at all), so such a value could match on one
 * target and not another.
 */
import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { CaseMode } from '../../model/types.js';
import type { RuleCheck } from './types.js';
import { walkPredicates } from './walk.js';

function nonAsciiLetter(s: string): string | undefined {
  for (const ch of s) if (ch.codePointAt(0)! > 0x7f && ch.toLowerCase() !== ch.toUpperCase()) return ch;
  return undefined;
}

export const caseFolding: RuleCheck = {
  code: 'case-folding',
  phase: 'model',
  run({ rule }) {
    const out: Diagnostic[] = [];
    walkPredicates(rule.model, (p, ptr) => {
      const check = (values: unknown, mode: CaseMode | undefined, at: string) => {
        if ((mode ?? 'insensitive') !== 'insensitive') return;
        const list = Array.isArray(values) ? values : values === undefined ? [] : [values];
        list.forEach((v, i) => {
          const ch = typeof v === 'string' ? nonAsciiLetter(v) : undefined;
          if (ch) out.push(diagnostic(rule.file, rule.locate.at(Array.isArray(values) ? `${at}/${i}` : at), 'error', this.code, `case-insensitive value ${JSON.stringify(v)} has the non-ASCII letter ${ch}, which targets fold differently`, 'set case: sensitive and list each spelling'));
        });
      };
      if ('field' in p) for (const op of ['equals', 'contains', 'startswith', 'endswith'] as const) check(p[op], p.case, `${ptr}/${op}`);
      if ('executable' in p) check(p.executable.names, p.executable.case, `${ptr}/executable/names`);
      if ('argument' in p) for (const k of ['startswith', 'contains', 'endswith'] as const) check(p.argument[k], p.argument.case, `${ptr}/argument/${k}`);
      if ('flag' in p && p.flag.values) for (const k of ['startswith', 'equals'] as const) check(p.flag.values[k], p.flag.case, `${ptr}/flag/values/${k}`);
    });
    return out;
  },
};
