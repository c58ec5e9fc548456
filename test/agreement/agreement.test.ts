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
import { events, eventsFor } from '../support/events.js';
import { loadRuleText } from '../support/rules.js';
import { randomRuleArb } from '../support/random-rules.js';
import { columnsFor, disagreements } from './harness.js';
import { TARGET_IDS } from '../../src/backends/index.js';
import { telemetryFor } from '../../src/backends/telemetry.js';
import { profilesOf } from '../../src/compile.js';

const SEED = 1612;

describe('agreement on the bundled rules', () => {
  for (const rule of loadRules(['rules']).irs) {
    it(`${rule.name}: 10,000 events, every target and profile agrees with the IR`, () => {
      const columns = columnsFor(rule);
      // Every profile that can run the rule is a column (those that cannot are skipped by compile, saying why).
      const runnable = TARGET_IDS.flatMap((t) => profilesOf(t).filter((p) => !telemetryFor(rule, t, p).unsupported).map((p) => `${t}/${p.id}`));
      expect(columns.map((c) => c.name)).toEqual(runnable);
      // Kubernetes audit events are read on kql/sentinel (AKSAuditAdmin) and sigma/taxonomy only.
      expect(columns.length).toBeGreaterThanOrEqual(rule.logsource.category === 'k8s_audit' ? 2 : 4);
      fc.assert(
        fc.property(eventsFor(rule.logsource.category), (event) => {
          const d = disagreements(columns, event);
          if (d.length) throw new Error(`targets disagree with the IR:\n${JSON.stringify({ event, disagreements: d }, null, 2)}`);
        }),
        { seed: SEED, numRuns: 10_000 },
      );
    });
  }
});

describe('agreement on random rules', () => {
  it('random signals, weights, thresholds, tiers and actions: every target agrees with the IR', () => {
    let checkedRules = 0;
    fc.assert(
      fc.property(randomRuleArb, fc.array(events, { minLength: 20, maxLength: 20 }), (text, evs) => {
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
