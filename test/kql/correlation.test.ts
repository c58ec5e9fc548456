/**
 * Correlation rules on KQL (src/backends/kql/correlation.ts): the emitted text (det0459 on defender
 * exactly; the union, image-class and window steps of the others, arg_max where a chain is not joined
 * on the image), what a profile cannot run, the join on the image (same image, images naming none,
 * the latest compatible start, a class a middle stage names), and the
 * KQL evaluator running the emitted queries (evaluate.ts `compileCorrelation`) on hand-made streams
 * whose answers are stated here and checked against the reference meaning (src/ir/correlation.ts)
 * too: ties at one instant, window edges, several candidates, an event filling two stages.
 * Random streams are test/agreement/stream.test.ts's; the KQL behaviours relied on are pinned in
 * test/conformance/kql.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { kqlEvaluator } from '../../src/backends/kql/evaluate.js';
import { kqlVerbatim } from '../../src/backends/kql/escape.js';
import { renderKqlCorrelation } from '../../src/backends/kql/correlation.js';
import { asim, defender, kqlProfiles, sentinel, type KqlProfile } from '../../src/backends/kql/profiles.js';
import type { CompiledCorrelation } from '../../src/backends/evaluation.js';
import { UnsupportedConstruct } from '../../src/backends/evaluation.js';
import type { EmittedFile } from '../../src/backends/types.js';
import { compileRules } from '../../src/compile.js';
import { correlate, lowerCorrelation, type ChainResult, type CorrelationIR, type CorrelationModel, type TimedEvent } from '../../src/ir/correlation.js';
import type { CanonicalEvent } from '../../src/ir/evaluate.js';
import { profileOpts, sameChains, streamRows } from '../../src/testing/correlation-cases.js';
import { bundledRules } from '../support/rules.js';
import { formatKqlDiagnostics, kqlDiagnostics } from '../support/kusto.js';

const bundled = bundledRules();
const correlation = (name: string): CorrelationIR => {
  const c = bundled.correlations.find((x) => x.name === name);
  if (!c) throw new Error(`no bundled correlation ${name}`);
  return c;
};
const det0459 = correlation('det0459-build-then-run');
const an1261 = correlation('an1261-build-egress-deploy');
const an1317 = correlation('an1317-desktop-pull-egress');

/** Every KQL file of one profile for the bundled rules and these correlations, as `t1612 compile` writes them. */
function filesFor(profile: KqlProfile, cs: readonly CorrelationIR[]): readonly EmittedFile[] {
  const out = compileRules(bundled.irs, { targets: ['kql'], profiles: [profile.id], ...(kqlProfiles.includes(profile) ? {} : { extraProfiles: { spl: [], kql: [profile], sigma: [] } }) }, cs);
  return out.files;
}

function fileText(files: readonly EmittedFile[], path: string): string {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`not emitted: ${path}`);
  return f.content;
}

/** The correlation's emitted query for a profile, compiled by the KQL evaluator with its folder's shared files. */
function compiled(c: CorrelationIR, profile: KqlProfile): { text: string; query: CompiledCorrelation } {
  const files = filesFor(profile, [c]);
  const path = `kql/${profile.id}/${c.name}.kql`;
  const query = files.find((f) => f.path === path)!;
  if (!query) throw new Error(`not emitted: ${path}`);
  const shared = files.filter((f) => f !== query && f.path.startsWith(`kql/${profile.id}/`));
  return { text: query.content, query: kqlEvaluator.compileCorrelation!(query, shared, profile) };
}

const T0 = Date.parse('2026-11-20T10:00:00Z') / 1000;
const BUILD: CanonicalEvent = { Image: '/usr/bin/docker', CommandLine: 'docker build -t app .' };
const RUN: CanonicalEvent = { Image: '/usr/bin/docker', CommandLine: 'docker run --rm app' };
// Tags app, the image RUN runs (an1261 is joined on the image).
const SUSPICIOUS_BUILD: CanonicalEvent = { Image: '/usr/bin/docker', CommandLine: 'docker build --no-cache -t app -f /tmp/x/Dockerfile /tmp/x', ParentImage: '/bin/bash' };
const EGRESS: CanonicalEvent = { Image: '/usr/bin/dockerd', DestinationIp: '45.33.32.156', DestinationHostname: 'registry.evil.example', DestinationPort: '443' };

/** A stream event: category, seconds after T0, fields (Host defaults to dev-07). */
function ev(category: 'process_creation' | 'network_connection', at: number, fields: CanonicalEvent, host = 'dev-07'): TimedEvent {
  return { category, time: T0 + at, event: { Host: host, ...fields } };
}
const chain = (start: number, end: number, host = 'dev-07'): ChainResult => ({ group: { Host: host }, start: T0 + start, end: T0 + end });

/** Runs the stream through the emitted query and checks it against the stated chains and the reference meaning. */
function expectChains(c: CorrelationIR, profile: KqlProfile, q: CompiledCorrelation, stream: readonly TimedEvent[], expected: readonly ChainResult[]): void {
  const actual = q.run(streamRows('kql', profile, stream));
  expect(sameChains(actual, expected), `KQL gave ${JSON.stringify(actual)}`).toBe(true);
  expect(sameChains(correlate(c, stream, profileOpts(profile)), expected), 'the reference meaning agrees').toBe(true);
}

// ---------------------------------------------------------------------------------------------

describe('the emitted text', () => {
  const files = filesFor(defender, [det0459]);
  /** A rule query's core: the lines after its table up to its tier (the rule's own text, byte for byte). */
  const core = (rule: string): string[] => {
    const lines = fileText(files, `kql/defender/${rule}.kql`).split('\n');
    return lines.slice(lines.indexOf('DeviceProcessEvents') + 1, lines.findIndex((l) => l.startsWith('| extend risk_tier')));
  };

  /** The image a stage rule reads on defender: extract of each image-key source from ProcessCommandLine, the first non-empty. */
  const image = (rule: string): string[] => {
    const reads = bundled.irs.find((r) => r.name === rule)!.imageKey.map((s) => `extract(${kqlVerbatim(s.regex.render('rust', false))}, 1, ProcessCommandLine)`);
    return reads.length === 1 ? [reads[0]!] : ['coalesce(', ...reads.map((r, i) => `        ${r}${i < reads.length - 1 ? ',' : ')'}`)];
  };
  const projectLines = (rule: string, end: string): string[] => {
    const [first, ...rest] = image(rule);
    const lines = [`    | project t1612_key_Host = DeviceName, t1612_time = Timestamp, t1612_image = ${first}`, ...rest];
    lines[lines.length - 1] += end;
    return lines;
  };

  it('det0459 on defender: exactly this query, its stage lets being the rules\' own cores', () => {
    expect(core('build-on-unapproved-host')).toHaveLength(6); // suppress, match, signals (2 lines), score, threshold
    expect(image('build-on-unapproved-host')).toHaveLength(3); // -t/--tag, then --destination
    const expected = [
      '// Generated by `t1612 compile` from rules/det0459-build-then-run.yml. Do not edit: change the rule and run `npx t1612 compile`.',
      "// Correlation det0459-build-then-run (5e0d3b7a-9f14-4c28-a6e3-1b8c4d2f0e97): Image built on an unapproved host, then run, exec'd or deployed there within minutes",
      "// Chain on Host: build (build-on-unapproved-host); run within 10m of build (container-run-or-deploy). Windows run from the previous stage's event and include their edge.",
      'let t1612_allowlist_approved_build_hosts = dynamic(["ci-runner-01", "ci-runner-02", "image-factory"]);',
      'let t1612_stage1 = DeviceProcessEvents',
      ...core('build-on-unapproved-host').map((l) => `    ${l}`),
      ...projectLines('build-on-unapproved-host', ';'),
      'let t1612_stage2 = DeviceProcessEvents',
      ...core('container-run-or-deploy').map((l) => `    ${l}`),
      ...projectLines('container-run-or-deploy', ';'),
      't1612_stage1',
      '| where isnotempty(t1612_key_Host)',
      '| project t1612_key_Host, t1612_t1 = t1612_time, t1612_class = t1612_image',
      '| distinct t1612_key_Host, t1612_t1, t1612_class',
      '| join kind=inner (t1612_stage2 | project t1612_key_Host, t1612_t2 = t1612_time, t1612_image) on t1612_key_Host',
      '| where t1612_t2 between (t1612_t1 .. (t1612_t1 + 10m)) and (t1612_image == "" or t1612_class == "" or t1612_class == t1612_image)',
      '| summarize t1612_start = max(t1612_t1) by t1612_key_Host, t1612_t2',
      '| project Timestamp = t1612_t2, DeviceName = t1612_key_Host, chain_start = t1612_start, chain_end = t1612_t2, correlation = "det0459-build-then-run", correlation_level = "medium", correlation_action = "alert"',
      '| order by Timestamp desc',
      '',
    ].join('\n');
    expect(fileText(files, 'kql/defender/det0459-build-then-run.kql')).toBe(expected);
  });

  it('the rule cores in it are the rule queries\' lines (the stage rule is the rule, not a copy that may drift)', () => {
    const text = fileText(files, 'kql/defender/det0459-build-then-run.kql');
    for (const rule of ['build-on-unapproved-host', 'container-run-or-deploy']) expect(text).toContain(core(rule).map((l) => `    ${l}`).join('\n'));
  });

  it('an1261 on sentinel: union of the stage rules, allowlist lets once each, the image class through stage 2, the profile\'s time column', () => {
    const text = fileText(filesFor(sentinel, [an1261]), 'kql/sentinel/an1261-build-egress-deploy.kql');
    const lets = text.split('\n').filter((l) => l.startsWith('let t1612_allowlist_'));
    expect(lets.length).toBeGreaterThan(0);
    expect(new Set(lets.map((l) => l.split(' ')[1])).size).toBe(lets.length);
    expect(text).toContain('let t1612_allowlist_approved_build_hosts = _GetWatchlist("approved_build_hosts") | project SearchKey;');
    expect(text).toContain('let t1612_stage1 = union\n    (DeviceProcessEvents\n');
    // docker-build-risk reads one image source, docker-api-build none; the egress rule none.
    expect(text).toContain(`    | project t1612_key_Host = DeviceName, t1612_time = TimeGenerated, t1612_image = ${image('docker-build-risk')[0]!}),\n    (DeviceProcessEvents\n`);
    expect(text).toContain('    | project t1612_key_Host = DeviceName, t1612_time = TimeGenerated, t1612_image = "");\nlet t1612_stage2 = DeviceNetworkEvents\n');
    expect(text).toContain('    | project t1612_key_Host = DeviceName, t1612_time = TimeGenerated, t1612_image = "";\nlet t1612_stage3 = union\n');
    // The deploy stage's pod creates (k8s-pod-create: AKSAuditAdmin, no host) are their own let,
    // projecting no group key; the prefix after stage 2 is a let read by both kinds of deploy leg.
    expect(text).toContain('let t1612_stage3_image = AKSAuditAdmin\n    | extend ObjectRef_resource = tostring(ObjectRef["resource"]), ');
    expect(text).toMatch(/\n {4}\| project t1612_time = TimeGenerated, t1612_image = extract\(@"[^\n]*", 1, RequestObject_spec_containers_0_image\);\nlet t1612_chain2 = t1612_stage1\n/);
    expect(text).toContain(
      [
        '    | join kind=inner (t1612_stage2 | project t1612_key_Host, t1612_t2 = t1612_time, t1612_image) on t1612_key_Host',
        '    | where t1612_t2 between (t1612_t1 .. (t1612_t1 + 30m)) and (t1612_image == "" or t1612_class == "" or t1612_class == t1612_image)',
        '    | extend t1612_class = iff(t1612_image == "", t1612_class, t1612_image)',
        '    | summarize t1612_start = max(t1612_t1) by t1612_key_Host, t1612_t2, t1612_class;',
        'union',
        '    (t1612_chain2',
        '    | join kind=inner (t1612_stage3 | project t1612_key_Host, t1612_t3 = t1612_time, t1612_image) on t1612_key_Host',
        '    | where t1612_t3 between (t1612_t2 .. (t1612_t2 + 30m)) and (t1612_image == "" or t1612_class == "" or t1612_class == t1612_image)',
        '    | project t1612_key_Host, t1612_t3, t1612_start),',
        '    (t1612_chain2',
        '    | join kind=inner (t1612_stage3_image | where isnotempty(t1612_image) | project t1612_class = t1612_image, t1612_t3 = t1612_time) on t1612_class',
        '    | where t1612_t3 between (t1612_t2 .. (t1612_t2 + 30m))',
        '    | project t1612_key_Host, t1612_t3, t1612_start)',
        '| summarize t1612_start = max(t1612_start) by t1612_key_Host, t1612_t3',
        '| project TimeGenerated = t1612_t3, DeviceName = t1612_key_Host, chain_start = t1612_start, chain_end = t1612_t3, correlation = "an1261-build-egress-deploy", correlation_level = "high", correlation_action = "alert"',
        '| order by TimeGenerated desc',
      ].join('\n'),
    );
  });
  it('an1261 on defender (no Kubernetes audit table): the deploy stage is the CLI legs only, joined on the host as before', () => {
    const text = fileText(filesFor(defender, [an1261]), 'kql/defender/an1261-build-egress-deploy.kql');
    expect(text).not.toContain('t1612_stage3_image');
    expect(text).not.toContain('t1612_chain');
    expect(text).toContain(
      [
        '| join kind=inner (t1612_stage3 | project t1612_key_Host, t1612_t3 = t1612_time, t1612_image) on t1612_key_Host',
        '| where t1612_t3 between (t1612_t2 .. (t1612_t2 + 30m)) and (t1612_image == "" or t1612_class == "" or t1612_class == t1612_image)',
        '| summarize t1612_start = max(t1612_start) by t1612_key_Host, t1612_t3',
      ].join('\n'),
    );
  });

  it('windows are written as the rule writes them: 10m, then 60s', () => {
    const text = fileText(filesFor(defender, [an1317]), 'kql/defender/an1317-desktop-pull-egress.kql');
    // Not joined on the image: no image column, and stage 3 keeps the latest stage-2 event (arg_max).
    expect(text).not.toContain('t1612_image');
    expect(text).toContain('| summarize arg_max(t1612_t2, t1612_start) by t1612_key_Host, t1612_t3');
    expect(text).toContain('| where t1612_t2 between (t1612_t1 .. (t1612_t1 + 10m))');
    expect(text).toContain('| where t1612_t3 between (t1612_t2 .. (t1612_t2 + 60s))');
  });
});

// ---------------------------------------------------------------------------------------------

describe('what a profile cannot run', () => {
  it('a profile without network events skips a chain with a network stage, with a warning', () => {
    const noNetwork: KqlProfile = { ...defender, id: 'no_network', fields: { process_creation: defender.fields.process_creation! }, tables: { process_creation: 'DeviceProcessEvents' } };
    const r = renderKqlCorrelation(an1261, noNetwork);
    expect(r.files).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ severity: 'warning', code: 'unsupported-profile' });
    expect(r.diagnostics[0]!.message).toContain('can run no rule of stage egress; correlation an1261-build-egress-deploy is skipped there');
  });

  it('a rule that cannot render (watchlists on a schema set without _GetWatchlist) leaves its stage with a note, or empties it', () => {
    const watchlistsOnDefender: KqlProfile = { ...defender, id: 'defender_watchlists', allowlistSource: 'watchlist' };
    const det = renderKqlCorrelation(det0459, watchlistsOnDefender);
    expect(det.files).toEqual([]);
    expect(det.diagnostics.map((d) => d.message).join('\n')).toContain('can run no rule of stage build; correlation det0459-build-then-run is skipped there');
    const an = renderKqlCorrelation(an1261, watchlistsOnDefender);
    expect(an.files).toHaveLength(1);
    expect(an.diagnostics.map((d) => `${d.severity}: ${d.message}`)).toContain(
      'note: kql profile defender_watchlists reads allowlists from watchlists, but its schema set defender has no _GetWatchlist, so stage build of an1261-build-egress-deploy runs without rule docker-build-risk there',
    );
    const text = an.files[0]!.content;
    expect(text).not.toContain('_GetWatchlist');
    expect(kqlDiagnostics(text, 'defender'), formatKqlDiagnostics(text, kqlDiagnostics(text, 'defender'))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('det0459 on defender, run by the evaluator', () => {
  const { query: q } = compiled(det0459, defender);
  const check = (stream: readonly TimedEvent[], expected: readonly ChainResult[]) => expectChains(det0459, defender, q, stream, expected);

  it('a build then a run 5 minutes later is one chain', () => check([ev('process_creation', 0, BUILD), ev('process_creation', 300, RUN)], [chain(0, 300)]));
  describe('ties at one instant', () => {
    it('a build and a run in the same second chain (0 <= gap), whatever their order in the stream', () => {
      check([ev('process_creation', 0, BUILD), ev('process_creation', 0, RUN)], [chain(0, 0)]);
      check([ev('process_creation', 0, RUN), ev('process_creation', 0, BUILD)], [chain(0, 0)]);
    });
    it('two builds at one instant are one candidate: one result', () =>
      check([ev('process_creation', 0, BUILD), ev('process_creation', 0, { ...BUILD, CommandLine: 'docker build .' }), ev('process_creation', 60, RUN)], [chain(0, 60)]));
    it('two runs at one instant are one result', () =>
      check([ev('process_creation', 0, BUILD), ev('process_creation', 60, RUN), ev('process_creation', 60, { ...RUN, CommandLine: 'docker exec -it app sh' })], [chain(0, 60)]));
  });
  describe('the window edge (10m, inclusive)', () => {
    it('a run exactly 600 s after the build chains; 601 s does not', () => {
      check([ev('process_creation', 0, BUILD), ev('process_creation', 600, RUN)], [chain(0, 600)]);
      check([ev('process_creation', 0, BUILD), ev('process_creation', 601, RUN)], []);
    });
    it('a run 1 s before the build does not chain', () => check([ev('process_creation', 0, RUN), ev('process_creation', 1, BUILD)], []));
  });
  describe('several candidates', () => {
    it('the latest build in the window starts the reported chain', () =>
      check([ev('process_creation', 0, BUILD), ev('process_creation', 240, BUILD), ev('process_creation', 720, RUN)], [chain(240, 720)]));
    it('a build out of the window does not start it, one in it does', () =>
      check([ev('process_creation', -600, BUILD), ev('process_creation', 240, BUILD), ev('process_creation', 720, RUN)], [chain(240, 720)]));
    it('each run is its own result, with the latest build before it', () =>
      check(
        [ev('process_creation', 0, BUILD), ev('process_creation', 300, RUN), ev('process_creation', 360, BUILD), ev('process_creation', 480, RUN), ev('process_creation', 900, RUN)],
        [chain(0, 300), chain(360, 480), chain(360, 900)],
      ));
  });
  describe('groups', () => {
    it('hosts are compared case-sensitively, as the model does', () => check([ev('process_creation', 0, BUILD, 'H1'), ev('process_creation', 60, RUN, 'h1')], []));
    it('an empty host is in no chain', () => check([ev('process_creation', 0, BUILD, ''), ev('process_creation', 60, RUN, '')], []));
    it('two hosts give two results at one instant', () =>
      check(
        [ev('process_creation', 0, BUILD, 'a'), ev('process_creation', 0, BUILD, 'b'), ev('process_creation', 60, RUN, 'a'), ev('process_creation', 60, RUN, 'b')],
        [chain(0, 60, 'a'), chain(0, 60, 'b')],
      ));
    it('an approved build host is suppressed by the rule\'s allowlist, so its chain does not start', () =>
      check([ev('process_creation', 0, BUILD, 'ci-runner-01'), ev('process_creation', 60, RUN, 'ci-runner-01')], []));
  });
});

describe('an1261 on defender, sentinel and asim (three stages), run by the evaluator', () => {
  for (const profile of [defender, sentinel, asim]) {
    describe(profile.id, () => {
      const { query: q } = compiled(an1261, profile);
      const check = (stream: readonly TimedEvent[], expected: readonly ChainResult[]) => expectChains(an1261, profile, q, stream, expected);
      it('per-stage windows: 29 + 29 minutes is a chain, and each window\'s edge is inclusive', () => {
        check([ev('process_creation', 0, SUSPICIOUS_BUILD), ev('network_connection', 1740, EGRESS), ev('process_creation', 3480, RUN)], [chain(0, 3480)]);
        check([ev('process_creation', 0, SUSPICIOUS_BUILD), ev('network_connection', 1800, EGRESS), ev('process_creation', 3600, RUN)], [chain(0, 3600)]);
        check([ev('process_creation', 0, SUSPICIOUS_BUILD), ev('network_connection', 1801, EGRESS), ev('process_creation', 1900, RUN)], []);
        check([ev('process_creation', 0, SUSPICIOUS_BUILD), ev('network_connection', 60, EGRESS), ev('process_creation', 1861, RUN)], []);
      });
      it('the latest valid egress carries the latest start; an egress with no build in its window carries none', () => {
        // Builds at 0 and 20m; egress at 25m (start 20m) and 45m (start 20m: the 0 build is 45m before it).
        check(
          [ev('process_creation', 0, SUSPICIOUS_BUILD), ev('process_creation', 1200, SUSPICIOUS_BUILD), ev('network_connection', 1500, EGRESS), ev('network_connection', 2700, EGRESS), ev('process_creation', 3000, RUN)],
          [chain(1200, 3000)],
        );
        // The egress at 60m has no build within 30m, so the run at 65m (36m after the valid egress) is no chain.
        check([ev('process_creation', 0, SUSPICIOUS_BUILD), ev('network_connection', 1740, EGRESS), ev('network_connection', 3600, EGRESS), ev('process_creation', 3900, RUN)], []);
      });
      it('every stage at one instant is a chain of gap 0', () =>
        check([ev('process_creation', 0, SUSPICIOUS_BUILD), ev('network_connection', 0, EGRESS), ev('process_creation', 0, RUN)], [chain(0, 0)]));
      it('an egress on another host continues nothing', () =>
        check([ev('process_creation', 0, SUSPICIOUS_BUILD), ev('network_connection', 60, EGRESS, 'other'), ev('process_creation', 120, RUN)], []));
    });
  }
});

describe('one rule in two stages: the same event may fill both', () => {
  const model: CorrelationModel = {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'run-then-run',
    title: 'Two runs',
    description: 'A run, then a run within 60 seconds (a test correlation).',
    status: 'test',
    author: 'tests',
    created: '2026-11-24',
    severity: 'low',
    confidence: 'low',
    attack: det0459.attack,
    correlation: { groupBy: ['Host'], stages: [{ rules: ['container-run-or-deploy'] }, { rules: ['container-run-or-deploy'], within: '60s' }] },
    level: 'low',
    action: 'alert',
  };
  const c = lowerCorrelation(model, 'rules/run-then-run.yml', new Map(bundled.irs.map((r) => [r.name, r])));
  const { text, query: q } = compiled(c, defender);
  const check = (stream: readonly TimedEvent[], expected: readonly ChainResult[]) => expectChains(c, defender, q, stream, expected);
  it('the query analyses and names the window in seconds as written', () => expect(text).toContain('(t1612_t1 + 60s)'));
  it('a single run is a chain from itself to itself', () => check([ev('process_creation', 0, RUN)], [chain(0, 0)]));
  it('a second run starts its own chain (it is the latest stage-1 event at its instant)', () =>
    check([ev('process_creation', 0, RUN), ev('process_creation', 60, RUN)], [chain(0, 0), chain(60, 60)]));
});

// ---------------------------------------------------------------------------------------------

describe('joined on the image (joinOn: [image]): det0459 on defender, sentinel and asim', () => {
  const run = (cmd: string): CanonicalEvent => ({ ...RUN, CommandLine: cmd });
  const build = (cmd: string): CanonicalEvent => ({ ...BUILD, CommandLine: cmd });
  for (const profile of [defender, sentinel, asim]) {
    describe(profile.id, () => {
      const { query: q } = compiled(det0459, profile);
      const check = (stream: readonly TimedEvent[], expected: readonly ChainResult[]) => expectChains(det0459, profile, q, stream, expected);
      it('a build of one image and a run of another are no chain; of the same image, one', () => {
        check([ev('process_creation', 0, build('docker build -t app .')), ev('process_creation', 60, run('docker run --rm other'))], []);
        check([ev('process_creation', 0, build('docker build -t app .')), ev('process_creation', 60, run('docker run --rm app'))], [chain(0, 60)]);
      });
      it('the image is the repository: tag, digest, docker.io/ and library/ do not matter; a registry host does', () => {
        check([ev('process_creation', 0, build('docker build -t docker.io/library/app:1.2 .')), ev('process_creation', 60, run('docker run app@sha256:0123'))], [chain(0, 60)]);
        check([ev('process_creation', 0, build('docker build --tag=app:1 .')), ev('process_creation', 60, run('docker run --rm ghcr.io/acme/app:1'))], []);
      });
      it('the second image-key source is read when the first names none (kaniko --destination)', () =>
        check([ev('process_creation', 0, { Image: '/kaniko/executor', CommandLine: '/kaniko/executor --context /ws --destination registry.local:5000/app:2' }), ev('process_creation', 60, run('docker run registry.local:5000/app'))], [chain(0, 60)]));
      it('an event naming no image joins any: a build without a tag, an exec', () => {
        check([ev('process_creation', 0, build('docker build .')), ev('process_creation', 60, run('docker run --rm other'))], [chain(0, 60)]);
        check([ev('process_creation', 0, build('docker build -t app .')), ev('process_creation', 60, run('docker exec -it c sh'))], [chain(0, 60)]);
      });
      it('the reported start is the latest build of a compatible image, not the latest build', () =>
        check(
          [ev('process_creation', 0, build('docker build -t app .')), ev('process_creation', 240, build('docker build -t other .')), ev('process_creation', 300, run('docker run app'))],
          [chain(0, 300)],
        ));
      it('builds of two images and runs of both: each run starts at the build of its image', () =>
        check(
          [ev('process_creation', 0, build('docker build -t a .')), ev('process_creation', 10, build('docker build -t b .')), ev('process_creation', 20, run('docker run a')), ev('process_creation', 30, run('docker run b'))],
          [chain(0, 20), chain(10, 30)],
        ));
    });
  }
});

describe('joined on the image, three stages: the class a middle stage names is carried on', () => {
  // An exec (no image), then a build of some image, then a run: the run must be of the built image.
  const model: CorrelationModel = {
    id: '00000000-0000-4000-8000-000000000002',
    name: 'exec-build-run',
    title: 'Exec, build, run',
    description: 'An exec, a build within 60 seconds, a run of the built image within 60 seconds (a test correlation).',
    status: 'test',
    author: 'tests',
    created: '2026-11-24',
    severity: 'low',
    confidence: 'low',
    attack: det0459.attack,
    correlation: {
      groupBy: ['Host'],
      joinOn: ['image'],
      stages: [{ rules: ['container-run-or-deploy'] }, { rules: ['build-on-unapproved-host'], within: '60s' }, { rules: ['container-run-or-deploy'], within: '60s' }],
    },
    level: 'low',
    action: 'alert',
  };
  const c = lowerCorrelation(model, 'rules/exec-build-run.yml', new Map(bundled.irs.map((r) => [r.name, r])));
  const { text, query: q } = compiled(c, defender);
  const check = (stream: readonly TimedEvent[], expected: readonly ChainResult[]) => expectChains(c, defender, q, stream, expected);
  const EXEC: CanonicalEvent = { ...RUN, CommandLine: 'docker exec -it c sh' };
  it('the query carries the class through stage 2', () => {
    expect(c.joinOnImage).toBe(true);
    expect(text).toContain('| extend t1612_class = iff(t1612_image == "", t1612_class, t1612_image)\n| summarize t1612_start = max(t1612_t1) by t1612_key_Host, t1612_t2, t1612_class\n');
  });
  it('exec, build of app, run of app is a chain; run of another image is none', () => {
    check([ev('process_creation', 0, EXEC), ev('process_creation', 10, { ...BUILD, CommandLine: 'docker build -t app .' }), ev('process_creation', 20, { ...RUN, CommandLine: 'docker run app' })], [chain(0, 20)]);
    check([ev('process_creation', 0, EXEC), ev('process_creation', 10, { ...BUILD, CommandLine: 'docker build -t app .' }), ev('process_creation', 20, { ...RUN, CommandLine: 'docker run other' })], []);
  });
  it('two builds of different images in one state time keep both classes', () =>
    check(
      [ev('process_creation', 0, EXEC), ev('process_creation', 10, { ...BUILD, CommandLine: 'docker build -t a .' }), ev('process_creation', 10, { ...BUILD, CommandLine: 'docker build -t b .' }), ev('process_creation', 20, { ...RUN, CommandLine: 'docker run b' })],
      [chain(0, 20)],
    ));
});

// ---------------------------------------------------------------------------------------------

describe('profiles of yours', () => {
  it('placeholders: the group key reads them as "" (no chain on host "-"), and the query analyses', () => {
    const dash: KqlProfile = { ...defender, id: 'defender_dash', placeholders: ['-'] };
    const { text, query: q } = compiled(det0459, dash);
    expect(text).toContain('    | project t1612_key_Host = iff(DeviceName in ("-"), "", DeviceName), t1612_time = Timestamp, t1612_image = coalesce(\n        extract(');
    expect(text).toContain(', 1, iff(ProcessCommandLine in ("-"), "", ProcessCommandLine)),\n');
    expect(kqlDiagnostics(text, 'defender')).toEqual([]);
    expectChains(det0459, dash, q, [ev('process_creation', 0, BUILD, '-'), ev('process_creation', 60, RUN, '-')], []);
    expectChains(det0459, dash, q, [ev('process_creation', 0, BUILD, 'x-'), ev('process_creation', 60, RUN, 'x-')], [chain(0, 60, 'x-')]);
  });

  it('a group field on different columns per log source: the output keeps t1612_key_<F>, and results read back by field', () => {
    const net = defender.fields.network_connection!;
    const split: KqlProfile = { ...defender, id: 'split_host', fields: { ...defender.fields, network_connection: { ...net, Host: 'InitiatingProcessRemoteSessionDeviceName' } } };
    const { text, query: q } = compiled(an1261, split);
    expect(text).toContain('    | project t1612_key_Host = InitiatingProcessRemoteSessionDeviceName, t1612_time = Timestamp, t1612_image = "";');
    expect(text).toContain('| project Timestamp = t1612_t3, t1612_key_Host, chain_start = t1612_start');
    expect(kqlDiagnostics(text, 'defender')).toEqual([]);
    expectChains(an1261, split, q, [ev('process_creation', 0, SUSPICIOUS_BUILD), ev('network_connection', 60, EGRESS), ev('process_creation', 120, RUN)], [chain(0, 120)]);
  });
});

describe('the evaluator refuses what it does not implement', () => {
  const path = 'kql/defender/x.kql';
  const run = (content: string) => kqlEvaluator.compileCorrelation!({ path, content }, [], defender);
  const base = 'let a = DeviceProcessEvents | project t1612_key_Host = DeviceName, t1612_time = Timestamp;\n';
  it('join without kind= (innerunique), and other kinds', () => {
    expect(() => run(`${base}a | join (a) on t1612_key_Host`)).toThrow(UnsupportedConstruct);
    expect(() => run(`${base}a | join kind=leftouter (a) on t1612_key_Host`)).toThrow(/join kind=leftouter/);
  });
  it('join on $left.a == $right.b', () => expect(() => run(`${base}a | join kind=inner (a) on $left.t1612_key_Host == $right.t1612_key_Host`)).toThrow(UnsupportedConstruct));
  it('aggregates other than max and arg_max', () => expect(() => run(`${base}a | summarize count() by t1612_key_Host`)).toThrow(/count/));
  it('a result without chain_start / chain_end', () => expect(() => run(`${base}a`)).toThrow(/chain_start/));
});
