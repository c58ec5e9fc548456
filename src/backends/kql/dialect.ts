/**
 * KQL syntax as data (semantics.md §2): tokens and the hooks the shared text compiler calls.
 * `contains`/`startswith`/`endswith`/`=~`/`in~` are case-insensitive, their `_cs`/`==`/`in` forms
 * case-sensitive; regexes are Rust-regex verbatim strings. `has` is never emitted: the model has no
 * term-match predicate, and substring tests must not depend on term boundaries (§2.3).
 */
import type { TextDialect } from '../text/compiler.js';
import { kqlString, kqlVerbatim } from './escape.js';

/** The `let` name a query binds an allowlist to. */
export function allowlistName(list: string): string {
  return `t1612_allowlist_${list}`;
}

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
  cidr(field, networks) {
    // The ipv*_is_in_any_range functions return null for a value that is not an address of their
    // version (null is not false under not()), and the IPv6 ones also read IPv4 text: coalesce, and
    // send only text with a colon to the IPv6 test (semantics.md §2).
    const v4 = networks.filter((n) => n.version === 4).map((n) => kqlString(n.text));
    const v6 = networks.filter((n) => n.version === 6).map((n) => kqlString(n.text));
    const parts: string[] = [];
    if (v4.length) parts.push(`coalesce(ipv4_is_in_any_range(${field}, dynamic([${v4.join(', ')}])), false)`);
    if (v6.length) parts.push(`(${field} contains ":" and coalesce(ipv6_is_in_any_range(${field}, dynamic([${v6.join(', ')}])), false))`);
    return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
  },
  numeq: (field, values) => (values.length === 1 ? `${field} == ${values[0]}` : `${field} in (${values.join(', ')})`),
  // Lists are declared once at the top of the query (`let`), or read from a Sentinel watchlist.
  listed: (field, list) => (list.match === 'exact' ? `${field} in~ (${allowlistName(list.name)})` : `${field} matches regex ${allowlistName(list.name)}`),
  nonEmpty: (field) => `isnotempty(${field})`,
  signalHolds: (id) => `sig_${id} == 1`,
  scoreCompare: (op, n) => `risk_score ${{ gte: '>=', gt: '>', lte: '<=', lt: '<' }[op]} ${n}`,
};
