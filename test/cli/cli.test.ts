/** The CLI over the library API: exit codes, one-line diagnostics, --check, determinism, help. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, cpSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { captureIo } from '../support/io.js';

const tmp = () => mkdtempSync(join(tmpdir(), 't1612-cli-'));

function listAll(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((d) => (d.isDirectory() ? listAll(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`]));
}

describe('validate', () => {
  it('accepts the bundled rules', async () => {
    const io = captureIo();
    expect(await run(['validate'], io)).toBe(0);
    expect(io.stdout).toEqual(['10 rule(s) and 3 correlation(s) valid']);
  });
  it('rejects a bad rule with one line, exit 2, no stack', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.yml'), 'id: 1\nname: bad\n');
    const io = captureIo();
    expect(await run(['validate', dir], io)).toBe(2);
    expect(io.stderr.length).toBeGreaterThan(0);
    for (const line of io.stderr) {
      expect(line).toMatch(/^\S+bad\.yml:\d+:\d+: error: .+ \(.+\)$/);
      expect(line).not.toContain('\n    at ');
    }
  });
  it('--format json prints the diagnostics as JSON on stdout', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.yml'), 'name: bad\n');
    const io = captureIo();
    expect(await run(['validate', dir, '--format', 'json'], io)).toBe(2);
    const parsed = JSON.parse(io.stdout.join('\n')) as { diagnostics: { code: string; line: number }[] };
    expect(parsed.diagnostics.length).toBeGreaterThan(0);
    expect(parsed.diagnostics[0]).toMatchObject({ code: 'schema', line: 1, column: 1, severity: 'error' });
  });
  it('--format sarif writes a SARIF 2.1.0 log with each diagnostic at its rule line, exit 2 on errors', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad name.yml'), 'id: 1\nname: bad\n');
    const io = captureIo();
    expect(await run(['validate', dir, '--format', 'sarif'], io)).toBe(2);
    expect(io.stderr).toEqual([]);
    type Sarif = {
      $schema: string;
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number; startColumn: number } } }[] }[];
      }[];
    };
    const log = JSON.parse(io.stdout.join('\n')) as Sarif;
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
    const [runLog] = log.runs;
    expect(runLog!.tool.driver.name).toBe('t1612');
    expect(runLog!.results.length).toBeGreaterThan(0);
    for (const r of runLog!.results) {
      expect(runLog!.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(['error', 'warning', 'note']).toContain(r.level);
      const loc = r.locations[0]!.physicalLocation;
      // relative to the folder t1612 ran in, forward slashes, the blank percent-encoded
      expect(loc.artifactLocation.uri.endsWith('/bad%20name.yml')).toBe(true);
      expect(loc.artifactLocation.uriBaseId).toBe('SRCROOT');
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(loc.region.startColumn).toBeGreaterThanOrEqual(1);
    }
    // the same problems as the text form, at the same lines
    const text = captureIo();
    await run(['validate', dir], text);
    expect(runLog!.results.map((r) => `${r.locations[0]!.physicalLocation.region.startLine}:${r.locations[0]!.physicalLocation.region.startColumn}: ${r.level}: ${r.message.text}`)).toEqual(
      text.stderr.map((l) => l.replace(/^.*bad name\.yml:/, '')),
    );
  });
  it('--format sarif on valid rules is a log with no results, exit 0', async () => {
    const io = captureIo();
    expect(await run(['validate', '--format', 'sarif'], io)).toBe(0);
    const log = JSON.parse(io.stdout.join('\n')) as { runs: { results: unknown[] }[] };
    expect(log.runs[0]!.results).toEqual([]);
  });
  it('colours severities only when asked to (NO_COLOR / non-TTY give plain text)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'bad.yml'), 'name: bad\n');
    const plain = captureIo(0);
    await run(['validate', dir], plain);
    expect(plain.stderr.join('')).not.toMatch(/\u001b\[/);
    const coloured = captureIo(1);
    await run(['validate', dir], coloured);
    expect(coloured.stderr.join('')).toMatch(/\u001b\[31merror:/);
  });
});

describe('compile', () => {
  it('writes every target and profile, byte-identical on a second run', async () => {
    const a = tmp();
    const b = tmp();
    expect(await run(['compile', '--out', a], captureIo())).toBe(0);
    expect(await run(['compile', '--out', b], captureIo())).toBe(0);
    const files = listAll(a);
    // Every target and profile: exactly the committed set (dist-queries/ is what `compile` writes).
    expect(files).toEqual(listAll('dist-queries'));
    expect(files).toContain('kql/asim/an1261-build-egress-deploy.kql');
    expect(files).toContain('spl/cim/docker-build-risk.spl');
    expect(files).toContain('spl/sysmon_linux/lookups/t1612_approved_registries.csv');
    expect(files).toContain('kql/sentinel/watchlists/approved_build_hosts.csv');
    for (const f of files) expect(readFileSync(join(a, f), 'utf8')).toBe(readFileSync(join(b, f), 'utf8'));
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);
  });
  it('--target and --profile narrow the output', async () => {
    const out = tmp();
    expect(await run(['compile', '--target', 'kql', '--profile', 'sentinel', '--out', out], captureIo())).toBe(0);
    expect(listAll(out)).toEqual(listAll('dist-queries').filter((f) => f.startsWith('kql/sentinel/')));
    expect(listAll(out)).toContain('kql/sentinel/docker-build-risk.kql');
  });
  it('an unknown profile is a usage error', async () => {
    const io = captureIo();
    expect(await run(['compile', '--target', 'spl', '--profile', 'defender'], io)).toBe(2);
    expect(io.stderr).toEqual(['t1612:1:1: error: unknown profile "defender" for target spl (use one of: cim, sysmon_linux)']);
  });
  it('--check writes nothing and exits 1 listing stale files; 0 once compiled', async () => {
    const out = tmp();
    const io = captureIo();
    expect(await run(['compile', '--check', '--out', out], io)).toBe(1);
    expect(readdirSync(out)).toEqual([]);
    expect(io.stderr).toContain(`${out}/spl/sysmon_linux/docker-build-risk.spl: stale or missing`);
    const generated = listAll('dist-queries').length;
    expect(io.stderr.at(-1)).toBe(`${generated} generated file(s) out of date: run \`npx t1612 compile\` and commit the result`);
    expect(await run(['compile', '--out', out], captureIo())).toBe(0);
    const ok = captureIo();
    expect(await run(['compile', '--check', '--out', out], ok)).toBe(0);
    expect(ok.stdout).toEqual([`${generated} generated file(s) up to date`]);
    writeFileSync(join(out, 'spl/sysmon_linux/docker-build-risk.spl'), 'edited by hand\n');
    mkdirSync(join(out, 'kql/defender'), { recursive: true });
    writeFileSync(join(out, 'kql/defender/removed-rule.kql'), 'old\n');
    const stale = captureIo();
    expect(await run(['compile', '--check', '--out', out], stale)).toBe(1);
    expect(stale.stderr).toContain(`${out}/spl/sysmon_linux/docker-build-risk.spl: stale or missing`);
    expect(stale.stderr).toContain(`${out}/kql/defender/removed-rule.kql: no longer generated`);
    expect(await run(['compile', '--out', out], captureIo())).toBe(0);
    expect(existsSync(join(out, 'kql/defender/removed-rule.kql'))).toBe(false);
  });
  it('invalid rules write nothing', async () => {
    const rules = tmp();
    cpSync('rules', rules, { recursive: true });
    writeFileSync(join(rules, 'docker-build-risk.yml'), readFileSync('rules/docker-build-risk.yml', 'utf8').replace('threshold: 2', 'threshold: 99'));
    const out = tmp();
    const io = captureIo();
    expect(await run(['compile', rules, '--out', out], io)).toBe(2);
    expect(readdirSync(out)).toEqual([]);
    const line = readFileSync('rules/docker-build-risk.yml', 'utf8').split('\n').indexOf('threshold: 2') + 1;
    expect(io.stderr).toEqual([`${rules}/docker-build-risk.yml:${line}:12: error: threshold 99 is above the highest possible score 10 (lower the threshold to at most 10, or add signals)`]);
  });
});

describe('profiles that cannot run a rule', () => {
  it('are reported in one line each and skipped', async () => {
    const out = tmp();
    const io = captureIo();
    const rule = 'test/golden/cases/needs-current-directory/needs-current-directory.yml';
    expect(await run(['compile', rule, '--out', out], io)).toBe(0);
    expect(io.stderr).toEqual(
      ['defender', 'sentinel'].map((p) => `${rule}:1:1: warning: kql profile ${p} lacks field(s) CurrentDirectory; rule needs-current-directory is skipped there (map the fields in the profile or use another profile)`),
    );
    expect(listAll(out)).toEqual([
      'kql/asim/needs-current-directory.kql',
      'sigma/taxonomy/needs-current-directory.yml',
      'spl/cim/macros.conf',
      'spl/cim/needs-current-directory.spl',
      'spl/sysmon_linux/macros.conf',
      'spl/sysmon_linux/needs-current-directory.spl',
    ]);
  });
});

describe('test', () => {
  it('passes the bundled cases on every target and profile', async () => {
    const io = captureIo();
    expect(await run(['test'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text.split('\n')[0]).toBe('case                                             ir  spl/cim  spl/sysmon_linux  kql/asim  kql/defender  kql/sentinel  sigma/taxonomy');
    // CIM's network data model has no process fields: the egress rule and its chains are skipped there;
    // k8s-pod-create (k8s_audit) runs on kql/sentinel and sigma/taxonomy only.
    expect(text).toMatch(/\n\d+ checks \(\d+ cases × 7 columns, 78 where the profile cannot run the rule \(–\)\): \d+ passed, 0 failed$/);
  });
  it('exits 1 on a wrong expectation, naming the case, target and outcomes', async () => {
    const dir = tmp();
    cpSync('rules/docker-build-risk.yml', join(dir, 'docker-build-risk.yml'));
    cpSync('rules/allowlists', join(dir, 'allowlists'), { recursive: true });
    writeFileSync(
      join(dir, 'docker-build-risk.tests.yml'),
      readFileSync('rules/docker-build-risk.tests.yml', 'utf8').replace('expect: { matched: true, score: 2, tier: low, action: risk }', 'expect: { matched: true, score: 2, tier: high, action: alert }'),
    );
    const io = captureIo();
    expect(await run(['test', dir, '--target', 'kql', '--profile', 'defender'], io)).toBe(1);
    const text = io.stdout.join('\n');
    expect(text).toContain('docker-build-risk / atomic-red-team-t1612 on kql/defender: expected high/alert score 2, got low/risk score 2');
    expect(text).toMatch(/: \d+ passed, 2 failed$/);
  });
  it('--format json gives the report', async () => {
    const io = captureIo();
    expect(await run(['test', '--target', 'sigma', '--format', 'json'], io)).toBe(0);
    const r = JSON.parse(io.stdout.join('')) as { columns: string[]; failed: number };
    expect(r).toMatchObject({ columns: ['ir', 'sigma/taxonomy'], failed: 0 });
  });
});

describe('explain', () => {
  it('lists signals, tiers and every alerting combination', async () => {
    const io = captureIo();
    expect(await run(['explain', 'docker-build-risk'], io)).toBe(0);
    const text = io.stdout.join('\n');
    expect(text).toContain('Threshold: score >= 2');
    expect(text).toContain('Telemetry (process_creation; fields the rule reads, per profile):');
    expect(text).toContain('  kql/defender       CommandLine→ProcessCommandLine, CurrentDirectory (not carried), Host→DeviceName, Image→FolderPath, ParentImage→InitiatingProcessFolderPath, User→AccountName');
    expect(text).toContain('  spl/sysmon_linux   CommandLine, CurrentDirectory, Host→host, Image, ParentImage, User');
    expect(text).toContain('  approved_build_hosts (exact, rules/allowlists/approved-build-hosts.allowlist.yml): suppresses events whose Host is listed');
    expect(text).toMatch(/score {2}10 {2}critical +alert {2}temp_context \+ no_cache \+ remote_definition \+ shell_parent/);
    expect(text).toMatch(/score {3}2 {2}low +risk {3}shell_parent/);
    expect(text).not.toMatch(/score {3}1 /);
  });
  it('--format json', async () => {
    const io = captureIo();
    expect(await run(['explain', 'docker-build-risk', '--format', 'json'], io)).toBe(0);
    const e = JSON.parse(io.stdout.join('')) as { combinations: { tier: string; signals: string[] }[] };
    expect(e.combinations.find((c) => c.signals.join() === 'shell_parent')?.tier).toBe('low');
    expect(e.combinations).toHaveLength(14);
    expect((e as unknown as { telemetry: { profile: string; runs: boolean }[] }).telemetry.map((t) => `${t.profile}:${t.runs}`)).toEqual([
      'spl/cim:true',
      'spl/sysmon_linux:true',
      'kql/asim:true',
      'kql/defender:true',
      'kql/sentinel:true',
      'sigma/taxonomy:true',
    ]);
  });
  it('an unknown rule is a usage error naming the known ones', async () => {
    const io = captureIo();
    expect(await run(['explain', 'nope'], io)).toBe(2);
    expect(io.stderr).toEqual(['t1612:1:1: error: no rule named "nope" under rules/ (use one of: an1261-build-egress-deploy, an1317-desktop-pull-egress, build-egress-untrusted, build-on-unapproved-host, container-run-or-deploy, det0459-build-then-run, docker-api-build, docker-build-risk, docker-escape-ready-run, dockerfile-in-temp, k8s-pod-create, unexpected-registry-or-entrypoint, user-action-launch)']);
  });
});

describe('the installed command (bin/t1612 over dist/)', () => {
  it('runs, finds its templates, and prints help with examples', () => {
    expect(existsSync('dist/src/cli/main.js'), 'run `npm run build` (npm ci does it through prepare)').toBe(true);
    const help = spawnSync(process.execPath, ['bin/t1612', '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Examples:');
    const out = tmp();
    const r = spawnSync(process.execPath, ['bin/t1612', 'compile', '--out', out], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status).toBe(0);
    expect(readFileSync(join(out, 'kql/defender/docker-build-risk.kql'), 'utf8')).toBe(readFileSync('dist-queries/kql/defender/docker-build-risk.kql', 'utf8'));
    const bad = spawnSync(process.execPath, ['bin/t1612', 'frobnicate'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).not.toContain('    at ');
  });
});
