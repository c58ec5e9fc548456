/**
 * The replay fixtures (test/replay/fixtures/): bundled rules' own test cases turned into the rows
 * their profile's telemetry holds (the row builders, src/backends/<target>/rows.ts) and written in
 * each export shape. replay.test.ts checks that every checked-in file equals what this module
 * renders, and `UPDATE_GOLDEN=1 npx vitest run test/replay` (refused when CI is set) rewrites them.
 *
 * Each fixture event is its case's event with `_time` set to FIRST_TIME + 2h × its index, so that
 * every result names the event it came from by its time and no correlation window (at most 1h)
 * joins two of them; nothing else of the event changes.
 */
import { csvCell } from '../../src/backends/csv.js';
import { targets } from '../../src/backends/index.js';
import { viewFor, type ProfileBase } from '../../src/backends/types.js';
import { kqlSourceOf } from '../../src/backends/kql/tables.js';
import type { KqlProfile } from '../../src/backends/kql/profiles.js';
import type { KqlColumnType } from '../../src/backends/kql/rows.js';
import { profilesOf } from '../../src/compile.js';
import type { CanonicalEvent } from '../../src/ir/evaluate.js';
import type { RuleIR } from '../../src/ir/nodes.js';
import type { LogsourceCategory } from '../../src/model/types.js';
import { loadTestFile, testsPathFor, type TestCase } from '../../src/testing/cases.js';
import { loadCorrelationTests } from '../../src/testing/correlation-cases.js';
import { bundledRules } from '../support/rules.js';

export const FIXTURE_DIR = 'test/replay/fixtures';
export const FIRST_TIME = Date.UTC(2026, 10, 19, 0, 0, 0);
export const SPACING_MS = 2 * 3600_000;

export type FixtureShape = 'splunk-export' | 'splunk-csv' | 'ah-csv' | 'ah-api';

export interface FixtureSpec {
  readonly file: string;
  readonly target: 'spl' | 'kql';
  readonly profile: string;
  readonly shape: FixtureShape;
  /** [rule, case] of single-event cases. */
  readonly cases?: readonly (readonly [string, string])[];
  /** [correlation, case]: the case's event stream, times as the case has them. */
  readonly stream?: readonly [string, string];
}

export const FIXTURES: readonly FixtureSpec[] = [
  {
    file: 'splunk-export.json',
    target: 'spl',
    profile: 'sysmon_linux',
    shape: 'splunk-export',
    cases: [
      ['docker-build-risk', 'atomic-red-team-t1612'],
      ['docker-build-risk', 'seed-no-cache-temp-dockerfile-from-bash'],
      ['docker-build-risk', 'seed-dockerfile-from-https-url'],
      ['docker-build-risk', 'no-cache-alone'],
      ['docker-build-risk', 'fp-ci-runner-no-cache'],
      ['docker-api-build', 'seed-curl-unix-socket-build'],
      ['docker-api-build', 'local-socket-cli-build-is-not-remote'],
      ['dockerfile-in-temp', 'seed-atomic-dockerfile-by-shell'],
      ['dockerfile-in-temp', 'home-tmp-is-not-temp'],
      ['build-egress-untrusted', 'dockerd-pulls-from-unknown-registry'],
      ['build-egress-untrusted', 'empty-hostname-public-ipv4'],
      ['build-egress-untrusted', 'near-miss-private-ipv4'],
      ['docker-escape-ready-run', 'privileged-with-socket'],
      ['docker-escape-ready-run', 'network-host-alone'],
      ['unexpected-registry-or-entrypoint', 'unapproved-registry-with-shell-entrypoint'],
      ['unexpected-registry-or-entrypoint', 'shell-entrypoint-on-approved-image'],
      ['container-run-or-deploy', 'kubectl-apply'],
    ],
  },
  {
    file: 'splunk-export.csv',
    target: 'spl',
    profile: 'sysmon_linux',
    shape: 'splunk-csv',
    cases: [
      ['docker-build-risk', 'git-context-with-ref'],
      ['docker-build-risk', 'temp-path-inside-quoted-label'],
      ['docker-build-risk', 'docker-compose-v2-build'],
      ['docker-build-risk', 'missing-parent'],
      ['docker-api-build', 'cli-remote-daemon-build'],
      ['docker-api-build', 'socket-path-inside-quotes'],
      ['dockerfile-in-temp', 'shm-dockerfile-by-editor'],
      ['dockerfile-in-temp', 'missing-writer'],
      ['build-egress-untrusted', 'engine-to-remote-docker-api'],
      ['build-egress-untrusted', 'near-miss-dockerd-docker-hub'],
      ['docker-escape-ready-run', 'host-namespaces-only'],
      ['docker-escape-ready-run', 'socket-path-in-quoted-label'],
      ['unexpected-registry-or-entrypoint', 'quoted-image'],
      ['unexpected-registry-or-entrypoint', 'podman-json-entrypoint'],
      ['user-action-launch', 'office-and-downloads'],
    ],
  },
  {
    file: 'advanced-hunting.csv',
    target: 'kql',
    profile: 'defender',
    shape: 'ah-csv',
    cases: [
      ['docker-build-risk', 'atomic-red-team-t1612'],
      ['docker-build-risk', 'bash-parent-temp-context'],
      ['docker-build-risk', 'no-cache-false-is-not-set'],
      ['docker-build-risk', 'remote-definition-beats-temp-and-shell'],
      ['docker-build-risk', 'sshd-parent-is-not-a-shell'],
      ['docker-api-build', 'socat-to-socket'],
      ['docker-api-build', 'cli-ssh-daemon-build'],
      ['docker-escape-ready-run', 'everything'],
      ['docker-escape-ready-run', 'docker-exec-is-not-run'],
      ['unexpected-registry-or-entrypoint', 'pull-from-ip-registry'],
      ['unexpected-registry-or-entrypoint', 'pull-from-approved-registry'],
      ['build-on-unapproved-host', 'kaniko-executor'],
      ['build-on-unapproved-host', 'approved-host-any-case'],
      ['user-action-launch', 'browser-spawns-bash'],
    ],
  },
  {
    file: 'advanced-hunting-api.json',
    target: 'kql',
    profile: 'sentinel',
    shape: 'ah-api',
    cases: [
      ['docker-build-risk', 'seed-no-cache-temp-dockerfile-from-bash'],
      ['docker-build-risk', 'fp-developer-downloads-build'],
      ['docker-build-risk', 'tmpl-is-not-tmp'],
      ['docker-api-build', 'python-sdk-tls-build'],
      ['dockerfile-in-temp', 'curl-downloads-dockerfile'],
      ['dockerfile-in-temp', 'fp-packer-stages-dockerfile'],
      ['dockerfile-in-temp', 'not-a-dockerfile'],
      ['build-egress-untrusted', 'empty-hostname-public-ipv6'],
      ['build-egress-untrusted', 'lookalike-domain-is-not-a-subdomain'],
      ['build-egress-untrusted', 'near-miss-ghcr'],
      ['docker-escape-ready-run', 'host-root-mount'],
      ['unexpected-registry-or-entrypoint', 'downloader-entrypoint-on-approved-image'],
      ['container-run-or-deploy', 'docker-exec'],
      ['container-run-or-deploy', 'kubectl-get'],
    ],
  },
  { file: 'det0459-splunk-export.json', target: 'spl', profile: 'sysmon_linux', shape: 'splunk-export', stream: ['det0459-build-then-run', 'build-then-run'] },
];

/** One fixture event: the case (or stream) it comes from, its canonical event and log source. */
export interface FixtureEvent {
  readonly rule: RuleIR | undefined;
  readonly testCase: TestCase | undefined;
  readonly category: LogsourceCategory;
  readonly event: CanonicalEvent;
}

export function profileOf(spec: FixtureSpec): ProfileBase {
  const p = profilesOf(spec.target).find((x) => x.id === spec.profile);
  if (!p) throw new Error(`no ${spec.target} profile ${spec.profile}`);
  return p;
}

export function fixtureEvents(spec: FixtureSpec): FixtureEvent[] {
  const { irs, correlations } = bundledRules();
  if (spec.stream) {
    const [name, caseName] = spec.stream;
    const c = correlations.find((x) => x.name === name)!;
    const k = loadCorrelationTests(testsPathFor(c.file), c).cases!.find((x) => x.name === caseName);
    if (!k) throw new Error(`no case ${caseName} of ${name}`);
    return k.events.map(({ category, ...event }) => ({ rule: undefined, testCase: undefined, category, event }));
  }
  return (spec.cases ?? []).map(([ruleName, caseName], i) => {
    const rule = irs.find((r) => r.name === ruleName);
    if (!rule) throw new Error(`no bundled rule ${ruleName}`);
    const testCase = loadTestFile(testsPathFor(rule.file), irs).tests!.cases.find((c) => c.name === caseName);
    if (!testCase) throw new Error(`no case ${caseName} of ${ruleName}`);
    const event = { ...testCase.event, _time: new Date(FIRST_TIME + i * SPACING_MS).toISOString() };
    return { rule, testCase, category: rule.logsource.category, event };
  });
}

/** The rows the row builder gives for the fixture's events, with the table (KQL) each belongs to. */
export function fixtureRows(spec: FixtureSpec): { row: Readonly<Record<string, unknown>>; table?: string }[] {
  const profile = profileOf(spec);
  const evaluator = targets[spec.target].evaluator!;
  return fixtureEvents(spec).map((e) => {
    const view = viewFor(profile, e.category);
    if (!view) throw new Error(`${spec.target}/${spec.profile} has no ${e.category} events`);
    const table = spec.target === 'kql' ? (profile as KqlProfile).tables[e.category] : undefined;
    return { row: evaluator.toRow(e.event, view), ...(table ? { table } : {}) };
  });
}

function isoMs(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** Splunk writes `_time` with its offset: `2026-11-19T00:00:00.000+00:00`. */
function splunkTime(seconds: number): string {
  return isoMs(seconds).replace('Z', '+00:00');
}

function splunkCells(row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, k === '_time' ? splunkTime(v as number) : v]));
}

/** Kusto writes datetimes with 7 fractional digits: `2026-11-19T00:00:00.0000000Z`. */
function kustoTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

function kqlText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return kustoTime(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function kqlJson(v: unknown): unknown {
  return v instanceof Date ? kustoTime(v) : v;
}

/** The advanced hunting API's type names (.NET), as its Schema writes them (`DateTime`, `String`). */
const API_TYPES: Readonly<Record<KqlColumnType, string>> = { string: 'String', long: 'Int64', int: 'Int32', real: 'Double', bool: 'Boolean', datetime: 'DateTime', timespan: 'TimeSpan', dynamic: 'Object' };

/**
 * The KQL export's columns: those of the rows' table(s), in table order, that hold a value in some
 * row, and the profile's kept columns (a `project` of what the rows carry, as a hunting query would).
 */
export function kqlColumns(spec: FixtureSpec, rows: readonly { row: Readonly<Record<string, unknown>>; table?: string }[]): (readonly [string, KqlColumnType])[] {
  const profile = profileOf(spec) as KqlProfile;
  const out: (readonly [string, KqlColumnType])[] = [];
  const tables = [...new Set(rows.map((r) => r.table!))];
  for (const t of tables)
    for (const [name, type] of kqlSourceOf(profile.schemaSet, t)!.columns as readonly (readonly [string, KqlColumnType])[]) {
      if (out.some(([n]) => n === name)) continue;
      const valued = rows.some((r) => r.table === t && r.row[name] !== null && r.row[name] !== '' && r.row[name] !== undefined);
      if (valued || profile.keepColumns.includes(name) || name === profile.timeColumn) out.push([name, type]);
    }
  return out;
}

/** The fixture file's text. */
export function renderFixture(spec: FixtureSpec): string {
  const rows = fixtureRows(spec);
  switch (spec.shape) {
    case 'splunk-export':
      // search/jobs/export, output_mode=json: one object per line, the last flagged lastrow.
      return rows
        .map((r, i) => JSON.stringify({ preview: false, offset: i, ...(i === rows.length - 1 ? { lastrow: true } : {}), result: splunkCells(r.row) }))
        .join('\n')
        .concat('\n');
    case 'splunk-csv': {
      const columns: string[] = [];
      for (const r of rows) for (const k of Object.keys(r.row)) if (!columns.includes(k)) columns.push(k);
      // Splunk quotes the names of internal fields in the header ("_time").
      const header = columns.map((c) => (c.startsWith('_') ? `"${c}"` : csvCell(c))).join(',');
      const lines = rows.map((r) => {
        const cells = splunkCells(r.row);
        return columns.map((c) => (Object.hasOwn(cells, c) ? csvCell(String(cells[c])) : '')).join(',');
      });
      return [header, ...lines].join('\r\n').concat('\r\n');
    }
    case 'ah-csv': {
      const columns = kqlColumns(spec, rows);
      const lines = rows.map((r) => columns.map(([c]) => csvCell(kqlText(r.row[c]))).join(','));
      return [columns.map(([c]) => csvCell(c)).join(','), ...lines].join('\r\n').concat('\r\n');
    }
    case 'ah-api': {
      const columns = kqlColumns(spec, rows);
      const schema = columns.map(([Name, t]) => ({ Name, Type: API_TYPES[t] }));
      const results = rows.map((r) => Object.fromEntries(columns.map(([c, t]) => [c, Object.hasOwn(r.row, c) ? kqlJson(r.row[c]) : t === 'string' ? '' : null])));
      return `{\n  "Schema": [\n${schema.map((s) => `    ${JSON.stringify(s)}`).join(',\n')}\n  ],\n  "Results": [\n${results.map((x) => `    ${JSON.stringify(x)}`).join(',\n')}\n  ]\n}\n`;
    }
  }
}
