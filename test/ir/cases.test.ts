/** Every rule's own cases (rules/<name>.tests.yml) hold on the IR, as every profile sees the events. */
import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { loadTestFile, runCasesOnIr, testsPathFor } from '../../src/testing/cases.js';
import { loadRules } from '../../src/pipeline.js';
import { bundledRules } from '../support/rules.js';

describe('bundled rule cases on the IR', () => {
  const { irs, diagnostics } = bundledRules();
  it('the bundled rules load without errors', () => {
    expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
    expect(irs.length).toBeGreaterThan(0);
  });
  for (const ir of irs) {
    describe(ir.name, () => {
      const path = testsPathFor(ir.file);
      it('has a tests file', () => expect(existsSync(path)).toBe(true));
      const { tests, diagnostics: testDiags } = loadTestFile(path, irs);
      it('its tests file is valid', () => expect(testDiags.map(formatDiagnostic)).toEqual([]));
      if (!tests) return;
      for (const r of runCasesOnIr(ir, tests)) {
        it(`${r.testCase.name} on ${r.profile}`, () => {
          expect({ matched: r.actual.matched, score: r.actual.score, tier: r.actual.tier, action: r.actual.action }, r.testCase.reason).toEqual({
            matched: r.expected.matched,
            score: r.expected.score,
            tier: r.expected.tier ?? null,
            action: r.expected.action ?? null,
          });
        });
      }
    });
  }
});

describe('golden rule cases on the IR', () => {
  const files = readdirSync('test/golden/cases').flatMap((c) =>
    readdirSync(`test/golden/cases/${c}`).filter((f) => f.endsWith('.tests.yml')).map((f) => `test/golden/cases/${c}/${f.replace('.tests.yml', '.yml')}`),
  );
  it('there are golden cases with tests', () => expect(files.length).toBeGreaterThanOrEqual(2));
  const { irs } = loadRules(files);
  for (const ir of irs) {
    const { tests, diagnostics } = loadTestFile(testsPathFor(ir.file), irs);
    it(`${ir.name}: tests file is valid`, () => expect(diagnostics.map(formatDiagnostic)).toEqual([]));
    for (const r of tests ? runCasesOnIr(ir, tests) : [])
      it(`${ir.name} / ${r.testCase.name} on ${r.profile}`, () => expect(r.pass, r.testCase.reason).toBe(true));
  }
});
