/**
 * Every allowlist entry earns its place: some test case of a rule that reads the list shows the
 * entry removing the false positive it is there for (the case has the entry's value, or a subdomain
 * of it for a domain list, and expects no result), and every rule reading the list still has true
 * positives. Replacing the entry's value in that case by an unlisted one must make the rule match, so
 * the entry, not something else, is what removes it. The cases themselves run on every target in
 * `t1612 test`.
 */
import { describe, expect, it } from 'vitest';
import { bundledRules } from '../support/rules.js';
import { loadTestFile, testsPathFor } from '../../src/testing/cases.js';
import { listMatches } from '../../src/model/allowlist.js';
import { compileRule } from '../../src/ir/evaluate.js';

const bundled = bundledRules();

/** Rules that read a list: suppressions, `listed` predicates, or registry lists compiled into an image test. */
function readers(list: string) {
  return bundled.irs.filter((r) => r.lists.some((l) => l.name === list) || JSON.stringify(bundled.rules.find((x) => x.model.name === r.name)?.model).includes(`"listed":"${list}"`));
}

describe('allowlist entries', () => {
  for (const list of [...bundled.lists.values()]) {
    describe(list.name, () => {
      const rules = readers(list.name);
      const cases = rules.flatMap((r) => (loadTestFile(testsPathFor(r.file), bundled.irs).tests?.cases ?? []).map((c) => ({ rule: r.name, c })));
      it('is read by a bundled rule that still has true positives', () => {
        expect(rules.length).toBeGreaterThan(0);
        for (const r of rules) expect(cases.filter((x) => x.rule === r.name && x.c.expect.matched).length, r.name).toBeGreaterThan(0);
      });
      for (const entry of list.entries) {
        it(`${entry.value}: a case shows it suppressing the false positive it names`, () => {
          const single = { match: list.match, entries: [entry] };
          const shows = cases.filter(({ c }) => {
            if (c.expect.matched) return false;
            const values = Object.values(c.event).filter((v): v is string => typeof v === 'string');
            // A registry list is read inside the command line: the image's registry is the entry.
            return values.some((v) => listMatches(single, v) || v.split(/[\s/]+/).some((word) => listMatches(single, word.replace(/:[0-9]+$/, ''))));
          });
          // …and it is the entry that removes it: with the value replaced by an unlisted one, the rule matches.
          const causal = shows.filter(({ rule, c }) => {
            const ir = bundled.irs.find((r) => r.name === rule)!;
            const swapped = Object.fromEntries(Object.entries(c.event).map(([k, v]) => [k, typeof v === 'string' ? v.replace(new RegExp(entry.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), 'unlisted-9f3e.example') : v]));
            return compileRule(ir).evaluate(swapped).matched;
          });
          expect(causal.map(({ rule, c }) => `${rule}/${c.name}`), `add a case to a rule reading ${list.name} whose event has ${entry.value}, expects no result, and matches without it (reason: ${entry.reason})`).not.toEqual([]);
        });
      }
    });
  }
});
