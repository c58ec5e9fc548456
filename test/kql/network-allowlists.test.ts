/**
 * The KQL output for allowlists (let lists, Sentinel watchlists, domain regexes, suppressions) and for
 * network rules (DeviceNetworkEvents rows, address ranges, ports), executed by the KQL evaluator and
 * compared with the IR: rules/build-egress-untrusted.tests.yml and rules/docker-build-risk's
 * suppressions on both profiles, hand-written edge cases, a seeded property, the emitted text's shape
 * and the watchlist CSVs. The KQL behaviours relied on are pinned in test/conformance/kql.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompiledQuery } from '../../src/backends/evaluation.js';
import { kqlEvaluator, KqlQueryError, rustRegexTester } from '../../src/backends/kql/evaluate.js';
import { renderKql, renderKqlWatchlists } from '../../src/backends/kql/index.js';
import { defender as defenderBase, kqlProfiles, sentinel as sentinelBase, type KqlProfile } from '../../src/backends/kql/profiles.js';
import { kqlRow } from '../../src/backends/kql/rows.js';
import { DEVICE_TABLE_COLUMNS } from '../../src/backends/kql/tables.js';
import { domainListRegex, watchlistCsv } from '../../src/backends/kql/watchlists.js';
import { csvRecords } from '../../src/backends/csv.js';
const parseCsv = (text: string) => csvRecords(text, 'watchlist.csv');
import { viewFor, type EmittedFile, type ProfileView } from '../../src/backends/types.js';
import { compileRules } from '../../src/compile.js';
import { compileRule, type CanonicalEvent, type CompiledRule } from '../../src/ir/evaluate.js';
import type { RuleIR } from '../../src/ir/nodes.js';
import { listMatches } from '../../src/model/allowlist.js';
import type { CanonicalField } from '../../src/model/types.js';
import { loadTestFile } from '../../src/testing/cases.js';
import { UnsupportedConstruct } from '../../src/backends/evaluation.js';
import { bundledRule, bundledRules } from '../support/rules.js';
import { formatKqlDiagnostics, kqlDiagnostics, schemaTables } from '../support/kusto.js';

const egress = bundledRule('build-egress-untrusted');
const buildRisk = bundledRule('docker-build-risk');

interface Pair {
  readonly profile: ProfileView<KqlProfile>;
  readonly oracle: CompiledRule;
  readonly kql: CompiledQuery;
  readonly text: string;
  readonly shared: readonly EmittedFile[];
}

/** Compiles the rule for the profile as `t1612 test` does: the query with its folder's shared files. */
function pairFor(ir: RuleIR, base: KqlProfile): Pair {
  const profile = viewFor(base, ir.logsource.category)!;
  const out = compileRules([ir], { targets: ['kql'], profiles: [base.id] });
  const query = out.files.find((f) => f.path === `kql/${base.id}/${ir.name}.kql`)!;
  const shared = out.files.filter((f) => f !== query);
  return {
    profile,
    oracle: compileRule(ir, { availableFields: new Set(Object.keys(profile.fields) as CanonicalField[]), placeholders: profile.placeholders }),
    kql: kqlEvaluator.compile(query, shared, profile),
    text: query.content,
    shared,
  };
}

type Seen = { matched: boolean; score: number | null; tier: string | null; signals: readonly string[] | null };

function kqlSeen(p: Pair, e: CanonicalEvent, q: CompiledQuery = p.kql): Seen {
  const r = q.run([kqlEvaluator.toRow(e, p.profile)]);
  expect(r.length).toBeLessThanOrEqual(1);
  if (!r[0]) return { matched: false, score: null, tier: null, signals: null };
  return { matched: true, score: r[0].score ?? Number.NaN, tier: r[0].tier, signals: Object.entries(r[0].signals ?? {}).filter(([, v]) => v).map(([k]) => k) };
}

function irSeen(p: Pair, e: CanonicalEvent): Seen {
  const r = p.oracle.evaluate(e);
  return r.matched ? { matched: true, score: r.score, tier: r.tier, signals: r.signals } : { matched: false, score: null, tier: null, signals: null };
}

function expectAgree(p: Pair, e: CanonicalEvent): Seen {
  const ir = irSeen(p, e);
  expect(kqlSeen(p, e), `${p.profile.id}: ${JSON.stringify(e)}`).toEqual(ir);
  return ir;
}

const pairs = {
  egress: kqlProfiles.map((p) => pairFor(egress, p)),
  buildRisk: kqlProfiles.map((p) => pairFor(buildRisk, p)),
};

/** The pair of one bundled profile. */
function pairOf(list: readonly Pair[], id: string): Pair {
  const p = list.find((x) => x.profile.id === id);
  if (!p) throw new Error(`no pair for profile ${id}`);
  return p;
}

// ---------------------------------------------------------------------------------------------

describe('rows.ts: the DeviceNetworkEvents row of a connection', () => {
  it('DeviceFileEvents and DeviceNetworkEvents columns equal ../shared/reference/defender-tables.json', () => {
    for (const set of ['defender', 'sentinel'] as const)
      for (const table of ['DeviceFileEvents', 'DeviceNetworkEvents'])
        expect(DEVICE_TABLE_COLUMNS[set][table]!.map(([n, t]) => [n, t]), `${set}.${table}`).toEqual(Object.entries(schemaTables(set)[table]!));
  });
  const deviceProfiles = kqlProfiles.flatMap((p) => (p.schemaSet === 'asim' ? [] : [[p.id, viewFor(p, 'network_connection')!, p.schemaSet] as const]));
  it.each(deviceProfiles)('%s: strings as given, RemotePort an int, ActionType and InitiatingProcessFileName known', (_id, profile, set) => {
    const row = kqlRow({ Image: '/usr/bin/dockerd', ParentImage: '/usr/bin/runc', DestinationIp: '45.33.32.156', DestinationHostname: 'Registry.Example', DestinationPort: '443', Host: 'h1' }, profile);
    expect(Object.keys(row)).toEqual(DEVICE_TABLE_COLUMNS[set].DeviceNetworkEvents!.map(([n]) => n));
    expect(row).toMatchObject({ RemoteIP: '45.33.32.156', RemoteUrl: 'Registry.Example', RemotePort: 443, ActionType: 'ConnectionSuccess', InitiatingProcessFolderPath: '/usr/bin/dockerd', InitiatingProcessFileName: 'dockerd', InitiatingProcessParentFileName: '/usr/bin/runc', DeviceName: 'h1', LocalPort: null });
    expect(row).not.toHaveProperty('FileName');
    if (profile.schemaSet === 'sentinel') expect(row.Type).toBe('DeviceNetworkEvents');
  });
  it('RemotePort: the model\'s whole number (plain decimal) that fits an int gives the number; anything else is null', () => {
    const port = (p: string | null | undefined) => kqlRow({ DestinationPort: p } as CanonicalEvent, viewFor(defenderBase, 'network_connection')!).RemotePort;
    expect([port('2375'), port('0'), port('2147483647')]).toEqual([2375, 0, 2147483647]);
    for (const p of ['', '-', 'https', ' 443', '443 ', '+443', '4.43', '02375', '00', '2147483648', '1234567890123456', null, undefined]) expect(port(p), JSON.stringify(p)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------

describe('rules/build-egress-untrusted.tests.yml through the emitted KQL', () => {
  const { tests, diagnostics } = loadTestFile('rules/build-egress-untrusted.tests.yml', bundledRules().irs);
  it('loads', () => {
    expect(diagnostics).toEqual([]);
    expect(tests!.cases.length).toBeGreaterThan(10);
  });
  for (const p of pairs.egress)
    describe(p.profile.id, () => {
      it.each(tests!.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
        const expected = c.expectByProfile?.[p.profile.id] ?? c.expect;
        const seen = expectAgree(p, c.event);
        expect({ matched: seen.matched, score: seen.matched ? seen.score : 0, tier: seen.tier }).toEqual({ matched: expected.matched, score: expected.score, tier: expected.tier ?? null });
      });
    });
});

/** Destination addresses: the model's IPv4 and IPv6, every non-public range, and text engines read differently. */
const ADDRESSES = [
  '45.33.32.156', '8.8.8.8', '10.1.2.3', '172.16.0.1', '172.32.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '100.128.0.1', '0.0.0.0',
  '255.255.255.255', '224.0.0.1', '198.18.0.1', '203.0.113.9', '2606:4700:4700::1111', '2a05:d014::10', 'FE80::1', 'fd12:3456:789a::10', '::1', '::', '2001:db8::1',
  '3fff::1', '4000::1', 'ff02::1', '64:ff9b::1.2.3.4', '64:ff9b:1::1', '::ffff:45.33.32.156', '::FFFF:10.0.0.1',
  // not addresses in the model; an engine may still read some of them
  '10.1.2.3/24', '2606:4700::1/64', '010.0.0.1', '10.1', ' 45.33.32.156', '45.33.32.156\n', '2606:4700::1%eth0', '[2606:4700::1]', '1::2::3', '', '-', 'example.com', '45.33.32.256',
];
const HOSTS = [
  'registry-1.docker.io', 'docker.io', 'DOCKER.IO', 'evildocker.io', 'docker.io.evil.example', 'x.docker.io\n', 'a\nb.docker.io', '.docker.io', 'docker.io.', 'ghcr.io',
  'pkg-containers.githubusercontent.com', 'githubusercontent.com', 'mcr.microsoft.com', 'microsoft.com', 'production.cloudflare.docker.com', 'registry.k8s.io', 'k8s.io',
  'doc\u212aer.io', 'quay.io', 'quay-io', 'quayxio', 'evil.example', '', '-',
];
const PORTS = ['443', '2375', '2376', '02375', '2375 ', '', '-', '99999999999', '65536', '0'];

const networkEvents: fc.Arbitrary<CanonicalEvent> = fc
  .record({
    Image: fc.constantFrom('/usr/bin/dockerd', '/usr/bin/containerd', '/usr/bin/buildkitd', '/usr/bin/curl', 'C:\\Docker\\com.docker.backend', '/usr/bin/DOCKERD', ''),
    ParentImage: fc.option(fc.constantFrom('/usr/bin/runc', 'runc', 'containerd-shim-runc-v2', '/usr/bin/conmon', '/bin/bash', ''), { nil: undefined }),
    DestinationIp: fc.option(fc.constantFrom(...ADDRESSES), { nil: undefined, freq: 12 }),
    DestinationHostname: fc.option(fc.constantFrom(...HOSTS), { nil: undefined, freq: 6 }),
    DestinationPort: fc.option(fc.constantFrom(...PORTS), { nil: undefined, freq: 8 }),
    Host: fc.constantFrom('dev-07', 'ci-runner-01'),
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as CanonicalEvent);

describe('build-egress-untrusted: hand-written connections agree with the IR on both profiles', () => {
  for (const p of pairs.egress) {
    it(`${p.profile.id}: every destination address, host name and port`, () => {
      const base = { Image: '/usr/bin/dockerd', DestinationHostname: 'evil.example', DestinationPort: '443' };
      for (const ip of ADDRESSES) expectAgree(p, { ...base, DestinationIp: ip });
      for (const host of HOSTS) expectAgree(p, { ...base, DestinationIp: '45.33.32.156', DestinationHostname: host });
      for (const port of PORTS) expectAgree(p, { ...base, DestinationIp: '45.33.32.156', DestinationPort: port });
    });
    it(`${p.profile.id}: text an engine may read as an address but the model does not is never public`, () => {
      for (const ip of ['10.1.2.3/24', '45.33.32.156/32', '2606:4700::1/64', '2606:4700::1%eth0', '010.0.0.1', '45.033.32.156', ' 45.33.32.156'])
        expect(kqlSeen(p, { Image: '/usr/bin/dockerd', DestinationIp: ip }).matched, ip).toBe(false);
      expect(kqlSeen(p, { Image: '/usr/bin/dockerd', DestinationIp: '45.33.32.156' }).matched).toBe(true);
    });
  }
  it('a property over generated connections (fixed seed, 1,500 runs): matched, score, tier and signals equal', () => {
    let matched = 0;
    fc.assert(
      fc.property(networkEvents, (e) => {
        for (const p of pairs.egress) if (expectAgree(p, e).matched) matched++;
      }),
      { seed: 1612, numRuns: 1500 },
    );
    expect(matched).toBeGreaterThan(200);
  });
});

// ---------------------------------------------------------------------------------------------

describe('allowlists in the emitted text', () => {
  const defenderRisk = pairOf(pairs.buildRisk, 'defender');
  const sentinelRisk = pairOf(pairs.buildRisk, 'sentinel');
  const asimRisk = pairOf(pairs.buildRisk, 'asim');
  it('defender: a let dynamic per exact list, after the header and before the table', () => {
    const lines = defenderRisk!.text.split('\n');
    expect(lines[0]).toMatch(/^\/\/ Generated by/);
    expect(lines.slice(2, 5)).toEqual([
      'let t1612_allowlist_approved_build_hosts = dynamic(["ci-runner-01", "ci-runner-02", "image-factory"]);',
      'let t1612_allowlist_ci_service_accounts = dynamic(["gitlab-runner", "jenkins"]);',
      'DeviceProcessEvents',
    ]);
  });
  it('sentinel and asim: exact lists are read from watchlists', () => {
    expect(sentinelRisk!.text.split('\n').slice(2, 5)).toEqual([
      'let t1612_allowlist_approved_build_hosts = _GetWatchlist("approved_build_hosts") | project SearchKey;',
      'let t1612_allowlist_ci_service_accounts = _GetWatchlist("ci_service_accounts") | project SearchKey;',
      'DeviceProcessEvents',
    ]);
    expect(asimRisk.text.split('\n').slice(2, 5)).toEqual([
      'let t1612_allowlist_approved_build_hosts = _GetWatchlist("approved_build_hosts") | project SearchKey;',
      'let t1612_allowlist_ci_service_accounts = _GetWatchlist("ci_service_accounts") | project SearchKey;',
      '_Im_ProcessCreate()',
    ]);
  });
  it('suppressions are one `where not(…)` each, first after the table (and the placeholders\' extend, where a profile has one), right before the match `where`', () => {
    for (const p of pairs.buildRisk) {
      const all = p.text.split('\n').filter((l) => l.startsWith('| '));
      expect(all[0]!.startsWith('| extend '), p.profile.id).toBe(p.profile.placeholders.length > 0);
      const stages = all.slice(p.profile.placeholders.length > 0 ? 1 : 0);
      const { Host, User, Image } = p.profile.fields;
      expect(stages.slice(0, 2), p.profile.id).toEqual([`| where not(${Host} in~ (t1612_allowlist_approved_build_hosts))`, `| where not(${User} in~ (t1612_allowlist_ci_service_accounts))`]);
      expect(stages[2]!.startsWith(`| where (${Image} matches regex`), p.profile.id).toBe(true);
    }
  });
  it('a domain list is a let regex on every profile (a watchlist matches exact values only), read with matches regex', () => {
    for (const p of pairs.egress) {
      expect(p.text).toContain(`let t1612_allowlist_approved_registries = @"^(?:[^.]*\\.)*(?:[dD][oO][cC][kK][eE][rR]\\.[iI][oO]|`);
      expect(p.text).toMatch(new RegExp(`not\\(\\(?${p.profile.fields.DestinationHostname} matches regex t1612_allowlist_approved_registries\\)?\\)`));
      expect(p.text).not.toContain('_GetWatchlist');
    }
  });
  it('every emitted query with lists analyses cleanly with Kusto.Language on its schema set', () => {
    for (const p of [...pairs.buildRisk, ...pairs.egress]) {
      const errors = kqlDiagnostics(p.text, p.profile.schemaSet);
      expect(errors, formatKqlDiagnostics(p.text, errors)).toEqual([]);
    }
  });
  it('allowlistSource overrides the default: let lists on a Sentinel profile, and no CSVs', () => {
    const letSentinel: KqlProfile = { ...sentinelBase, id: 'sentinel_let', allowlistSource: 'let' };
    const r = renderKql(buildRisk, letSentinel);
    expect(r.files[0]!.content).toContain('let t1612_allowlist_ci_service_accounts = dynamic(["gitlab-runner", "jenkins"]);');
    expect(kqlDiagnostics(r.files[0]!.content, 'sentinel')).toEqual([]);
    expect(renderKqlWatchlists([buildRisk], letSentinel)).toEqual([]);
  });
  it('watchlists on a schema set without _GetWatchlist (Defender) are an error naming the fix, and nothing is written', () => {
    const bad: KqlProfile = { ...defenderBase, id: 'defender_wl', allowlistSource: 'watchlist' };
    const r = renderKql(buildRisk, bad);
    expect(r.files).toEqual([]);
    expect(r.diagnostics).toMatchObject([{ severity: 'error', code: 'allowlist-source', hint: 'set allowlistSource: let in the profile' }]);
    expect(renderKqlWatchlists([buildRisk], bad)).toEqual([]);
    // A rule without exact lists is unaffected.
    expect(renderKql(egress, bad).files).toHaveLength(1);
  });
});

describe('watchlist CSVs (renderShared)', () => {
  const out = compileRules(bundledRules().irs, { targets: ['kql'] });
  const csvs = out.files.filter((f) => f.path.endsWith('.csv'));
  it('sentinel and asim only, one per exact list a query reads (no CSV for the domain list)', () =>
    expect(csvs.map((f) => f.path).sort()).toEqual([
      'kql/asim/watchlists/approved_build_hosts.csv',
      'kql/asim/watchlists/ci_service_accounts.csv',
      'kql/sentinel/watchlists/approved_build_hosts.csv',
      'kql/sentinel/watchlists/ci_service_accounts.csv',
    ]));
  it('SearchKey,reason,owner,expires; the values as written; RFC 4180 quoting reads back', () => {
    const list = bundledRules().lists.get('approved_build_hosts')!;
    const text = csvs.find((f) => f.path.endsWith('/approved_build_hosts.csv'))!.content;
    expect(text).toBe(watchlistCsv(list));
    expect(text.split('\n')[0]).toBe('SearchKey,reason,owner,expires');
    expect(parseCsv(text)).toEqual(list.entries.map((e) => ({ SearchKey: e.value, reason: e.reason, owner: e.owner, expires: e.expires ?? '' })));
  });
  it('quotes, commas, blanks at the ends and line breaks in a reason', () => {
    const list = { name: 'x', description: 'd', match: 'exact' as const, file: 'x', entries: [{ value: 'a,b', reason: 'say "hi", then\nleave', owner: ' o ' }] };
    const text = watchlistCsv(list);
    expect(text).toBe('SearchKey,reason,owner,expires\n"a,b","say ""hi"", then leave"," o ",\n');
    expect(parseCsv(text)).toEqual([{ SearchKey: 'a,b', reason: 'say "hi", then leave', owner: ' o ', expires: '' }]);
    expect(parseCsv('SearchKey\r\n"x"\r\n')).toEqual([{ SearchKey: 'x' }]);
    expect(() => parseCsv('SearchKey,reason\nx\n')).toThrow(/fields/);
  });
});

describe('domain lists: the let regex means listMatches (entry or subdomain, ASCII case only)', () => {
  const entries = ['docker.io', 'pkg-containers.githubusercontent.com', 'a+b.example'];
  const test = rustRegexTester(domainListRegex(entries));
  const list = { match: 'domain' as const, entries: entries.map((value) => ({ value })) };
  it.each(['docker.io', 'x.docker.io', 'A.B.DOCKER.IO', '.docker.io', 'evildocker.io', 'docker.io.', 'docker.io\n', 'x\n.docker.io', 'doc\u212aer.io', 'dockerXio', 'githubusercontent.com', 'PKG-containers.githubusercontent.com', 'a+b.example', 'aab.example', 'x.a+b.example', '', 'io'])(
    '%j',
    (v) => expect(test(v)).toBe(listMatches(list, v)),
  );
});

describe('suppression through the emitted KQL (docker-build-risk)', () => {
  const build = { Image: '/usr/bin/docker', CommandLine: 'docker build --no-cache -f /tmp/Dockerfile .', ParentImage: '/bin/bash' };
  it.each(pairs.buildRisk.map((p) => [p.profile.id, p] as const))('%s: an approved host or CI account drops the event, in any ASCII case', (_id, p) => {
    expect(expectAgree(p, { ...build, Host: 'dev-07', User: 'bob' }).matched).toBe(true);
    for (const e of [{ Host: 'ci-runner-01' }, { Host: 'CI-RUNNER-02' }, { User: 'Jenkins' }, { User: 'gitlab-runner', Host: 'dev-07' }]) expect(expectAgree(p, { ...build, ...e }).matched, JSON.stringify(e)).toBe(false);
    for (const e of [{ Host: 'ci-runner-03' }, { Host: 'ci-runner-01.corp' }, { User: 'jenkins2' }, { User: '' }]) expect(expectAgree(p, { ...build, ...e }).matched, JSON.stringify(e)).toBe(true);
  });
  it.each(['sentinel', 'asim'])('%s reads the watchlist, not a copy: another CSV beside the query gives another result', (id) => {
    const p = pairOf(pairs.buildRisk, id);
    const query = { path: `kql/${id}/docker-build-risk.kql`, content: p.text };
    const shared = p.shared.map((f) => (f.path.endsWith('/ci_service_accounts.csv') ? { ...f, content: 'SearchKey,reason,owner,expires\nbob,test,tests,\n' } : f));
    const edited = kqlEvaluator.compile(query, shared, p.profile);
    expect(kqlSeen(p, { ...build, User: 'bob' }, edited).matched).toBe(false);
    expect(kqlSeen(p, { ...build, User: 'jenkins' }, edited).matched).toBe(true);
    expect(() => kqlEvaluator.compile(query, p.shared.filter((f) => !f.path.endsWith('/ci_service_accounts.csv')), p.profile)).toThrow(KqlQueryError);
  });
  it('known disagreement: in~ folds the Kelvin sign to k, the IR folds ASCII only (as for every in~ / =~, evaluate.test.ts)', () => {
    const p = pairOf(pairs.buildRisk, 'defender');
    const event = { ...build, User: 'jen\u212ains' };
    expect(irSeen(p, event).matched).toBe(true);
    expect(kqlSeen(p, event).matched).toBe(false);
  });
});

describe('refusals around tabular values', () => {
  const view = viewFor(sentinelBase, 'process_creation')!;
  const csv: EmittedFile = { path: 'kql/sentinel/watchlists/w.csv', content: 'SearchKey,reason\nx,y\n' };
  const refused = (query: string, what: RegExp) => {
    let error: unknown;
    try {
      kqlEvaluator.compile({ path: 'kql/sentinel/t.kql', content: query }, [csv], view);
    } catch (e) {
      error = e;
    }
    expect(error, query).toBeInstanceOf(UnsupportedConstruct);
    expect((error as UnsupportedConstruct).construct).toMatch(what);
  };
  it('in with more than one column, an operator other than project, a non-constant alias', () => {
    refused("let W = _GetWatchlist('w') | project SearchKey, _DTItemId; DeviceProcessEvents | where DeviceName in~ (W)", /2 columns/);
    refused("let W = _GetWatchlist('w') | where SearchKey != ''; DeviceProcessEvents | where DeviceName in~ (W)", /where operator in a tabular value/);
    refused("let W = _GetWatchlist(strcat('w', '')) | project SearchKey; DeviceProcessEvents | where DeviceName in~ (W)", /one constant alias|strcat/);
    refused("let W = _GetWatchlist('w') | project LastUpdatedTimeUTC; DeviceProcessEvents | where DeviceName in~ (W)", /datetime column/);
  });
});
