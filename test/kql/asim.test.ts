/**
 * The `asim` KQL profile (profiles/kql/asim.yml): Microsoft Sentinel's ASIM unifying parsers
 * (`_Im_ProcessCreate`, `_Im_FileEvent`, `_Im_NetworkSession`; src/backends/kql/asim-tables.ts)
 * as the sources of the emitted queries. The exact text of docker-build-risk there, the parser
 * declarations against the profile, the rows (rows.ts) a canonical event becomes, the evaluator
 * reading a parser call as the profile's table for the log source, placeholders, and a correlation
 * grouped on DvcHostname. The rules' own cases run on asim in evaluate.test.ts,
 * network-allowlists.test.ts and `t1612 test`; Kusto.Language analysis in kusto-analysis.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedConstruct } from '../../src/backends/evaluation.js';
import { ASIM_DERIVED, ASIM_FACTS, ASIM_FUNCTIONS } from '../../src/backends/kql/asim-tables.js';
import { kqlEvaluator } from '../../src/backends/kql/evaluate.js';
import { asim, sentinel } from '../../src/backends/kql/profiles.js';
import { kqlRow, kqlTablesOf } from '../../src/backends/kql/rows.js';
import { kqlSourceOf, kqlSourceText } from '../../src/backends/kql/tables.js';
import { viewFor, type EmittedFile } from '../../src/backends/types.js';
import { compileRules } from '../../src/compile.js';
import { correlate, type TimedEvent } from '../../src/ir/correlation.js';
import { compileRule, type CanonicalEvent } from '../../src/ir/evaluate.js';
import type { CanonicalField, LogsourceCategory } from '../../src/model/types.js';
import { profileOpts, sameChains, streamRows } from '../../src/testing/correlation-cases.js';
import { bundledRules } from '../support/rules.js';
import { formatKqlDiagnostics, kqlDiagnostics } from '../support/kusto.js';

const bundled = bundledRules();
const rule = (name: string) => bundled.irs.find((r) => r.name === name)!;
const output = compileRules(bundled.irs, { targets: ['kql'], profiles: ['asim'] }, bundled.correlations);
const file = (name: string): EmittedFile => {
  const f = output.files.find((x) => x.path === `kql/asim/${name}`);
  if (!f) throw new Error(`not emitted: kql/asim/${name}`);
  return f;
};
const sharedOf = (query: EmittedFile) => output.files.filter((f) => f !== query && f.path.startsWith('kql/asim/'));
const view = (category: LogsourceCategory) => viewFor(asim, category)!;

// ---------------------------------------------------------------------------------------------

describe('the profile', () => {
  it('reads the three parsers, TimeGenerated, watchlists, and `-` as a placeholder', () => {
    expect(asim).toMatchObject({
      schemaSet: 'asim',
      tables: { process_creation: '_Im_ProcessCreate', file_event: '_Im_FileEvent', network_connection: '_Im_NetworkSession' },
      timeColumn: 'TimeGenerated',
      allowlistSource: 'watchlist',
      placeholders: ['-'],
    });
  });
  it('the field mapping: Target process and user, Acting process, TargetFilePath, the Src side of a connection, DstFQDN, DvcHostname', () => {
    expect(asim.fields).toEqual({
      process_creation: {
        Image: 'TargetProcessName',
        CommandLine: 'TargetProcessCommandLine',
        ParentImage: 'ActingProcessName',
        ParentCommandLine: 'ActingProcessCommandLine',
        User: 'TargetUsername',
        CurrentDirectory: 'TargetProcessCurrentDirectory',
        Host: 'DvcHostname',
      },
      file_event: { TargetFilename: 'TargetFilePath', Image: 'ActingProcessName', User: 'ActorUsername', Host: 'DvcHostname' },
      network_connection: { Image: 'SrcProcessName', User: 'SrcUsername', Host: 'DvcHostname', DestinationIp: 'DstIpAddr', DestinationHostname: 'DstFQDN', DestinationPort: 'DstPortNumber' },
    });
  });
  it('every mapped and kept column is a declared column of its parser: strings, and DstPortNumber an int', () => {
    for (const [category, map] of Object.entries(asim.fields)) {
      const source = kqlSourceOf('asim', asim.tables[category as LogsourceCategory]!)!;
      expect(source.kind).toBe('function');
      const types = new Map(source.columns);
      for (const column of [...Object.values(map), ...asim.keepColumns]) expect(types.get(column), `${category}: ${column}`).toBe(column === 'DstPortNumber' ? 'int' : column === 'TimeGenerated' ? 'datetime' : 'string');
    }
  });
  it('the parsers are written as calls without arguments; Device tables by name, as before', () => {
    expect(kqlSourceText('asim', '_Im_ProcessCreate')).toBe('_Im_ProcessCreate()');
    expect(kqlSourceText('sentinel', 'DeviceProcessEvents')).toBe('DeviceProcessEvents');
    expect([...kqlTablesOf(asim).keys()]).toEqual(['_Im_ProcessCreate', '_Im_FileEvent', '_Im_NetworkSession']);
  });
});

describe('the parser declarations (asim-tables.ts)', () => {
  it.each(ASIM_FUNCTIONS.map((f) => [f.name, f] as const))('%s: unique columns, the common fields first, every parameter optional', (_name, f) => {
    const names = f.columns.map(([n]) => n);
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(0, 6)).toEqual(['TimeGenerated', 'Type', 'EventMessage', 'EventCount', 'EventStartTime', 'EventEndTime']);
    expect(f.parameters.length).toBeGreaterThan(0);
    for (const p of f.parameters) expect(p, p[0]).toHaveLength(3);
    expect(f.parameters.slice(0, 2)).toEqual([
      ['starttime', 'datetime', 'datetime(null)'],
      ['endtime', 'datetime', 'datetime(null)'],
    ]);
  });
  it('every alias, file-name field and fact names a declared column', () => {
    for (const f of ASIM_FUNCTIONS) {
      const names = new Set(f.columns.map(([n]) => n));
      const d = ASIM_DERIVED[f.name]!;
      for (const c of [...Object.entries(d.aliases).flat(), ...Object.entries(d.fileNames).flat(), ...Object.keys(ASIM_FACTS[f.name]!)]) expect(names.has(c), `${f.name}.${c}`).toBe(true);
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('the emitted text', () => {
  it('docker-build-risk on asim: exactly this query', () => {
    const expected = [
      "// Generated by `t1612 compile` from rules/docker-build-risk.yml. Do not edit: change the rule and run `npx t1612 compile`.",
      String.raw`// Rule docker-build-risk (5b0f7f5e-3c8a-4d1e-9f62-7a1c2e4b8d31): Container image build on the host with risky traits`,
      String.raw`let t1612_allowlist_approved_build_hosts = _GetWatchlist("approved_build_hosts") | project SearchKey;`,
      String.raw`let t1612_allowlist_ci_service_accounts = _GetWatchlist("ci_service_accounts") | project SearchKey;`,
      String.raw`_Im_ProcessCreate()`,
      String.raw`| extend TargetProcessCommandLine = iff(TargetProcessCommandLine in ("-"), "", TargetProcessCommandLine), TargetProcessCurrentDirectory = iff(TargetProcessCurrentDirectory in ("-"), "", TargetProcessCurrentDirectory), DvcHostname = iff(DvcHostname in ("-"), "", DvcHostname), TargetProcessName = iff(TargetProcessName in ("-"), "", TargetProcessName), ActingProcessName = iff(ActingProcessName in ("-"), "", ActingProcessName), TargetUsername = iff(TargetUsername in ("-"), "", TargetUsername)`,
      String.raw`| where not(DvcHostname in~ (t1612_allowlist_approved_build_hosts))`,
      String.raw`| where not(TargetUsername in~ (t1612_allowlist_ci_service_accounts))`,
      String.raw`| where (TargetProcessName matches regex @"(?:^|[/\\])(?:[dD][oO][cC][kK][eE][rR])(?:\n?\z)" and TargetProcessCommandLine matches regex @"^[ \t\r\n]*(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')+(?:[ \t\r\n]+(?:(?:-c|--context|--config|-H|--host|-l|--log-level|--tlscacert|--tlscert|--tlskey)[ \t\r\n]+(?:[^ \t\r\n""'\\\-]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*|-(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*))*[ \t\r\n]+(?:build|image[ \t\r\n]+build|buildx[ \t\r\n]+build|builder[ \t\r\n]+build|compose[ \t\r\n]+build)(?:[ \t\r\n]|(?:\n?\z))") or (TargetProcessName matches regex @"(?:^|[/\\])(?:[dD][oO][cC][kK][eE][rR]-[cC][oO][mM][pP][oO][sS][eE])(?:\n?\z)" and TargetProcessCommandLine matches regex @"^[ \t\r\n]*(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')+(?:[ \t\r\n]+(?:(?:-f|--file|-p|--project-name|--project-directory|--profile|--env-file|--ansi|--progress|--parallel)[ \t\r\n]+(?:[^ \t\r\n""'\\\-]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*|-(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*))*[ \t\r\n]+(?:build)(?:[ \t\r\n]|(?:\n?\z))") or (TargetProcessName matches regex @"(?:^|[/\\])(?:[pP][oO][dD][mM][aA][nN])(?:\n?\z)" and TargetProcessCommandLine matches regex @"^[ \t\r\n]*(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')+(?:[ \t\r\n]+(?:(?:--root|--runroot|--storage-driver|--storage-opt|--url|--connection|-c|--identity|--log-level|--runtime|--cgroup-manager|--events-backend|--tmpdir|--imagestore|--module|--network-cmd-path|--network-config-dir|--volumepath|--conmon|--hooks-dir)[ \t\r\n]+(?:[^ \t\r\n""'\\\-]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*|-(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*))*[ \t\r\n]+(?:build|image[ \t\r\n]+build|buildx[ \t\r\n]+build)(?:[ \t\r\n]|(?:\n?\z))") or (TargetProcessName matches regex @"(?:^|[/\\])(?:[bB][uU][iI][lL][dD][aA][hH])(?:\n?\z)" and TargetProcessCommandLine matches regex @"^[ \t\r\n]*(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')+(?:[ \t\r\n]+(?:(?:--root|--runroot|--storage-driver|--storage-opt|--registries-conf|--registries-conf-dir|--log-level|--cgroup-manager|--userns-uid-map|--userns-gid-map)[ \t\r\n]+(?:[^ \t\r\n""'\\\-]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*|-(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*))*[ \t\r\n]+(?:bud|build)(?:[ \t\r\n]|(?:\n?\z))") or (TargetProcessName matches regex @"(?:^|[/\\])(?:[nN][eE][rR][dD][cC][tT][lL])(?:\n?\z)" and TargetProcessCommandLine matches regex @"^[ \t\r\n]*(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')+(?:[ \t\r\n]+(?:(?:-a|--address|-n|--namespace|--snapshotter|--storage-driver|--cni-path|--cni-netconfpath|--data-root|--cgroup-manager|--host-gateway-ip)[ \t\r\n]+(?:[^ \t\r\n""'\\\-]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*|-(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*))*[ \t\r\n]+(?:build|image[ \t\r\n]+build|builder[ \t\r\n]+build)(?:[ \t\r\n]|(?:\n?\z))") or (TargetProcessName matches regex @"(?:^|[/\\])(?:[bB][uU][iI][lL][dD][cC][tT][lL])(?:\n?\z)" and TargetProcessCommandLine matches regex @"^[ \t\r\n]*(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')+(?:[ \t\r\n]+(?:(?:--addr|--tlsservername|--tlscacert|--tlscert|--tlskey|--tlsdir|--timeout|--log-format)[ \t\r\n]+(?:[^ \t\r\n""'\\\-]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*|-(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*))*[ \t\r\n]+(?:build)(?:[ \t\r\n]|(?:\n?\z))")`,
      String.raw`| extend sig_temp_context = toint(TargetProcessCommandLine matches regex @"^(?:(?:[^""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*?[ \t\r\n])?(?:--?[A-Za-z0-9][A-Za-z0-9\-]*=|-[A-Za-z]|[A-Za-z0-9_\.][A-Za-z0-9_\.\-]*=)?[""']?(?:/tmp|/var/tmp|/dev/shm|/run/user)(?:/|[""']|(?:[ \t\r\n]|(?:\n?\z)))" or (TargetProcessCurrentDirectory matches regex @"^(?:/tmp|/var/tmp|/dev/shm|/run/user)(?:/|(?:\n?\z))" and TargetProcessCommandLine matches regex @"^(?:(?:[^""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*?[ \t\r\n])?(?:--?[A-Za-z0-9][A-Za-z0-9\-]*=|-[A-Za-z]|[A-Za-z0-9_\.][A-Za-z0-9_\.\-]*=)?[""']?\.(?:/|[""']|(?:[ \t\r\n]|(?:\n?\z)))")),`,
      String.raw`    sig_no_cache = toint(TargetProcessCommandLine matches regex @"^[ \t\r\n]*(?:(?:(?:[^ \t\r\n""'\\\-]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*|-(?:|(?:[^ \t\r\n""'\\\-]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*|-(?:(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*)))[ \t\r\n]+)*?(?:(?:--no-cache(?:=(?:1|t|T|TRUE|true|True))?)|""(?:--no-cache(?:=(?:1|t|T|TRUE|true|True))?)""|'(?:--no-cache(?:=(?:1|t|T|TRUE|true|True))?)')(?:[ \t\r\n]|(?:\n?\z))"),`,
      String.raw`    sig_remote_definition = toint(TargetProcessCommandLine matches regex @"^[ \t\r\n]*(?:(?:(?:[^ \t\r\n""'\\\-]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*|-(?:|(?:[^ \t\r\n""'\\\-]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*|-(?:(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')(?:[^ \t\r\n""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*)))[ \t\r\n]+)*?(?:(?:--file)(?:=|[ \t\r\n]+)[""']?|(?:-[A-Za-z0-9]*f)(?:=|[ \t\r\n]+)?[""']?|[""'](?:--file)=|[""'](?:-[A-Za-z0-9]*f)=?)(?:[hH][tT][tT][pP]://|[hH][tT][tT][pP][sS]://)" or TargetProcessCommandLine matches regex @"^(?:(?:[^""'\\]|\\(?:[^\n]|\n)|""(?:[^""\\]|\\(?:[^\n]|\n))*""|'[^']*')*?[ \t\r\n])?(?:--?[A-Za-z0-9][A-Za-z0-9\-]*=|-[A-Za-z]|[A-Za-z0-9_\.][A-Za-z0-9_\.\-]*=)?[""']?(?:[hH][tT][tT][pP]://|[hH][tT][tT][pP][sS]://|[gG][iI][tT]://|[gG][iI][tT]@|[sS][sS][hH]://[gG][iI][tT]@|[^ \t\r\n]*\.[gG][iI][tT]#|[^ \t\r\n]*\.[gG][iI][tT][""']?(?:[ \t\r\n]|(?:\n?\z)))"),`,
      String.raw`    sig_shell_parent = toint(ActingProcessName matches regex @"(?:^|[/\\])(?:[sS][hH]|[bB][aA][sS][hH]|[dD][aA][sS][hH]|[zZ][sS][hH]|[kK][sS][hH]|[aA][sS][hH]|[pP][yY][tT][hH][oO][nN]|[pP][eE][rR][lL]|[rR][uU][bB][yY]|[cC][uU][rR][lL]|[wW][gG][eE][tT])(?:[0-9]+(?:\.[0-9]+)*)?(?:\n?\z)")`,
      String.raw`| extend risk_score = sig_temp_context * 3 + sig_no_cache * 1 + sig_remote_definition * 4 + sig_shell_parent * 2`,
      String.raw`| where risk_score >= 2`,
      String.raw`| extend risk_tier = case(sig_remote_definition == 1, "critical",`,
      String.raw`    sig_temp_context == 1 and sig_shell_parent == 1, "high",`,
      String.raw`    sig_temp_context == 1, "medium_temp",`,
      String.raw`    sig_no_cache == 1 and sig_shell_parent == 1, "medium_no_cache_shell",`,
      String.raw`    "low")`,
      String.raw`| extend risk_action = iff(risk_tier in ("low"), "risk", "alert")`,
      String.raw`| project TimeGenerated, EventProduct, EventOriginalUid, DvcHostname, TargetUsername, TargetProcessName, TargetProcessCommandLine, ActingProcessName, ActingProcessCommandLine, TargetProcessCurrentDirectory, sig_temp_context, sig_no_cache, sig_remote_definition, sig_shell_parent, risk_score, risk_tier, risk_action`,
      String.raw`| order by risk_score desc, TimeGenerated desc`,
      String.raw``,
    ].join('\n');
    expect(file('docker-build-risk.kql').content).toBe(expected);
  });
  it('is the sentinel query over the parser: the same lists, match, signals, tiers and order, in ASIM columns, after the placeholders\' extend (and temp_context resolves `.` with the current directory)', () => {
    const rename: Readonly<Record<string, string>> = Object.fromEntries(
      Object.entries(sentinel.fields.process_creation!).map(([f, column]) => [column, asim.fields.process_creation![f as CanonicalField]!]),
    );
    const sentinelText = compileRules([rule('docker-build-risk')], { targets: ['kql'], profiles: ['sentinel'] }).files.find((f) => f.path.endsWith('.kql'))!.content;
    const body = (text: string, from: string) =>
      text
        .split('\n')
        .slice(text.split('\n').findIndex((l) => l.startsWith(from)))
        .filter((l) => !l.startsWith('| project ') && !l.startsWith('| extend sig_temp_context = '));
    const renamed = body(sentinelText, '| where not(').map((l) => l.replace(/\b(?:DeviceName|AccountName|FolderPath|ProcessCommandLine|InitiatingProcessFolderPath|InitiatingProcessCommandLine)\b/g, (c) => rename[c] ?? c));
    const text = file('docker-build-risk.kql').content;
    expect(body(text, '| where not(')).toEqual(renamed);
    expect(text.split('\n').find((l) => l.startsWith('| extend sig_temp_context = '))).toContain(' or (TargetProcessCurrentDirectory matches regex @"^(?:/tmp|/var/tmp|/dev/shm|/run/user)(?:/|(?:\\n?\\z))" and ');
  });
  it('is clean for Kusto.Language on the asim set', () => {
    const text = file('docker-build-risk.kql').content;
    const errors = kqlDiagnostics(text, 'asim');
    expect(errors, formatKqlDiagnostics(text, errors)).toEqual([]);
  });
  it('no parser argument and no Device table anywhere; the build-egress note names the missing parent', () => {
    for (const f of output.files.filter((x) => x.path.endsWith('.kql'))) {
      expect(f.content, f.path).not.toMatch(/_Im_[A-Za-z]+\([^)]/);
      expect(f.content, f.path).not.toMatch(/\bDevice[A-Z][A-Za-z]*Events\b/);
    }
    expect(output.diagnostics.map((d) => d.message)).toContain(
      'kql profile asim has no ParentImage, so connections made by processes the container runtime started (build steps) are not seen there',
    );
  });
  it('the placeholders\' extend normalises string columns only: DstPortNumber (int) is compared as read', () => {
    const text = file('build-egress-untrusted.kql').content;
    const extend = text.split('\n').find((l) => l.startsWith('| extend ') && l.includes(' = iff('))!;
    expect(extend).toContain('DstFQDN = iff(DstFQDN in ("-"), "", DstFQDN)');
    expect(extend).not.toContain('DstPortNumber');
    expect(text).toMatch(/DstPortNumber (?:==|in) /);
  });
});

// ---------------------------------------------------------------------------------------------

describe('rows.ts: the parser output row of a canonical event', () => {
  const columnsOf = (name: string) => ASIM_FUNCTIONS.find((f) => f.name === name)!.columns;
  const T = '2026-11-20T10:00:00Z';

  it('process: every declared column in order; mapped fields as given; aliases, file names and facts; the instant thrice', () => {
    const row = kqlRow({ _time: T, Host: 'lab-01', Image: '/usr/bin/docker', CommandLine: 'docker build .', ParentImage: '/bin/bash', ParentCommandLine: 'bash', User: 'root', CurrentDirectory: '/tmp/x', other: 'dropped' } as CanonicalEvent, view('process_creation'));
    expect(Object.keys(row)).toEqual(columnsOf('_Im_ProcessCreate').map(([n]) => n));
    expect(row).toMatchObject({
      TargetProcessName: '/usr/bin/docker',
      TargetProcessCommandLine: 'docker build .',
      ActingProcessName: '/bin/bash',
      ActingProcessCommandLine: 'bash',
      TargetUsername: 'root',
      TargetProcessCurrentDirectory: '/tmp/x',
      DvcHostname: 'lab-01',
      Dvc: 'lab-01',
      User: 'root',
      Process: '/usr/bin/docker',
      CommandLine: 'docker build .',
      TargetProcessFilename: 'docker',
      ActingProcessFilename: 'bash',
      EventType: 'ProcessCreated',
      EventSchema: 'ProcessEvent',
      EventResult: 'Success',
      EventCount: 1,
      ActorUsername: '',
      Type: '',
      AdditionalFields: null,
      TargetProcessIsHidden: null,
    });
    for (const c of ['TimeGenerated', 'EventStartTime', 'EventEndTime']) expect(row[c], c).toEqual(new Date(T));
    expect(row).not.toHaveProperty('other');
  });

  it('file: TargetFilePath and its file name, the acting process and the actor', () => {
    const row = kqlRow({ _time: T, Host: 'h', TargetFilename: '/tmp/b/Dockerfile', Image: '/usr/bin/vim', User: 'dev' }, view('file_event'));
    expect(Object.keys(row)).toEqual(columnsOf('_Im_FileEvent').map(([n]) => n));
    expect(row).toMatchObject({ TargetFilePath: '/tmp/b/Dockerfile', FilePath: '/tmp/b/Dockerfile', TargetFileName: 'Dockerfile', FileName: 'Dockerfile', ActingProcessName: '/usr/bin/vim', Process: '/usr/bin/vim', ActorUsername: 'dev', User: 'dev', EventType: 'FileCreated', EventSchema: 'FileEvent' });
  });

  it('network: the Src process and user, DstIpAddr / DstFQDN / DstPortNumber, an outbound endpoint session; User and Process alias the Dst side', () => {
    const row = kqlRow({ _time: T, Host: 'h', Image: '/usr/bin/dockerd', ParentImage: '/usr/bin/runc', User: 'root', DestinationIp: '45.33.32.156', DestinationHostname: 'Registry.Example', DestinationPort: '443' }, view('network_connection'));
    expect(Object.keys(row)).toEqual(columnsOf('_Im_NetworkSession').map(([n]) => n));
    expect(row).toMatchObject({
      SrcProcessName: '/usr/bin/dockerd',
      SrcUsername: 'root',
      DstIpAddr: '45.33.32.156',
      Dst: '45.33.32.156',
      DstFQDN: 'Registry.Example',
      DstHostname: '',
      DstPortNumber: 443,
      DvcHostname: 'h',
      EventType: 'EndpointNetworkSession',
      EventSchema: 'NetworkSession',
      NetworkDirection: 'Outbound',
      User: '',
      Process: '',
      SrcPortNumber: null,
    });
  });

  it('DstPortNumber (int): the model\'s plain-decimal whole number that fits an int, else null', () => {
    const port = (p: string | null | undefined) => kqlRow({ DestinationPort: p } as CanonicalEvent, view('network_connection')).DstPortNumber;
    expect([port('2375'), port('0'), port('2147483647')]).toEqual([2375, 0, 2147483647]);
    for (const p of ['', '-', 'https', ' 443', '+443', '02375', '2147483648', null, undefined]) expect(port(p), JSON.stringify(p)).toBeNull();
  });

  it('a missing or unparsable _time leaves the instant columns null; placeholders stay verbatim in the row', () => {
    const row = kqlRow({ _time: 'not a time', ParentImage: '-' }, view('process_creation'));
    expect([row.TimeGenerated, row.EventStartTime, row.EventEndTime]).toEqual([null, null, null]);
    expect(row).toMatchObject({ ActingProcessName: '-', ActingProcessFilename: '-' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('the evaluator on asim', () => {
  const dbr = file('docker-build-risk.kql');
  const q = kqlEvaluator.compile(dbr, sharedOf(dbr), view('process_creation'));
  const oracle = compileRule(rule('docker-build-risk'), { availableFields: new Set(Object.keys(view('process_creation').fields) as CanonicalField[]), placeholders: asim.placeholders });
  const run = (e: CanonicalEvent) => q.run([kqlEvaluator.toRow(e, view('process_creation'))]);
  const build = { Image: '/usr/bin/docker', CommandLine: 'docker build -t x .', ParentImage: '/bin/bash', CurrentDirectory: '/tmp/ctx', Host: 'dev-07', User: 'bob' };

  it('runs `_Im_ProcessCreate()` over the profile\'s process rows, and agrees with the IR as asim sees the event', () => {
    const r = run(build);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ tier: 'high', action: 'alert', score: 5 });
    expect(oracle.evaluate(build)).toMatchObject({ matched: true, tier: 'high', score: 5 });
    expect(r[0]!.row).toMatchObject({ DvcHostname: 'dev-07', TargetProcessName: '/usr/bin/docker', TargetProcessCurrentDirectory: '/tmp/ctx', sig_temp_context: 1, sig_shell_parent: 1 });
  });
  it('the current directory resolves `.` here (unlike defender and sentinel)', () => {
    expect(run({ ...build, CurrentDirectory: '/home/u' })[0]).toMatchObject({ tier: 'low', score: 2 });
  });
  it('`-` is absent: a parent "-" is no shell, a host "-" is no host (and not an approved one)', () => {
    expect(run({ ...build, ParentImage: '-' })[0]).toMatchObject({ tier: 'medium_temp', score: 3 });
    expect(oracle.evaluate({ ...build, ParentImage: '-' })).toMatchObject({ tier: 'medium_temp', score: 3 });
    expect(run({ ...build, Host: '-' })[0]!.row.DvcHostname).toBe('');
  });
  it('reads the watchlists beside the query: an approved build host is suppressed', () => {
    expect(run({ ...build, Host: 'ci-runner-01' })).toEqual([]);
  });
  it('the bare parser name is the same source; an argument, or another parser than the log source\'s, is refused', () => {
    const bare = { ...dbr, content: dbr.content.replace('\n_Im_ProcessCreate()\n', '\n_Im_ProcessCreate\n') };
    expect(bare.content).not.toBe(dbr.content);
    expect(kqlEvaluator.compile(bare, sharedOf(dbr), view('process_creation')).run([kqlEvaluator.toRow(build, view('process_creation'))])[0]).toMatchObject({ tier: 'high', score: 5 });
    const refused = (content: string) => () => kqlEvaluator.compile({ path: 'kql/asim/t.kql', content }, [], view('process_creation'));
    expect(refused('_Im_ProcessCreate(starttime=ago(1d)) | project TimeGenerated')).toThrow(UnsupportedConstruct);
    expect(refused('_Im_ProcessCreate(starttime=ago(1d)) | project TimeGenerated')).toThrow(/with arguments/);
    expect(refused('_GetWatchlist("x") | project SearchKey')).toThrow(UnsupportedConstruct);
  });
});

describe('a correlation on asim: det0459, grouped on DvcHostname', () => {
  const c = bundled.correlations.find((x) => x.name === 'det0459-build-then-run')!;
  const query = file('det0459-build-then-run.kql');
  const q = kqlEvaluator.compileCorrelation!(query, sharedOf(query), asim);
  const T0 = Date.parse('2026-11-20T10:00:00Z') / 1000;
  const ev = (at: number, e: CanonicalEvent, host = 'dev-07'): TimedEvent => ({ category: 'process_creation', time: T0 + at, event: { Host: host, ...e } });
  const BUILD = { Image: '/usr/bin/docker', CommandLine: 'docker build -t app .' };
  const RUN = { Image: '/usr/bin/docker', CommandLine: 'docker run --rm app' };
  const check = (stream: readonly TimedEvent[], hosts: readonly [number, number, string][]) => {
    const expected = hosts.map(([s, e, h]) => ({ group: { Host: h }, start: T0 + s, end: T0 + e }));
    const actual = q.run(streamRows('kql', asim, stream));
    expect(sameChains(actual, expected), JSON.stringify(actual)).toBe(true);
    expect(sameChains(correlate(c, stream, profileOpts(asim)), expected)).toBe(true);
  };
  it('stages read _Im_ProcessCreate(); the result names the host DvcHostname, at TimeGenerated', () => {
    expect(query.content).toContain('let t1612_stage1 = _Im_ProcessCreate()\n');
    expect(query.content).toContain('| project TimeGenerated = t1612_t2, DvcHostname = t1612_key_Host, chain_start = t1612_start');
    expect(query.content).toContain('    | project t1612_key_Host = iff(DvcHostname in ("-"), "", DvcHostname), t1612_time = TimeGenerated, t1612_image = coalesce(\n');
    // The image is read from the command line as the group key reads its column: "-" is "".
    expect(query.content).toContain(', 1, iff(TargetProcessCommandLine in ("-"), "", TargetProcessCommandLine)),\n');
  });
  it('a build then a run within 10 minutes on one host is a chain; on host "-" (absent) none; across hosts none', () => {
    check([ev(0, BUILD), ev(600, RUN)], [[0, 600, 'dev-07']]);
    check([ev(0, BUILD), ev(601, RUN)], []);
    check([ev(0, BUILD, '-'), ev(60, RUN, '-')], []);
    check([ev(0, BUILD, 'a'), ev(60, RUN, 'b')], []);
  });
});
