/**
 * Every emitted KQL query parses and type-checks with Microsoft's Kusto.Language against the tables
 * of its profile's schema set (../shared/reference/defender-tables.json; semantics.md §2.7, last row;
 * on sentinel also AKSAuditAdmin, src/backends/kql/aks-tables.ts) and its functions (`_GetWatchlist`;
 * on the asim set the ASIM parsers, src/backends/kql/asim-tables.ts).
 * Kusto.Language checks syntax, names, types and function arity; it does not validate regex syntax
 * and executes nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kqlProfiles } from '../../src/backends/kql/profiles.js';
import { compileRules } from '../../src/compile.js';
import { loadRules } from '../../src/pipeline.js';
import { ASIM_FUNCTIONS } from '../../src/backends/kql/asim-tables.js';
import { formatKqlDiagnostics, kqlDiagnostics, parseKql, schemaTables, type SchemaSet } from '../support/kusto.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const distKql = `${repoRoot}dist-queries/kql`;

function schemaSetOf(profileId: string): SchemaSet {
  const profile = kqlProfiles.find((p) => p.id === profileId);
  if (!profile) throw new Error(`no KQL profile '${profileId}'`);
  return profile.schemaSet;
}

function expectClean(query: string, schemaSet: SchemaSet, label: string): void {
  const errors = kqlDiagnostics(query, schemaSet);
  expect(errors, `${label}\n${formatKqlDiagnostics(query, errors)}`).toEqual([]);
}

describe('the harness reports errors (it cannot pass silently)', () => {
  it('an unknown column is an error at its position', () => {
    const query = 'DeviceProcessEvents | where NoSuchColumn == 1';
    const errors = kqlDiagnostics(query, 'defender');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ severity: 'Error', code: 'KS142', start: query.indexOf('NoSuchColumn') });
    expect(errors[0]!.message).toContain('NoSuchColumn');
  });
  it('an unknown table is an error', () =>
    expect(kqlDiagnostics('NoSuchTable | take 1', 'sentinel').map((e) => e.code)).toEqual(['KS204']));
  it('a backslash escape Kusto does not define ("\\d") is a syntax error (semantics.md §2.5)', () => {
    const query = String.raw`DeviceProcessEvents | where ProcessCommandLine matches regex "\d+"`;
    const errors = kqlDiagnostics(query, 'defender');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.start).toBe(query.indexOf('\\'));
  });
  it('the same regex in a verbatim string is clean', () =>
    expect(kqlDiagnostics(String.raw`DeviceProcessEvents | where ProcessCommandLine matches regex @"\d+"`, 'defender')).toEqual([]));
  it('column types come from the JSON: string + long is a type error', () =>
    expect(kqlDiagnostics('DeviceProcessEvents | where FileName + 1 > 0', 'defender').map((e) => e.code)).toEqual(['KS106']));
  it('long, datetime and bool columns type-check as such', () =>
    expect(kqlDiagnostics('DeviceProcessEvents | where ProcessId + 1 > 0 and Timestamp > ago(1d) | extend b = toint(true)', 'defender')).toEqual([]));
  it('case() needs an else value and iff() three arguments (semantics.md §2.1)', () => {
    expect(kqlDiagnostics('print case(true, 1)', 'defender').map((e) => e.code)).toEqual(['KS120']);
    expect(kqlDiagnostics('print iff(true, 1)', 'defender').map((e) => e.code)).toEqual(['KS119']);
  });
});

describe('functions of the schema sets', () => {
  const query = "let W = _GetWatchlist('approved_build_hosts') | project SearchKey;\nDeviceProcessEvents | where not(DeviceName in~ (W))";
  it('sentinel declares _GetWatchlist(alias) returning a table with SearchKey: the watchlist let analyses', () => expectClean(query, 'sentinel', 'sentinel'));
  it('defender (advanced hunting) has no watchlists: the same query does not analyse', () =>
    expect(kqlDiagnostics(query, 'defender').map((e) => e.message).join('\n')).toMatch(/_GetWatchlist/));
  it('_GetWatchlist takes one alias, and its table has no column the declaration does not list', () => {
    expect(kqlDiagnostics('let W = _GetWatchlist() | project SearchKey; DeviceProcessEvents', 'sentinel').map((e) => e.code)).toEqual(['KS119']);
    expect(kqlDiagnostics("let W = _GetWatchlist('x') | project NoSuchColumn; DeviceProcessEvents", 'sentinel').map((e) => e.code)).toEqual(['KS142']);
  });
  it('ipv4_is_in_any_range / ipv6_is_in_any_range take (string, dynamic array) and (string, string, …); coalesce of bools', () => {
    expectClean('DeviceNetworkEvents | where coalesce(ipv4_is_in_any_range(RemoteIP, dynamic(["10.0.0.0/8", "127.0.0.0/8"])), false)', 'defender', 'dynamic');
    expectClean('DeviceNetworkEvents | where coalesce(ipv6_is_in_any_range(RemoteIP, "fc00::/7", "fe80::/10"), false)', 'sentinel', 'strings');
    expect(kqlDiagnostics('DeviceNetworkEvents | where ipv4_is_in_any_range(RemoteIP)', 'defender').map((e) => e.code)).toEqual(['KS120']); // expects between 2 and … arguments
  });
  it('int columns compare with numbers: RemotePort == 2375, RemotePort in (2375, 2376)', () =>
    expectClean('DeviceNetworkEvents | where RemotePort == 2375 or RemotePort in (2375, 2376)', 'defender', 'defender'));
});

describe('the asim schema set: the ASIM unifying parsers (src/backends/kql/asim-tables.ts)', () => {
  it('declares _Im_ProcessCreate, _Im_FileEvent and _Im_NetworkSession; called with () or named bare, each analyses as its table', () => {
    for (const f of ['_Im_ProcessCreate', '_Im_FileEvent', '_Im_NetworkSession']) {
      expectClean(`${f}() | where DvcHostname == "h" | project TimeGenerated, DvcHostname`, 'asim', `${f}()`);
      expectClean(`${f} | where DvcHostname == "h" | project TimeGenerated, DvcHostname`, 'asim', f);
    }
  });
  it('a call is a function call, a bare name a reference to the function: both give the declared columns in order', () => {
    const columns = (q: string) => {
      const t = parseKql(q, 'asim').ResultType;
      if (!(t instanceof Kusto.Language.Symbols.TableSymbol)) throw new Error(`not tabular: ${q}`);
      const out: string[] = [];
      for (let i = 0; i < t.Columns!.Count; i++) out.push(`${t.Columns!.getItem(i).Name}:${t.Columns!.getItem(i).Type!.Name}`);
      return out;
    };
    const declared = ASIM_FUNCTIONS.find((f) => f.name === '_Im_NetworkSession')!.columns.map(([n, t]) => `${n}:${t}`);
    expect(columns('_Im_NetworkSession()')).toEqual(declared);
    expect(columns('_Im_NetworkSession')).toEqual(declared);
    const source = (q: string) => {
      const block = parseKql(q, 'asim').Syntax as Kusto.Language.Syntax.QueryBlock;
      const stmt = block.Statements!.GetChild(0) as Kusto.Language.Syntax.SeparatedElement;
      return (stmt.Element as Kusto.Language.Syntax.ExpressionStatement).Expression!;
    };
    expect(source('_Im_ProcessCreate()')).toBeInstanceOf(Kusto.Language.Syntax.FunctionCallExpression);
    const bare = source('_Im_ProcessCreate');
    expect(bare).toBeInstanceOf(Kusto.Language.Syntax.NameReference);
    expect((bare as Kusto.Language.Syntax.NameReference).ReferencedSymbol).toBeInstanceOf(Kusto.Language.Symbols.FunctionSymbol);
  });
  it('column types come from the declarations: DstPortNumber is an int, TargetProcessCurrentDirectory a string', () => {
    expectClean('_Im_NetworkSession() | where DstPortNumber == 2375 or DstPortNumber in (2375, 2376)', 'asim', 'int');
    expect(kqlDiagnostics('_Im_NetworkSession() | where DstPortNumber + "a" > 0', 'asim').map((e) => e.code)).toEqual(['KS106']);
    expectClean('_Im_ProcessCreate() | where TargetProcessCurrentDirectory startswith "/tmp"', 'asim', 'string');
  });
  it('the filtering parameters are declared, optional and named as the schema pages name them', () => {
    expectClean("_Im_FileEvent(eventtype_in=dynamic(['FileCreated']), starttime=ago(1d), endtime=now())", 'asim', 'file');
    expectClean('_Im_NetworkSession(dstportnumber=443, hostname_has_any=dynamic(["docker.io"]))', 'asim', 'network');
    expectClean("_Im_ProcessCreate(targetusername_has='root', eventtype='ProcessCreated')", 'asim', 'process');
    expect(kqlDiagnostics('_Im_ProcessCreate(nosuch=1)', 'asim').map((e) => e.code)).toEqual(['KS196']);
  });
  it('an unknown column is an error; the Device tables are not in the set; _GetWatchlist is', () => {
    expect(kqlDiagnostics('_Im_ProcessCreate() | where FolderPath == "x"', 'asim').map((e) => e.code)).toEqual(['KS142']);
    expect(kqlDiagnostics('DeviceProcessEvents | take 1', 'asim').map((e) => e.code)).toEqual(['KS204']);
    expectClean("let W = _GetWatchlist('approved_build_hosts') | project SearchKey;\n_Im_ProcessCreate() | where not(DvcHostname in~ (W))", 'asim', 'watchlist');
  });
  it('the ASIM parsers are not declared on the defender and sentinel sets', () => {
    for (const set of ['defender', 'sentinel'] as const) {
      const errors = kqlDiagnostics('_Im_ProcessCreate() | take 1', set);
      expect(errors, set).toHaveLength(1);
      expect(errors[0]!.message, set).toContain('_Im_ProcessCreate');
    }
  });
});

describe('schema sets', () => {
  it('every type name in defender-tables.json is a Kusto scalar type', () => {
    for (const set of ['defender', 'sentinel'] as const) expect(() => parseKql('print 1', set)).not.toThrow();
  });
  it('TimeGenerated is a column in both sets, as the JSON lists it', () => {
    for (const set of ['defender', 'sentinel'] as const) {
      expect(schemaTables(set).DeviceProcessEvents).toHaveProperty('TimeGenerated', 'datetime');
      expectClean('DeviceProcessEvents | where TimeGenerated > ago(1h) | project TimeGenerated', set, set);
    }
  });
  it('Timestamp is a column in both sets', () => {
    for (const set of ['defender', 'sentinel'] as const) expectClean('DeviceProcessEvents | order by Timestamp desc', set, set);
  });
  it('Log Analytics columns (TenantId) exist in sentinel only', () => {
    expectClean('DeviceProcessEvents | project TenantId', 'sentinel', 'sentinel');
    expect(kqlDiagnostics('DeviceProcessEvents | project TenantId', 'defender').map((e) => e.code)).toEqual(['KS142']);
  });
});

describe('dist-queries/kql', () => {
  const profiles = existsSync(distKql) ? readdirSync(distKql, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
  const files = profiles.flatMap((profile) =>
    readdirSync(`${distKql}/${profile}`).filter((f) => f.endsWith('.kql')).map((f) => ({ profile, file: `${profile}/${f}` })));

  it('holds a folder for every KQL profile, and queries in each', () => {
    expect(profiles.sort()).toEqual(kqlProfiles.map((p) => p.id).sort());
    for (const p of profiles) expect(files.some((f) => f.profile === p), p).toBe(true);
  });
  it.each(files)('$file analyses without errors', ({ profile, file }) =>
    expectClean(readFileSync(`${distKql}/${file}`, 'utf8'), schemaSetOf(profile), file));
});

describe('bundled rules compiled in memory', () => {
  const loaded = loadRules([`${repoRoot}rules`]);
  const output = compileRules(loaded.irs, { targets: ['kql'] });

  const queries = output.files.filter((f) => f.path.endsWith('.kql'));

  it('load and compile without errors, to one query per rule and profile (beside the watchlist CSVs)', () => {
    expect(loaded.ok).toBe(true);
    expect(loaded.irs.length).toBeGreaterThan(0);
    expect(output.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    // One per rule and profile with its log source: k8s-pod-create (k8s_audit) only on sentinel (AKSAuditAdmin).
    expect(queries).toHaveLength(loaded.irs.reduce((n, r) => n + kqlProfiles.filter((p) => p.tables[r.logsource.category] !== undefined).length, 0));
    expect(queries.filter((f) => f.path.endsWith('/k8s-pod-create.kql')).map((f) => f.path)).toEqual(['kql/sentinel/k8s-pod-create.kql']);
    expect(output.files.filter((f) => !f.path.endsWith('.kql')).every((f) => /^kql\/[^/]+\/watchlists\/[a-z0-9_]+\.csv$/.test(f.path))).toBe(true);
  });
  it('the allowlist lets are there to analyse: let lists on defender, watchlists on sentinel and asim, the domain regex on all', () => {
    const text = (path: string) => queries.find((f) => f.path === path)!.content;
    expect(text('kql/defender/docker-build-risk.kql')).toContain('let t1612_allowlist_approved_build_hosts = dynamic([');
    for (const p of ['sentinel', 'asim']) expect(text(`kql/${p}/docker-build-risk.kql`)).toContain('let t1612_allowlist_approved_build_hosts = _GetWatchlist("approved_build_hosts") | project SearchKey;');
    for (const p of ['defender', 'sentinel', 'asim']) expect(text(`kql/${p}/build-egress-untrusted.kql`)).toContain('let t1612_allowlist_approved_registries = @"^(?:[^.]*\\.)*(?:');
  });
  it('asim queries read the parsers: one call each of _Im_ProcessCreate(), _Im_FileEvent(), _Im_NetworkSession() as the source', () => {
    const text = (path: string) => queries.find((f) => f.path === path)!.content;
    expect(text('kql/asim/docker-build-risk.kql')).toMatch(/\n_Im_ProcessCreate\(\)\n\| /);
    expect(text('kql/asim/dockerfile-in-temp.kql')).toMatch(/\n_Im_FileEvent\(\)\n\| /);
    expect(text('kql/asim/build-egress-untrusted.kql')).toMatch(/\n_Im_NetworkSession\(\)\n\| /);
    expect(queries.filter((f) => f.path.startsWith('kql/asim/')).every((f) => !/Device[A-Z][A-Za-z]*Events/.test(f.content))).toBe(true);
  });
  it.each(queries.map((f) => ({ path: f.path, content: f.content })))('$path analyses without errors', ({ path, content }) => {
    const match = /^kql\/([^/]+)\/[^/]+\.kql$/.exec(path);
    expect(match, path).not.toBeNull();
    expectClean(content, schemaSetOf(match![1]!), path);
  });
});

describe('bundled correlations compiled in memory', () => {
  const loaded = loadRules([`${repoRoot}rules`]);
  const output = compileRules(loaded.irs, { targets: ['kql'] }, loaded.correlations);
  const names = new Set(loaded.correlations.map((c) => c.name));
  const queries = output.files.filter((f) => names.has(f.path.replace(/^.*\//, '').replace(/\.kql$/, '')));

  it('give one query per correlation and profile, without errors or warnings', () => {
    expect(loaded.correlations.length).toBeGreaterThanOrEqual(3);
    expect(queries).toHaveLength(loaded.correlations.length * kqlProfiles.length);
    expect(output.diagnostics.filter((d) => d.severity !== 'note' && d.file.endsWith('.yml') && loaded.correlations.some((c) => c.file === d.file))).toEqual([]);
  });
  it.each(queries.map((f) => ({ path: f.path, content: f.content })))('$path analyses without errors', ({ path, content }) => {
    const match = /^kql\/([^/]+)\/[^/]+\.kql$/.exec(path);
    expect(match, path).not.toBeNull();
    expectClean(content, schemaSetOf(match![1]!), path);
  });
});
