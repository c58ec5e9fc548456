/**
 * Mutation suite: deliberately broken emitters must each be caught by some test — the cases run on
 * every target (`t1612 test`) or the agreement property. If a mutation survives, the tests have a
 * hole. Each mutation patches one target's rendering for the duration of one check.
 */
import fc from 'fast-check';
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { targets, type TargetId } from '../../src/backends/index.js';
import type { Target } from '../../src/backends/types.js';
import { kqlDialect } from '../../src/backends/kql/dialect.js';
import { splDialect } from '../../src/backends/spl/dialect.js';
import type { Expr, RuleIR } from '../../src/ir/nodes.js';
import { PortableRegex } from '../../src/ir/regex.js';
import { loadRules } from '../../src/pipeline.js';
import { runTests } from '../../src/testing/run.js';
import { events, fileEvents } from '../support/events.js';
import { columnsFor, disagreements } from '../agreement/harness.js';

const goldenRules = readdirSync('test/golden/cases').flatMap((c) =>
  readdirSync(`test/golden/cases/${c}`).filter((f) => f.endsWith('.yml') && !f.endsWith('.tests.yml')).map((f) => `test/golden/cases/${c}/${f}`),
);
const paths = ['rules', ...goldenRules];

/** What the test suite would report: failing cases, or an event on which a target disagrees. */
function caught(): string | undefined {
  const report = runTests(paths);
  if (report.failed > 0) {
    const f = report.cases.flatMap((c) => c.checks.filter((ch) => !ch.pass).map((ch) => `${c.rule}/${c.testCase.name} on ${ch.column}`));
    return `cases: ${f.slice(0, 3).join(', ')}${f.length > 3 ? ` (+${f.length - 3})` : ''}`;
  }
  const irs = loadRules(paths).irs;
  const byCategory = (c: string) => irs.filter((r) => r.logsource.category === c).map(columnsFor);
  const processColumns = byCategory('process_creation');
  const fileColumns = byCategory('file_event');
  const result = fc.check(
    fc.property(events, fileEvents, (e, f) => processColumns.every((c) => disagreements(c, e).length === 0) && fileColumns.every((c) => disagreements(c, f).length === 0)),
    { seed: 1612, numRuns: 500 },
  );
  return result.failed ? `agreement property: ${JSON.stringify(result.counterexample)}` : undefined;
}

const restore: (() => void)[] = [];
afterEach(() => {
  while (restore.length) restore.pop()!();
});

function patch<T extends object, K extends keyof T>(obj: T, key: K, value: T[K]): void {
  const original = obj[key];
  (obj as Record<K, T[K]>)[key] = value;
  restore.push(() => ((obj as Record<K, T[K]>)[key] = original));
}

/** Render one target from a changed IR. */
function mutateIr(target: TargetId, change: (rule: RuleIR) => RuleIR): void {
  const t = targets[target] as Target;
  const render = t.render.bind(t);
  patch(t, 'render', (rule, profile) => render(change(rule), profile));
}

/** Render one target, then change its text. */
function mutateText(target: TargetId, change: (text: string) => string): void {
  const t = targets[target] as Target;
  const render = t.render.bind(t);
  patch(t, 'render', (rule, profile) => {
    const r = render(rule, profile);
    return { ...r, files: r.files.map((f) => ({ ...f, content: change(f.content) })) };
  });
}

describe('the unmutated compiler passes', () => {
  it('no case fails and no event disagrees', () => expect(caught()).toBeUndefined());
});

describe('each broken emitter is caught', () => {
  it('KQL contains → has (term match instead of substring)', () => {
    const compare = kqlDialect.compare;
    patch(kqlDialect, 'compare', (field, op, values, cs) => compare(field, op, values, cs).replace(/ contains /g, ' has '));
    expect(caught()).toBeDefined();
  });

  it('SPL drops case-insensitivity from regexes ((?i) dropped)', () => {
    const regex = splDialect.regex;
    patch(splDialect, 'regex', (field, pattern) => regex(field, pattern, false));
    expect(caught()).toBeDefined();
  });

  it('SPL negation requires the field to be present (NOT f=v → f!=v)', () => {
    const present = (e: Expr): Expr[] =>
      e.kind === 'not'
        ? present(e.arg)
        : e.kind === 'and' || e.kind === 'or'
          ? e.args.flatMap(present)
          : [{ kind: 'regex', field: e.field, regex: PortableRegex.trusted('.|\\n', false), caseSensitive: true, origin: 'mutation' }];
    const rewrite = (e: Expr): Expr =>
      e.kind === 'not'
        ? { kind: 'and', args: [...present(e.arg), { kind: 'not', arg: rewrite(e.arg) }] }
        : e.kind === 'and' || e.kind === 'or'
          ? { ...e, args: e.args.map(rewrite) }
          : e;
    mutateIr('spl', (r) => ({ ...r, match: rewrite(r.match), signals: r.signals.map((s) => ({ ...s, expr: rewrite(s.expr) })) }));
    expect(caught()).toBeDefined();
  });

  it('SPL case() without its default', () => {
    mutateText('spl', (t) => t.replace(/, true\(\), "[a-z_]+"\)\n\| eval risk_action/g, ')\n| eval risk_action'));
    expect(caught()).toBeDefined();
  });

  it('a weight changed on one target only (KQL)', () => {
    mutateIr('kql', (r) => ({ ...r, signals: r.signals.map((s, i) => (i === r.signals.length - 1 ? { ...s, weight: s.weight + 1 } : s)) }));
    expect(caught()).toBeDefined();
  });

  it('a tier order swapped on one target (Sigma)', () => {
    mutateIr('sigma', (r) => (r.tiers.length > 2 ? { ...r, tiers: [r.tiers[1]!, r.tiers[0]!, ...r.tiers.slice(2)] } : r));
    expect(caught()).toBeDefined();
  });
});
