/**
 * The Sigma backend has no arithmetic, so it encodes each tier as a boolean formula over signals
 * (src/ir/tier-logic.ts). These tests check that formula against the one definition of scores and
 * tiers (src/ir/scoring.ts) for every combination of signals of random rules, and check
 * `minimalSetsReaching` against its definition.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RuleIR, TierCond, VerdictTier } from '../../src/ir/nodes.js';
import { minimalSetsReaching, outcomeFor } from '../../src/ir/scoring.js';
import { and, evalFormula, not, scoreAtLeast, tierSelection, type SignalFormula } from '../../src/ir/tier-logic.js';

/** The parts of a rule the tier logic and scoring read. */
type TierLogicRule = Pick<RuleIR, 'name' | 'signals' | 'threshold' | 'tiers'>;

interface RuleShape {
  readonly weights: readonly number[];
  readonly threshold: number;
  readonly conds: readonly TierCond[];
}

const signalId = (i: number): string => `s${i}`;

function tier(name: string, cond: TierCond, isDefault: boolean): VerdictTier {
  return { name, title: name, cond, isDefault, level: isDefault ? 'low' : 'medium', action: isDefault ? 'risk' : 'alert' };
}

function buildRule(shape: RuleShape): RuleIR {
  const rule: TierLogicRule = {
    name: 'random-rule',
    signals: shape.weights.map((weight, i) => ({ id: signalId(i), weight, description: '', expr: { kind: 'and', args: [] } })),
    threshold: shape.threshold,
    tiers: [...shape.conds.map((c, i) => tier(`t${i}`, c, false)), tier('default', { kind: 'always' }, true)],
  };
  // The functions under test read only these fields.
  return rule as RuleIR;
}

function firedSet(rule: RuleIR, mask: number): Set<string> {
  return new Set(rule.signals.filter((_, i) => mask & (1 << i)).map((s) => s.id));
}

/** Per tier, `threshold ∧ cond(tier) ∧ ¬cond(each earlier tier)`, as the Sigma backend builds it. */
function selectionFormulas(rule: RuleIR): SignalFormula[] {
  return rule.tiers.map((_, i) => {
    const { threshold, tier: cond, higher } = tierSelection(rule, i);
    return and([threshold, cond, ...higher.map(not)]);
  });
}

/** Random tier conditions over the given signals, with score bounds around [0, sum]. */
function condArbitrary(n: number, sum: number): fc.Arbitrary<TierCond> {
  const ids = Array.from({ length: n }, (_, i) => signalId(i));
  return fc.letrec<{ cond: TierCond }>((tie) => ({
    cond: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'cond' },
      { arbitrary: fc.constantFrom(...ids).map((id): TierCond => ({ kind: 'signal', id })), weight: 4 },
      {
        arbitrary: fc
          .record({ op: fc.constantFrom<'gte' | 'gt' | 'lte' | 'lt'>('gte', 'gt', 'lte', 'lt'), value: fc.integer({ min: -2, max: sum + 2 }) })
          .map(({ op, value }): TierCond => ({ kind: 'score', op, value })),
        weight: 4,
      },
      { arbitrary: fc.array(tie('cond'), { minLength: 1, maxLength: 3 }).map((args): TierCond => ({ kind: 'and', args })), weight: 2 },
      { arbitrary: fc.array(tie('cond'), { minLength: 1, maxLength: 3 }).map((args): TierCond => ({ kind: 'or', args })), weight: 2 },
      { arbitrary: tie('cond').map((arg): TierCond => ({ kind: 'not', arg })), weight: 2 },
      { arbitrary: fc.constant<TierCond>({ kind: 'always' }), weight: 1 },
    ),
  })).cond;
}

const ruleArbitrary: fc.Arbitrary<RuleShape> = fc
  .array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 })
  .chain((weights) => {
    const sum = weights.reduce((a, b) => a + b, 0);
    return fc.record({
      weights: fc.constant(weights),
      threshold: fc.integer({ min: 1, max: sum }),
      conds: fc.array(condArbitrary(weights.length, sum), { minLength: 1, maxLength: 4 }),
    });
  });

const RUNS = { seed: 1612, numRuns: 200 } as const;

/** Minimal by definition: reaches k, and no proper subset (of any size) does. */
function minimalByDefinition(weights: readonly number[], k: number): number[] {
  const sumOf = (mask: number) => weights.reduce((s, w, i) => (mask & (1 << i) ? s + w : s), 0);
  const out: number[] = [];
  for (let mask = 0; mask < 1 << weights.length; mask++) {
    if (sumOf(mask) < k) continue;
    let minimal = true;
    for (let sub = (mask - 1) & mask; minimal && sub !== mask; sub = (sub - 1) & mask) {
      if (sumOf(sub) >= k) minimal = false;
      if (sub === 0) break;
    }
    if (minimal) out.push(mask);
  }
  return out;
}

describe('tierSelection', () => {
  it('holds exactly when the event matches and lands on that tier (every signal combination)', () => {
    fc.assert(
      fc.property(ruleArbitrary, (shape) => {
        const rule = buildRule(shape);
        const formulas = selectionFormulas(rule);
        const mismatches: string[] = [];
        for (let mask = 0; mask < 1 << rule.signals.length; mask++) {
          const fired = firedSet(rule, mask);
          const outcome = outcomeFor(rule, fired);
          rule.tiers.forEach((t, i) => {
            const want = outcome.matched && outcome.tier === t.name;
            if (evalFormula(formulas[i]!, fired) !== want)
              mismatches.push(`tier ${t.name}, signals {${[...fired].join(',')}}, score ${outcome.score}: formula should be ${want}`);
          });
        }
        expect(mismatches).toEqual([]);
      }),
      RUNS,
    );
  });

  it('gives every matched combination exactly one tier, and unmatched ones none', () => {
    fc.assert(
      fc.property(ruleArbitrary, (shape) => {
        const rule = buildRule(shape);
        const formulas = selectionFormulas(rule);
        const wrong: string[] = [];
        for (let mask = 0; mask < 1 << rule.signals.length; mask++) {
          const fired = firedSet(rule, mask);
          const selected = formulas.filter((f) => evalFormula(f, fired)).length;
          if (selected !== (outcomeFor(rule, fired).matched ? 1 : 0)) wrong.push(`signals {${[...fired].join(',')}}: ${selected} tiers`);
        }
        expect(wrong).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('minimalSetsReaching', () => {
  // Signals a, b, c, d with weights 3, 1, 4, 2 are bits 1, 2, 4, 8.
  const rule = buildRule({ weights: [3, 1, 4, 2], threshold: 2, conds: [] });
  it.each<[number, number[]]>([
    // k = 2: a, c, d alone; b (1) needs a partner, and every partner reaches 2 alone.
    [2, [0b0001, 0b0100, 0b1000]],
    // k = 5: {a,c}=7, {b,c}=5, {a,d}=5, {c,d}=6; {a,b}=4 and {b,d}=3 fall short; {a,b,d} contains {a,d}.
    [5, [0b0101, 0b0110, 0b1001, 0b1100]],
    // k = 10: only all four.
    [10, [0b1111]],
    // k = 11: unreachable.
    [11, []],
    // k = 1: every signal alone.
    [1, [0b0001, 0b0010, 0b0100, 0b1000]],
  ])('k = %i', (k, want) => expect(minimalSetsReaching(rule, k)).toEqual(want));

  it('matches the definition for random weights and bounds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }).chain((w) => fc.tuple(fc.constant(w), fc.integer({ min: 1, max: w.reduce((a, b) => a + b, 0) + 1 }))),
        ([weights, k]) => {
          const r = buildRule({ weights, threshold: 1, conds: [] });
          expect(minimalSetsReaching(r, k)).toEqual(minimalByDefinition(weights, k));
        },
      ),
      RUNS,
    );
  });

  it('scoreAtLeast(k) holds exactly when the score reaches k', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 8 }).chain((w) => fc.tuple(fc.constant(w), fc.integer({ min: -2, max: w.reduce((a, b) => a + b, 0) + 2 }))),
        ([weights, k]) => {
          const r = buildRule({ weights, threshold: 1, conds: [] });
          const f = scoreAtLeast(r, k);
          for (let mask = 0; mask < 1 << weights.length; mask++) {
            const fired = firedSet(r, mask);
            expect(evalFormula(f, fired)).toBe(outcomeFor({ ...r, threshold: 0 }, fired).score >= k);
          }
        },
      ),
      RUNS,
    );
  });
});
