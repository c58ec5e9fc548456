/**
 * Agreement as a property: the IR, SPL (sysmon_linux), KQL (defender, sentinel) and Sigma give the
 * same matched / tier / action for every generated event, and SPL and KQL the same score; over the
 * bundled rule (10,000 events per run) and over random rules (so the Sigma threshold expansion and
 * the tier encodings hold in general). Seeded and reproducible; a failure prints the shrunk event and
 * every target's result.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/pipeline.js';
import { events } from '../support/events.js';
import { loadRuleText, miniRule } from '../support/rules.js';
import { columnsFor, disagreements } from './harness.js';

const SEED = 1612;

describe('agreement on the bundled rules', () => {
  for (const rule of loadRules(['rules']).irs) {
    it(`${rule.name}: 10,000 events, every target and profile agrees with the IR`, () => {
      const columns = columnsFor(rule);
      expect(columns.map((c) => c.name)).toEqual(['spl/sysmon_linux', 'kql/defender', 'kql/sentinel', 'sigma/taxonomy']);
      fc.assert(
        fc.property(events, (event) => {
          const d = disagreements(columns, event);
          if (d.length) throw new Error(`targets disagree with the IR:\n${JSON.stringify({ event, disagreements: d }, null, 2)}`);
        }),
        { seed: SEED, numRuns: 10_000 },
      );
    });
  }
});

/** A random rule over the canonical fields, written as YAML the way a user would. */
const randomRule = fc
  .record({
    signals: fc.array(
      fc.record({
        pred: fc.oneof(
          fc.record({ field: fc.constantFrom('CommandLine', 'ParentImage', 'User'), op: fc.constantFrom('contains', 'startswith', 'endswith', 'equals'), value: fc.constantFrom('/tmp', 'docker', 'bash', 'svc', 'a b', '-', '"q"', 'ü', 'x*y', '\\\\'), cs: fc.boolean() }).map(
            ({ field, op, value, cs }) => `{ field: ${field}, ${op}: ${JSON.stringify(value)}${cs ? ', case: sensitive' : ''} }`,
          ),
          fc.constantFrom(
            '{ flag: { field: CommandLine, names: [--no-cache] } }',
            '{ executable: { field: ParentImage, names: [sh, bash, python], versionSuffix: true } }',
            '{ pathArgument: { field: CommandLine, under: [/tmp, /var/tmp], cwdField: CurrentDirectory } }',
            '{ not: { field: User, equals: [root, svc-ci] } }',
            '{ field: CommandLine, regex: "^[a-z]+ +b[a-z]*d( |$)" }',
            '{ argument: { field: CommandLine, startswith: ["https://", "git@"] } }',
          ),
        ),
        weight: fc.integer({ min: 1, max: 5 }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    thresholdPick: fc.double({ min: 0, max: 1, noNaN: true }),
    tiers: fc.array(
      fc.oneof(
        fc.integer({ min: 0, max: 4 }).map((i) => ({ signal: i })),
        fc.integer({ min: 1, max: 15 }).map((n) => ({ gte: n })),
        fc.integer({ min: 1, max: 15 }).map((n) => ({ lt: n })),
      ),
      { maxLength: 3 },
    ),
    actions: fc.array(fc.constantFrom('alert', 'risk'), { minLength: 4, maxLength: 4 }),
  })
  .map(({ signals, thresholdPick, tiers, actions }) => {
    const total = signals.reduce((n, s) => n + s.weight, 0);
    const threshold = Math.max(1, Math.ceil(thresholdPick * total));
    const sigYaml = signals.map((s, i) => `  - { id: s${i}, weight: ${s.weight}, description: d, when: ${s.pred} }`).join('\n');
    const tierYaml = tiers
      .map((t, i) => {
        const cond = 'signal' in t ? `{ signal: s${t.signal % signals.length} }` : 'gte' in t ? `{ score: { gte: ${t.gte} } }` : `{ score: { lt: ${t.lt} } }`;
        return `  - { name: t${i}, title: t, when: ${cond}, level: high, action: ${actions[i]} }`;
      })
      .join('\n');
    return miniRule(`match: { field: Image, contains: / }
signals:
${sigYaml}
threshold: ${threshold}
tiers:
${tierYaml}
  - { name: fallback, title: t, default: true, level: low, action: ${actions[3]} }
`);
  });

describe('agreement on random rules', () => {
  it('random signals, weights, thresholds, tiers and actions: every target agrees with the IR', () => {
    let checkedRules = 0;
    fc.assert(
      fc.property(randomRule, fc.array(events, { minLength: 20, maxLength: 20 }), (text, evs) => {
        const loaded = loadRuleText('mini-rule', text);
        if (!loaded.ok) return; // generated rules a check rejects (an unreachable tier, a useless signal)
        checkedRules++;
        const columns = columnsFor(loaded.irs[0]!);
        for (const event of evs) {
          const d = disagreements(columns, event);
          if (d.length) throw new Error(`targets disagree with the IR:\n${JSON.stringify({ rule: text, event, disagreements: d }, null, 2)}`);
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
    expect(checkedRules).toBeGreaterThan(50);
  });
});
