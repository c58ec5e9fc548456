/**
 * `t1612 test --events FILE` (src/replay/): exported rows replayed through one target's compiled
 * rules and correlations. The fixtures (test/replay/fixtures/, rendered by fixtures.ts from the
 * bundled rules' own cases) must equal their rendering, read back to exactly the rows the row
 * builders give, and alert exactly as the cases expect (and, for the other rules of the same log
 * source, as the IR evaluates the same event on that profile). `UPDATE_GOLDEN=1 npx vitest run
 * test/replay` (refused when CI is set) rewrites the fixture files.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { parseExport, replay, ReplayInputError, type ReplayReport } from '../../src/replay/index.js';
import { replayRows } from '../../src/replay/run.js';
import { parseTime } from '../../src/replay/values.js';
import { csvCell } from '../../src/backends/csv.js';
import { targets } from '../../src/backends/index.js';
import { viewFor } from '../../src/backends/types.js';
import { telemetryFor } from '../../src/backends/telemetry.js';
import { compileRule } from '../../src/ir/evaluate.js';
import { irViewOf } from '../../src/testing/run.js';
import { sameOutcome } from '../../src/testing/cases.js';
import { expectedChains, loadCorrelationTests } from '../../src/testing/correlation-cases.js';
import { testsPathFor } from '../../src/testing/cases.js';
import { captureIo } from '../support/io.js';
import { bundledRules } from '../support/rules.js';
import { FIXTURE_DIR, FIXTURES, fixtureEvents, fixtureRows, profileOf, renderFixture, type FixtureSpec } from './fixtures.js';

const update = process.env.UPDATE_GOLDEN === '1' && !process.env.CI;
const pathOf = (spec: FixtureSpec) => `${FIXTURE_DIR}/${spec.file}`;
const tmp = () => mkdtempSync(join(tmpdir(), 't1612-replay-'));
const detections = () => ({ rules: bundledRules().irs, correlations: bundledRules().correlations });

function replayFixture(spec: FixtureSpec, table?: string): ReplayReport {
  const file = parseExport(readFileSync(pathOf(spec), 'utf8'), pathOf(spec));
  return replay(file, detections(), { target: spec.target, profile: spec.profile, ...(table ? { table } : {}) });
}

/** Empty for the KQL evaluator: a missing cell reads "" (string) or null. */
const empty = (v: unknown) => v === undefined || v === null || v === '';

describe('fixtures', () => {
  it.each(FIXTURES.map((s) => [s.file, s] as const))('%s is what fixtures.ts renders from the cases', (_name, spec) => {
    const text = renderFixture(spec);
    if (update) writeFileSync(pathOf(spec), text);
    expect(existsSync(pathOf(spec)), `missing ${pathOf(spec)}: run UPDATE_GOLDEN=1 npx vitest run test/replay locally and review it`).toBe(true);
    expect(readFileSync(pathOf(spec), 'utf8')).toBe(text);
    const rows = text.split('\n').filter((l) => l.trim()).length;
    expect(rows).toBeLessThan(spec.shape === 'ah-api' ? 80 : 25);
  });

  it.each(FIXTURES.map((s) => [s.file, s] as const))('%s reads back to the rows the row builder gives', (_name, spec) => {
    const file = parseExport(readFileSync(pathOf(spec), 'utf8'), spec.file);
    const rows = replayRows(file, profileOf(spec), { target: spec.target });
    const built = fixtureRows(spec);
    expect(file.records).toHaveLength(built.length);
    if (spec.target === 'spl') {
      // Splunk rows: exactly the builder's (an absent key is NULL, "" would be a value).
      expect(rows.rowsFor('process_creation')).toEqual(built.map((b) => b.row));
      return;
    }
    // KQL rows: per table, the builder's row; a column the export leaves out is one the builder left empty.
    const events = fixtureEvents(spec);
    for (const category of ['process_creation', 'file_event', 'network_connection'] as const) {
      const mine = built.filter((_b, i) => events[i]!.category === category).map((b) => b.row);
      const read = rows.rowsFor(category);
      expect(read).toHaveLength(mine.length);
      read.forEach((r, i) => {
        const want = mine[i]!;
        for (const k of new Set([...Object.keys(r), ...Object.keys(want)])) {
          if (empty(r[k]) && empty(want[k])) continue;
          expect(r[k], `${spec.file} ${category} row ${i + 1} column ${k}`).toEqual(want[k]);
        }
      });
    }
  });
});

/** What the fixture must give: per event, each rule of its log source that the profile runs, as the case (or the IR) says. */
function expectedResults(spec: FixtureSpec): { detection: string; time: string; host: string | null; tier: string | null; action: string | null; score: number }[] {
  const profile = profileOf(spec);
  const out: ReturnType<typeof expectedResults> = [];
  for (const e of fixtureEvents(spec)) {
    for (const rule of bundledRules().irs) {
      if (rule.logsource.category !== e.category || telemetryFor(rule, spec.target, profile).unsupported) continue;
      const view = viewFor(profile, e.category)!;
      const ir = compileRule(rule, irViewOf(view)).evaluate(e.event);
      let outcome = ir;
      if (e.rule?.name === rule.name && e.testCase) {
        const c = e.testCase;
        const expected = c.expectByProfile?.[profile.id] ?? c.expect;
        // The case's own rule: its expectation for this profile, which the IR must agree with.
        expect(sameOutcome(expected, ir), `${rule.name}/${c.name} on ${spec.target}/${profile.id}: IR disagrees with the case`).toBe(true);
        outcome = { ...ir, ...expected };
      }
      if (!outcome.matched) continue;
      const time = new Date(Date.parse(e.event._time as string)).toISOString().replace('.000Z', 'Z');
      const host = typeof e.event.Host === 'string' && e.event.Host !== '' ? e.event.Host : null;
      out.push({ detection: rule.name, time, host, tier: outcome.tier ?? null, action: outcome.action ?? null, score: outcome.score });
    }
  }
  return out;
}

const key = (r: { detection: string; time: string | null }) => `${r.detection} ${r.time}`;

describe('replaying the fixtures', () => {
  it.each(FIXTURES.filter((s) => s.cases).map((s) => [s.file, s] as const))('%s alerts exactly as the cases expect', (_name, spec) => {
    const report = replayFixture(spec);
    expect(report.summary.errors).toBe(0);
    expect(report.notes).toEqual([]);
    const actual = report.detections.flatMap((d) => d.results.map((r) => ({ detection: d.detection, ...r })));
    const expected = expectedResults(spec);
    expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
    for (const want of expected) {
      const got = actual.find((a) => key(a) === key(want))!;
      expect({ ...got }, key(want)).toEqual({ ...want });
    }
    // No two fixture events are within any chain's window: no correlation result.
    expect(report.detections.filter((d) => d.kind === 'correlation').flatMap((d) => d.chains ?? [])).toEqual([]);
    expect(report.events).toBe(spec.cases!.length);
    expect(report.summary).toMatchObject({ results: expected.length, alerts: expected.filter((x) => x.action === 'alert').length, risk: expected.filter((x) => x.action === 'risk').length });
  });

  it('the fixtures cover every tier action and several detections per target', () => {
    for (const spec of FIXTURES.filter((s) => s.cases)) {
      const expected = expectedResults(spec);
      expect(new Set(expected.map((x) => x.action)), spec.file).toEqual(new Set(['alert', 'risk']));
      expect(new Set(expected.map((x) => x.detection)).size, spec.file).toBeGreaterThanOrEqual(4);
    }
  });

  it('det0459: a build then a run on one host gives the chain the case expects (Splunk export)', () => {
    const spec = FIXTURES.find((s) => s.stream)!;
    const report = replayFixture(spec);
    const c = bundledRules().correlations.find((x) => x.name === 'det0459-build-then-run')!;
    const k = loadCorrelationTests(testsPathFor(c.file), c).cases!.find((x) => x.name === 'build-then-run')!;
    const want = expectedChains(k.expect.chains).map((x) => ({ group: x.group, chain_start: new Date(x.start * 1000).toISOString().replace('.000Z', 'Z'), chain_end: new Date(x.end * 1000).toISOString().replace('.000Z', 'Z') }));
    const det = report.detections.find((d) => d.detection === c.name)!;
    expect(det.chains).toEqual(want);
    expect(want).toEqual([{ group: { Host: 'dev-07' }, chain_start: '2026-11-20T10:00:00Z', chain_end: '2026-11-20T10:05:00Z' }]);
    expect(det.results).toEqual([{ time: '2026-11-20T10:05:00Z', host: 'dev-07', tier: null, action: 'alert', score: null }]);
    // The stages' own results are risk records; the other chains need other stages.
    const others = report.detections.filter((d) => d.kind === 'correlation' && d.detection !== c.name);
    expect(others.flatMap((d) => d.chains ?? [])).toEqual([]);
    expect(report.detections.filter((d) => d.results.length).map((d) => d.detection).sort()).toEqual(['build-on-unapproved-host', 'container-run-or-deploy', 'det0459-build-then-run']);
  });

  it('det0459 on KQL: the same stream exported from Sentinel (Type column) gives the same chain', () => {
    const spec: FixtureSpec = { file: 'x.json', target: 'kql', profile: 'sentinel', shape: 'ah-api', stream: ['det0459-build-then-run', 'build-then-run'] };
    const file = parseExport(renderFixture(spec), 'det0459.json');
    const report = replay(file, detections(), { target: 'kql', profile: 'sentinel' });
    expect(report.detections.find((d) => d.detection === 'det0459-build-then-run')!.chains).toEqual([{ group: { Host: 'dev-07' }, chain_start: '2026-11-20T10:00:00Z', chain_end: '2026-11-20T10:05:00Z' }]);
  });
});

describe('other profiles: data models and ASIM parsers', () => {
  const cases = FIXTURES[0]!.cases!.filter(([rule]) => rule !== 'build-egress-untrusted');
  it('spl/cim: data-model rows are routed by their datamodel key, or by their fields\' dataset prefix when the export lacks it', () => {
    const spec: FixtureSpec = { file: 'cim.json', target: 'spl', profile: 'cim', shape: 'splunk-export', cases };
    const text = renderFixture(spec);
    expect(text).toContain('"datamodel":"Endpoint.Processes"');
    const withKey = replay(parseExport(text, 'cim.json'), detections(), { target: 'spl', profile: 'cim' });
    const stripped = text.replace(/"datamodel":"[^"]*",/g, '');
    expect(stripped).not.toContain('datamodel');
    const byPrefix = replay(parseExport(stripped, 'cim.json'), detections(), { target: 'spl', profile: 'cim' });
    for (const report of [withKey, byPrefix]) {
      expect(report.notes).toEqual([]);
      const actual = report.detections.flatMap((d) => d.results.map((r) => ({ detection: d.detection, ...r })));
      const expected = expectedResults(spec);
      expect(expected.length).toBeGreaterThan(5);
      expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
      for (const want of expected) expect({ ...actual.find((a) => key(a) === key(want))! }).toEqual({ ...want });
    }
  });
  it('kql/asim: parser rows are routed by EventSchema', () => {
    const spec: FixtureSpec = { file: 'asim.json', target: 'kql', profile: 'asim', shape: 'ah-api', cases: FIXTURES[3]!.cases! };
    const report = replay(parseExport(renderFixture(spec), 'asim.json'), detections(), { target: 'kql', profile: 'asim' });
    expect(report.notes).toEqual([]);
    const actual = report.detections.flatMap((d) => d.results.map((r) => ({ detection: d.detection, ...r })));
    const expected = expectedResults(spec);
    expect(actual.map(key).sort()).toEqual(expected.map(key).sort());
    for (const want of expected) expect({ ...actual.find((a) => key(a) === key(want))! }).toEqual({ ...want });
  });
});

describe('reading exports', () => {
  it('Splunk export lines: previews and end markers are skipped, multivalue fields are arrays', () => {
    const text = [
      '{"preview":true,"offset":0,"result":{"_time":"2026-11-20T10:00:00.000+00:00","host":"x"}}',
      '{"preview":false,"offset":0,"result":{"_time":"2026-11-20T11:00:00.000+01:00","host":"h","tags":["a","b"]}}',
      '{"preview":false,"lastrow":true}',
    ].join('\n');
    const file = parseExport(text, 'e.json');
    expect(file.shape).toBe('splunk-export');
    expect(file.skipped).toBe(2);
    const rows = replayRows(file, profileOf(FIXTURES[0]!), { target: 'spl' });
    expect(rows.rowsFor('process_creation')).toEqual([{ _time: Date.UTC(2026, 10, 20, 10) / 1000, host: 'h', tags: ['a', 'b'] }]);
  });

  it('a JSON array, Splunk /results and Log Analytics tables are read with each row\'s line', () => {
    expect(parseExport('[\n {"a":"1"},\n {"a":"2"}\n]', 'x').records.map((r) => r.line)).toEqual([2, 3]);
    const results = parseExport('{"preview":false,"fields":[{"name":"a"}],\n"results":[\n{"a":"1"}]}', 'x');
    expect([results.shape, results.records[0]!.line]).toEqual(['splunk-results', 3]);
    const la = parseExport('{"tables":[{"name":"PrimaryResult","columns":[{"name":"Type","type":"string"},{"name":"RemotePort","type":"int"}],\n"rows":[\n["DeviceNetworkEvents",443]]}]}', 'x');
    expect([la.shape, la.records[0]!.line, la.records[0]!.cells]).toEqual(['log-analytics-api', 3, { Type: 'DeviceNetworkEvents', RemotePort: 443 }]);
    const graph = parseExport('{"schema":[{"name":"Timestamp","type":"DateTime"}],"results":[{"Timestamp":"2024-03-26T09:39:50.7688641Z"}]}', 'x');
    expect([graph.shape, graph.columns]).toEqual(['advanced-hunting-api', ['Timestamp']]);
  });

  it('times: ISO 8601 with any offset form and fraction, epoch seconds, the Azure portal CSV form; nothing else', () => {
    const t = Date.UTC(2026, 10, 20, 10, 0, 0);
    for (const s of ['2026-11-20T10:00:00Z', '2026-11-20T10:00:00.000+00:00', '2026-11-20T11:00:00+0100', '2026-11-20 10:00:00', '2026-11-20T05:00:00-05', '2026-11-20 10:00:00.000 GMT', '1795168800', '11/20/2026, 10:00:00.000 AM'])
      expect(parseTime(s), s).toBe(t);
    expect(parseTime('2020-02-05T01:10:26.2648757Z')).toBe(Date.UTC(2020, 1, 5, 1, 10, 26, 264));
    expect(parseTime('11/20/2026, 12:30:00 PM')).toBe(Date.UTC(2026, 10, 20, 12, 30));
    expect(parseTime('11/20/2026, 12:30:00 AM')).toBe(Date.UTC(2026, 10, 20, 0, 30));
    for (const s of ['yesterday', '2026-02-30T00:00:00Z', '2026-11-20T24:00:00Z', '20/11/2026, 10:00:00', '', 'NaN']) expect(parseTime(s), s).toBeUndefined();
  });

  it('a `Name [UTC]` header names column Name', () => {
    const file = parseExport('"TimeGenerated [UTC]",Type\r\n"11/20/2026, 10:00:00.000 AM",DeviceProcessEvents\r\n', 'x.csv');
    expect(file.columns).toEqual(['TimeGenerated', 'Type']);
    const rows = replayRows(file, profileOf(FIXTURES[3]!), { target: 'kql' });
    expect(rows.rowsFor('process_creation')[0]!.TimeGenerated).toEqual(new Date(Date.UTC(2026, 10, 20, 10)));
  });
});

describe('CSV quoting', () => {
  const commandLine = 'docker build -f "https://example.com/a,b/Dockerfile" --label note="say ""hi"", then\nleave" .';
  it('embedded quotes, commas and a newline in CommandLine survive a Splunk CSV export and alert as the IR says', () => {
    const event = { _time: '2026-11-20T10:00:00Z', Host: 'dev-07', Image: '/usr/bin/docker', CommandLine: commandLine, ParentImage: '/bin/bash', User: 'dev' };
    const profile = profileOf(FIXTURES[1]!);
    const view = viewFor(profile, 'process_creation')!;
    const row = targets.spl.evaluator!.toRow(event, view);
    const columns = Object.keys(row);
    const cell = (k: string) => csvCell(k === '_time' ? new Date((row[k] as number) * 1000).toISOString() : String(row[k]));
    const text = `${columns.join(',')}\n${columns.map(cell).join(',')}\n`;
    expect(text.split('\n').length).toBeGreaterThan(3); // the cell spans lines
    const file = parseExport(text, 'q.csv');
    expect(file.records[0]!.cells.CommandLine).toBe(commandLine);
    expect(replayRows(file, profile, { target: 'spl' }).rowsFor('process_creation')).toEqual([row]);
    const report = replay(file, detections(), { target: 'spl', profile: 'sysmon_linux' });
    const rule = bundledRules().irs.find((r) => r.name === 'docker-build-risk')!;
    const ir = compileRule(rule, irViewOf(view)).evaluate(event);
    expect(ir.matched).toBe(true);
    expect(report.detections.find((d) => d.detection === rule.name)!.results).toEqual([{ time: '2026-11-20T10:00:00Z', host: 'dev-07', tier: ir.tier, action: ir.action, score: ir.score }]);
  });

  it('a broken quote is one located line', () => {
    expect(() => parseExport('a,b\n1,"x\n', 'bad.csv')).toThrow(ReplayInputError);
    expect(() => parseExport('a,b\n1,"x\n', 'bad.csv')).toThrow('bad.csv:2: not CSV: a quoted cell is not closed (a " is missing)');
    expect(() => parseExport('a,b\n1,x"y\n', 'bad.csv')).toThrow(/^bad\.csv:2: not CSV: a quote inside an unquoted cell/);
    expect(() => parseExport('a,b\n1\n', 'bad.csv')).toThrow('bad.csv:2: 1 cell(s), but the header names 2 column(s)');
  });
});

describe('KQL routing', () => {
  const ah = FIXTURES.find((s) => s.file === 'advanced-hunting.csv')!;
  it('a single-table export is routed by its columns; --table says the same', () => {
    const a = replayFixture(ah);
    const b = replayFixture(ah, 'DeviceProcessEvents');
    expect(b.detections).toEqual(a.detections);
  });
  it('--table naming another table gives that table\'s queries the rows', () => {
    const r = replayFixture(ah, 'DeviceFileEvents');
    expect(r.detections.filter((d) => d.results.length).map((d) => d.detection)).toEqual([]);
  });
  it('rows that fit several tables are offered to each and a note says so; rows of other tables are not replayed', () => {
    const text = 'Timestamp,DeviceName,FolderPath\n2026-11-20T10:00:00Z,h,/usr/bin/docker\n';
    const r = replay(parseExport(text, 'p.csv'), detections(), { target: 'kql', profile: 'defender' });
    expect(r.notes).toEqual([
      '1 row(s) of p.csv fit several tables of kql profile defender (DeviceProcessEvents, DeviceFileEvents) and are offered to the queries of each (line(s) 2; pass --table, or export a Type or $table column, to say which)',
    ]);
    const typed = 'TimeGenerated,Type,Computer\n2026-11-20T10:00:00Z,SecurityEvent,h\n2026-11-20T10:00:00Z,SecurityEvent,h\n';
    expect(replay(parseExport(typed, 't.csv'), detections(), { target: 'kql', profile: 'sentinel' }).notes).toEqual([
      '2 row(s) of t.csv are rows of SecurityEvent, which no query of kql profile sentinel reads; not replayed (line(s) 2, 3)',
    ]);
  });
});

describe('t1612 test --events (CLI)', () => {
  it('prints each detection\'s results and the summary line, exit 0 with alerts', async () => {
    const io = captureIo();
    expect(await run(['test', '--events', 'test/replay/fixtures/splunk-export.json', '--target', 'spl', '--profile', 'sysmon_linux'], io)).toBe(0);
    const out = io.stdout.join('\n');
    const spec = FIXTURES[0]!;
    const expected = expectedResults(spec);
    const alerts = expected.filter((x) => x.action === 'alert').length;
    const detectionsWith = new Set(expected.map((x) => x.detection)).size;
    expect(out.split('\n').at(-1)).toBe(`17 event(s) from test/replay/fixtures/splunk-export.json; ${expected.length} result(s) from ${detectionsWith} detection(s); ${alerts} alert(s), ${expected.length - alerts} risk record(s)`);
    expect(out).toContain('docker-build-risk: 3 result(s)\n  2026-11-19T02:00:00Z  host -     ');
    expect(out).toMatch(/^ {2}2026-11-19T00:00:00Z {2}host lab-01 +tier low +risk {3}score 2$/m);
    // Only notes on stderr (rules of log sources the profile lacks are not run).
    for (const line of io.stderr) expect(line).toMatch(/^note: not run: /);
  });

  it('--format json gives the same report as JSON', async () => {
    const io = captureIo();
    expect(await run(['test', '--events', 'test/replay/fixtures/advanced-hunting-api.json', '--target', 'kql', '--profile', 'sentinel', '--format', 'json'], io)).toBe(0);
    const report = JSON.parse(io.stdout.join('\n')) as ReplayReport;
    expect(report).toMatchObject({ file: 'test/replay/fixtures/advanced-hunting-api.json', shape: 'advanced-hunting-api', target: 'kql', profile: 'sentinel', events: 14 });
    expect(report.detections).toEqual(replayFixture(FIXTURES[3]!).detections);
  });

  it('a value that is not a time: one line naming FILE:line and column, exit 2, no stack', async () => {
    const dir = tmp();
    const file = join(dir, 'events.csv');
    const lines = ['Timestamp,DeviceName,FolderPath,ProcessCommandLine'];
    for (let i = 0; i < 10; i++) lines.push(`2026-11-20T10:0${i}:00Z,h,/usr/bin/docker,docker ps`);
    lines.push('yesterday,h,/usr/bin/docker,"docker build ."');
    writeFileSync(file, lines.join('\n') + '\n');
    const io = captureIo();
    expect(await run(['test', '--events', file, '--target', 'kql', '--profile', 'defender'], io)).toBe(2);
    expect(io.stderr).toEqual([`${file}:12: column Timestamp: "yesterday" is not a time (ISO 8601 or epoch seconds)`]);
    expect(io.stdout).toEqual([]);
  });

  it('every unreadable value is its own line; JSON errors name their line', async () => {
    const dir = tmp();
    const file = join(dir, 'e.json');
    writeFileSync(file, '[\n{"Timestamp":"2026-11-20T10:00:00Z","RemotePort":"https","RemoteIP":"1.2.3.4"},\n{"Timestamp":"soon","RemotePort":3000000000,"RemoteIP":"1.2.3.4"}\n]\n');
    const io = captureIo();
    expect(await run(['test', '--events', file, '--target', 'kql', '--profile', 'defender', '--table', 'DeviceNetworkEvents'], io)).toBe(2);
    expect(io.stderr).toEqual([
      `${file}:2: column RemotePort: "https" is not a whole number (int column)`,
      `${file}:3: column Timestamp: "soon" is not a time (ISO 8601 or epoch seconds)`,
      `${file}:3: column RemotePort: 3000000000 is outside the range of an int column`,
    ]);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '[\n{"a": 1},\n{"a": }\n]');
    const io2 = captureIo();
    expect(await run(['test', '--events', bad, '--target', 'spl', '--profile', 'sysmon_linux'], io2)).toBe(2);
    expect(io2.stderr).toEqual([`${bad}:3: not JSON: expected a JSON value, found "}"`]);
  });

  it('usage: one target spl|kql, one profile, --table only for kql, a table the profile reads', async () => {
    const events = 'test/replay/fixtures/splunk-export.json';
    const cases: [string[], RegExp][] = [
      [['--profile', 'sysmon_linux'], /--events needs one --target spl\|kql \(got all\)/],
      [['--target', 'sigma', '--profile', 'taxonomy'], /--events needs one --target spl\|kql \(got sigma\)/],
      [['--target', 'spl'], /--events needs exactly one --profile \(got 0\)/],
      [['--target', 'spl', '--profile', 'sysmon_linux', 'cim'], /--events needs exactly one --profile \(got 2\)/],
      [['--target', 'spl', '--profile', 'sysmon_linux', '--table', 'X'], /--table applies to --target kql only/],
      [['--target', 'kql', '--profile', 'defender', '--table', 'SecurityEvent'], /kql profile defender reads no table SecurityEvent \(use one of: DeviceProcessEvents, DeviceFileEvents, DeviceNetworkEvents\)/],
    ];
    for (const [args, message] of cases) {
      const io = captureIo();
      expect(await run(['test', '--events', events, ...args], io), args.join(' ')).toBe(2);
      expect(io.stderr.join('\n')).toMatch(message);
    }
    const io = captureIo();
    expect(await run(['test', '--table', 'DeviceProcessEvents'], io)).toBe(2);
    expect(io.stderr.join('\n')).toMatch(/--table applies to --events only/);
    const missing = captureIo();
    expect(await run(['test', '--events', 'no/such.csv', '--target', 'spl', '--profile', 'sysmon_linux'], missing)).toBe(2);
    expect(missing.stderr).toEqual(['no/such.csv: cannot read the file (no such file)']);
  });
});
