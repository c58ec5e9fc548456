/**
 * The default text-query compiler shared by SPL and KQL (the kysely DefaultQueryCompiler /
 * pySigma TextQueryBackend role): it owns the IR walk, grouping and constant folding, and asks the
 * dialect for every target-specific fragment. A dialect never re-implements the walk.
 */
import type { CanonicalField } from '../../model/types.js';
import type { CompareOp, Expr, ListRef, TierCond } from '../../ir/nodes.js';
import type { IpNetwork } from '../../ir/ip.js';
import { assertNever } from '../../ir/nodes.js';
import type { PortableRegex } from '../../ir/regex.js';

export interface TextDialect {
  /** Conjunction and disjunction tokens, with their spaces. */
  readonly and: string;
  readonly or: string;
  /** Negation of an already-grouped operand. */
  not(operand: string): string;
  readonly trueLiteral: string;
  readonly falseLiteral: string;
  /** The field (already mapped and quoted) compares with any of the values. */
  compare(field: string, op: CompareOp, values: readonly string[], caseSensitive: boolean): string;
  /** The field contains a match for the pattern. */
  regex(field: string, pattern: PortableRegex, caseInsensitive: boolean): string;
  /** The field is not empty (guards a pattern that would match an absent field's ""). */
  nonEmpty(field: string): string;
  /** The field holds an address inside one of the networks (src/ir/ip.ts); false when not an address. */
  cidr(field: string, networks: readonly IpNetwork[]): string;
  /** The (numeric) field equals one of the whole numbers; false when absent or not a number. */
  numeq(field: string, values: readonly number[]): string;
  /** The field's value is an entry of the allowlist (the target reads the list its own way). */
  listed(field: string, list: ListRef, canonical: CanonicalField): string;
  /** A signal's 0/1 flag column is 1. */
  signalHolds(signalId: string): string;
  /** The score column compares with n. */
  scoreCompare(op: 'gte' | 'gt' | 'lte' | 'lt', n: number): string;
}

export type Fragment = { readonly const: boolean } | { readonly text: string; readonly atom: boolean };

const TRUE: Fragment = { const: true };
const FALSE: Fragment = { const: false };

/** Group a fragment for use as an operand of and/or/not. */
function operand(f: { text: string; atom: boolean }): string {
  return f.atom ? f.text : `(${f.text})`;
}

export function fragmentText(f: Fragment, d: TextDialect): string {
  return 'const' in f ? (f.const ? d.trueLiteral : d.falseLiteral) : f.text;
}

function junction(parts: Fragment[], kind: 'and' | 'or', d: TextDialect): Fragment {
  const absorbing = kind === 'and' ? false : true;
  const texts: { text: string; atom: boolean }[] = [];
  for (const p of parts) {
    if ('const' in p) {
      if (p.const === absorbing) return { const: absorbing };
      continue; // the identity element drops out
    }
    texts.push(p);
  }
  if (texts.length === 0) return { const: !absorbing };
  if (texts.length === 1) return texts[0]!;
  return { text: texts.map(operand).join(kind === 'and' ? d.and : d.or), atom: false };
}

function negate(f: Fragment, d: TextDialect): Fragment {
  if ('const' in f) return { const: !f.const };
  return { text: d.not(operand(f)), atom: true };
}

/**
 * Render an expression. `fieldOf` maps a canonical field to the target's (quoted) field, or
 * undefined when the profile does not carry it: a predicate on it is then false (an absent field).
 */
export function renderExpr(e: Expr, d: TextDialect, fieldOf: (f: CanonicalField) => string | undefined): Fragment {
  switch (e.kind) {
    case 'and':
      return junction(e.args.map((a) => renderExpr(a, d, fieldOf)), 'and', d);
    case 'or':
      return junction(e.args.map((a) => renderExpr(a, d, fieldOf)), 'or', d);
    case 'not':
      return negate(renderExpr(e.arg, d, fieldOf), d);
    case 'compare': {
      const f = fieldOf(e.field);
      if (f === undefined) return FALSE;
      return { text: d.compare(f, e.op, e.values, e.caseSensitive), atom: e.values.length === 1 };
    }
    case 'regex': {
      const f = fieldOf(e.field);
      if (f === undefined) return FALSE;
      const test = { text: d.regex(f, e.regex, !e.caseSensitive), atom: true };
      // A pattern that matches "" would hold on an absent field; absent must mean false.
      return e.regex.matchesEmpty(!e.caseSensitive) ? junction([{ text: d.nonEmpty(f), atom: true }, test], 'and', d) : test;
    }
    case 'cidr': {
      const f = fieldOf(e.field);
      if (f === undefined) return FALSE;
      return { text: d.cidr(f, e.networks), atom: false };
    }
    case 'numeq': {
      const f = fieldOf(e.field);
      if (f === undefined) return FALSE;
      return { text: d.numeq(f, e.values), atom: e.values.length === 1 };
    }
    case 'listed': {
      const f = fieldOf(e.field);
      if (f === undefined) return FALSE;
      return { text: d.listed(f, e.list, e.field), atom: false };
    }
    default:
      return assertNever(e);
  }
}

export function renderTierCond(c: TierCond, d: TextDialect): Fragment {
  switch (c.kind) {
    case 'always':
      return TRUE;
    case 'and':
      return junction(c.args.map((a) => renderTierCond(a, d)), 'and', d);
    case 'or':
      return junction(c.args.map((a) => renderTierCond(a, d)), 'or', d);
    case 'not':
      return negate(renderTierCond(c.arg, d), d);
    case 'signal':
      return { text: d.signalHolds(c.id), atom: true };
    case 'score':
      return { text: d.scoreCompare(c.op, c.value), atom: true };
    default:
      return assertNever(c);
  }
}
