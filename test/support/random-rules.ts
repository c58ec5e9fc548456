/**
 * Random small rules written as YAML the way a user would: every predicate form the emitter writes,
 * thresholds, tiers over signals and scores, alert and risk actions. Shared by the agreement
 * properties, which prove the Sigma threshold expansion and the tier encodings hold in general.
 */
import fc from 'fast-check';
import { miniRule } from './rules.js';

export const randomRuleArb = fc
  .record({
    signals: fc.array(
      fc.record({
        pred: fc.oneof(
          fc
            .record({
              field: fc.constantFrom('CommandLine', 'ParentImage', 'User', 'ParentCommandLine', 'CurrentDirectory'),
              op: fc.constantFrom('contains', 'startswith', 'endswith', 'equals'),
              value: fc.constantFrom('/tmp', 'docker', 'bash', 'svc', 'a b', '-', '"q"', 'ü', 'x*y', '\\\\', 'it\'s', '100%', 'a|b', 'tab\there', 'SVC-CI', '`x`'),
              cs: fc.boolean(),
            })
            .map(({ field, op, value, cs }) => `{ field: ${field}, ${op}: ${JSON.stringify(value)}${cs ? ', case: sensitive' : ''} }`),
          fc.constantFrom(
            '{ flag: { field: CommandLine, names: [--no-cache] } }',
            '{ flag: { field: CommandLine, names: [--network], values: { equals: [none, host] } } }',
            '{ executable: { field: ParentImage, names: [sh, bash, python], versionSuffix: true } }',
            '{ pathArgument: { field: CommandLine, under: [/tmp, /var/tmp], cwdField: CurrentDirectory } }',
            '{ not: { field: User, equals: [root, svc-ci] } }',
            '{ field: CommandLine, regex: "^[a-z]+ +b[a-z]*d( |$)" }',
            '{ field: User, regex: "^(adm[0-9]*)?$" }',
            '{ argument: { field: CommandLine, startswith: ["https://", "git@"] } }',
            '{ any: [{ field: User, equals: [root] }, { field: CurrentDirectory, startswith: /tmp }] }',
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

