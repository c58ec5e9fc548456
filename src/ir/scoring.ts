/**
 * The only definition of what weights, the threshold and tiers mean. Backends render these rules;
 * the Sigma backend and the checks enumerate them (`outcomeTable`), so every target and every check
 * agrees with `evaluate`.
 *
 * - score = the sum of the weights of the signals that hold;
 * - matched = the rule's `match` holds and score >= threshold;
 * - tier = the first tier, in order, whose condition holds (the last tier is the default);
 * - action = that tier's action. Unmatched events have no tier and no action.
 */
import type { TierAction } from '../model/types.js';
import type { RuleIR, TierCond, VerdictTier } from './nodes.js';
import { assertNever } from './nodes.js';

export interface Outcome {
  readonly matched: boolean;
  readonly score: number;
  readonly tier: string | null;
  readonly action: TierAction | null;
}

export function scoreOf(rule: RuleIR, fired: ReadonlySet<string>): number {
  let s = 0;
  for (const sig of rule.signals) if (fired.has(sig.id)) s += sig.weight;
  return s;
}

export function tierHolds(c: TierCond, fired: ReadonlySet<string>, score: number): boolean {
  switch (c.kind) {
    case 'always':
      return true;
    case 'and':
      return c.args.every((a) => tierHolds(a, fired, score));
    case 'or':
      return c.args.some((a) => tierHolds(a, fired, score));
    case 'not':
      return !tierHolds(c.arg, fired, score);
    case 'signal':
      return fired.has(c.id);
    case 'score':
      return c.op === 'gte' ? score >= c.value : c.op === 'gt' ? score > c.value : c.op === 'lte' ? score <= c.value : score < c.value;
    default:
      return assertNever(c);
  }
}

export function tierFor(rule: RuleIR, fired: ReadonlySet<string>, score: number): VerdictTier {
  for (const t of rule.tiers) if (tierHolds(t.cond, fired, score)) return t;
  // The schema makes the last tier a default; reaching here is a compiler bug.
  throw new Error(`internal: no tier matched in ${rule.name}`);
}

/** The outcome for an event whose `match` held and whose holding signals are `fired`. */
export function outcomeFor(rule: RuleIR, fired: ReadonlySet<string>): Outcome {
  const score = scoreOf(rule, fired);
  if (score < rule.threshold) return { matched: false, score, tier: null, action: null };
  const tier = tierFor(rule, fired, score);
  return { matched: true, score, tier: tier.name, action: tier.action };
}

export interface OutcomeRow extends Outcome {
  /** Bit i set = signal i holds. */
  readonly mask: number;
  readonly fired: readonly string[];
}

const tables = new WeakMap<RuleIR, readonly OutcomeRow[]>();

/** Every combination of signals and its outcome (2^n rows; the schema caps n at 12). Memoised per rule. */
export function outcomeTable(rule: RuleIR): readonly OutcomeRow[] {
  let t = tables.get(rule);
  if (!t) {
    t = buildOutcomeTable(rule);
    tables.set(rule, t);
  }
  return t;
}

function buildOutcomeTable(rule: RuleIR): OutcomeRow[] {
  const n = rule.signals.length;
  const rows: OutcomeRow[] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    const fired = rule.signals.filter((_, i) => mask & (1 << i)).map((s) => s.id);
    rows.push({ mask, fired, ...outcomeFor(rule, new Set(fired)) });
  }
  return rows;
}

const minimalSets = new WeakMap<RuleIR, Map<number, readonly number[]>>();

/** The minimal sets of signals (as masks) whose weights reach `k`: the threshold expanded exactly. Memoised. */
export function minimalSetsReaching(rule: RuleIR, k: number): readonly number[] {
  let perRule = minimalSets.get(rule);
  if (!perRule) minimalSets.set(rule, (perRule = new Map()));
  let sets = perRule.get(k);
  if (!sets) perRule.set(k, (sets = buildMinimalSets(rule, k)));
  return sets;
}

function buildMinimalSets(rule: RuleIR, k: number): number[] {
  const n = rule.signals.length;
  const reach: number[] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    let s = 0;
    for (let i = 0; i < n; i++) if (mask & (1 << i)) s += rule.signals[i]!.weight;
    if (s >= k) reach.push(mask);
  }
  // minimal: no proper subset also reaches k (weights are positive, so checking one-bit removals suffices)
  const set = new Set(reach);
  return reach.filter((mask) => {
    for (let i = 0; i < n; i++) if (mask & (1 << i) && set.has(mask & ~(1 << i))) return false;
    return true;
  });
}
