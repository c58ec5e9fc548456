/**
 * SPL eval/where syntax as data (semantics.md §1.1): tokens and the few hooks the shared text
 * compiler calls. Eval comparisons are case-sensitive, so case-insensitive tests use ASCII letter
 * classes in `match()` (PCRE, unanchored).
 */
import type { TextDialect } from '../text/compiler.js';
import { literal } from '../../ir/helpers.js';
import { splString } from './escape.js';
import type { CanonicalField } from '../../model/types.js';

/** The field a rule's allowlist macro sets when the value of `canonical` is an entry of the list. */
export function allowlistFlag(list: string, canonical: CanonicalField): string {
  return `t1612_al_${list}_${canonical}`;
}

function hasControl(s: string): boolean {
  return /[\x00-\x1f\x7f`]/.test(s);
}

/** A PCRE pattern (portable-literal based) for contains/startswith/endswith/equals. */
function literalPattern(op: 'equals' | 'contains' | 'startswith' | 'endswith', values: readonly string[], caseSensitive: boolean): string {
  const alts = values.map((v) => escapeControls(literal(v, !caseSensitive)));
  const body = alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
  // \z, not $: PCRE's $ also matches before a final newline, and endswith means the very end.
  switch (op) {
    case 'equals':
      return `^${body}\\z`;
    case 'startswith':
      return `^${body}`;
    case 'endswith':
      return `${body}\\z`;
    case 'contains':
      return body;
  }
}

/**
 * Control characters, and the backtick, as PCRE `\xHH` escapes: Splunk expands backtick-delimited
 * macro names anywhere in a search string, so a literal backtick never reaches the query text.
 */
function escapeControls(s: string): string {
  return s.replace(/[\x00-\x1f\x7f`]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * The model's numeric equality (src/ir/evaluate.ts `numeq`) as a regex on the field's text: a value
 * is a number only in plain decimal (no sign, no leading zero, no fraction), so "02375", "+2375",
 * "2375.0" and " 2375" are not 2375. Eval's `F==2375` would compare numerically and take them all
 * (semantics.md §1.1; test/conformance/spl.test.ts pins it), so the exact form is a whole-value
 * match of the numbers' decimal text: `^(?:2375|2376)\z` (`\z`, not `$`, which also matches before
 * a final newline).
 */
function wholeNumberPattern(values: readonly number[]): string {
  const texts = values.map((v) => {
    // Schema: integers 0–65535; anything else could not be written as the model's plain decimal.
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`internal: numeric equality with ${v}, not a whole number`);
    return String(v);
  });
  return texts.length === 1 ? `^${texts[0]}\\z` : `^(?:${texts.join('|')})\\z`;
}

export const splDialect: TextDialect = {
  and: ' AND ', // eval/where: AND binds tighter than OR (S-bool); the compiler groups anyway
  or: ' OR ',
  not: (operand) => `NOT ${operand.startsWith('(') ? operand : `(${operand})`}`,
  trueLiteral: 'true()',
  falseLiteral: 'false()',
  compare(field, op, values, caseSensitive) {
    // Case-sensitive equality is `==`; case-insensitive equality uses match() with ASCII letter
    // classes, since lower() may fold non-ASCII letters (the Kelvin sign) that the model does not.
    if (op === 'equals' && caseSensitive && !values.some(hasControl)) {
      const parts = values.map((v) => `${field}==${splString(v)}`);
      return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
    }
    return `match(${field}, ${splString(literalPattern(op, values, caseSensitive))})`;
  },
  regex: (field, pattern, ci) => `match(${field}, ${splString(escapeControls(pattern.render('pcre', ci)))})`,
  // cidrmatch takes one network per call; IPv4 and IPv6 (semantics.md §1.3).
  cidr: (field, networks) => `(${networks.map((n) => `cidrmatch(${splString(n.text)}, ${field})`).join(' OR ')})`,
  numeq: (field, values) => `match(${field}, ${splString(wholeNumberPattern(values))})`,
  // The rule's allowlist macro looks the value up first and leaves the flag field (src/backends/spl/allowlist.ts).
  listed: (_field, list, canonical) => `(isnotnull(${allowlistFlag(list.name, canonical)}))`,
  nonEmpty: (field) => `${field}!=""`,
  signalHolds: (id) => `sig_${id}==1`,
  scoreCompare: (op, n) => `risk_score${{ gte: '>=', gt: '>', lte: '<=', lt: '<' }[op]}${n}`,
};
