/**
 * The reference evaluator: the meaning of a rule over one event. Every target must agree with it.
 *
 * Missing values have one meaning: a field that is missing, null or `""` is absent; a string or regex
 * predicate on an absent field is false, and `not` of it is true. Profiles normalise their own
 * placeholders (Sysmon for Linux writes `-`) to absent before their queries test a field, and a field
 * a profile does not carry at all is absent there (`availableFields`).
 *
 * Case-insensitive comparison folds ASCII letters only (src/ir/regex.ts says why).
 */
import type { CanonicalField } from '../model/types.js';
import type { Expr, RuleIR } from './nodes.js';
import { assertNever } from './nodes.js';
import { outcomeTable, type Outcome } from './scoring.js';
import { inNetwork, parseIp } from './ip.js';
import { listMatches } from '../model/allowlist.js';

export type CanonicalEvent = Readonly<Partial<Record<CanonicalField, string | null>>> & Readonly<Record<string, unknown>>;

export interface Evaluation extends Outcome {
  /** Ids of the signals that hold, in rule order ([] when `match` does not hold). */
  readonly signals: readonly string[];
}

export interface EvaluateOptions {
  /** Fields the profile carries; others read as absent. Default: all. */
  readonly availableFields?: ReadonlySet<CanonicalField>;
  /** Values that mean "absent" for this profile, besides `""` and null. */
  readonly placeholders?: readonly string[];
}

export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** A predicate compiled once into a closure (never re-walked per event). */
export type CompiledPredicate = (event: CanonicalEvent) => boolean;

export function compileExpr(e: Expr, opts: EvaluateOptions = {}): CompiledPredicate {
  const placeholders = new Set(opts.placeholders ?? []);
  const read = (event: CanonicalEvent, f: CanonicalField): string | undefined => {
    if (opts.availableFields && !opts.availableFields.has(f)) return undefined;
    const v = event[f];
    if (typeof v !== 'string' || v === '' || placeholders.has(v)) return undefined;
    return v;
  };
  const go = (x: Expr): CompiledPredicate => {
    switch (x.kind) {
      case 'and': {
        const parts = x.args.map(go);
        return (ev) => parts.every((p) => p(ev));
      }
      case 'or': {
        const parts = x.args.map(go);
        return (ev) => parts.some((p) => p(ev));
      }
      case 'not': {
        const inner = go(x.arg);
        return (ev) => !inner(ev);
      }
      case 'compare': {
        const fold = x.caseSensitive ? (s: string) => s : asciiLower;
        const values = x.values.map(fold);
        const f = x.field;
        const test: (v: string, n: string) => boolean =
          x.op === 'equals'
            ? (v, n) => v === n
            : x.op === 'contains'
              ? (v, n) => v.includes(n)
              : x.op === 'startswith'
                ? (v, n) => v.startsWith(n)
                : (v, n) => v.endsWith(n);
        return (ev) => {
          const raw = read(ev, f);
          if (raw === undefined) return false;
          const v = fold(raw);
          return values.some((n) => test(v, n));
        };
      }
      case 'regex': {
        const re = x.regex.toJs(!x.caseSensitive);
        const f = x.field;
        const needles = x.needles;
        if (needles) {
          // A necessary condition first: most values contain none of the needles.
          const ci = x.needlesCaseInsensitive === true;
          return (ev) => {
            const v = read(ev, f);
            if (v === undefined) return false;
            const hay = ci ? v.toLowerCase() : v;
            return needles.some((n) => hay.includes(n)) && re.test(v);
          };
        }
        return (ev) => {
          const v = read(ev, f);
          return v !== undefined && re.test(v);
        };
      }
      case 'cidr': {
        const f = x.field;
        const nets = x.networks;
        return (ev) => {
          const v = read(ev, f);
          const ip = v === undefined ? undefined : parseIp(v);
          return ip !== undefined && nets.some((n) => inNetwork(ip, n));
        };
      }
      case 'numeq': {
        const f = x.field;
        const values = x.values;
        return (ev) => {
          const v = read(ev, f);
          // Plain decimal only, as telemetry writes ports: "02375" is not 2375 (Sigma compares the text).
          return v !== undefined && /^(?:0|[1-9][0-9]{0,14})$/.test(v) && values.includes(Number(v));
        };
      }
      case 'listed': {
        const f = x.field;
        const list = { match: x.list.match, entries: x.list.values.map((value) => ({ value })) };
        return (ev) => {
          const v = read(ev, f);
          return v !== undefined && listMatches(list, v);
        };
      }
      default:
        return assertNever(x);
    }
  };
  return go(e);
}

export interface CompiledRule {
  readonly rule: RuleIR;
  evaluate(event: CanonicalEvent): Evaluation;
}

const NO_MATCH: Evaluation = Object.freeze({ matched: false, score: 0, tier: null, action: null, signals: Object.freeze([]) as readonly string[] });

/** `match` and no allowlist suppression: the events a rule scores. */
export function scopeExpr(rule: RuleIR): Expr {
  if (!rule.suppress.length) return rule.match;
  return { kind: 'and', args: [rule.match, ...rule.suppress.map((s): Expr => ({ kind: 'not', arg: { kind: 'listed', field: s.field, list: s.list } }))] };
}

export function compileRule(rule: RuleIR, opts: EvaluateOptions = {}): CompiledRule {
  const match = compileExpr(scopeExpr(rule), opts);
  const tests = rule.signals.map((s) => compileExpr(s.expr, opts));
  // Every combination's outcome is known in advance (outcomeTable, the scoring's own definition), so
  // an event costs its predicates and a table look-up; results are shared and frozen.
  const byMask: readonly Evaluation[] = outcomeTable(rule).map((row) =>
    Object.freeze({ matched: row.matched, score: row.score, tier: row.tier, action: row.action, signals: Object.freeze([...row.fired]) }),
  );
  return {
    rule,
    evaluate(event) {
      if (!match(event)) return NO_MATCH;
      let mask = 0;
      for (let i = 0; i < tests.length; i++) if (tests[i]!(event)) mask |= 1 << i;
      return byMask[mask]!;
    },
  };
}

export function evaluate(rule: RuleIR, event: CanonicalEvent, opts: EvaluateOptions = {}): Evaluation {
  return compileRule(rule, opts).evaluate(event);
}
