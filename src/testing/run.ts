/**
 * `t1612 test`: every case of every rule through the IR and through each target's evaluator, which
 * executes the emitted query text. A case passes on a target when the target's result equals the
 * expectation (and therefore the IR): matched, tier and action everywhere, and the score on targets
 * that compute one.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import { hasErrors } from '../model/diagnostics.js';
import type { CanonicalField } from '../model/types.js';
import type { RuleIR } from '../ir/nodes.js';
import { compileRule, type CanonicalEvent, type Evaluation } from '../ir/evaluate.js';
import type { Outcome } from '../ir/scoring.js';
import { targets, TARGET_IDS, type TargetId } from '../backends/index.js';
import type { CompiledQuery, TargetResult } from '../backends/evaluation.js';
import { viewFor, type EmittedFile, type ProfileBase, type ProfileView } from '../backends/types.js';
import { compileRules, profilesOf } from '../compile.js';
import type { ProfileSet } from '../profiles/load.js';
import { loadRules } from '../pipeline.js';
import { loadTestFile, sameOutcome, testsPathFor, type TestCase } from './cases.js';
import type { ChainResult } from '../ir/correlation.js';
import { correlationTelemetry, telemetryFor } from '../backends/telemetry.js';
import { expectedChains, formatChains, irChains, loadCorrelationTests, prepareCorrelation, sameChains, streamOf, streamRows } from './correlation-cases.js';

export interface TargetOutcome extends Outcome {
  readonly signals?: readonly string[];
  readonly error?: string;
}

export interface CheckResult {
  readonly column: string; // `ir` or `<target>/<profile>`
  readonly expected: Outcome;
  readonly actual: TargetOutcome;
  /** The profile cannot run the rule (compile skips it there, saying why): nothing is checked. */
  readonly skipped?: string;
  /** For correlation cases: the chains expected and found, as text (expected/actual are then unused). */
  readonly chains?: { readonly expected: string; readonly actual: string };
  readonly pass: boolean;
  /** Signals on which the target disagrees with the IR, with the emitted expression behind each. */
  readonly signalDiffs: readonly { id: string; ir: boolean; target: boolean; expression?: string }[];
}

export interface CaseReport {
  readonly rule: string;
  readonly testCase: Pick<TestCase, 'name' | 'reason'> & Partial<TestCase>;
  readonly checks: readonly CheckResult[];
}

export interface TestReport {
  readonly columns: readonly string[];
  readonly cases: readonly CaseReport[];
  readonly diagnostics: readonly Diagnostic[];
  readonly passed: number;
  readonly failed: number;
}

export interface TestOptions {
  readonly targets?: readonly TargetId[];
  readonly profiles?: readonly string[];
  /** Your profiles (from --profiles), beside the bundled ones. */
  readonly extraProfiles?: ProfileSet;
}

/** How a profile sees events, for the IR: the fields it carries and its placeholders for "absent". */
export function irViewOf(p: ProfileView): { availableFields: ReadonlySet<CanonicalField>; placeholders: readonly string[] } {
  return { availableFields: new Set(Object.keys(p.fields) as CanonicalField[]), placeholders: p.placeholders };
}

export function outcomeOfResults(results: readonly TargetResult[]): TargetOutcome {
  if (results.length === 0) return { matched: false, score: 0, tier: null, action: null };
  if (results.length > 1) return { matched: true, score: 0, tier: null, action: null, error: `${results.length} results for one event (expected one)` };
  const r = results[0]!;
  return {
    matched: true,
    score: r.score ?? Number.NaN,
    tier: r.tier,
    action: r.action as Outcome['action'],
    ...(r.signals ? { signals: Object.entries(r.signals).filter(([, v]) => v).map(([k]) => k) } : {}),
  };
}

/** Compare what a target can say with the expectation: no score from Sigma, none for unmatched rows. */
function targetPasses(expected: Outcome, actual: TargetOutcome): boolean {
  if (actual.error) return false;
  if (actual.matched !== expected.matched || actual.tier !== (expected.tier ?? null) || actual.action !== (expected.action ?? null)) return false;
  if (actual.matched && !Number.isNaN(actual.score) && actual.score !== expected.score) return false;
  return true;
}

export function runTests(paths: readonly string[], opts: TestOptions = {}): TestReport {
  const loaded = loadRules(paths);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const chosen = (opts.targets ?? TARGET_IDS).filter((t) => targets[t].evaluator);
  const profiles: { target: TargetId; profile: ProfileBase; column: string }[] = [];
  for (const t of chosen)
    for (const p of profilesOf(t, opts.extraProfiles)) if (!opts.profiles || opts.profiles.includes(p.id)) profiles.push({ target: t, profile: p, column: `${t}/${p.id}` });
  const columns = ['ir', ...profiles.map((p) => p.column)];
  const cases: CaseReport[] = [];
  if (!loaded.ok) return { columns, cases, diagnostics, passed: 0, failed: 0 };

  const outputs = new Map(chosen.map((t) => [t, compileRules(loaded.irs, { targets: [t], ...(opts.extraProfiles ? { extraProfiles: opts.extraProfiles } : {}) }, loaded.correlations)]));
  let passed = 0;
  let failed = 0;
  for (const rule of loaded.irs) {
    const { tests, diagnostics: testDiags } = loadTestFile(testsPathFor(rule.file), loaded.irs);
    diagnostics.push(...testDiags);
    if (!tests || hasErrors(testDiags)) continue;
    const compiled = new Map<string, CompiledQuery | string>();
    const views = new Map(profiles.map((p) => [p.column, viewFor(p.profile, rule.logsource.category)]));
    for (const p of profiles) compiled.set(p.column, prepare(rule, p.target, views.get(p.column), outputs.get(p.target)!.files));
    for (const c of tests.cases) {
      const checks: CheckResult[] = [];
      const irFor = (p?: ProfileView): Evaluation =>
        compileRule(rule, p ? irViewOf(p) : {}).evaluate(c.event);
      const irAll = irFor();
      checks.push({ column: 'ir', expected: c.expect, actual: irAll, pass: sameOutcome(c.expect, irAll), signalDiffs: [] });
      for (const p of profiles) {
        const cannot = telemetryFor(rule, p.target, p.profile).unsupported;
        if (cannot) {
          checks.push({ column: p.column, expected: c.expect, actual: { matched: false, score: 0, tier: null, action: null }, pass: true, signalDiffs: [], skipped: cannot.message });
          continue;
        }
        // A profile of yours that extends a bundled one sees events as that one does, unless a case names it.
        const expected = c.expectByProfile?.[p.profile.id] ?? (p.profile.basedOn ? c.expectByProfile?.[p.profile.basedOn] : undefined) ?? c.expect;
        const view = views.get(p.column);
        const ir = view ? irFor(view) : irAll;
        const q = compiled.get(p.column)!;
        let actual: TargetOutcome;
        let signalDiffs: CheckResult['signalDiffs'] = [];
        if (typeof q === 'string') actual = { matched: false, score: 0, tier: null, action: null, error: q };
        else {
          try {
            actual = outcomeOfResults(q.run([targets[p.target].evaluator!.toRow(c.event, view!)]));
            if (actual.signals && ir.matched === actual.matched)
              signalDiffs = rule.signals
                .map((s) => ({ id: s.id, ir: ir.signals.includes(s.id), target: actual.signals!.includes(s.id), expression: q.signalExpression(s.id) }))
                .filter((d) => d.ir !== d.target);
          } catch (e) {
            actual = { matched: false, score: 0, tier: null, action: null, error: (e as Error).message };
          }
        }
        const pass = targetPasses(expected, actual) && sameOutcome(expected, ir) && signalDiffs.length === 0;
        checks.push({ column: p.column, expected, actual, pass, signalDiffs });
      }
      for (const ch of checks) if (!ch.skipped) ch.pass ? passed++ : failed++;
      cases.push({ rule: rule.name, testCase: c, checks });
    }
  }
  for (const c of loaded.correlations) {
    const { cases: tcs, diagnostics: testDiags } = loadCorrelationTests(testsPathFor(c.file), c);
    diagnostics.push(...testDiags);
    if (!tcs || hasErrors(testDiags)) continue;
    const compiled = new Map(profiles.map((p) => [p.column, prepareCorrelation(c, p.target, p.profile, outputs.get(p.target)!.files)]));
    for (const k of tcs) {
      const checks: CheckResult[] = [];
      const none: Outcome = { matched: false, score: 0, tier: null, action: null };
      const check = (column: string, expected: ChainResult[], actual: ChainResult[] | string, irAgrees = true): CheckResult => ({
        column,
        expected: none,
        actual: typeof actual === 'string' ? { ...none, error: actual } : none,
        pass: typeof actual !== 'string' && sameChains(expected, actual) && irAgrees,
        signalDiffs: [],
        chains: { expected: formatChains(expected), actual: typeof actual === 'string' ? `error: ${actual}` : formatChains(actual) },
      });
      const expectAll = expectedChains(k.expect.chains);
      checks.push(check('ir', expectAll, irChains(c, k)));
      for (const p of profiles) {
        const cannot = correlationTelemetry(c, p.target, p.profile).unsupported;
        if (cannot) {
          checks.push({ ...check(p.column, [], []), skipped: cannot.message });
          continue;
        }
        const byProfile = k.expectByProfile?.[p.profile.id] ?? (p.profile.basedOn ? k.expectByProfile?.[p.profile.basedOn] : undefined);
        const expected = byProfile ? expectedChains(byProfile.chains) : expectAll;
        const q = compiled.get(p.column)!;
        let actual: ChainResult[] | string;
        if (typeof q === 'string') actual = q;
        else {
          try {
            actual = q.run(streamRows(p.target, p.profile, streamOf(k)));
          } catch (e) {
            actual = (e as Error).message;
          }
        }
        // The reference meaning as this profile sees the stream (and as the target reads the chain:
        // SPL and Sigma drop image-only stage rules) must agree too, unless the target approximates
        // it (an expectation by profile then states the target's own result).
        const irAgrees = byProfile && p.target === 'sigma' ? true : sameChains(expected, irChains(c, k, p.profile, p.target));
        checks.push(check(p.column, expected, actual, irAgrees));
      }
      for (const ch of checks) if (!ch.skipped) ch.pass ? passed++ : failed++;
      cases.push({ rule: c.name, testCase: { name: k.name, reason: k.reason }, checks });
    }
  }
  return { columns, cases, diagnostics, passed, failed };
}

function prepare(rule: RuleIR, target: TargetId, profile: ProfileView | undefined, files: readonly EmittedFile[]): CompiledQuery | string {
  if (!profile) return `no ${rule.logsource.category} events in this profile`;
  const folder = `${target}/${profile.id}/`;
  const inFolder = files.filter((f) => f.path.startsWith(folder));
  const query = inFolder.find((f) => f.path.slice(folder.length).replace(/\.[^.]+$/, '') === rule.name);
  if (!query) return `not compiled for ${target}/${profile.id}`;
  try {
    return targets[target].evaluator!.compile(query, inFolder.filter((f) => f !== query), profile);
  } catch (e) {
    return (e as Error).message;
  }
}

function fmt(o: TargetOutcome): string {
  if (o.error) return `error: ${o.error}`;
  if (!o.matched) return 'no match';
  return `${o.tier}/${o.action}${Number.isNaN(o.score) ? '' : ` score ${o.score}`}`;
}

export function formatTestReport(r: TestReport, mark: { ok: string; bad: string }): string {
  const lines: string[] = [];
  const nameWidth = Math.max(4, ...r.cases.map((c) => c.testCase.name.length));
  const widths = r.columns.map((c) => Math.max(c.length, 2));
  lines.push(`${'case'.padEnd(nameWidth)}  ${r.columns.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd());
  let rule = '';
  for (const c of r.cases) {
    if (c.rule !== rule) {
      rule = c.rule;
      lines.push(`${rule}:`);
    }
    lines.push(`${c.testCase.name.padEnd(nameWidth)}  ${c.checks.map((ch, i) => (ch.skipped ? '–' : ch.pass ? mark.ok : mark.bad).padEnd(widths[i]!)).join('  ')}`.trimEnd());
  }
  const failures = r.cases.flatMap((c) => c.checks.filter((ch) => !ch.pass).map((ch) => ({ c, ch })));
  if (failures.length) lines.push('', 'Failures:');
  for (const { c, ch } of failures) {
    if (ch.chains) lines.push(`  ${c.rule} / ${c.testCase.name} on ${ch.column}: expected ${ch.chains.expected}, got ${ch.chains.actual}`);
    else lines.push(`  ${c.rule} / ${c.testCase.name} on ${ch.column}: expected ${fmt(ch.expected)}, got ${fmt(ch.actual)}`);
    lines.push(`    reason: ${c.testCase.reason}`);
    for (const d of ch.signalDiffs) lines.push(`    signal ${d.id}: IR ${d.ir}, ${ch.column} ${d.target}${d.expression ? `; emitted: ${d.expression.length > 300 ? `${d.expression.slice(0, 300)}…` : d.expression}` : ''}`);
  }
  const skipped = r.cases.reduce((n, c) => n + c.checks.filter((ch) => ch.skipped).length, 0);
  lines.push('', `${r.passed + r.failed} checks (${r.cases.length} cases × ${r.columns.length} columns${skipped ? `, ${skipped} where the profile cannot run the rule (–)` : ''}): ${r.passed} passed, ${r.failed} failed`);
  return lines.join('\n');
}

/** One rule's emitted query for one target and profile, compiled by that target's evaluator. */
export interface QueryColumn {
  readonly target: TargetId;
  /** `<target>/<profile>` */
  readonly name: string;
  readonly profile: ProfileView;
  readonly query: CompiledQuery;
  /** The row this profile's telemetry would hold for a canonical event. */
  readonly toRow: (event: CanonicalEvent) => Readonly<Record<string, unknown>>;
}

/** Compile one rule for every target and profile that can run it, each query once. */
export function queryColumns(rule: RuleIR, extraProfiles?: ProfileSet): QueryColumn[] {
  const columns: QueryColumn[] = [];
  for (const t of TARGET_IDS) {
    const evaluator = targets[t].evaluator;
    if (!evaluator) throw new Error(`target ${t} has no evaluator`);
    const files = compileRules([rule], { targets: [t], ...(extraProfiles ? { extraProfiles } : {}) }).files;
    for (const base of profilesOf(t, extraProfiles)) {
      const profile = viewFor(base, rule.logsource.category);
      const query = prepare(rule, t, profile, files);
      if (!profile || typeof query === 'string') continue; // no events of this log source, or the profile cannot run the rule
      columns.push({ target: t, name: `${t}/${profile.id}`, profile, query, toRow: (e) => evaluator.toRow(e, profile) });
    }
  }
  return columns;
}
