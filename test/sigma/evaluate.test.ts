/**
 * The Sigma evaluator (src/backends/sigma/evaluate.ts) runs the emitted Sigma text over Sigma
 * taxonomy records. These tests check that the emitted text means what the IR means (the oracle,
 * src/ir/evaluate.ts): the rule's own test cases, hand-written events for the golden cases, and two
 * properties (realistic build events against the bundled rule; random small rules against random
 * events). A Sigma file encodes one rule as one document per tier, so a matched event must match
 * exactly one document, the one of the IR's tier, and an unmatched event none.
 */
import { buildEventArb } from '../support/build-events.js';
import { hostileStringCases, kitchenSinkCases } from '../support/golden-events.js';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/compile.js';
import { loadRules } from '../../src/pipeline.js';
import { loadTestFile } from '../../src/testing/cases.js';
import { compileRule, type CanonicalEvent, type CompiledRule } from '../../src/ir/evaluate.js';
import type { RuleIR } from '../../src/ir/nodes.js';
import type { CanonicalField } from '../../src/model/types.js';
import { UnsupportedConstruct, type CompiledQuery } from '../../src/backends/evaluation.js';
import { SigmaRuleError, sigmaEvaluator } from '../../src/backends/sigma/evaluate.js';
import { sigmaRow } from '../../src/backends/sigma/rows.js';
import { taxonomy as taxonomyProfile, type SigmaProfile } from '../../src/backends/sigma/profiles.js';
import { viewFor, type ProfileView } from '../../src/backends/types.js';

const taxonomy = viewFor(taxonomyProfile, 'process_creation')!;
import { escapeRegexLiteral } from '../../src/ir/regex.js';
import { loadRuleText, miniRule, loadOne } from '../support/rules.js';

interface Pair {
  readonly ir: RuleIR;
  readonly oracle: CompiledRule;
  readonly sigma: CompiledQuery;
  readonly text: string;
  /** The taxonomy profile's view of the rule's log source: its records and the fields it carries. */
  readonly view: ProfileView<SigmaProfile>;
}

function pairFor(ir: RuleIR): Pair {
  const view = viewFor(taxonomyProfile, ir.logsource.category)!;
  const out = compileRules([ir], { targets: ['sigma'] });
  const file = out.files.find((f) => f.path === `sigma/${view.id}/${ir.name}.yml`);
  if (!file) throw new Error(`no Sigma file for ${ir.name}: ${JSON.stringify(out.diagnostics)}`);
  const fields = new Set(Object.keys(view.fields) as CanonicalField[]);
  return { ir, oracle: compileRule(ir, { availableFields: fields, placeholders: view.placeholders }), sigma: sigmaEvaluator.compile(file, [], view), text: file.content, view };
}

interface Seen {
  readonly matched: boolean;
  readonly tier: string | null;
  readonly action: string | null;
}

/** The Sigma outcome of one event; throws when more than one tier document matched it. */
function sigmaOutcome(p: Pair, event: CanonicalEvent): Seen & { readonly documents: number } {
  const results = p.sigma.run([sigmaEvaluator.toRow(event, p.view)]);
  const first = results[0];
  return { matched: results.length > 0, tier: first?.tier ?? null, action: first?.action ?? null, documents: results.length };
}

function irOutcome(p: Pair, event: CanonicalEvent): Seen {
  const e = p.oracle.evaluate(event);
  return { matched: e.matched, tier: e.tier, action: e.action };
}

/**
 * Sigma and the IR agree; on failure, the message names the event and both outcomes. Also checks
 * that the emitted Sigma does not depend on how telemetry writes "no value": the same event with
 * every absent field written as `''` (a present, empty value, §3.1) gives the same documents.
 */
function expectAgree(p: Pair, event: CanonicalEvent): Seen {
  const ir = irOutcome(p, event);
  const s = sigmaOutcome(p, event);
  const sigma = { matched: s.matched, tier: s.tier, action: s.action };
  expect({ documents: s.documents, ...sigma }, `event ${JSON.stringify(event)}`).toEqual({ documents: ir.matched ? 1 : 0, ...ir });
  const row = sigmaEvaluator.toRow(event, p.view);
  const withEmpties = { ...row };
  for (const f of Object.values(p.view.fields)) if (!(f in withEmpties)) withEmpties[f] = '';
  const tiers = (r: Record<string, unknown>) => p.sigma.run([r]).map((x) => x.tier);
  expect(tiers(withEmpties), `absent fields written as '' for event ${JSON.stringify(event)}`).toEqual(tiers(row));
  return ir;
}


// ---------------------------------------------------------------------------------------------

describe('sigmaRow: the taxonomy record of a canonical event', () => {
  it('maps fields through the profile, leaves absent values out and keeps _time/host', () => {
    expect(
      sigmaRow({ _time: '2026-11-20T10:00:00Z', Host: 'lab-01', Image: '/usr/bin/docker', CommandLine: '', ParentImage: null, User: 'root', other: 'x' }, taxonomy),
    ).toEqual({ _time: '2026-11-20T10:00:00Z', Computer: 'lab-01', Image: '/usr/bin/docker', User: 'root' });
  });
  it('renames fields for a profile with other names, and drops placeholders', () => {
    const p = { ...taxonomy, id: 'renamed', fields: { Image: 'process.executable', CommandLine: 'process.command_line' }, placeholders: ['-'] };
    expect(sigmaRow({ Image: '/bin/x', CommandLine: '-', User: 'root' }, p)).toEqual({ 'process.executable': '/bin/x' });
  });
  it('network_connection: keeps DestinationPort as the event\'s string (a Sigma number matches its decimal text) and maps Host to Computer', () => {
    const network = viewFor(taxonomyProfile, 'network_connection')!;
    const row = sigmaRow({ Image: '/usr/bin/dockerd', DestinationIp: '2606:4700::1111', DestinationHostname: '', DestinationPort: '02375', Host: 'dev-07', CommandLine: 'x' }, network);
    expect(row).toEqual({ Image: '/usr/bin/dockerd', DestinationIp: '2606:4700::1111', DestinationPort: '02375', Computer: 'dev-07' });
    expect(typeof row.DestinationPort).toBe('string');
  });
});

const bundled = loadRules(['rules']);

for (const name of ['docker-build-risk', 'build-egress-untrusted']) {
  describe(`rules/${name}.tests.yml through the emitted Sigma`, () => {
    const pair = pairFor(bundled.irs.find((r) => r.name === name)!);
    const { tests, diagnostics } = loadTestFile(`rules/${name}.tests.yml`, bundled.irs);
    it('loads', () => {
      expect(diagnostics).toEqual([]);
      expect(tests!.cases.length).toBeGreaterThan(15);
    });
    it.each(tests!.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const expected = c.expectByProfile?.[taxonomy.id] ?? c.expect;
      const s = sigmaOutcome(pair, c.event);
      expect(s).toEqual({ matched: expected.matched, tier: expected.tier ?? null, action: expected.action ?? null, documents: expected.matched ? 1 : 0 });
      expect(irOutcome(pair, c.event)).toEqual({ matched: expected.matched, tier: expected.tier ?? null, action: expected.action ?? null });
    });
  });
}

describe('docker-build-risk: many rows and signal read-back', () => {
  const pair = pairFor(bundled.irs.find((r) => r.name === 'docker-build-risk')!);
  const { tests } = loadTestFile('rules/docker-build-risk.tests.yml', bundled.irs);
  it('runs many rows in order, one result per matched row', () => {
    const events = tests!.cases.map((c) => c.event);
    const rows = events.map((e) => sigmaRow(e, taxonomy));
    const results = pair.sigma.run(rows);
    const expected = rows.flatMap((row, i) => {
      const e = irOutcome(pair, events[i]!);
      return e.matched ? [{ row, tier: e.tier, action: e.action }] : [];
    });
    expect(results).toEqual(expected);
    expect(results[0]!.row).toBe(rows[0]);
    expect(results.every((r) => r.score === undefined && r.signals === undefined)).toBe(true);
  });
  it('signalExpression gives the YAML of a signal\'s selections', () => {
    expect(pair.sigma.signalExpression('shell_parent')).toMatch(/^sig_shell_parent_1:\n {2}ParentImage\|re: /);
    const temp = pair.sigma.signalExpression('temp_context')!;
    expect(Object.keys(yaml.load(temp) as object)).toEqual(['sig_temp_context_1', 'sig_temp_context_2', 'sig_temp_context_3']);
    expect(pair.sigma.signalExpression('no_such_signal')).toBeUndefined();
    expect(pair.sigma.signalExpression('temp')).toBeUndefined();
  });
  it('signalExpression reads a signal\'s own selections only: not the filters, not a signal whose id extends it', () => {
    const q = sigmaEvaluator.compile(
      {
        path: 'x.yml',
        content: [
          'title: t',
          'logsource: { product: linux, category: process_creation }',
          'detection:',
          '  sig_a_1: { User: x }',
          '  sig_a_1_1: { User: v }',
          '  filter_a_1: { User: w }',
          '  condition: (sig_a_1 or sig_a_1_1) and not filter_a_1',
          '',
        ].join('\n'),
      },
      [],
      taxonomy,
    );
    expect(q.signalExpression('a')).toBe('sig_a_1:\n  User: x');
    expect(q.signalExpression('a_1')).toBe('sig_a_1_1:\n  User: v');
    expect(q.signalExpression('filter_a')).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Allowlist suppressions: `filter_<list>` selections every tier document excludes.

describe('docker-build-risk suppressions as Sigma filters', () => {
  const pair = pairFor(bundled.irs.find((r) => r.name === 'docker-build-risk')!);
  const docs = yaml.loadAll(pair.text) as { detection: Record<string, unknown>; t1612: { tier: string } }[];
  it('every tier document excludes both filters, right after the match', () => {
    expect(docs.length).toBe(pair.ir.tiers.length);
    for (const d of docs) {
      expect(d.detection.condition as string, d.t1612.tier).toMatch(/\) and not filter_approved_build_hosts_1 and not filter_ci_service_accounts_1 and /);
      expect(d.detection.filter_approved_build_hosts_1).toEqual({ Computer: ['ci-runner-01', 'ci-runner-02', 'image-factory'] });
      expect(d.detection.filter_ci_service_accounts_1).toEqual({ User: ['gitlab-runner', 'jenkins'] });
    }
  });
  // A build from a temp directory launched by bash: the high tier unless suppressed.
  const high: CanonicalEvent = { Image: '/usr/bin/docker', CommandLine: 'docker build -f /tmp/b/Dockerfile /tmp/b', ParentImage: '/bin/bash', User: 'alice', Host: 'dev-07' };
  it.each<[string, CanonicalEvent, string | null]>([
    ['not listed: a result', high, 'high'],
    ['an approved build host: suppressed', { ...high, Host: 'ci-runner-01' }, null],
    ['an approved build host in upper case: suppressed', { ...high, Host: 'IMAGE-FACTORY' }, null],
    ['a CI service account: suppressed', { ...high, User: 'Jenkins' }, null],
    ['a host under an approved name is not it (an exact list): a result', { ...high, Host: 'ci-runner-01.corp.example' }, 'high'],
    ['no host recorded: not suppressed', { ...high, Host: null }, 'high'],
    ['an empty user: not suppressed', { ...high, User: '' }, 'high'],
    ['suppression never adds a result: a listed host without a build', { ...high, CommandLine: 'docker run alpine', Host: 'ci-runner-01' }, null],
  ])('%s', (_name, event, tier) => expect(expectAgree(pair, event).tier).toBe(tier));
});

// ---------------------------------------------------------------------------------------------
// build-egress-untrusted: cidr, numbers and a domain list on network_connection records.

describe('build-egress-untrusted: the emitted Sigma', () => {
  const pair = pairFor(bundled.irs.find((r) => r.name === 'build-egress-untrusted')!);
  const docs = yaml.loadAll(pair.text) as { detection: Record<string, unknown> }[];
  it('writes publicAddress as two |cidr selections, the port as integers, the registries as a value list and an |endswith list', () => {
    const detection = docs[0]!.detection;
    expect(detection.match_3).toEqual({ 'DestinationIp|cidr': ['0.0.0.0/0', '::/0'] });
    expect((detection.match_4 as Record<string, string[]>)['DestinationIp|cidr']).toContain('fc00::/7');
    expect(detection.sig_docker_api_port_1).toEqual({ DestinationPort: [2375, 2376] });
    expect((detection.match_5 as Record<string, string[]>).DestinationHostname).toContain('docker.io');
    expect((detection.match_6 as Record<string, string[]>)['DestinationHostname|endswith']).toContain('.docker.io');
    expect(detection.condition).toMatch(/^\(match_1 or match_2\) and match_3 and not match_4 and not \(match_5 or match_6\) and /);
  });
  const engine: CanonicalEvent = { Image: '/usr/bin/dockerd', DestinationIp: '45.33.32.156', DestinationHostname: 'pull.evil.example', DestinationPort: '443' };
  const child: CanonicalEvent = { Image: '/usr/bin/curl', ParentImage: '/usr/bin/runc', DestinationIp: '45.33.32.156', DestinationHostname: 'payload.evil.example', DestinationPort: '443' };
  it.each<[string, CanonicalEvent, string | null]>([
    ['public IPv4, unknown host: low', engine, 'low'],
    ['public IPv6: low', { ...engine, DestinationIp: '2606:4700:4700::1111' }, 'low'],
    ['public IPv6 in upper case, full form: low', { ...engine, DestinationIp: '2606:4700:4700:0000:0000:0000:0000:1111'.toUpperCase() }, 'low'],
    ['public IPv6 written with an IPv4 tail (not mapped): low', { ...engine, DestinationIp: '2001:470::45.33.32.156' }, 'low'],
    ['IPv6 unique-local fd00::/8: not public', { ...engine, DestinationIp: 'fd00::1' }, null],
    ['IPv6 unique-local fc00::/8 too: not public', { ...engine, DestinationIp: 'fc00:1::1' }, null],
    ['IPv4-mapped public address: excluded', { ...engine, DestinationIp: '::ffff:45.33.32.156' }, null],
    ['IPv4-mapped in hex: excluded', { ...engine, DestinationIp: '::ffff:2d21:209c' }, null],
    ['IPv6 loopback: not public', { ...engine, DestinationIp: '::1' }, null],
    ['IPv6 documentation 2001:db8::/32: not public', { ...engine, DestinationIp: '2001:db8::1' }, null],
    ['CGNAT edge 100.127.255.255: not public', { ...engine, DestinationIp: '100.127.255.255' }, null],
    ['just past CGNAT, 100.128.0.1: public', { ...engine, DestinationIp: '100.128.0.1' }, 'low'],
    ['not an address (leading zero): not public', { ...engine, DestinationIp: '045.33.32.156' }, null],
    ['not an address (zone id): not public', { ...engine, DestinationIp: 'fe80::1%eth0' }, null],
    ['no address: not public', { ...engine, DestinationIp: null }, null],
    ['port 2375: high', { ...engine, DestinationPort: '2375' }, 'high'],
    ['port 2376: high', { ...engine, DestinationPort: '2376' }, 'high'],
    ['port 23750 is not 2375: low', { ...engine, DestinationPort: '23750' }, 'low'],
    ['no port: low', { ...engine, DestinationPort: null }, 'low'],
    ['no host name: medium', { ...engine, DestinationHostname: null }, 'medium'],
    ['an empty host name is none: medium', { ...engine, DestinationHostname: '' }, 'medium'],
    ['an approved registry subdomain: not a result', { ...engine, DestinationHostname: 'Registry-1.Docker.IO' }, null],
    ['an approved registry itself: not a result', { ...engine, DestinationHostname: 'quay.io' }, null],
    ['a look-alike of an approved registry: low', { ...engine, DestinationHostname: 'quay.io.evil.example' }, 'low'],
    ['a runtime child: high', child, 'high'],
    ['a runtime child to a private address: not a result', { ...child, DestinationIp: '192.168.1.10' }, null],
  ])('%s', (_name, event, tier) => expect(expectAgree(pair, event).tier).toBe(tier));
});

/** Destinations at the edges of the non-public networks, forms of IPv6, and values that are not addresses. */
const destinationArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '45.33.32.156', '10.0.0.1', '100.64.0.0', '100.127.255.255', '100.128.0.0', '127.0.0.1', '169.254.169.254', '172.31.255.255', '172.32.0.0',
    '192.0.2.1', '198.19.255.255', '198.20.0.0', '224.0.0.1', '255.255.255.255', '0.0.0.0', '1.0.0.0',
    '::', '::1', '::2', '::ffff:45.33.32.156', '::ffff:2d21:209c', '::fffe:45.33.32.156', '64:ff9b::45.33.32.156', '64:ff9b:1::1', '100::1', '100:0:0:1::1',
    '2001:db8::1', '2001:db9::1', '3fff::1', '3fff:1000::1', 'fc00::1', 'fbff::1', 'fe80::1', 'febf::1', 'fec0::1', 'ff02::1', '2606:4700:4700::1111',
    '-', '', 'localhost', '045.33.32.156', '45.33.32.156 ', 'fe80::1%eth0', '1::2::3', '45.33.32', '2606:4700:4700::1111/128',
  ),
  fc.ipV4(),
  fc.ipV4().map((a) => `::ffff:${a}`),
  fc.ipV4Extended(),
  fc.ipV6(),
);

const networkEventArb: fc.Arbitrary<CanonicalEvent> = fc.record(
  {
    Image: fc.constantFrom('/usr/bin/dockerd', '/usr/bin/containerd', '/usr/local/bin/buildkitd', '/usr/bin/DOCKERD', '/usr/bin/curl', '/usr/bin/wget', '-'),
    ParentImage: fc.constantFrom('/usr/bin/runc', '/usr/bin/containerd-shim-runc-v2', '/usr/bin/conmon', '/bin/bash', '/usr/lib/systemd/systemd', ''),
    DestinationIp: destinationArb,
    DestinationHostname: fc.constantFrom('registry-1.docker.io', 'docker.io', 'evildocker.io', 'GHCR.IO', 'pkg-containers.githubusercontent.com', 'payload.evil.example', 'quay.io.evil', '', '-'),
    // Ports as telemetry writes them: decimal without leading zeros (see the report on "02375").
    DestinationPort: fc.constantFrom('443', '2375', '2376', '80', '23750', '237', '', '-'),
    Host: fc.constantFrom('dev-07', 'ci-runner-01'),
    User: fc.constantFrom('root', 'gitlab-runner'),
  },
  { requiredKeys: ['Image', 'DestinationIp'] },
);

describe('property: the emitted Sigma of build-egress-untrusted agrees with the IR on network events', () => {
  const pair = pairFor(bundled.irs.find((r) => r.name === 'build-egress-untrusted')!);
  it('3,000 generated events', () => {
    const tiers = new Map<string, number>();
    fc.assert(
      fc.property(networkEventArb, (event) => {
        const k = expectAgree(pair, event).tier ?? 'unmatched';
        tiers.set(k, (tiers.get(k) ?? 0) + 1);
      }),
      { seed: 0x1612, numRuns: 3000 },
    );
    expect([...tiers.keys()].sort()).toEqual([...pair.ir.tiers.map((t) => t.name), 'unmatched'].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// `listed` in a signal, and a domain list as a suppression, in a rule of its own.

describe('listed inside a signal and a domain-list suppression', () => {
  const dir = mkdtempSync(join(tmpdir(), 't1612-sigma-lists-'));
  const list = (name: string, match: string, values: readonly string[]) =>
    writeFileSync(
      join(dir, `${name.replace(/_/g, '-')}.allowlist.yml`),
      yaml.dump({ allowlist: name, description: 'A list for tests.', match, entries: values.map((value) => ({ value, reason: 'test', owner: 'tests' })) }),
    );
  list('lab_domains', 'domain', ['lab.example', 'build.corp.example']);
  list('build_admins', 'exact', ['jenkins', 'svc?build']);
  writeFileSync(
    join(dir, 'listed-rule.yml'),
    miniRule(
      yaml.dump({
        match: { field: 'Image', endswith: '/docker' },
        allowlists: [{ list: 'lab_domains', field: 'Host' }],
        signals: [
          { id: 'admin_user', weight: 2, description: 'd', when: { listed: { field: 'User', list: 'build_admins' } } },
          { id: 'shell_parent', weight: 2, description: 'd', when: { field: 'ParentImage', endswith: '/bash' } },
        ],
        threshold: 2,
        tiers: [
          { name: 'both', title: 'both', when: { all: [{ signal: 'admin_user' }, { signal: 'shell_parent' }] }, level: 'high', action: 'alert' },
          { name: 'one', title: 'one', default: true, level: 'low', action: 'risk' },
        ],
      }),
      'listed-rule',
    ),
  );
  const loaded = loadRules([dir]);
  it('loads', () => expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]));
  const pair = pairFor(loaded.irs[0]!);
  const docs = yaml.loadAll(pair.text) as { detection: Record<string, unknown> }[];
  it('the signal\'s list is a selection under the signal\'s prefix, read back with the signal', () => {
    expect(docs[0]!.detection.sig_admin_user_1).toEqual({ User: ['jenkins', 'svc\\?build'] });
    expect(pair.sigma.signalExpression('admin_user')).toBe("sig_admin_user_1:\n  User:\n    - jenkins\n    - svc\\?build");
  });
  it('the domain list is two filter selections (the names, their subdomains) that every document excludes together', () => {
    for (const d of docs) {
      expect(d.detection.filter_lab_domains_1).toEqual({ Computer: ['lab.example', 'build.corp.example'] });
      expect(d.detection.filter_lab_domains_2).toEqual({ 'Computer|endswith': ['.lab.example', '.build.corp.example'] });
      expect(d.detection.condition).toMatch(/^match_1 and not \(filter_lab_domains_1 or filter_lab_domains_2\) and /);
    }
  });
  it('a selection name means one content in every document of the file', () => {
    const seen = new Map<string, string>();
    for (const d of docs)
      for (const [name, value] of Object.entries(d.detection)) {
        if (name === 'condition') continue;
        const text = JSON.stringify(value);
        expect(seen.get(name) ?? text, name).toBe(text);
        seen.set(name, text);
      }
  });
  const base: CanonicalEvent = { Image: '/usr/bin/docker', ParentImage: '/bin/bash', User: 'JENKINS', Host: 'dev-07' };
  it.each<[string, CanonicalEvent, string | null]>([
    ['a listed user (any case) from a shell: both', base, 'both'],
    ['a user whose name has a literal ? in the list: both', { ...base, User: 'svc?build' }, 'both'],
    ['`?` is not a wildcard: svcXbuild is not listed', { ...base, User: 'svcXbuild' }, 'one'],
    ['an unlisted user: one', { ...base, User: 'bob' }, 'one'],
    ['a host that is a listed domain: suppressed', { ...base, Host: 'LAB.example' }, null],
    ['a host under a listed domain: suppressed', { ...base, Host: 'runner-3.build.corp.example' }, null],
    ['a host under corp.example but not build.corp.example: a result', { ...base, Host: 'dev.corp.example' }, 'both'],
    ['a look-alike host: a result', { ...base, Host: 'evil-lab.example' }, 'both'],
    ['no host: a result', { ...base, Host: null }, 'both'],
  ])('%s', (_name, event, tier) => expect(expectAgree(pair, event).tier).toBe(tier));
});

// ---------------------------------------------------------------------------------------------

describe('the golden cases\' own test files through the emitted Sigma', () => {
  for (const name of ['kitchen-sink', 'hostile-strings', 'needs-current-directory']) {
    const dir = `test/golden/cases/${name}`;
    const pair = pairFor(loadOne(`${dir}/${name}.yml`));
    const testsPath = `${dir}/${name}.tests.yml`;
    if (!existsSync(testsPath)) continue;
    const { tests, diagnostics } = loadTestFile(testsPath, [pair.ir]);
    it(`${name}: loads`, () => expect(diagnostics).toEqual([]));
    it.each((tests?.cases ?? []).map((c) => [c.name, c] as const))(`${name}: %s`, (_n, c) => {
      const expected = c.expectByProfile?.[taxonomy.id] ?? c.expect;
      expect(expectAgree(pair, c.event)).toEqual({ matched: expected.matched, tier: expected.tier ?? null, action: expected.action ?? null });
    });
  }
});

describe('golden case kitchen-sink: hand-written events agree with the IR', () => {
  const pair = pairFor(loadOne('test/golden/cases/kitchen-sink/kitchen-sink.yml'));
  const cases = kitchenSinkCases;
  it.each(cases)('%s', (_name, event, tier) => {
    expect(expectAgree(pair, event).tier).toBe(tier);
  });
  it('reaches every tier', () => {
    expect(new Set(cases.map((c) => c[2]))).toEqual(new Set([null, ...pair.ir.tiers.map((t) => t.name)]));
  });
});

describe('golden case hostile-strings: hand-written events agree with the IR', () => {
  const pair = pairFor(loadOne('test/golden/cases/hostile-strings/hostile-strings.yml'));
  const cases = hostileStringCases;
  it.each(cases)('%s', (_name, event, matched) => {
    expect(expectAgree(pair, event).matched).toBe(matched);
  });
});

// ---------------------------------------------------------------------------------------------

describe('what the evaluator does not implement, or cannot read, is an error naming it', () => {
  const doc = (detection: string) => `title: t\nlogsource: { product: linux, category: process_creation }\ndetection:\n${detection}\nt1612: { rule: r, tier: t, action: alert }\n`;
  const compile = (content: string) => sigmaEvaluator.compile({ path: 'x.yml', content }, [], taxonomy);
  it.each([
    ['|windash', '  sel: { CommandLine|windash|contains: " -f " }\n  condition: sel', 'modifier |windash'],
    ['|base64offset', '  sel: { CommandLine|base64offset|contains: abc }\n  condition: sel', 'modifier |base64offset'],
    ['|neq', '  sel: { User|neq: root }\n  condition: sel', 'modifier |neq'],
    ['|gte', '  sel: { Port|gte: 5 }\n  condition: sel', 'modifier |gte'],
    ['|fieldref', '  sel: { User|fieldref: Owner }\n  condition: sel', 'modifier |fieldref'],
    ['|expand', '  sel: { User|expand: "%admins%" }\n  condition: sel', 'modifier |expand'],
    ['an unknown modifier', '  sel: { User|sounds_like: root }\n  condition: sel', 'modifier |sounds_like'],
    ['a keyword list', '  keywords: [evil, worse]\n  condition: keywords', 'keyword search'],
    ['a keyword |all', "  keywords: { '|all': [a, b] }\n  condition: keywords", 'keyword search'],
    ['a condition aggregation', '  sel: { User: root }\n  condition: sel | count() > 5', 'condition aggregation'],
    ['a timeframe', '  sel: { User: root }\n  timeframe: 5m\n  condition: sel', 'timeframe'],
    ['|cidr with host bits set', '  sel: { Ip|cidr: 10.0.0.1/8 }\n  condition: sel', '|cidr network "10.0.0.1/8" (host bits set)'],
    ['|cidr with a bad address', '  sel: { Ip|cidr: 10.0.300.0/24 }\n  condition: sel', '|cidr network "10.0.300.0/24"'],
    ['|cidr with a bad IPv6 prefix', '  sel: { Ip|cidr: "2001:db8::/129" }\n  condition: sel', '|cidr network "2001:db8::/129"'],
    ['|cidr with a netmask', '  sel: { Ip|cidr: 10.0.0.0/255.0.0.0 }\n  condition: sel', 'netmasks are not implemented'],
    ['|re combined with |contains', '  sel: { CommandLine|re|contains: a }\n  condition: sel', 'modifier combination |re|contains'],
    ['|startswith with |endswith', '  sel: { CommandLine|startswith|endswith: a }\n  condition: sel', 'modifier combination |startswith|endswith'],
    ['an unsupported regex construct', "  sel: { CommandLine|re: '(?=x)a' }\n  condition: sel", 'regex construct (?='],
  ])('%s', (_name, detection, named) => {
    let error: unknown;
    try {
      compile(doc(detection));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedConstruct);
    expect((error as UnsupportedConstruct).target).toBe('sigma');
    expect((error as Error).message).toContain(named);
  });
  it('a correlation document', () => {
    expect(() => compile('title: c\ncorrelation: { type: event_count, rules: [a], group-by: [User], timespan: 1h, condition: { gte: 5 } }\n')).toThrow(/correlation rule/);
  });
  it.each([
    ['an undefined identifier', '  sel: { User: root }\n  condition: sel and filter', /search identifier "filter" is not defined/],
    ['a pattern matching nothing', '  sel: { User: root }\n  condition: 1 of filter*', /"1 of filter\*" matches no search identifier/],
    ['unbalanced parentheses', '  sel: { User: root }\n  condition: (sel', /expected "\)"/],
    ['a dangling operator', '  sel: { User: root }\n  condition: sel and', /expected an identifier/],
    ['upper-case AND is not an operator', '  a: { User: root }\n  b: { User: x }\n  condition: a AND b', /unexpected "AND"/],
    ['|i without |re', '  sel: { User|i: root }\n  condition: sel', /\|i must follow \|re/],
    ['|all on one value', '  sel: { User|contains|all: root }\n  condition: sel', /\|all on a single value/],
    ['null in a value list', '  sel: { User: [root, null] }\n  condition: sel', /null inside a value list/],
    ['|exists with a string', '  sel: { User|exists: yes }\n  condition: sel', /\|exists takes true or false/],
  ])('invalid Sigma: %s', (_name, detection, message) => {
    expect(() => compile(doc(detection))).toThrow(SigmaRuleError);
    expect(() => compile(doc(detection))).toThrow(message);
  });
  it('a non-scalar field value in a record', () => {
    const q = compile(doc('  sel: { User: root }\n  condition: sel'));
    expect(() => q.run([{ User: ['root'] }])).toThrow(UnsupportedConstruct);
  });
});

// ---------------------------------------------------------------------------------------------
// Property 1: realistic build events against the bundled rule.

describe('property: the emitted Sigma of docker-build-risk agrees with the IR on realistic events', () => {
  const pair = pairFor(loadRules(['rules']).irs.find((r) => r.name === 'docker-build-risk')!);
  it('2,000 generated events', () => {
    const tiers = new Map<string, number>();
    fc.assert(
      fc.property(buildEventArb, (event) => {
        const ir = expectAgree(pair, event);
        const k = ir.tier ?? 'unmatched';
        tiers.set(k, (tiers.get(k) ?? 0) + 1);
      }),
      { seed: 0x1612, numRuns: 2000 },
    );
    // The generator reaches every outcome, so the agreement covers every tier document.
    expect([...tiers.keys()].sort()).toEqual([...pair.ir.tiers.map((t) => t.name), 'unmatched'].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// Property 2: random small rules, random events.

const ALPHABET = ['a', 'b', 'A', 'B', '*', '?', '\\', '"', "'", ' ', '/', '-', 'é', 'É', 'K', 'ſ', '\n'];
const SAFE_CI = ALPHABET.filter((c) => !/[^\x00-\x7f]/.test(c)); // case-insensitive values: ASCII only (case-folding check)
const valueArb = (sensitive: boolean) => fc.string({ unit: fc.constantFrom(...(sensitive ? ALPHABET : SAFE_CI)), minLength: 1, maxLength: 3 });

const regexAtomArb = (sensitive: boolean): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...(sensitive ? ALPHABET : SAFE_CI)).map(escapeRegexLiteral),
    fc.constantFrom('.', '[ab]', '[^a]', '(a|b)', '(?:A|\\*)', '\\n', '[a-b]'),
  );
const regexArb = (sensitive: boolean): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.boolean(),
      fc.array(fc.tuple(regexAtomArb(sensitive), fc.constantFrom('', '', '', '*', '+', '?', '{1,2}', '*?')), { minLength: 1, maxLength: 4 }),
      fc.boolean(),
    )
    .map(([start, atoms, end]) => `${start ? '^' : ''}${atoms.map(([a, q]) => a + q).join('')}${end ? '$' : ''}`);

type Pred = Record<string, unknown>;
const OPS = ['contains', 'startswith', 'endswith', 'equals', 'regex'] as const;

const fieldPredArb: fc.Arbitrary<Pred> = fc
  .record({ field: fc.constantFrom('CommandLine', 'ParentImage'), op: fc.constantFrom(...OPS), sensitive: fc.boolean(), n: fc.integer({ min: 1, max: 3 }), all: fc.boolean() })
  .chain(({ field, op, sensitive, n, all }) =>
    fc.uniqueArray(op === 'regex' ? regexArb(sensitive) : valueArb(sensitive), { minLength: n, maxLength: n }).map((values): Pred => ({
      field,
      [op]: values.length === 1 ? values[0] : values,
      ...(values.length > 1 && all && op !== 'equals' ? { match: 'all' } : {}),
      ...(sensitive ? { case: 'sensitive' } : {}),
    })),
  );

const predArb: fc.Arbitrary<Pred> = fc.oneof(
  { weight: 4, arbitrary: fieldPredArb },
  { weight: 1, arbitrary: fieldPredArb.map((p) => ({ not: p })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('all', 'any'), fc.array(fieldPredArb, { minLength: 2, maxLength: 2 })).map(([k, ps]) => ({ [k]: ps })) },
);

type TierCond = Record<string, unknown>;
const tierCondArb = (nSignals: number, sum: number): fc.Arbitrary<TierCond> => {
  const leaf: fc.Arbitrary<TierCond> = fc.oneof(
    fc.nat(nSignals - 1).map((i) => ({ signal: `s${i}` })),
    fc.tuple(fc.constantFrom('gte', 'lt'), fc.integer({ min: 1, max: sum })).map(([op, v]) => ({ score: { [op]: v } })),
  );
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('all', 'any'), fc.array(leaf, { minLength: 2, maxLength: 2 })).map(([k, cs]) => ({ [k]: cs })) },
    { weight: 1, arbitrary: leaf.map((c) => ({ not: c })) },
  );
};

const ruleArb = fc
  .array(fc.tuple(predArb, fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 4 })
  .chain((signals) => {
    const sum = signals.reduce((s, [, w]) => s + w, 0);
    return fc.record({
      signals: fc.constant(signals),
      threshold: fc.integer({ min: 1, max: sum }),
      tiers: fc.array(fc.tuple(tierCondArb(signals.length, sum), fc.constantFrom('alert', 'risk')), { minLength: 1, maxLength: 3 }),
      defaultAction: fc.constantFrom('alert', 'risk'),
      match: fc.constantFrom<Pred>({ field: 'Image', endswith: '/docker' }, { field: 'Image', contains: 'docker' }, { any: [{ field: 'Image', equals: '/usr/bin/docker' }, { field: 'Image', regex: 'podman$' }] }),
    });
  })
  .map((r) =>
    miniRule(
      yaml.dump(
        {
          match: r.match,
          signals: r.signals.map(([when, weight], i) => ({ id: `s${i}`, weight, description: 'd', when })),
          threshold: r.threshold,
          tiers: [
            ...r.tiers.map(([when, action], i) => ({ name: `t${i}`, title: `t${i}`, when, level: 'medium', action })),
            { name: 'fallback', title: 'fallback', default: true, level: 'low', action: r.defaultAction },
          ],
        },
        { lineWidth: -1 },
      ),
      'random-rule',
    ),
  );

const smallTextArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('a', 'b', 'A', '/', ' '), maxLength: 8 }),
);
const smallEventArb: fc.Arbitrary<CanonicalEvent> = fc.record(
  {
    Image: fc.constantFrom('/usr/bin/docker', '/usr/bin/docker', '/usr/bin/DOCKER', '/usr/bin/podman', '/usr/bin/podman\n', '/usr/bin/git'),
    CommandLine: fc.oneof({ weight: 6, arbitrary: smallTextArb }, { weight: 1, arbitrary: fc.constant(null) }),
    ParentImage: fc.oneof({ weight: 6, arbitrary: smallTextArb }, { weight: 1, arbitrary: fc.constant(null) }),
  },
  { requiredKeys: ['Image'] },
);

describe('property: random small rules, compiled to Sigma, agree with the IR on random events', () => {
  it('threshold expansion, tier encodings and every predicate form', () => {
    let accepted = 0;
    let rejected = 0;
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(ruleArb, fc.array(smallEventArb, { minLength: 40, maxLength: 40 }), (text, events) => {
        const loaded = loadRuleText('random-rule', text);
        if (!loaded.ok || loaded.irs.length !== 1) {
          rejected++;
          return;
        }
        accepted++;
        const pair = pairFor(loaded.irs[0]!);
        for (const e of events) {
          const ir = expectAgree(pair, e);
          outcomes.add(ir.tier === null ? 'unmatched' : ir.tier === 'fallback' ? 'default' : 'tier');
        }
      }),
      { seed: 0x5167, numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(250); // 330 of 1,000 with this seed; the rest fail checks (mostly unreachable-tier)
    expect(rejected).toBeGreaterThan(0);
    expect(outcomes).toEqual(new Set(['unmatched', 'default', 'tier']));
  });
});
