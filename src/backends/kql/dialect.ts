/**
 * KQL syntax as data (semantics.md §2): tokens and the hooks the shared text compiler calls.
 * `contains`/`startswith`/`endswith`/`=~`/`in~` are case-insensitive, their `_cs`/`==`/`in` forms
 * case-sensitive; regexes are Rust-regex verbatim strings. `has` is never emitted: the model has no
 * term-match predicate, and substring tests must not depend on term boundaries (§2.3).
 */
import type { TextDialect } from '../text/compiler.js';
import { kqlString, kqlVerbatim } from './escape.js';

const OPS = {
  equals: { ci: '=~', cs: '==' },
  contains: { ci: 'contains', cs: 'contains_cs' },
  startswith: { ci: 'startswith', cs: 'startswith_cs' },
  endswith: { ci: 'endswith', cs: 'endswith_cs' },
} as const;

export const kqlDialect: TextDialect = {
  and: ' and ',
  or: ' or ',
  not: (operand) => `not(${operand})`,
  trueLiteral: 'true',
  falseLiteral: 'false',
  compare(field, op, values, caseSensitive) {
    if (op === 'equals' && values.length > 1)
      return `${field} ${caseSensitive ? 'in' : 'in~'} (${values.map(kqlString).join(', ')})`;
    const tok = OPS[op][caseSensitive ? 'cs' : 'ci'];
    const parts = values.map((v) => `${field} ${tok} ${kqlString(v)}`);
    return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
  },
  regex: (field, pattern, ci) => `${field} matches regex ${kqlVerbatim(pattern.render('rust', ci))}`,
  nonEmpty: (field) => `isnotempty(${field})`,
  signalHolds: (id) => `sig_${id} == 1`,
  scoreCompare: (op, n) => `risk_score ${{ gte: '>=', gt: '>', lte: '<=', lt: '<' }[op]} ${n}`,
};
