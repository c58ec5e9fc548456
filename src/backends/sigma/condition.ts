/**
 * IR expressions → Sigma detections: named selections (maps are AND, value lists are OR) combined
 * by a condition string. Precedence (loosest → tightest): or, and, not (spec §condition); the
 * printer adds parentheses only where precedence needs them.
 */
import type { CanonicalField } from '../../model/types.js';
import type { Expr } from '../../ir/nodes.js';
import { assertNever } from '../../ir/nodes.js';
import { sigmaString } from './escape.js';

export type Cond =
  | { readonly kind: 'ref'; readonly name: string }
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'and'; readonly args: readonly Cond[] }
  | { readonly kind: 'or'; readonly args: readonly Cond[] }
  | { readonly kind: 'not'; readonly arg: Cond };

export type SelectionValue = Record<string, string | string[] | number | number[]>;

/**
 * Collects selections under unique names: `match_<n>` for the rule's match, `sig_<signal>_<n>` for a
 * signal, `filter_<list>_<n>` for an allowlist suppression, `empty_<Field>` for absent-field guards.
 * Names are unique: the kinds differ in their first word, and within a kind `<n>` is the last
 * `_`-separated part and all digits, so `sig_a_1_1` (signal `a_1`) is never one of signal `a`'s. A
 * signal's selections are its own, so they can be read back per signal. An identical selection
 * within one prefix reuses its name.
 */
export class Selections {
  readonly entries: [string, SelectionValue][] = [];
  private readonly byContent = new Map<string, string>();
  private readonly counters = new Map<string, number>();

  add(prefix: string, value: SelectionValue): string {
    const key = `${prefix}\u0000${JSON.stringify(value)}`;
    const existing = this.byContent.get(key);
    if (existing) return existing;
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    const name = `${prefix}_${n}`;
    this.byContent.set(key, name);
    this.entries.push([name, value]);
    return name;
  }

  /** A guard selection named after its field: `empty_User`. */
  guard(field: string, value: SelectionValue): string {
    const name = `empty_${field}`;
    if (!this.entries.some(([n]) => n === name)) this.entries.push([name, value]);
    return name;
  }
}

export function signalSelectionPrefix(signalId: string): string {
  return `sig_${signalId}`;
}

/** Sigma's convention names what a condition excludes `filter…`; one prefix per allowlist. */
export function filterSelectionPrefix(listName: string): string {
  return `filter_${listName}`;
}

export function cAnd(args: readonly Cond[]): Cond {
  const flat: Cond[] = [];
  for (const a of args) {
    if (a.kind === 'const') {
      if (!a.value) return a;
      continue;
    }
    if (a.kind === 'and') flat.push(...a.args);
    else flat.push(a);
  }
  return flat.length === 0 ? { kind: 'const', value: true } : flat.length === 1 ? flat[0]! : { kind: 'and', args: flat };
}

export function cOr(args: readonly Cond[]): Cond {
  const flat: Cond[] = [];
  for (const a of args) {
    if (a.kind === 'const') {
      if (a.value) return a;
      continue;
    }
    if (a.kind === 'or') flat.push(...a.args);
    else flat.push(a);
  }
  return flat.length === 0 ? { kind: 'const', value: false } : flat.length === 1 ? flat[0]! : { kind: 'or', args: flat };
}

export function cNot(arg: Cond): Cond {
  if (arg.kind === 'const') return { kind: 'const', value: !arg.value };
  if (arg.kind === 'not') return arg.arg;
  return { kind: 'not', arg };
}

const PREC = { or: 1, and: 2, not: 3, ref: 4, const: 4 } as const;

export function printCond(c: Cond, parent = 0): string {
  const wrap = (s: string, prec: number) => (prec < parent ? `(${s})` : s);
  switch (c.kind) {
    case 'ref':
      return c.name;
    case 'const':
      // Only reachable for a rule whose logic folds to a constant; the checks reject those.
      throw new Error('internal: constant condition in Sigma output');
    case 'and':
      return wrap(c.args.map((a) => printCond(a, PREC.and + 0.5)).join(' and '), PREC.and);
    case 'or':
      return wrap(c.args.map((a) => printCond(a, PREC.or + 0.5)).join(' or '), PREC.or);
    case 'not':
      return wrap(`not ${printCond(c.arg, PREC.not)}`, PREC.not);
    default:
      return assertNever(c);
  }
}

const MODIFIER = { equals: '', contains: '|contains', startswith: '|startswith', endswith: '|endswith' } as const;

/** Lower an IR expression to a condition over named selections. */
export function exprToCond(e: Expr, prefix: string, sel: Selections, fieldOf: (f: CanonicalField) => string): Cond {
  switch (e.kind) {
    case 'and':
      return cAnd(e.args.map((a) => exprToCond(a, prefix, sel, fieldOf)));
    case 'or':
      return cOr(e.args.map((a) => exprToCond(a, prefix, sel, fieldOf)));
    case 'not':
      return cNot(exprToCond(e.arg, prefix, sel, fieldOf));
    case 'compare': {
      const key = `${fieldOf(e.field)}${MODIFIER[e.op]}${e.caseSensitive ? '|cased' : ''}`;
      const values = e.values.map(sigmaString);
      return { kind: 'ref', name: sel.add(prefix, { [key]: values.length === 1 ? values[0]! : values }) };
    }
    case 'regex': {
      const field = fieldOf(e.field);
      const ref: Cond = { kind: 'ref', name: sel.add(prefix, { [`${field}|re`]: e.regex.render('pcre', !e.caseSensitive) }) };
      if (!e.regex.matchesEmpty(!e.caseSensitive)) return ref;
      // A pattern matching "" would hold on an empty field, which the model reads as absent.
      return cAnd([ref, cNot({ kind: 'ref', name: sel.guard(field, { [field]: '' }) })]);
    }
    case 'cidr': {
      const nets = e.networks.map((n) => n.text);
      return { kind: 'ref', name: sel.add(prefix, { [`${fieldOf(e.field)}|cidr`]: nets.length === 1 ? nets[0]! : nets }) };
    }
    case 'numeq':
      return { kind: 'ref', name: sel.add(prefix, { [fieldOf(e.field)]: e.values.length === 1 ? e.values[0]! : [...e.values] }) };
    case 'listed': {
      // Sigma equality ignores case, as the model's lists do; a domain list adds its subdomains.
      const field = fieldOf(e.field);
      const exact: Cond = { kind: 'ref', name: sel.add(prefix, { [field]: e.list.values.map(sigmaString) }) };
      if (e.list.match === 'exact') return exact;
      return cOr([exact, { kind: 'ref', name: sel.add(prefix, { [`${field}|endswith`]: e.list.values.map((v) => sigmaString(`.${v}`)) }) }]);
    }
    default:
      return assertNever(e);
  }
}
