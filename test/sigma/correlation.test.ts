/**
 * Correlation rules on the Sigma target: the `temporal_ordered` chain search (src/backends/sigma/
 * temporal.ts) against its definition by brute force and on hand-made cases (ties, order, the
 * inclusive timespan edge, groups), the evaluator's reading of a correlation file (records without a
 * group-by field, other log sources, group names mapped back to canonical fields), and the emitter's
 * diagnostics: the approximation warning and what makes a chain inexpressible in Sigma.
 */
import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { bundledRules } from '../support/rules.js';
import { correlate, type CorrelationIR } from '../../src/ir/correlation.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { renderSigmaCorrelation, sigmaTimespan } from '../../src/backends/sigma/correlation.js';
import { SigmaRuleError, sigmaEvaluator, timespanSeconds } from '../../src/backends/sigma/evaluate.js';
import { taxonomy, type SigmaProfile } from '../../src/backends/sigma/profiles.js';
import { temporalOrderedChains, type StageEvent, type TemporalChain } from '../../src/backends/sigma/temporal.js';
import type { StreamRow } from '../../src/backends/evaluation.js';
import { profileOpts, streamOf, streamRows, loadCorrelationTests } from '../../src/testing/correlation-cases.js';
import { testsPathFor } from '../../src/testing/cases.js';

const bundled = bundledRules();
const correlation = (name: string): CorrelationIR => bundled.correlations.find((c) => c.name === name)!;
const an1261 = correlation('an1261-build-egress-deploy');
const det0459 = correlation('det0459-build-then-run');

const ev = (time: number, stages: number[], group = 'h1'): StageEvent => ({ time, stages, group });
const sorted = (r: TemporalChain[]) => [...r].sort((a, b) => a.end - b.end || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));

/** Every chain by its definition: all tuples e1 … en, equal groups, times non-decreasing, span <= T. */
function bruteForce(events: readonly StageEvent[], n: number, timespan: number): TemporalChain[] {
  const best = new Map<string, TemporalChain>();
  const extend = (k: number, chain: StageEvent[]): void => {
    if (k === n) {
      const first = chain[0]!;
      const last = chain[n - 1]!;
      const key = `${last.group}@${last.time}`;
      const prev = best.get(key);
      if (!prev || first.time > prev.start) best.set(key, { group: last.group, start: first.time, end: last.time });
      return;
    }
    for (const e of events) {
      if (!e.stages.includes(k)) continue;
      const p = chain[k - 1];
      if (p && (e.group !== p.group || e.time < p.time || e.time - chain[0]!.time > timespan)) continue;
      extend(k + 1, [...chain, e]);
    }
  };
  extend(0, []);
  return sorted([...best.values()]);
}

describe('temporal_ordered chains (temporal.ts)', () => {
  it('stages in order within the timespan: one chain', () =>
    expect(temporalOrderedChains([ev(0, [0]), ev(30, [1]), ev(60, [2])], 3, 60)).toEqual([{ group: 'h1', start: 0, end: 60 }]));
  it('order matters: a later stage before an earlier one is no chain', () => expect(temporalOrderedChains([ev(0, [1]), ev(10, [0])], 2, 60)).toEqual([]));
  it('ties are in order: stages at the same second chain', () =>
    expect(temporalOrderedChains([ev(5, [1]), ev(5, [0])], 2, 60)).toEqual([{ group: 'h1', start: 5, end: 5 }]));
  it('one record may fill several stages', () => expect(temporalOrderedChains([ev(5, [0, 1, 2])], 3, 0)).toEqual([{ group: 'h1', start: 5, end: 5 }]));
  it('the timespan edge is inclusive', () => {
    expect(temporalOrderedChains([ev(0, [0]), ev(60, [1])], 2, 60)).toEqual([{ group: 'h1', start: 0, end: 60 }]);
    expect(temporalOrderedChains([ev(0, [0]), ev(61, [1])], 2, 60)).toEqual([]);
  });
  it('the timespan runs from the first stage to the last, whatever the gaps between', () => {
    expect(temporalOrderedChains([ev(0, [0]), ev(50, [1]), ev(60, [2])], 3, 60)).toHaveLength(1);
    expect(temporalOrderedChains([ev(0, [0]), ev(10, [1]), ev(61, [2])], 3, 60)).toEqual([]);
  });
  it('groups never mix', () => expect(temporalOrderedChains([ev(0, [0], 'a'), ev(10, [1], 'b')], 2, 60)).toEqual([]));
  it('the reported start is the latest first stage of a chain ending there', () =>
    expect(temporalOrderedChains([ev(0, [0]), ev(20, [0]), ev(30, [1])], 2, 60)).toEqual([{ group: 'h1', start: 20, end: 30 }]));
  it('a first stage too early for one end still starts a chain for none, and a later one does', () =>
    expect(temporalOrderedChains([ev(0, [0]), ev(70, [1]), ev(75, [0]), ev(80, [1])], 2, 60)).toEqual([{ group: 'h1', start: 75, end: 80 }]));
  it('each last-stage time is one result; two records at that time are one', () =>
    expect(sorted(temporalOrderedChains([ev(0, [0]), ev(10, [1]), ev(10, [1]), ev(20, [1])], 2, 60))).toEqual([
      { group: 'h1', start: 0, end: 10 },
      { group: 'h1', start: 0, end: 20 },
    ]));
  it('equals the definition (brute force) on random events', () => {
    const event = fc.record({
      time: fc.integer({ min: 0, max: 40 }),
      stages: fc.subarray([0, 1, 2], { minLength: 1 }),
      group: fc.constantFrom('a', 'b'),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 9 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 25 }), (events, n, timespan) => {
        expect(sorted(temporalOrderedChains(events, n, timespan))).toEqual(bruteForce(events, n, timespan));
      }),
      { numRuns: 500, seed: 1612 },
    );
  });
});

describe('timespans', () => {
  it.each([
    [3600, '1h'],
    [1800, '30m'],
    [600, '10m'],
    [90, '90s'],
    [5400, '90m'],
    [86400, '1d'],
  ])('%i seconds is %s, and reads back', (seconds, text) => {
    expect(sigmaTimespan(seconds)).toBe(text);
    expect(timespanSeconds(text)).toBe(seconds);
  });
});

/** The emitted correlation file of the taxonomy profile. */
function emitted(c: CorrelationIR, profile: SigmaProfile = taxonomy) {
  return renderSigmaCorrelation(c, profile);
}

describe('the emitted correlation file, run by the evaluator', () => {
  const file = emitted(an1261).files[0]!;
  const q = sigmaEvaluator.compileCorrelation!(file, [], taxonomy);
  const rowsOf = (caseName: string): StreamRow[] => {
    const k = loadCorrelationTests(testsPathFor(an1261.file), an1261).cases!.find((x) => x.name === caseName)!;
    return streamRows('sigma', taxonomy, streamOf(k));
  };

  it('is sigma/<profile>/<correlation>.yml: stage rules then the correlation, after the provenance header', () => {
    expect(file.path).toBe('sigma/taxonomy/an1261-build-egress-deploy.yml');
    expect(file.content.split('\n').slice(0, 2)).toEqual([
      '# Generated by `t1612 compile` from rules/an1261-build-egress-deploy.yml. Do not edit: change the rule and run `npx t1612 compile`.',
      `# Correlation an1261-build-egress-deploy (${an1261.id}): ${an1261.title}`,
    ]);
    const docs = yaml.loadAll(file.content) as Record<string, unknown>[];
    expect(docs.map((d) => d.name)).toEqual(['an1261-build-egress-deploy-build', 'an1261-build-egress-deploy-egress', 'an1261-build-egress-deploy-deploy', 'an1261-build-egress-deploy']);
    expect(docs.slice(0, 3).map((d) => d.level)).toEqual(['informational', 'informational', 'informational']);
    expect(docs[3]!.correlation).toEqual({ type: 'temporal_ordered', rules: docs.slice(0, 3).map((d) => d.name), 'group-by': ['Computer'], timespan: '1h' });
  });
  it('reports groups under canonical names (Computer → Host), in epoch seconds', () =>
    expect(q.run(rowsOf('seed-build-egress-run'))).toEqual([{ group: { Host: 'lab-01' }, start: Date.parse('2026-11-20T10:00:00Z') / 1000, end: Date.parse('2026-11-20T10:15:00Z') / 1000 }]));
  it('reports a chain that breaks a stage window within the total span, as the warning says (egress-late-but-within-total-span)', () => {
    const k = loadCorrelationTests(testsPathFor(an1261.file), an1261).cases!.find((x) => x.name === 'egress-late-but-within-total-span')!;
    expect(correlate(an1261, streamOf(k), profileOpts(taxonomy))).toEqual([]);
    expect(q.run(rowsOf('egress-late-but-within-total-span'))).toEqual(correlate(an1261, streamOf(k), profileOpts(taxonomy), 'total-span'));
    expect(q.run(rowsOf('egress-late-but-within-total-span'))).toHaveLength(1);
  });
  it('a record without the group-by field is in no group', () => {
    const rows = rowsOf('seed-build-egress-run').map(({ category, row }) => {
      const { Computer: _dropped, ...rest } = row as Record<string, unknown>;
      return { category, row: rest };
    });
    expect(q.run(rows)).toEqual([]);
  });
  it('a stage rule sees only records of its own log source', () => {
    // The egress record relabelled as process_creation: the egress stage (network_connection) misses it.
    const rows = rowsOf('seed-build-egress-run').map((r) => ({ ...r, category: 'process_creation' as const }));
    expect(q.run(rows)).toEqual([]);
  });
  it('a record without a time cannot be placed', () => {
    const rows = rowsOf('seed-build-egress-run').map(({ category, row }) => ({ category, row: { ...row, _time: undefined } }));
    expect(() => q.run(rows)).toThrow(/without an ISO 8601 _time/);
  });
  it('a file whose correlation names a rule it does not hold is refused', () => {
    const broken = { ...file, content: file.content.replace('  - an1261-build-egress-deploy-egress\n', '  - an1261-build-egress-deploy-exfil\n') };
    expect(() => sigmaEvaluator.compileCorrelation!(broken, [], taxonomy)).toThrow(SigmaRuleError);
  });
  it("a rule's own file still refuses a correlation document", () => expect(() => sigmaEvaluator.compile(file, [], { ...taxonomy, category: 'process_creation', fields: taxonomy.fields.process_creation! })).toThrow(/correlation rule/));
});

describe('diagnostics', () => {
  it('three stages: a warning names the windows, the single timespan and the chains that also match', () => {
    const warnings = emitted(an1261).diagnostics.filter((d) => d.code === 'approximation');
    expect(warnings.map(formatDiagnostic)).toEqual([
      "rules/an1261-build-egress-deploy.yml:1:1: warning: sigma profile taxonomy: correlation an1261-build-egress-deploy has per-stage windows (egress within 30m of build, deploy within 30m of egress) but Sigma's temporal_ordered has one timespan, so it uses 1h (their sum) from first to last stage; chains whose stages are further apart than their own window but within 1h in all also match (expected for Sigma; the correlation's tests state Sigma's outcome with expectByProfile)",
      "rules/an1261-build-egress-deploy.yml:1:1: warning: sigma profile taxonomy: correlation an1261-build-egress-deploy joins its stages on the image, which Sigma's group-by cannot express (the image is read from each event by its rule), so the Sigma correlation groups by Host only; a build of one image followed by a run of another on the same host also matches (expected for Sigma; the correlation's tests state Sigma's outcome with expectByProfile)",
    ]);
  });
  it('two stages: one window is the timespan, exact; only the image join is warned about', () => {
    const r = emitted(det0459);
    expect(r.files).toHaveLength(1);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      "rules/det0459-build-then-run.yml:1:1: warning: sigma profile taxonomy: correlation det0459-build-then-run joins its stages on the image, which Sigma's group-by cannot express (the image is read from each event by its rule), so the Sigma correlation groups by Host only; a build of one image followed by a run of another on the same host also matches (expected for Sigma; the correlation's tests state Sigma's outcome with expectByProfile)",
    ]);
    expect(emitted({ ...det0459, joinOnImage: false }).diagnostics).toEqual([]);
    expect((yaml.loadAll(r.files[0]!.content).at(-1) as { description: string }).description).toContain('Sigma cannot join on the image');
    expect((yaml.loadAll(r.files[0]!.content).at(-1) as { correlation: { timespan: string } }).correlation.timespan).toBe('10m');
  });
  it('the description of an approximating correlation says so too', () => {
    const doc = yaml.loadAll(emitted(an1261).files[0]!.content).at(-1) as { description: string };
    expect(doc.description).toContain('Sigma has no per-stage windows');
  });
  it('a stage mixing log sources is skipped with a one-line warning and no file', () => {
    const egress = an1261.stages[1]!.rules[0]!;
    const mixed: CorrelationIR = { ...an1261, stages: [{ ...an1261.stages[0]!, rules: [...an1261.stages[0]!.rules, egress] }, ...an1261.stages.slice(1)] };
    const r = emitted(mixed);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'rules/an1261-build-egress-deploy.yml:1:1: warning: sigma profile taxonomy: stage build mixes log sources (process_creation, network_connection) and a Sigma rule has one; correlation an1261-build-egress-deploy is skipped there (use the spl or kql target for this chain)',
    ]);
  });
  it('two stages with one label are skipped (their stage rules would share a name)', () => {
    const twice: CorrelationIR = { ...det0459, stages: det0459.stages.map((s) => ({ ...s, label: 'step' })) };
    const r = emitted(twice);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['sigma profile taxonomy: two stages are labelled step, so their base rules would share a name; correlation det0459-build-then-run is skipped there']);
  });
  it('a group-by field named differently across the stages\' log sources is skipped', () => {
    const renamed: SigmaProfile = { ...taxonomy, id: 'renamed', fields: { ...taxonomy.fields, network_connection: { ...taxonomy.fields.network_connection!, Host: 'hostname' } } };
    const r = emitted(an1261, renamed);
    expect(r.files).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['sigma profile renamed: group-by field Host is named Computer or hostname across the stages\' log sources; correlation an1261-build-egress-deploy is skipped there']);
  });
  it('a profile without a stage\'s log source skips the chain (correlationTelemetry\'s own diagnostic)', () => {
    const { network_connection: _none, ...fields } = taxonomy.fields;
    const r = emitted(an1261, { ...taxonomy, id: 'no-network', fields });
    expect(r.files).toEqual([]);
    expect(r.diagnostics.map((d) => d.message)).toEqual(['sigma profile no-network can run no rule of stage egress; correlation an1261-build-egress-deploy is skipped there']);
  });
  it('a stage rule the profile cannot run is left out, with a note and a word in the stage description', () => {
    const { ParentImage: _none, ...pc } = taxonomy.fields.process_creation!;
    const r = emitted(an1261, { ...taxonomy, id: 'no-parent', fields: { ...taxonomy.fields, process_creation: pc } });
    const notes = r.diagnostics.filter((d) => d.severity === 'note').map((d) => d.message);
    expect(notes).toEqual([
      expect.stringMatching(/stage build of an1261-build-egress-deploy runs without rule docker-build-risk there$/),
      expect.stringMatching(/stage deploy of an1261-build-egress-deploy runs without rule k8s-pod-create there$/),
    ]);
    const build = yaml.loadAll(r.files[0]!.content)[0] as { description: string; detection: Record<string, unknown> };
    expect(build.description).toContain('This profile cannot run docker-build-risk, so the stage goes without it.');
    expect(Object.keys(build.detection).some((k) => k.startsWith('docker_build_risk__'))).toBe(false);
  });
  it('an image-only stage rule (k8s-pod-create: no Host) is dropped with a note though the profile has its log source: Sigma cannot join a stage on the image alone', () => {
    expect(taxonomy.fields.k8s_audit).toBeDefined();
    const r = emitted(an1261, taxonomy);
    const notes = r.diagnostics.filter((d) => d.severity === 'note').map((d) => `${d.message} (${d.hint})`);
    expect(notes).toEqual([
      "sigma profile taxonomy: rule k8s-pod-create has no Host and joins on the image alone, and Sigma's correlations join on group-by fields, not on the image each rule reads, so stage deploy of an1261-build-egress-deploy runs without rule k8s-pod-create there (expected for this target; the kql target runs such a stage rule)",
    ]);
    const deploy = (yaml.loadAll(r.files[0]!.content) as { name?: string; description: string; logsource: object; detection: Record<string, unknown> }[]).find((d) => d.name === 'an1261-build-egress-deploy-deploy')!;
    expect(deploy.description).toContain('This profile cannot run k8s-pod-create, so the stage goes without it.');
    expect(deploy.logsource).toEqual({ category: 'process_creation', product: 'linux' });
    expect(Object.keys(deploy.detection).some((k) => k.startsWith('k8s_pod_create__'))).toBe(false);
  });
});
