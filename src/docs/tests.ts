/**
 * The "Tests" section: every case of the detection's tests file (`rules/<name>.tests.yml`), its
 * reason and the expected outcome, with the profiles whose expectation differs.
 */
import { existsSync } from 'node:fs';
import type { Diagnostic } from '../model/diagnostics.js';
import type { RuleIR } from '../ir/nodes.js';
import type { CorrelationIR } from '../ir/correlation.js';
import type { Outcome } from '../ir/scoring.js';
import { loadTestFile, testsPathFor } from '../testing/cases.js';
import { loadCorrelationTests, type ChainExpectation } from '../testing/correlation-cases.js';
import { code, inline, table } from './markdown.js';

export interface CaseSummary {
  readonly name: string;
  readonly reason: string;
  readonly expected: string;
  /** Profile id → expected outcome there, where it differs. */
  readonly byProfile: readonly { profile: string; expected: string }[];
}

export interface TestsSummary {
  readonly file: string;
  /** Undefined when the detection has no tests file. */
  readonly cases?: readonly CaseSummary[];
  readonly diagnostics: readonly Diagnostic[];
}

export function outcomeText(o: Outcome): string {
  if (!o.matched) return 'no result';
  return `result: tier ${o.tier ? code(o.tier) : '—'} (${o.action ?? '—'}), score ${o.score}`;
}

export function chainsText(chains: readonly ChainExpectation[]): string {
  if (!chains.length) return 'no chain';
  return chains.map((c) => `${Object.entries(c.group).map(([k, v]) => `${k}=${inline(v)}`).join(', ')}: ${c.start} → ${c.end}`).join('; ');
}

function byProfile<T>(m: Readonly<Record<string, T>> | undefined, text: (t: T) => string): { profile: string; expected: string }[] {
  return Object.keys(m ?? {})
    .sort()
    .map((p) => ({ profile: p, expected: text(m![p]!) }));
}

export function ruleTests(rule: RuleIR, rules: readonly RuleIR[]): TestsSummary {
  const file = testsPathFor(rule.file);
  if (!existsSync(file)) return { file, diagnostics: [] };
  const { tests, diagnostics } = loadTestFile(file, rules);
  return {
    file,
    diagnostics,
    ...(tests ? { cases: tests.cases.map((c) => ({ name: c.name, reason: c.reason, expected: outcomeText(c.expect), byProfile: byProfile(c.expectByProfile, outcomeText) })) } : {}),
  };
}

export function correlationTests(c: CorrelationIR): TestsSummary {
  const file = testsPathFor(c.file);
  if (!existsSync(file)) return { file, diagnostics: [] };
  const { cases, diagnostics } = loadCorrelationTests(file, c);
  return {
    file,
    diagnostics,
    ...(cases ? { cases: cases.map((k) => ({ name: k.name, reason: k.reason, expected: chainsText(k.expect.chains), byProfile: byProfile(k.expectByProfile, (x) => chainsText(x.chains)) })) } : {}),
  };
}

export function testsSection(t: TestsSummary, kind: 'rule' | 'correlation'): string {
  const file = code(t.file.replace(/\\/g, '/'));
  if (!t.cases) return ['## Tests', `No test cases: ${file} does not exist.`].join('\n\n');
  const how =
    kind === 'rule'
      ? `\`t1612 test\` runs each case of ${file} (${t.cases.length}) through the IR and through the emitted query of every target and profile; the expected outcome is the same everywhere except where a profile is named.`
      : `\`t1612 test\` runs each event stream of ${file} (${t.cases.length}) through the reference chain algorithm and every target's emitted chain query; the expected chains (group, first → last stage time) are the same everywhere except where a profile is named.`;
  return [
    '## Tests',
    how,
    table(
      ['case', 'why', 'expected', 'on profiles that differ'],
      t.cases.map((c) => [code(c.name), inline(c.reason), c.expected, c.byProfile.map((p) => `${code(p.profile)}: ${p.expected}`).join('<br>') || '—']),
    ),
  ].join('\n\n');
}
