/**
 * Every emitted KQL query parses and type-checks with Microsoft's Kusto.Language against the tables
 * of its profile's schema set (../shared/reference/defender-tables.json; semantics.md §2.7, last row).
 * Kusto.Language checks syntax, names, types and function arity; it does not validate regex syntax
 * and executes nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kqlProfiles } from '../../src/backends/kql/profiles.js';
import { compileRules } from '../../src/compile.js';
import { loadRules } from '../../src/pipeline.js';
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

  it('load and compile without errors, to one query per rule and profile', () => {
    expect(loaded.ok).toBe(true);
    expect(loaded.irs.length).toBeGreaterThan(0);
    expect(output.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(output.files).toHaveLength(loaded.irs.length * kqlProfiles.length);
  });
  it.each(output.files.map((f) => ({ path: f.path, content: f.content })))('$path analyses without errors', ({ path, content }) => {
    const match = /^kql\/([^/]+)\/[^/]+\.kql$/.exec(path);
    expect(match, path).not.toBeNull();
    expectClean(content, schemaSetOf(match![1]!), path);
  });
});
