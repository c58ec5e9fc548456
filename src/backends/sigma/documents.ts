/**
 * Pieces every Sigma document of this target is built from: stable ids, a rule's selections and
 * conditions (its match, its allowlist suppressions, its signals, its threshold), detection maps and
 * the YAML dump. A rule's own file (index.ts) and a correlation's file (correlation.ts) share them, so
 * a stage rule's "gives a result" is built exactly as the tiers' conditions are.
 */
import { createHash } from 'node:crypto';
import yaml from 'js-yaml';
import type { CanonicalField } from '../../model/types.js';
import type { RuleIR } from '../../ir/nodes.js';
import { assertNever } from '../../ir/nodes.js';
import { thresholdFormula, type SignalFormula } from '../../ir/tier-logic.js';
import { cAnd, cNot, cOr, exprToCond, filterSelectionPrefix, printCond, signalSelectionPrefix, type Cond, type Selections } from './condition.js';

export interface SigmaDocument {
  [key: string]: unknown;
}

/** A name-based (version 5) UUID: stable per rule and tier, so re-generation keeps ids. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(Buffer.concat([ns, Buffer.from(name, 'utf8')])).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export function formulaToCond(f: SignalFormula, signalCond: (id: string) => Cond): Cond {
  switch (f.kind) {
    case 'const':
      return { kind: 'const', value: f.value };
    case 'sig':
      return signalCond(f.id);
    case 'and':
      return cAnd(f.args.map((a) => formulaToCond(a, signalCond)));
    case 'or':
      return cOr(f.args.map((a) => formulaToCond(a, signalCond)));
    case 'not':
      return cNot(formulaToCond(f.arg, signalCond));
    default:
      return assertNever(f);
  }
}

/** A rule's parts as conditions over named selections (added to one `Selections`). */
export interface RuleConds {
  readonly match: Cond;
  /** One per suppression: an event whose field is listed is not a result (the IR's scopeExpr), whatever its tier. */
  readonly filters: readonly Cond[];
  readonly signal: (id: string) => Cond;
}

/**
 * The selections of one rule, named `match_<n>`, `filter_<list>_<n>` and `sig_<signal>_<n>` after
 * `prefix`. A rule's own file uses no prefix; a file holding several rules' selections gives each
 * rule its own prefix so that names stay unique.
 */
export function ruleConds(rule: RuleIR, sel: Selections, fieldOf: (f: CanonicalField) => string, prefix = ''): RuleConds {
  const match = exprToCond(rule.match, `${prefix}match`, sel, fieldOf);
  const filters = rule.suppress.map((s) => exprToCond({ kind: 'listed', field: s.field, list: s.list }, `${prefix}${filterSelectionPrefix(s.list.name)}`, sel, fieldOf));
  const signals = new Map(rule.signals.map((s) => [s.id, exprToCond(s.expr, `${prefix}${signalSelectionPrefix(s.id)}`, sel, fieldOf)]));
  return { match, filters, signal: (id) => signals.get(id)! };
}

/** "This rule gives a result" (any tier): its match, no suppression, its signals reaching the threshold. */
export function resultCond(rule: RuleIR, conds: RuleConds): Cond {
  return cAnd([conds.match, ...conds.filters.map(cNot), formulaToCond(thresholdFormula(rule), conds.signal)]);
}

/** The detection map for `condition`: the selections it names, in first-defined order, then the condition. */
export function detectionFor(condition: Cond, sel: Selections): Record<string, unknown> {
  const text = printCond(condition);
  const used = new Set(text.match(/[A-Za-z0-9_]+/g));
  const detection: Record<string, unknown> = {};
  for (const [name, value] of sel.entries) if (used.has(name)) detection[name] = value;
  detection.condition = text;
  return detection;
}

export function dumpYaml(value: unknown): string {
  return yaml.dump(value, { lineWidth: -1, noRefs: true, sortKeys: false });
}
