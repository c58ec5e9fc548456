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

/** The model's IPv4 address text (src/ir/ip.ts): four decimal octets 0–255 without leading zeros. */
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
export const IPV4_TEXT = String.raw`^(?:${OCTET}\.){3}${OCTET}\z`;
/**
 * Text an IPv6 address can be: hex digits, dots (an IPv4 tail) and at least one colon. Leaves out
 * IPv4 text, prefixes, zone ids, brackets and blanks; what passes is RFC 4291 text or text no parser
 * reads as an address (`1::2::3`). The first run excludes the colon, so the pattern cannot backtrack.
 */
export const IPV6_TEXT = String.raw`^[0-9A-Fa-f.]*:[0-9A-Fa-f.:]*\z`;

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
    // ipv4_is_in_any_range / ipv6_is_in_any_range return null for text they cannot parse (null is
    // not false under not()), and their parse is not documented to be the model's (IPv4 text in the
    // IPv6 functions, prefix notation in the address, perhaps leading zeros or zone ids). So each test
    // runs only on text of the model's shape — the exact dotted quad for IPv4, IPv6 characters with a
    // colon for IPv6 — and a null still left counts as false.
    const v4 = networks.filter((n) => n.version === 4).map((n) => kqlString(n.text));
    const v6 = networks.filter((n) => n.version === 6).map((n) => kqlString(n.text));
    const parts: string[] = [];
    if (v4.length) parts.push(`${field} matches regex ${kqlVerbatim(IPV4_TEXT)} and coalesce(ipv4_is_in_any_range(${field}, dynamic([${v4.join(', ')}])), false)`);
    if (v6.length) parts.push(`${field} matches regex ${kqlVerbatim(IPV6_TEXT)} and coalesce(ipv6_is_in_any_range(${field}, dynamic([${v6.join(', ')}])), false)`);
    // Not an atom: the shared compiler groups the whole when it is an operand.
    return parts.length === 1 ? parts[0]! : parts.map((p) => `(${p})`).join(' or ');
  },
  numeq: (field, values) => (values.length === 1 ? `${field} == ${values[0]}` : `${field} in (${values.join(', ')})`),
  // Lists are declared once at the top of the query (`let`), or read from a Sentinel watchlist.
  listed: (field, list) => (list.match === 'exact' ? `${field} in~ (${allowlistName(list.name)})` : `${field} matches regex ${allowlistName(list.name)}`),
  nonEmpty: (field) => `isnotempty(${field})`,
  signalHolds: (id) => `sig_${id} == 1`,
  scoreCompare: (op, n) => `risk_score ${{ gte: '>=', gt: '>', lte: '<=', lt: '<' }[op]} ${n}`,
};
