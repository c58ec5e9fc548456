/**
 * The `cim` Splunk profile (profiles/spl/cim.yml): accelerated CIM data models read with tstats.
 * The exact emitted text for docker-build-risk and det0459-build-then-run; what a tstats row means
 * (a group of events equal in every by-field within one second, `count` of them; a missing field is
 * the fillnull_value and reads as absent); the data-model rows (rows.ts); suppressions on the renamed
 * fields; every bundled rule's cases and generated events against the IR as cim sees them; the
 * correlation chained with append; what compile says cim cannot see; profiles it cannot write for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/compile.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { compileRule, type CanonicalEvent } from '../../src/ir/evaluate.js';
import { correlate, type CorrelationIR, type TimedEvent } from '../../src/ir/correlation.js';
import { allFieldsRead, type RuleIR } from '../../src/ir/nodes.js';
import type { CanonicalField } from '../../src/model/types.js';
import type { Row } from '../../src/backends/evaluation.js';
import { viewFor, type EmittedFile } from '../../src/backends/types.js';
import { compileSpl, compileSplCorrelation, macrosFromShared, splEvaluator } from '../../src/backends/spl/evaluate.js';
import { lookupsFromShared } from '../../src/backends/spl/lookup.js';
import { renderSpl } from '../../src/backends/spl/index.js';
import { renderSplCorrelation } from '../../src/backends/spl/correlation.js';
import { cim, sysmonLinux, type SplProfile } from '../../src/backends/spl/profiles.js';
import { DATASET_KEY, splRow } from '../../src/backends/spl/rows.js';
import { loadTestFile, sameOutcome, testsPathFor } from '../../src/testing/cases.js';
import { irViewOf } from '../../src/testing/run.js';
import { loadCorrelationTests, profileOpts, streamOf, streamRows } from '../../src/testing/correlation-cases.js';
import { eventsFor } from '../support/events.js';
import { bundledRule, bundledRules } from '../support/rules.js';

const bundled = bundledRules();
const FOLDER = 'spl/cim/';
const T0 = Date.UTC(2026, 10, 20, 10) / 1000;
const ABSENT_MODES = ['placeholder', 'null'] as const;

const cimFiles = compileRules(bundled.irs, { targets: ['spl'], profiles: ['cim'] }, bundled.correlations);
const sysmonFiles = compileRules(bundled.irs, { targets: ['spl'], profiles: ['sysmon_linux'] }, bundled.correlations).files;
const shared = cimFiles.files.filter((f) => f.path.startsWith(FOLDER) && (f.path.endsWith('.conf') || f.path.endsWith('.csv')));

function fileOf(files: readonly EmittedFile[], path: string): EmittedFile {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path}`);
  return f;
}
/** The query of a rule on cim, compiled by the SPL evaluator. */
function cimQuery(rule: RuleIR) {
  return splEvaluator.compile(fileOf(cimFiles.files, `${FOLDER}${rule.name}.spl`), shared, viewFor(cim, rule.logsource.category)!);
}
/** A data-model row of an event, as cim holds it. */
function dmRow(rule: RuleIR, event: CanonicalEvent, absent: 'placeholder' | 'null' = 'placeholder'): Row {
  return splRow(event, viewFor(cim, rule.logsource.category)!, { absent });
}
/** The lines of a query without its comment lines. */
function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('```'));
}

const dockerBuildRisk = bundledRule('docker-build-risk');
const build = { Image: '/usr/bin/docker', CommandLine: 'docker build -t x /tmp/ctx', ParentImage: '/bin/bash', User: 'bob', Host: 'lab-01' };
const at = (seconds: number) => new Date((T0 + seconds) * 1000).toISOString();

describe('the cim profile', () => {
  it('reads each log source from a CIM dataset, with the dataset\'s field names; "unknown" is the placeholder', () => {
    expect(cim.dataModels).toEqual({ process_creation: 'Endpoint.Processes', file_event: 'Endpoint.Filesystem', network_connection: 'Network_Traffic.All_Traffic' });
    expect(cim.fields.process_creation).toEqual({
      Image: 'Processes.process_path',
      CommandLine: 'Processes.process',
      ParentImage: 'Processes.parent_process_path',
      ParentCommandLine: 'Processes.parent_process',
      User: 'Processes.user',
      CurrentDirectory: 'Processes.process_current_directory',
      Host: 'Processes.dest',
    });
    expect(cim.fields.file_event).toEqual({ TargetFilename: 'Filesystem.file_path', Image: 'Filesystem.process_path', User: 'Filesystem.user', Host: 'Filesystem.dest' });
    // All_Traffic has no process path or parent, dest may be an address, direction is not Initiated.
    expect(cim.fields.network_connection).toEqual({ Host: 'All_Traffic.dvc', User: 'All_Traffic.user', DestinationIp: 'All_Traffic.dest_ip', DestinationPort: 'All_Traffic.dest_port' });
    expect(cim.placeholders).toEqual(['unknown']);
    expect(cim.timeField).toBe('_time');
    expect(cim.baseSearch).toBeUndefined();
  });

  it('compile skips what cim cannot see and says why; the chain it runs is judged on whole seconds', () => {
    expect(cimFiles.diagnostics.map(formatDiagnostic)).toEqual([
      'rules/build-egress-untrusted.yml:1:1: warning: spl profile cim lacks field(s) DestinationHostname, Image; rule build-egress-untrusted is skipped there (map the fields in the profile or use another profile)',
      'rules/k8s-pod-create.yml:1:1: warning: spl profile cim has no k8s_audit events; rule k8s-pod-create is skipped there (use a profile that collects them)',
      'rules/an1261-build-egress-deploy.yml:1:1: warning: spl profile cim can run no rule of stage egress; correlation an1261-build-egress-deploy is skipped there (map the stage rules\' fields in the profile or use another profile)',
      'rules/an1317-desktop-pull-egress.yml:1:1: warning: spl profile cim can run no rule of stage egress; correlation an1317-desktop-pull-egress is skipped there (map the stage rules\' fields in the profile or use another profile)',
      'rules/det0459-build-then-run.yml:1:1: warning: spl profile cim reads the stage events of det0459-build-then-run from tstats rows, whose _time is their second (span=1s), so chains are judged on whole seconds: events within one second may follow each other in either order, and a window is measured between seconds (expected for data-model profiles; streams whose events fall on whole seconds (the correlation tests) are judged exactly)',
    ]);
    expect(cimFiles.files.map((f) => f.path).filter((p) => p.endsWith('.spl')).sort()).toEqual(
      [...bundled.irs.map((r) => r.name).filter((n) => n !== 'build-egress-untrusted' && n !== 'k8s-pod-create'), 'det0459-build-then-run'].sort().map((n) => `${FOLDER}${n}.spl`),
    );
  });
});

describe('the emitted text', () => {
  it('docker-build-risk, exactly: tstats over Endpoint.Processes by every field it reads and the host, rename, then the sysmon_linux commands on the CIM names', () => {
    const sysmon = fileOf(sysmonFiles, 'spl/sysmon_linux/docker-build-risk.spl').content.split('\n');
    const cimName: Record<string, string> = { Image: 'process_path', CommandLine: 'process', ParentImage: 'parent_process_path', CurrentDirectory: 'process_current_directory', User: 'user', host: 'dest' };
    // The match and signal lines are sysmon_linux's with each field the CIM's: fields only appear as match()'s subject there.
    const renamed = (line: string) => line.replace(/\bmatch\((Image|CommandLine|ParentImage|CurrentDirectory|User|host), /g, (_m, f: string) => `match(${cimName[f]}, `);
    const where = sysmon.find((l) => l.startsWith('| where (match('))!;
    const signals = sysmon.find((l) => l.startsWith('| eval sig_'))!;
    for (const l of [where, signals]) expect(renamed(l).replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toMatch(/\b(?:Image|CommandLine|ParentImage|CurrentDirectory|User|host)\b/);
    const norm = (f: string) => `${f}=case(isnull(${f}), "", ${f}=="unknown", "", true(), ${f})`;
    const expected = [
      sysmon[0],
      sysmon[1],
      '| tstats summariesonly=true allow_old_summaries=true fillnull_value="unknown" count from datamodel=Endpoint.Processes by Processes.dest Processes.parent_process_path Processes.process Processes.process_current_directory Processes.process_path Processes.user _time span=1s',
      '| rename Processes.dest AS dest, Processes.parent_process_path AS parent_process_path, Processes.process AS process, Processes.process_current_directory AS process_current_directory, Processes.process_path AS process_path, Processes.user AS user',
      // allFieldsRead order: CommandLine, CurrentDirectory, Host, Image, ParentImage, User.
      `| eval ${['process', 'process_current_directory', 'dest', 'process_path', 'parent_process_path', 'user'].map(norm).join(', ')}`,
      '| `docker_build_risk_allowlist`',
      renamed(where),
      renamed(signals),
      '| eval risk_score=sig_temp_context*3+sig_no_cache*1+sig_remote_definition*4+sig_shell_parent*2',
      '| where risk_score>=2',
      sysmon.find((l) => l.startsWith('| eval risk_tier='))!,
      '| eval risk_action=case(risk_tier=="low", "risk", true(), "alert")',
      '| table _time, dest, user, process_path, process, parent_process_path, process_current_directory, sig_temp_context, sig_no_cache, sig_remote_definition, sig_shell_parent, risk_score, risk_tier, risk_action, count',
      '| sort 0 -risk_score, -_time',
      '| `docker_build_risk_filter`',
      '',
    ].join('\n');
    expect(fileOf(cimFiles.files, `${FOLDER}docker-build-risk.spl`).content).toBe(expected);
  });

  it('the allowlist macro looks the renamed fields up', () => {
    const macros = macrosFromShared(shared);
    expect(macros.get('docker_build_risk_allowlist')?.definition).toBe(
      'lookup t1612_approved_build_hosts value AS dest OUTPUT value AS t1612_al_approved_build_hosts_Host | lookup t1612_ci_service_accounts value AS user OUTPUT value AS t1612_al_ci_service_accounts_User | where NOT (isnotnull(t1612_al_approved_build_hosts_Host) OR isnotnull(t1612_al_ci_service_accounts_User))',
    );
    expect([...macros.keys()].some((k) => k.startsWith('t1612_sysmon'))).toBe(false);
  });

  it('a rule that reads few fields groups by those and the host only', () => {
    const text = fileOf(cimFiles.files, `${FOLDER}dockerfile-in-temp.spl`).content;
    expect(lines(text).slice(0, 2)).toEqual([
      '| tstats summariesonly=true allow_old_summaries=true fillnull_value="unknown" count from datamodel=Endpoint.Filesystem by Filesystem.dest Filesystem.file_path Filesystem.process_path _time span=1s',
      '| rename Filesystem.dest AS dest, Filesystem.file_path AS file_path, Filesystem.process_path AS process_path',
    ]);
    expect(lines(text).find((l) => l.startsWith('| table '))).toMatch(/^\| table _time, dest, file_path, process_path, sig_.*, risk_action, count$/);
  });

  it('det0459-build-then-run: the stage rules\' own searches, the second appended, then the same chain as sysmon_linux (no host column)', () => {
    const lit = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    // The image each stage rule names, read from CIM's process (the rules read it, so it is normalised already).
    const image = (rule: string) =>
      bundledRule(rule).imageKey.reduceRight((next, k) => {
        expect(k.field).toBe('CommandLine');
        const r = k.regex.render('pcre', false);
        return `if(match(process, ${lit(r)}), replace(process, ${lit(`(?:${r})[^\\n]*(?:\\n[^\\n]*)*`)}, "\\\\1"), ${next})`;
      }, '""');
    const stage = (rule: string, k: number) => {
      const ls = lines(fileOf(cimFiles.files, `${FOLDER}${rule}.spl`).content);
      const table = ls.findIndex((l) => l.startsWith('| table '));
      return [...ls.slice(0, table), `| \`${rule.replace(/-/g, '_')}_filter\``, `| eval t1612_stage=${k}, t1612_key_Host=case(isnull(dest), "", dest=="unknown", "", true(), dest), t1612_image=${image(rule)}`];
    };
    const sysmonChain = lines(fileOf(sysmonFiles, 'spl/sysmon_linux/det0459-build-then-run.spl').content).filter((l) => !l.startsWith('|     [') && !l.startsWith('    [') && l !== '| multisearch');
    const text = fileOf(cimFiles.files, `${FOLDER}det0459-build-then-run.spl`).content;
    expect(text.split('\n')[3]).toBe(
      "``` Stage searches read with tstats cannot run in a multisearch (streaming subsearches only), so each one after the first is an append subsearch (at most 10,000 rows each). A row is a group of equal events within one second, so chains are judged on whole seconds. ```",
    );
    expect(lines(text)).toEqual([
      ...stage('build-on-unapproved-host', 1),
      `| append [ ${stage('container-run-or-deploy', 2).map((l) => l.slice(2)).join(' | ').replace(/^/, '| ')} ]`,
      ...sysmonChain.map((l) => l.replace('| table _time, host, ', '| table _time, ')),
    ]);
  });
});

describe('what a tstats row means', () => {
  const q = cimQuery(dockerBuildRisk);
  const run = (events: CanonicalEvent[], absent: 'placeholder' | 'null' = 'placeholder') => q.run(events.map((e) => dmRow(dockerBuildRisk, e, absent))).map((r) => r.row);

  it('two identical events in one second are one row, count=2, at the start of that second', () => {
    const out = run([{ ...build, _time: at(0.2) }, { ...build, _time: at(0.7) }]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ _time: T0, dest: 'lab-01', user: 'bob', risk_tier: 'high', risk_score: 5, count: 2 });
  });
  it('the same events in different seconds are two rows', () => {
    const out = run([{ ...build, _time: at(0.2) }, { ...build, _time: at(1.2) }]);
    expect(out.map((r) => [r._time, r.count])).toEqual([
      [T0 + 1, 1],
      [T0, 1],
    ]);
  });
  it('events of one second that differ in a field the rule reads are two rows; in a field it does not read, one', () => {
    expect(run([{ ...build, _time: at(0) }, { ...build, User: 'alice', _time: at(0) }]).map((r) => [r.user, r.count])).toEqual([
      ['alice', 1],
      ['bob', 1],
    ]);
    // docker-build-risk does not read ParentCommandLine: it is not a by-field, so the events are one group.
    expect(run([{ ...build, ParentCommandLine: 'bash -c a', _time: at(0) }, { ...build, ParentCommandLine: 'bash -c b', _time: at(0) }]).map((r) => r.count)).toEqual([2]);
  });
  it('a missing field is the fillnull_value in the tstats row, and the query reads it as absent', () => {
    const { ParentImage: _p, ...noParent } = build;
    void _p;
    const row = dmRow(dockerBuildRisk, { ...noParent, _time: at(0) }, 'null');
    expect(row).not.toHaveProperty('Processes.parent_process_path');
    const tstatsLine = lines(fileOf(cimFiles.files, `${FOLDER}docker-build-risk.spl`).content)[0]!;
    expect(compileSpl(tstatsLine).run([row]).map((r) => r.row)).toEqual([
      { 'Processes.dest': 'lab-01', 'Processes.parent_process_path': 'unknown', 'Processes.process': 'docker build -t x /tmp/ctx', 'Processes.process_current_directory': 'unknown', 'Processes.process_path': '/usr/bin/docker', 'Processes.user': 'bob', _time: T0, count: 1 },
    ]);
    // Without a shell parent only the temp context holds: medium_temp, as the IR says for the event without ParentImage.
    for (const absent of ABSENT_MODES) {
      const out = run([{ ...noParent, _time: at(0) }], absent);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({ risk_score: 3, risk_tier: 'medium_temp', sig_shell_parent: 0, parent_process_path: '', count: 1 });
    }
    expect(compileRule(dockerBuildRisk, irViewOf(viewFor(cim, 'process_creation')!)).evaluate(noParent)).toMatchObject({ matched: true, score: 3, tier: 'medium_temp' });
  });
  it('"unknown" is absent on cim, "-" is a value (Sysmon for Linux\'s placeholder is not cim\'s)', () => {
    const ir = compileRule(dockerBuildRisk, irViewOf(viewFor(cim, 'process_creation')!));
    expect(run([{ ...build, ParentImage: 'unknown', _time: at(0) }])[0]).toMatchObject({ sig_shell_parent: 0, parent_process_path: '' });
    expect(ir.evaluate({ ...build, ParentImage: 'unknown' }).signals).not.toContain('shell_parent');
    expect(run([{ ...build, User: '-', _time: at(0) }])[0]).toMatchObject({ user: '-' });
  });
  it('suppressions run on the renamed fields: an approved build host or a CI account gives no row', () => {
    expect(run([{ ...build, Host: 'ci-runner-01', _time: at(0) }])).toEqual([]);
    expect(run([{ ...build, User: 'jenkins', _time: at(0) }])).toEqual([]);
    expect(run([{ ...build, Host: 'CI-RUNNER-01', _time: at(0) }])).toEqual([]);
    expect(run([{ ...build, Host: 'ci-runner-010', _time: at(0) }])).toHaveLength(1);
  });
});

describe('data-model rows (rows.ts)', () => {
  it('the dataset, _time and the dataset\'s field names; absent values as "unknown" (the CIM\'s own fill), or no key', () => {
    const e = { _time: '2026-11-20T10:00:00Z', Host: 'lab-01', Image: '/usr/bin/docker', CommandLine: '', ParentImage: null, User: 'root', other: 'x' };
    expect(dmRow(dockerBuildRisk, e)).toEqual({
      [DATASET_KEY]: 'Endpoint.Processes',
      _time: T0,
      'Processes.process_path': '/usr/bin/docker',
      'Processes.process': 'unknown',
      'Processes.parent_process_path': 'unknown',
      'Processes.parent_process': 'unknown',
      'Processes.user': 'root',
      'Processes.process_current_directory': 'unknown',
      'Processes.dest': 'lab-01',
    });
    expect(dmRow(dockerBuildRisk, e, 'null')).toEqual({ [DATASET_KEY]: 'Endpoint.Processes', _time: T0, 'Processes.process_path': '/usr/bin/docker', 'Processes.user': 'root', 'Processes.dest': 'lab-01' });
    expect(splRow({ Host: 'h', DestinationIp: '8.8.8.8', DestinationPort: '443', Image: '/usr/bin/dockerd' }, viewFor(cim, 'network_connection')!, { absent: 'null' })).toEqual({
      [DATASET_KEY]: 'Network_Traffic.All_Traffic',
      _time: Date.UTC(2026, 10, 20, 10) / 1000,
      'All_Traffic.dvc': 'h',
      'All_Traffic.dest_ip': '8.8.8.8',
      'All_Traffic.dest_port': '443',
    });
  });
});

describe('cim agrees with the IR as cim sees events', () => {
  const runnable = bundled.irs.filter((r) => cimFiles.files.some((f) => f.path === `${FOLDER}${r.name}.spl`));
  it('every bundled rule but build-egress-untrusted (no process in All_Traffic) and k8s-pod-create (no Kubernetes audit events) runs on cim', () =>
    expect(bundled.irs.filter((r) => !runnable.includes(r)).map((r) => r.name)).toEqual(['build-egress-untrusted', 'k8s-pod-create']));

  for (const rule of runnable) {
    const fields = new Set(Object.keys(cim.fields[rule.logsource.category]!) as CanonicalField[]);
    const oracle = compileRule(rule, { availableFields: fields, placeholders: cim.placeholders });
    const q = cimQuery(rule);
    const outcome = (event: CanonicalEvent, absent: 'placeholder' | 'null') => {
      const results = q.run([dmRow(rule, event, absent)]);
      if (results.length > 1) throw new Error(`${results.length} results for one event`);
      const r = results[0];
      return r ? { matched: true, score: r.score, tier: r.tier, action: r.action } : { matched: false, score: 0, tier: null, action: null };
    };
    it(`${rule.name}: its test cases, absent values as "unknown" and as NULL`, () => {
      const { tests } = loadTestFile(testsPathFor(rule.file), bundled.irs);
      expect(tests?.cases.length).toBeGreaterThan(0);
      for (const c of tests!.cases) {
        const expected = c.expectByProfile?.cim ?? c.expect;
        const ir = oracle.evaluate(c.event);
        expect(sameOutcome(expected, ir), `${c.name}: IR as cim sees it`).toBe(true);
        for (const absent of ABSENT_MODES) {
          const got = outcome(c.event, absent);
          expect(got.matched, `${c.name} (${absent})`).toBe(ir.matched);
          if (ir.matched) expect(got, `${c.name} (${absent})`).toEqual({ matched: true, score: ir.score, tier: ir.tier, action: ir.action });
        }
      }
    });
    it(`${rule.name}: 1,000 generated events`, () => {
      fc.assert(
        fc.property(eventsFor(rule.logsource.category), fc.constantFrom(...ABSENT_MODES), (event, absent) => {
          const ir = oracle.evaluate(event);
          const got = outcome(event, absent);
          const want = ir.matched ? { matched: true, score: ir.score, tier: ir.tier, action: ir.action } : { matched: false, score: 0, tier: null, action: null };
          if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`cim ${JSON.stringify(got)}, IR ${JSON.stringify(want)} for ${JSON.stringify(event)} (${absent})`);
        }),
        { seed: 1612, numRuns: 1_000 },
      );
    });
  }
});

describe('the correlation on cim: tstats stage searches chained with append', () => {
  const det0459 = bundled.correlations.find((c) => c.name === 'det0459-build-then-run')!;
  const query = compileSplCorrelation(fileOf(cimFiles.files, `${FOLDER}det0459-build-then-run.spl`).content, macrosFromShared(shared), lookupsFromShared(shared));
  const runStream = (c: CorrelationIR, stream: TimedEvent[], profile: SplProfile = cim) => query.run(streamRows('spl', profile, stream));
  const buildOn = { Image: '/usr/bin/docker', CommandLine: 'docker build -t app .', Host: 'lab-01' };
  const runOn = { Image: '/usr/bin/docker', CommandLine: 'docker run app', Host: 'lab-01' };
  const ev = (event: CanonicalEvent, t: number): TimedEvent => ({ category: 'process_creation', time: T0 + t, event: { ...event, _time: at(t) } });

  it('its test cases give the model\'s chains', () => {
    const { cases } = loadCorrelationTests(testsPathFor(det0459.file), det0459);
    expect(cases!.length).toBeGreaterThan(0);
    for (const k of cases!) expect(runStream(det0459, streamOf(k)), k.name).toEqual(correlate(det0459, streamOf(k), profileOpts(cim)));
  });
  it('identical events in one second are one stage row: the chains are the same', () => {
    const once = [ev(buildOn, 0), ev(runOn, 60)];
    const twice = [ev(buildOn, 0), ev(buildOn, 0.5), ev(runOn, 60), ev(runOn, 60.5)];
    expect(runStream(det0459, once)).toEqual([{ group: { Host: 'lab-01' }, start: T0, end: T0 + 60 }]);
    expect(runStream(det0459, twice)).toEqual(runStream(det0459, once));
  });
  it('whole seconds (the warning compile gives): a run in the build\'s second but before it still follows it; the window is measured between seconds', () => {
    const early = [ev(runOn, 0.1), ev(buildOn, 0.9)];
    expect(correlate(det0459, early, profileOpts(cim))).toEqual([]);
    expect(runStream(det0459, early)).toEqual([{ group: { Host: 'lab-01' }, start: T0, end: T0 }]);
    const edge = [ev(buildOn, 0.9), ev(runOn, 600.5)];
    expect(correlate(det0459, edge, profileOpts(cim))).toEqual([{ group: { Host: 'lab-01' }, start: T0 + 0.9, end: T0 + 600.5 }]);
    expect(runStream(det0459, edge)).toEqual([{ group: { Host: 'lab-01' }, start: T0, end: T0 + 600 }]);
  });

  it('joined on the image, an image key on a field the rule does not read is a tstats by-field too, read as absent when NULL or "unknown"', () => {
    // det0459 with its run stage reading the image from ParentCommandLine, which container-run-or-deploy does not read.
    const runRule = det0459.stages[1]!.rules[0]!;
    expect(allFieldsRead(runRule)).not.toContain('ParentCommandLine');
    const moved: RuleIR = { ...runRule, imageKey: runRule.imageKey.map((k) => ({ ...k, field: 'ParentCommandLine' as CanonicalField })) };
    const c: CorrelationIR = { ...det0459, stages: [det0459.stages[0]!, { ...det0459.stages[1]!, rules: [moved] }] };
    const text = renderSplCorrelation(c, cim).files[0]!.content;
    const append = lines(text).find((l) => l.startsWith('| append ['))!;
    expect(append).toContain('by Processes.dest Processes.parent_process Processes.process Processes.process_path _time span=1s');
    expect(append).toContain('Processes.parent_process AS parent_process');
    expect(append).toContain('t1612_image=if(match(case(isnull(parent_process), "", parent_process=="unknown", "", true(), parent_process), ');
    // The rule's own saved search is unchanged: it groups by what it reads.
    expect(lines(fileOf(cimFiles.files, `${FOLDER}container-run-or-deploy.spl`).content)[0]).not.toContain('parent_process');
    const q = compileSplCorrelation(text, macrosFromShared(shared), lookupsFromShared(shared));
    const run = (parent: string | undefined) => ({ ...runOn, CommandLine: 'docker run other', ...(parent === undefined ? {} : { ParentCommandLine: parent }) });
    for (const parent of ['docker run app', 'docker run other', 'unknown', undefined]) {
      const stream = [ev(buildOn, 0), ev(run(parent), 60)];
      const expected = parent === 'docker run other' ? [] : [{ group: { Host: 'lab-01' }, start: T0, end: T0 + 60 }];
      expect(correlate(c, stream, profileOpts(cim)), String(parent)).toEqual(expected);
      expect(q.run(streamRows('spl', cim, stream)), String(parent)).toEqual(expected);
    }
  });

  it('a profile that reads some log sources from a data model and others with a base search chains them with append too', () => {
    const mixed: SplProfile = { ...sysmonLinux, id: 'mixed', fields: { ...sysmonLinux.fields, process_creation: cim.fields.process_creation! }, dataModels: { process_creation: 'Endpoint.Processes' } };
    const an1261 = bundled.correlations.find((c) => c.name === 'an1261-build-egress-deploy')!;
    const out = compileRules(bundled.irs, { targets: ['spl'], profiles: ['mixed'], extraProfiles: { spl: [mixed], kql: [], sigma: [] } }, [an1261]);
    const files = out.files.filter((f) => f.path.startsWith('spl/mixed/'));
    const text = fileOf(files, 'spl/mixed/an1261-build-egress-deploy.spl').content;
    expect(text).toContain('| append [ search `t1612_sysmon_linux_network_connection` | eval ');
    expect(text).toContain('| append [ | tstats summariesonly=true');
    const sharedMixed = files.filter((f) => f.path.endsWith('.conf') || f.path.endsWith('.csv'));
    const q = compileSplCorrelation(text, macrosFromShared(sharedMixed), lookupsFromShared(sharedMixed));
    const { cases } = loadCorrelationTests(testsPathFor(an1261.file), an1261);
    for (const k of cases!) expect(q.run(streamRows('spl', mixed, streamOf(k))), k.name).toEqual(correlate(an1261, streamOf(k), profileOpts(mixed)));
  });
});

describe('a placeholder with quotes and backslashes', () => {
  it('round-trips through fillnull_value="…" and the normalising eval: a missing field still reads as absent', () => {
    const odd: SplProfile = { ...cim, id: 'odd', placeholders: ['n/a "x" \\y'] };
    const out = compileRules([dockerBuildRisk], { targets: ['spl'], profiles: ['odd'], extraProfiles: { spl: [odd], kql: [], sigma: [] } });
    const files = out.files.filter((f) => f.path.startsWith('spl/odd/'));
    const query = fileOf(files, 'spl/odd/docker-build-risk.spl');
    expect(lines(query.content)[0]).toContain('fillnull_value="n/a \\"x\\" \\\\y" count');
    const view = viewFor(odd, 'process_creation')!;
    const q = splEvaluator.compile(query, files.filter((f) => f !== query), view);
    const oracle = compileRule(dockerBuildRisk, irViewOf(view));
    const { ParentImage: _p, ...noParent } = build;
    void _p;
    for (const event of [noParent, { ...build, User: 'n/a "x" \\y' }, build]) {
      const ir = oracle.evaluate(event);
      for (const absent of ABSENT_MODES) {
        const got = q.run([splRow({ ...event, _time: at(0) }, view, { absent })]);
        expect(got.map((r) => [r.tier, r.score]), `${JSON.stringify(event)} (${absent})`).toEqual(ir.matched ? [[ir.tier, ir.score]] : []);
      }
    }
  });
});

describe('profiles the SPL target cannot write a query for', () => {
  const problem = (p: SplProfile) => renderSpl(dockerBuildRisk, p).diagnostics.map(formatDiagnostic);
  it('a data model needs a placeholder (its fillnull_value) and timeField _time; no two fields may be renamed alike', () => {
    expect(problem({ ...cim, id: 'x', placeholders: [] })).toEqual([
      'rules/docker-build-risk.yml:1:1: error: spl profile x reads Endpoint.Processes with tstats but has no placeholder for its fillnull_value; rule docker-build-risk cannot be compiled there (add placeholders (the first is the value tstats writes for a missing field, e.g. unknown))',
    ]);
    expect(problem({ ...cim, id: 'y', timeField: 'time' })).toEqual([
      'rules/docker-build-risk.yml:1:1: error: spl profile y reads Endpoint.Processes with tstats, whose rows carry _time, but its timeField is time; rule docker-build-risk cannot be compiled there (set timeField: _time)',
    ]);
    expect(problem({ ...cim, id: 'z', fields: { process_creation: { ...cim.fields.process_creation!, User: 'user', Host: 'Processes.user' } } })).toEqual([
      'rules/docker-build-risk.yml:1:1: error: spl profile z maps Host to Processes.user, which tstats and the rename would give the name user of user too; rule docker-build-risk cannot be compiled there (map the field to another data model field)',
    ]);
  });
  it('a log source needs a base search (and a host field) or a data model', () => {
    expect(problem({ ...sysmonLinux, id: 'nobase', baseSearch: {} })).toEqual([
      'rules/docker-build-risk.yml:1:1: error: spl profile nobase has neither a baseSearch macro nor a data model (dataModels) for process_creation events; rule docker-build-risk cannot be compiled there (add baseSearch.process_creation (with hostField) or dataModels.process_creation)',
    ]);
    expect(problem({ ...sysmonLinux, id: 'nohost', hostField: undefined })).toEqual([
      'rules/docker-build-risk.yml:1:1: error: spl profile nohost reads process_creation events with a base search but has no hostField; rule docker-build-risk cannot be compiled there (add hostField (host for most sourcetypes))',
    ]);
    const det0459 = bundled.correlations.find((c) => c.name === 'det0459-build-then-run')!;
    expect(renderSplCorrelation(det0459, { ...cim, id: 'y', timeField: 'time' }).diagnostics.map(formatDiagnostic)).toEqual([
      'rules/det0459-build-then-run.yml:1:1: error: spl profile y reads Endpoint.Processes with tstats, whose rows carry _time, but its timeField is time; correlation det0459-build-then-run cannot be compiled there (set timeField: _time)',
    ]);
  });
});
