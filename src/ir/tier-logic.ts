/**
 * Tiers and the threshold as pure boolean formulas over signals, for targets without arithmetic
 * (Sigma). A score comparison is expanded exactly into the minimal sets of signals whose weights
 * reach the bound (weights are positive, so `score >= k` is monotone). A tier's selection is
 * `threshold ∧ cond(tier) ∧ ¬cond(each earlier tier)`, which is exactly "first match wins".
 */
import type { RuleIR, TierCond } from './nodes.js';
import { assertNever } from './nodes.js';
import { minimalSetsReaching } from './scoring.js';

export type SignalFormula =
  | { readonly kind: 'const'; readonly value: boolean }
  | { readonly kind: 'sig'; readonly id: string }
  | { readonly kind: 'and'; readonly args: readonly SignalFormula[] }
  | { readonly kind: 'or'; readonly args: readonly SignalFormula[] }
  | { readonly kind: 'not'; readonly arg: SignalFormula };

const TRUE: SignalFormula = { kind: 'const', value: true };
const FALSE: SignalFormula = { kind: 'const', value: false };

export function and(args: readonly SignalFormula[]): SignalFormula {
  const flat: SignalFormula[] = [];
  for (const a of args) {
    if (a.kind === 'const') {
      if (!a.value) return FALSE;
      continue;
    }
    if (a.kind === 'and') flat.push(...a.args);
    else flat.push(a);
  }
  return flat.length === 0 ? TRUE : flat.length === 1 ? flat[0]! : { kind: 'and', args: flat };
}

export function or(args: readonly SignalFormula[]): SignalFormula {
  const flat: SignalFormula[] = [];
  for (const a of args) {
    if (a.kind === 'const') {
      if (a.value) return TRUE;
      continue;
    }
    if (a.kind === 'or') flat.push(...a.args);
    else flat.push(a);
  }
  return flat.length === 0 ? FALSE : flat.length === 1 ? flat[0]! : { kind: 'or', args: flat };
}

export function not(arg: SignalFormula): SignalFormula {
  if (arg.kind === 'const') return { kind: 'const', value: !arg.value };
  if (arg.kind === 'not') return arg.arg;
  return { kind: 'not', arg };
}

/** `score >= k` as the disjunction of the minimal signal sets reaching k. */
export function scoreAtLeast(rule: RuleIR, k: number): SignalFormula {
  if (k <= 0) return TRUE;
  return or(
    minimalSetsReaching(rule, k).map((mask) =>
      and(rule.signals.filter((_, i) => mask & (1 << i)).map((s) => ({ kind: 'sig', id: s.id }) as SignalFormula)),
    ),
  );
}

export function conditionFormula(rule: RuleIR, c: TierCond): SignalFormula {
  switch (c.kind) {
    case 'always':
      return TRUE;
    case 'and':
      return and(c.args.map((a) => conditionFormula(rule, a)));
    case 'or':
      return or(c.args.map((a) => conditionFormula(rule, a)));
    case 'not':
      return not(conditionFormula(rule, c.arg));
    case 'signal':
      return { kind: 'sig', id: c.id };
    case 'score':
      switch (c.op) {
        case 'gte':
          return scoreAtLeast(rule, c.value);
        case 'gt':
          return scoreAtLeast(rule, c.value + 1);
        case 'lte':
          return not(scoreAtLeast(rule, c.value + 1));
        case 'lt':
          return not(scoreAtLeast(rule, c.value));
        default:
          return assertNever(c.op);
      }
    default:
      return assertNever(c);
  }
}

export function thresholdFormula(rule: RuleIR): SignalFormula {
  return scoreAtLeast(rule, rule.threshold);
}

/** The exact condition (over signals) under which a matched event lands in tier `index`. */
export function tierSelection(rule: RuleIR, index: number): { threshold: SignalFormula; tier: SignalFormula; higher: SignalFormula[] } {
  return {
    threshold: thresholdFormula(rule),
    tier: conditionFormula(rule, rule.tiers[index]!.cond),
    higher: rule.tiers.slice(0, index).map((t) => conditionFormula(rule, t.cond)),
  };
}

export function evalFormula(f: SignalFormula, fired: ReadonlySet<string>): boolean {
  switch (f.kind) {
    case 'const':
      return f.value;
    case 'sig':
      return fired.has(f.id);
    case 'and':
      return f.args.every((a) => evalFormula(a, fired));
    case 'or':
      return f.args.some((a) => evalFormula(a, fired));
    case 'not':
      return !evalFormula(f.arg, fired);
    default:
      return assertNever(f);
  }
}

/** Number of signal references: the size of the Sigma condition it becomes. */
export function formulaSize(f: SignalFormula): number {
  switch (f.kind) {
    case 'const':
      return 0;
    case 'sig':
      return 1;
    case 'and':
    case 'or':
      return f.args.reduce((n, a) => n + formulaSize(a), 0);
    case 'not':
      return formulaSize(f.arg);
    default:
      return assertNever(f);
  }
}
