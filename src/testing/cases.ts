/**
 * Test cases that travel with a rule (`rules/<name>.tests.yml`): loading, schema validation, and
 * evaluation through the IR as each profile sees the event.
 */

import { diagnostic, type Diagnostic } from '../model/diagnostics.js';
import { parseAndValidate } from '../model/load.js';
import type { CanonicalField, LogsourceCategory } from '../model/types.js';
import type { RuleIR } from '../ir/nodes.js';
import { compileRule, type CanonicalEvent, type Evaluation } from '../ir/evaluate.js';
import type { Outcome } from '../ir/scoring.js';
import { targets, TARGET_IDS } from '../backends/index.js';
import { telemetryFor } from '../backends/telemetry.js';

export interface TestCase {
  readonly name: string;
  readonly reason: string;
  readonly event: CanonicalEvent;
  readonly expect: Outcome;
  readonly expectByProfile?: Readonly<Record<string, Outcome>>;
}

export interface TestFile {
  readonly file: string;
  readonly rule: string;
  readonly cases: readonly TestCase[];
}

export function testsPathFor(ruleFile: string): string {
  return ruleFile.replace(/\.ya?ml$/, '.tests.yml');
}

export function loadTestFile(path: string, rules: readonly RuleIR[]): { tests?: TestFile; diagnostics: Diagnostic[] } {
  const parsed = parseAndValidate(path, 'tests');
  const diagnostics = [...parsed.diagnostics];
  if (!parsed.doc || diagnostics.length) return { diagnostics };
  const value = parsed.doc.value as { rule: string; cases: TestCase[] };
  const rule = rules.find((r) => r.name === value.rule);
  if (!rule) diagnostics.push(diagnostic(parsed.file, parsed.doc.at('/rule'), 'error', 'tests', `test file names unknown rule "${value.rule}"`, 'set rule: to the name of the rule it tests'));
  const seen = new Set<string>();
  const profiles = TARGET_IDS.flatMap((t) => targets[t].profiles.map((p) => p.id));
  value.cases.forEach((c, i) => {
    if (seen.has(c.name)) diagnostics.push(diagnostic(parsed.file, parsed.doc!.at(`/cases/${i}/name`), 'error', 'tests', `duplicate case name "${c.name}"`, 'give each case its own name'));
    seen.add(c.name);
    for (const p of Object.keys(c.expectByProfile ?? {}))
      if (!profiles.includes(p)) diagnostics.push(diagnostic(parsed.file, parsed.doc!.keyAt(`/cases/${i}/expectByProfile/${p}`), 'error', 'tests', `unknown profile "${p}"`, `use one of: ${profiles.join(', ')}`));
    if (rule && (c.expect.tier ?? null) !== null && !rule.tiers.some((t) => t.name === c.expect.tier))
      diagnostics.push(diagnostic(parsed.file, parsed.doc!.at(`/cases/${i}/expect/tier`), 'error', 'tests', `unknown tier "${c.expect.tier}" for rule ${rule.name}`, `use one of: ${rule.tiers.map((t) => t.name).join(', ')}`));
  });
  return { tests: { file: parsed.file, rule: value.rule, cases: value.cases }, diagnostics };
}

export interface CaseResult {
  readonly testCase: TestCase;
  readonly profile: string;
  readonly expected: Outcome;
  readonly actual: Evaluation;
  readonly pass: boolean;
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  return a.matched === b.matched && a.score === b.score && (a.tier ?? null) === (b.tier ?? null) && (a.action ?? null) === (b.action ?? null);
}

/** Every profile of every target, with the fields it carries and its placeholders. */
export function allProfiles(category: LogsourceCategory): { target: string; id: string; fields: ReadonlySet<CanonicalField>; placeholders: readonly string[] }[] {
  return TARGET_IDS.flatMap((t) =>
    targets[t].profiles.flatMap((p) => {
      const mapped = p.fields[category];
      return mapped ? [{ target: t, id: p.id, fields: new Set(Object.keys(mapped) as CanonicalField[]), placeholders: p.placeholders }] : [];
    }),
  );
}

/** Run every case through the IR as each profile sees the event (its fields and placeholders). */
export function runCasesOnIr(rule: RuleIR, tests: TestFile): CaseResult[] {
  const results: CaseResult[] = [];
  // A profile that cannot run the rule (compile skips it, saying why) has no outcome to check.
  const runs = new Set(TARGET_IDS.flatMap((t) => targets[t].profiles.filter((p) => !telemetryFor(rule, t, p).unsupported).map((p) => `${t}/${p.id}`)));
  for (const p of allProfiles(rule.logsource.category)) {
    if (!runs.has(`${p.target}/${p.id}`)) continue;
    const compiled = compileRule(rule, { availableFields: p.fields, placeholders: p.placeholders });
    for (const c of tests.cases) {
      const expected = c.expectByProfile?.[p.id] ?? c.expect;
      const actual = compiled.evaluate(c.event);
      results.push({ testCase: c, profile: `${p.target}/${p.id}`, expected, actual, pass: sameOutcome(expected, actual) });
    }
  }
  return results;
}

