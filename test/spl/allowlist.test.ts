/**
 * Allowlists in Splunk (src/backends/spl/allowlist.ts): the `<rule>_allowlist` macro, where the query
 * calls it, transforms.conf and the lookup CSVs (exact text), that everything `compile` writes parses
 * as Splunk reads it, and that the emitted text with its lookups agrees with the IR on events whose
 * values are, are not, or look like list entries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/compile.js';
import { compileRule, type CanonicalEvent } from '../../src/ir/evaluate.js';
import type { RuleIR } from '../../src/ir/nodes.js';
import type { Allowlist } from '../../src/model/allowlist.js';
import { irViewOf } from '../../src/testing/run.js';
import { viewFor } from '../../src/backends/types.js';
import { allowlistMacro, lookupCsv, renderLookups } from '../../src/backends/spl/allowlist.js';
import { parseConf } from '../../src/backends/spl/conf.js';
import { csvCell } from '../../src/backends/csv.js';
import { macrosFromShared, splEvaluator } from '../../src/backends/spl/evaluate.js';
import { parseCsv } from '../../src/backends/csv.js';
import { sysmonLinux } from '../../src/backends/spl/profiles.js';
import { splRow } from '../../src/backends/spl/rows.js';
import { buildEventArb } from '../support/build-events.js';
import { bundledRule, bundledRules } from '../support/rules.js';

const FOLDER = `spl/${sysmonLinux.id}/`;
const dockerBuildRisk = bundledRule('docker-build-risk');
const egress = bundledRule('build-egress-untrusted');

function sharedOf(irs: readonly RuleIR[]) {
  return compileRules(irs, { targets: ['spl'], profiles: [sysmonLinux.id] }).files;
}
function fileOf(irs: readonly RuleIR[], name: string): string | undefined {
  return sharedOf(irs).find((f) => f.path === `${FOLDER}${name}`)?.content;
}

/** The rule's emitted SPL, compiled with its profile's shared files, beside the IR's own evaluation. */
function pairOf(ir: RuleIR) {
  const view = viewFor(sysmonLinux, ir.logsource.category)!;
  const files = sharedOf([ir]);
  const query = files.find((f) => f.path === `${FOLDER}${ir.name}.spl`)!;
  const spl = splEvaluator.compile(query, files.filter((f) => f.path.startsWith(FOLDER) && f !== query), view);
  const oracle = compileRule(ir, irViewOf(view));
  return {
    query,
    /** Both ways of writing absent values, then the IR, as [placeholder, null, ir] outcomes. */
    outcomes(event: CanonicalEvent): string[] {
      const target = (['placeholder', 'null'] as const).map((absent) => {
        const [r, ...more] = spl.run([splRow(event, view, { absent })]);
        if (more.length) throw new Error('more than one result for one event');
        return r ? `${r.tier}/${r.score}` : 'none';
      });
      const ir = oracle.evaluate(event);
      return [...target, ir.matched ? `${ir.tier}/${ir.score}` : 'none'];
    },
  };
}

describe('the <rule>_allowlist macro', () => {
  it('docker-build-risk: a lookup per suppressed field, then the suppression (exact text, one line)', () => {
    const m = macrosFromShared(sharedOf([dockerBuildRisk])).get('docker_build_risk_allowlist')!;
    expect(m.definition).toBe(
      'lookup t1612_approved_build_hosts value AS host OUTPUT value AS t1612_al_approved_build_hosts_Host' +
        ' | lookup t1612_ci_service_accounts value AS User OUTPUT value AS t1612_al_ci_service_accounts_User' +
        ' | where NOT (isnotnull(t1612_al_approved_build_hosts_Host) OR isnotnull(t1612_al_ci_service_accounts_User))',
    );
    expect(m.iseval).toBe(false);
  });
  it('build-egress-untrusted: the lookup its listed predicate reads, and no suppression', () => {
    const m = macrosFromShared(sharedOf([egress])).get('build_egress_untrusted_allowlist')!;
    expect(m.definition).toBe('lookup t1612_approved_registries value AS DestinationHostname OUTPUT value AS t1612_al_approved_registries_DestinationHostname');
  });
  it('the macro sits beside the customer _filter macro, which stays search *', () => {
    const conf = parseConf(fileOf([dockerBuildRisk], 'macros.conf')!);
    expect(conf.get('docker_build_risk_filter')!.get('definition')).toBe('search *');
    expect(conf.get('docker_build_risk_allowlist')!.get('description')).toBe(
      'Allowlist lookups for docker-build-risk (approved_build_hosts, ci_service_accounts); generated from the allowlist files, so edit those and recompile rather than this macro.',
    );
  });
  it('the query calls it right after the normalising eval, before the where of match', () => {
    const lines = pairOf(dockerBuildRisk).query.content.split('\n');
    const at = lines.indexOf('| `docker_build_risk_allowlist`');
    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]).toMatch(/^\| eval CommandLine=case\(isnull\(CommandLine\), "", /);
    expect(lines[at - 1]).toContain('host=case(isnull(host), "", host=="-", "", true(), host)');
    expect(lines[at - 1]).toContain('User=case(isnull(User), "", User=="-", "", true(), User)');
    expect(lines[at + 1]).toMatch(/^\| where /);
    expect(lines[lines.length - 2]).toBe('| `docker_build_risk_filter`');
  });
  it('a rule that reads no list has no macro and no call', () => {
    const plain = bundledRule('dockerfile-in-temp');
    expect(plain.lists).toEqual([]);
    expect(pairOf(plain).query.content).not.toContain('_allowlist');
    expect(macrosFromShared(sharedOf([plain])).has('dockerfile_in_temp_allowlist')).toBe(false);
  });
  it('a profile that carries none of the fields gets search *, so the query reads the same', () => {
    expect(allowlistMacro(dockerBuildRisk, {})!.definition).toBe('search *');
    expect(allowlistMacro(dockerBuildRisk, { User: 'user' })!.definition).toBe(
      'lookup t1612_ci_service_accounts value AS user OUTPUT value AS t1612_al_ci_service_accounts_User | where NOT (isnotnull(t1612_al_ci_service_accounts_User))',
    );
  });
  it('a field name that is not a plain word is double-quoted in the lookup command', () => {
    expect(allowlistMacro(dockerBuildRisk, { User: '1user' })!.definition).toContain('value AS "1user" OUTPUT');
  });
});

describe('transforms.conf and lookups/*.csv', () => {
  it('transforms.conf: one stanza per list a rule reads, sorted, with the provenance header (exact text)', () => {
    expect(fileOf([dockerBuildRisk, egress], 'transforms.conf')).toBe(
      [
        '# Generated by `t1612 compile`. Do not edit: change the rule and run `npx t1612 compile`.',
        '# One CSV lookup per allowlist the rules read; the lists themselves are the allowlist files named below.',
        '',
        '# rules/allowlists/approved-build-hosts.allowlist.yml (exact match)',
        '[t1612_approved_build_hosts]',
        'filename = t1612_approved_build_hosts.csv',
        'case_sensitive_match = false',
        'max_matches = 1',
        '',
        '# rules/allowlists/approved-registries.allowlist.yml (domain match)',
        '[t1612_approved_registries]',
        'filename = t1612_approved_registries.csv',
        'case_sensitive_match = false',
        'max_matches = 1',
        'match_type = WILDCARD(value)',
        '',
        '# rules/allowlists/ci-service-accounts.allowlist.yml (exact match)',
        '[t1612_ci_service_accounts]',
        'filename = t1612_ci_service_accounts.csv',
        'case_sensitive_match = false',
        'max_matches = 1',
        '',
      ].join('\n'),
    );
  });
  it('only the lists some rule reads: none without lists, one for the egress rule', () => {
    expect(sharedOf([bundledRule('dockerfile-in-temp')]).map((f) => f.path)).toEqual([`${FOLDER}dockerfile-in-temp.spl`, `${FOLDER}macros.conf`]);
    expect(sharedOf([egress]).map((f) => f.path).filter((p) => !p.endsWith('.spl'))).toEqual([`${FOLDER}lookups/t1612_approved_registries.csv`, `${FOLDER}macros.conf`, `${FOLDER}transforms.conf`]);
  });
  const list = (match: 'exact' | 'domain'): Allowlist => ({
    name: 'test_list',
    description: 'A list for tests.',
    match,
    file: 'rules/allowlists/test-list.allowlist.yml',
    entries: [
      { value: 'ci-runner-01', reason: 'Plain reason.', owner: 'ci-platform' },
      { value: 'Example.COM', reason: 'Has a comma, and "quotes".', owner: ' padded owner', expires: '2027-06-30' },
      { value: 'x', reason: 'Two\nlines', owner: 'o' },
    ],
  });
  it('the CSV of an exact list: header value,reason,owner,expires, quoted where RFC 4180 needs it (exact text)', () => {
    expect(lookupCsv(list('exact'))).toBe(
      'value,reason,owner,expires\n' +
        'ci-runner-01,Plain reason.,ci-platform,\n' +
        'Example.COM,"Has a comma, and ""quotes"".","' + ' padded owner",2027-06-30\n' +
        'x,"Two\nlines",o,\n',
    );
  });
  it('the CSV of a domain list: a *.<entry> row after each entry (exact text), and it reads back', () => {
    const csv = lookupCsv(list('domain'));
    expect(csv.split('\n').slice(0, 4)).toEqual(['value,reason,owner,expires', 'ci-runner-01,Plain reason.,ci-platform,', '*.ci-runner-01,Plain reason.,ci-platform,', 'Example.COM,"Has a comma, and ""quotes"".","' + ' padded owner",2027-06-30']);
    expect(parseCsv(csv, 'x.csv').map((r) => r[0])).toEqual(['value', 'ci-runner-01', '*.ci-runner-01', 'Example.COM', '*.Example.COM', 'x', '*.x']);
    expect(parseCsv(csv, 'x.csv')[3]).toEqual(['Example.COM', 'Has a comma, and "quotes".', ' padded owner', '2027-06-30']);
  });
  it('csvCell quotes commas, quotes, line breaks and edge blanks only', () => {
    expect(['plain', 'a,b', 'say "hi"', 'a\r\nb', ' lead', 'trail ', 'mid space', ''].map(csvCell)).toEqual(['plain', '"a,b"', '"say ""hi"""', '"a\r\nb"', '" lead"', '"trail "', 'mid space', '']);
  });
  it('the bundled lists: every entry once, a domain list twice (entry and *.entry), in file order', () => {
    const files = sharedOf(bundledRules().irs);
    for (const l of dockerBuildRisk.lists.concat(egress.lists)) {
      const rows = parseCsv(files.find((f) => f.path === `${FOLDER}lookups/t1612_${l.name}.csv`)!.content, l.name);
      expect(rows[0]).toEqual(['value', 'reason', 'owner', 'expires']);
      expect(rows.slice(1).map((r) => r[0])).toEqual(l.entries.flatMap((e) => (l.match === 'domain' ? [e.value, `*.${e.value}`] : [e.value])));
      expect(rows.slice(1).map((r) => r.slice(1))).toEqual(l.entries.flatMap((e) => Array(l.match === 'domain' ? 2 : 1).fill([e.reason, e.owner, e.expires ?? ''])));
    }
  });
  it('renderLookups is deterministic: the same files whatever the order of the rules', () => {
    const irs = bundledRules().irs;
    expect(renderLookups([...irs].reverse(), sysmonLinux)).toEqual(renderLookups(irs, sysmonLinux));
  });
});

describe('what compile writes for Splunk parses as Splunk reads it', () => {
  const files = compileRules(bundledRules().irs, { targets: ['spl'] }).files;
  it('every .conf file parses (conf.ts); macro definitions are one line; every lookup has its CSV', () => {
    const confs = files.filter((f) => f.path.endsWith('.conf'));
    expect(confs.map((f) => f.path).sort()).toEqual(['spl/cim/macros.conf', 'spl/cim/transforms.conf', 'spl/sysmon_linux/macros.conf', 'spl/sysmon_linux/transforms.conf']);
    for (const f of confs) {
      const conf = parseConf(f.content, f.path);
      for (const [stanza, kv] of conf) {
        for (const v of kv.values()) expect(v, `${f.path} [${stanza}]`).not.toContain('\n');
        const filename = kv.get('filename');
        if (filename !== undefined) expect(files.some((x) => x.path === f.path.replace(/transforms\.conf$/, `lookups/${filename}`)), filename).toBe(true);
      }
    }
  });
  it('every CSV has the four columns on every row; only CSVs go without a provenance comment', () => {
    for (const f of files.filter((x) => x.path.endsWith('.csv'))) {
      const rows = parseCsv(f.content, f.path);
      for (const r of rows) expect(r, f.path).toHaveLength(4);
      expect(f.content.startsWith('value,reason,owner,expires\n'), f.path).toBe(true);
    }
    for (const f of files.filter((x) => !x.path.endsWith('.csv'))) expect(f.content, f.path).toMatch(/Generated by .t1612 compile./);
  });
});

// ---------------------------------------------------------------------------------------------
// The emitted text and its lookups agree with the IR (both ways of writing absent values).

/** A value in some ASCII case mix (and one non-ASCII look-alike), as telemetry may write it. */
const cased = (v: string): fc.Arbitrary<string> =>
  fc.constantFrom(v, v.toUpperCase(), [...v].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join(''), v.replace(/k/g, '\u212A'));

describe('docker-build-risk: suppression by approved host and CI account', () => {
  const pair = pairOf(dockerBuildRisk);
  const build = { Image: '/usr/bin/docker', CommandLine: 'docker build --no-cache -t x /tmp/ctx', ParentImage: '/bin/bash' };
  it.each([
    ['an approved host', { Host: 'ci-runner-01' }, 'none'],
    ['an approved host in upper case', { Host: 'CI-RUNNER-02' }, 'none'],
    ['an approved host with a suffix is not approved', { Host: 'ci-runner-01.example' }, 'high/6'],
    ['a host list is exact: no subdomains', { Host: 'x.image-factory' }, 'high/6'],
    ['a CI account', { User: 'jenkins' }, 'none'],
    ['a CI account in mixed case', { User: 'GitLab-Runner' }, 'none'],
    ['an account that is not listed', { User: 'jenkins2' }, 'high/6'],
    ['an absent host and user (placeholder or NULL)', {}, 'high/6'],
    ['empty host and user', { Host: '', User: '' }, 'high/6'],
    ['the placeholder itself', { Host: '-', User: '-' }, 'high/6'],
  ] as const)('%s', (_n, extra, outcome) => {
    expect(pair.outcomes({ ...build, ...extra })).toEqual([outcome, outcome, outcome]);
  });
  it('property: 1,000 build events with listed, look-alike and absent hosts and users', () => {
    const hostArb = fc.option(fc.oneof(fc.constantFrom('ci-runner-01', 'ci-runner-02', 'image-factory', 'dev-07', '', '-', 'ci-runner-01.corp', 'ci-runner-1').chain(cased), fc.string({ maxLength: 4 })), { nil: undefined });
    const userArb = fc.option(fc.oneof(fc.constantFrom('gitlab-runner', 'jenkins', 'root', '', '-', 'jenkins ').chain(cased), fc.string({ maxLength: 4 })), { nil: undefined });
    fc.assert(
      fc.property(buildEventArb, hostArb, userArb, (event, host, user) => {
        const e: CanonicalEvent = { ...event, ...(host !== undefined ? { Host: host } : {}), ...(user !== undefined ? { User: user } : {}) };
        const [placeholder, nul, ir] = pair.outcomes(e);
        expect([placeholder, nul], JSON.stringify(e)).toEqual([ir, ir]);
      }),
      { seed: 0x1612a, numRuns: 1000 },
    );
  });
});

describe('build-egress-untrusted: public addresses (cidrmatch), approved registries (lookup), ports (==)', () => {
  const pair = pairOf(egress);
  const base = { Image: '/usr/bin/dockerd', DestinationIp: '45.33.32.156', DestinationPort: '443' };
  it.each([
    ['an unknown registry', { DestinationHostname: 'registry.evil.example' }, 'low/2'],
    ['an approved registry', { DestinationHostname: 'ghcr.io' }, 'none'],
    ['a subdomain of an approved registry, any case', { DestinationHostname: 'Registry-1.DOCKER.io' }, 'none'],
    ['a look-alike that only ends with the entry', { DestinationHostname: 'evildocker.io' }, 'low/2'],
    ['an entry followed by more labels', { DestinationHostname: 'docker.io.evil.example' }, 'low/2'],
    ['no host name: by IP', {}, 'medium/3'],
    ['the Docker API port', { DestinationHostname: 'build.evil.example', DestinationPort: '2375' }, 'high/4'],
    ['a private address', { DestinationIp: '10.1.2.3', DestinationHostname: 'x.example' }, 'none'],
    ['a public IPv6 address', { DestinationIp: '2606:4700:4700::1111' }, 'medium/3'],
    ['an IPv4-mapped IPv6 address', { DestinationIp: '::ffff:45.33.32.156' }, 'none'],
    ['not an address', { DestinationIp: 'evil.example' }, 'none'],
  ] as const)('%s', (_n, extra, outcome) => {
    expect(pair.outcomes({ ...base, ...extra })).toEqual([outcome, outcome, outcome]);
  });
  it('property: 2,000 connection events agree with the IR', () => {
    const entries = egress.lists[0]!.entries.map((e) => e.value);
    const hostnameArb = fc.oneof(
      fc.tuple(fc.constantFrom('', 'registry-1.', 'a.b.', '.', 'x', 'evil'), fc.constantFrom(...entries, 'docker.co', 'k8s.io').chain(cased), fc.constantFrom('', '.', '.evil.example', ' ')).map(([a, b, c]) => `${a}${b}${c}`),
      fc.constantFrom('', '-', 'payload.evil.example'),
    );
    const eventArb = fc.record(
      {
        Image: fc.constantFrom('/usr/bin/dockerd', '/usr/bin/containerd', '/usr/local/bin/buildkitd', '/usr/bin/curl', '-', ''),
        DestinationIp: fc.constantFrom('45.33.32.156', '1.1.1.1', '10.0.0.1', '100.64.0.1', '169.254.169.254', '2606:4700:4700::1111', 'fe80::1', 'fd00::1', '::ffff:45.33.32.156', '::1', '010.0.0.1', '1.2.3', 'evil.example', '', '-'),
        DestinationHostname: hostnameArb,
        DestinationPort: fc.constantFrom('443', '2375', '2376', '02375', '23750', 'abc', '', '-'),
        Host: fc.constantFrom('dev-07', 'ci-runner-01', '-'),
        User: fc.constantFrom('root', 'jenkins', ''),
      },
      { requiredKeys: [] },
    );
    const seen = new Set<string>();
    fc.assert(
      fc.property(eventArb, (e) => {
        const [placeholder, nul, ir] = pair.outcomes(e);
        expect([placeholder, nul], JSON.stringify(e)).toEqual([ir, ir]);
        seen.add(ir!.replace(/\/.*/, ''));
      }),
      { seed: 0x1612b, numRuns: 2000 },
    );
    expect([...seen].sort()).toEqual(['high', 'low', 'medium', 'none']);
  });
});
