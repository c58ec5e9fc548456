/** Profiles as configuration: bundled profiles are YAML files; yours extend them without code. */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledProfiles, loadProfiles } from '../../src/profiles/load.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { run } from '../../src/cli/main.js';
import { captureIo } from '../support/io.js';

const mine = 'test/profiles/fixtures/mine';

describe('bundled profiles', () => {
  it('are the YAML files in profiles/<target>/', () => {
    const b = bundledProfiles();
    expect(b.spl.map((p) => p.id)).toEqual(['cim', 'sysmon_linux']);
    expect(b.kql.map((p) => p.id)).toEqual(['asim', 'defender', 'sentinel']);
    expect(b.sigma.map((p) => p.id)).toEqual(['taxonomy']);
    expect(readdirSync('profiles').sort()).toEqual(['kql', 'sigma', 'spl']);
  });
});

describe('your profiles', () => {
  it('extend a bundled profile: fields merge per log source, macros by name', () => {
    const { profiles, diagnostics } = loadProfiles([mine], bundledProfiles());
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    const edr = profiles.spl[0] as unknown as { id: string; fields: Record<string, Record<string, string>>; macros: { name: string; definition: string }[] };
    expect(edr.id).toBe('edr_sysmon');
    expect(edr.fields.process_creation).toMatchObject({ User: 'user', CommandLine: 'CommandLine' });
    expect(edr.fields.file_event).toMatchObject({ User: 'User' });
    expect(edr.macros.find((m) => m.name === 't1612_sysmon_linux_index')?.definition).toBe('index=edr');
    expect(edr.macros.find((m) => m.name === 't1612_sysmon_linux_process_creation')?.definition).toContain('EventID=1');
  });

  it('compile for them without code, beside the bundled profiles', async () => {
    const out = mkdtempSync(join(tmpdir(), 't1612-profiles-'));
    expect(await run(['compile', '--profiles', mine, '--out', out], captureIo())).toBe(0);
    const spl = readFileSync(join(out, 'spl/edr_sysmon/docker-build-risk.spl'), 'utf8');
    expect(spl).toContain('| table _time, host, user, Image, CommandLine');
    expect(readFileSync(join(out, 'spl/edr_sysmon/macros.conf'), 'utf8')).toContain('[t1612_sysmon_linux_index]\ndefinition = index=edr\n');
    expect(readFileSync(join(out, 'kql/mde_lab/docker-build-risk.kql'), 'utf8')).toContain('| project Timestamp, DeviceId, ReportId, AccountName,');
    expect(readdirSync(join(out, 'spl')).sort()).toEqual(['cim', 'edr_sysmon', 'sysmon_linux']);
  });

  it('run the rules\' cases through their emitted queries', async () => {
    const io = captureIo();
    expect(await run(['test', '--profiles', mine, '--profile', 'edr_sysmon', 'mde_lab'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text.split('\n')[0]).toBe('case                                             ir  spl/edr_sysmon  kql/mde_lab');
    expect(text).toMatch(/: \d+ passed, 0 failed$/);
  });

  it('are checked like rules: one located line per problem, exit 2', async () => {
    const { diagnostics } = loadProfiles(['test/profiles/fixtures/bad'], bundledProfiles());
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      'test/profiles/fixtures/bad/broken.yml:3:10: error: no bundled sigma profile "nosuch" to extend (use one of: taxonomy)',
      'test/profiles/fixtures/bad/dup.yml:2:5: error: kql profile id "defender" is already used (choose another id; to change a bundled profile, extend it under a new id)',
      'test/profiles/fixtures/bad/incomplete.yml:1:1: error: spl profile "incomplete" has no "fields" (add fields, or extend a bundled profile)',
      'test/profiles/fixtures/bad/incomplete.yml:1:1: error: spl profile "incomplete" has no "placeholders" (add placeholders, or extend a bundled profile)',
      'test/profiles/fixtures/bad/incomplete.yml:1:1: error: spl profile "incomplete" has no "macros" (add macros, or extend a bundled profile)',
      'test/profiles/fixtures/bad/incomplete.yml:1:1: error: spl profile "incomplete" has no "timeField" (add timeField, or extend a bundled profile)',
      'test/profiles/fixtures/bad/wrongkey.yml:4:1: error: key "timeColumn" does not apply to sigma profiles (sigma profiles take: target, id, extends, description, fields, placeholders, product, logsources)',
    ]);
    const io = captureIo();
    expect(await run(['compile', '--profiles', 'test/profiles/fixtures/bad', '--check'], io)).toBe(2);
    expect(io.stderr).toHaveLength(7);
  });

  it('schema errors are located too', () => {
    const dir = mkdtempSync(join(tmpdir(), 't1612-profiles-'));
    const file = join(dir, 'x.yml');
    require('node:fs').writeFileSync(file, 'target: spl\nid: Bad-Id\nfields: { process_creation: { Image: "a b" } }\n');
    const { diagnostics } = loadProfiles([dir], bundledProfiles());
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual(['2:5 id has an invalid form (got string "Bad-Id")', '3:38 fields.process_creation.Image has an invalid form (got string "a b")']);
  });
});
