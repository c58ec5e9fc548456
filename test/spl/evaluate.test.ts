/**
 * The SPL evaluator (src/backends/spl/evaluate.ts) runs the emitted SPL text, with the macros.conf
 * `compile` wrote, over Splunk events (src/backends/spl/rows.ts). These tests check that the emitted
 * text means what the IR means (the oracle, src/ir/evaluate.ts): the rule's own test cases, the
 * golden cases on hand-written events, a `_filter` macro override, what is not implemented, and a
 * property over realistic build events. Every event is run twice: with absent values written as
 * Sysmon for Linux writes them (`-`) and as missing keys (NULL in Splunk); the emitted query must
 * give the same answer for both.
 */
import { randomRuleArb } from '../support/random-rules.js';
import { buildEventArb } from '../support/build-events.js';
import { hostileStringCases, kitchenSinkCases } from '../support/golden-events.js';
import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules } from '../../src/compile.js';
import { loadRules } from '../../src/pipeline.js';
import { loadTestFile } from '../../src/testing/cases.js';
import { compileRule, type CanonicalEvent, type CompiledRule } from '../../src/ir/evaluate.js';
import type { RuleIR } from '../../src/ir/nodes.js';
import type { CanonicalField } from '../../src/model/types.js';
import { UnsupportedConstruct, type CompiledQuery, type Row } from '../../src/backends/evaluation.js';
import type { EmittedFile } from '../../src/backends/types.js';
import { ConfParseError, parseConf } from '../../src/backends/spl/conf.js';
import { anchorAssertions, compileSpl, macrosFromConf, macrosFromShared, SplQueryError, splEvaluator, type SplMacroDefinition } from '../../src/backends/spl/evaluate.js';
import { FIXED_TIME, splRow } from '../../src/backends/spl/rows.js';
import { lookupsFromShared } from '../../src/backends/spl/lookup.js';
import { sysmonLinux as sysmonLinuxProfile } from '../../src/backends/spl/profiles.js';
import { viewFor } from '../../src/backends/types.js';

const sysmonLinux = viewFor(sysmonLinuxProfile, 'process_creation')!;
import { pcreToJs } from '../../src/backends/pcre.js';
import { events as sharedEvents } from '../support/events.js';
import { loadRuleText, loadOne } from '../support/rules.js';

const PROFILE = sysmonLinux;
const FIELDS = new Set(Object.keys(PROFILE.fields) as CanonicalField[]);
const ABSENT_MODES = ['placeholder', 'null'] as const;
type Absent = (typeof ABSENT_MODES)[number];

interface Pair {
  readonly ir: RuleIR;
  readonly oracle: CompiledRule;
  readonly spl: CompiledQuery;
  readonly query: EmittedFile;
  readonly shared: readonly EmittedFile[];
}

function pairFor(ir: RuleIR): Pair {
  const out = compileRules([ir], { targets: ['spl'] });
  const folder = `spl/${PROFILE.id}/`;
  const query = out.files.find((f) => f.path === `${folder}${ir.name}.spl`);
  if (!query) throw new Error(`no SPL file for ${ir.name}: ${JSON.stringify(out.diagnostics)}`);
  const shared = out.files.filter((f) => f.path.startsWith(folder) && f !== query);
  return { ir, oracle: compileRule(ir, { availableFields: FIELDS, placeholders: PROFILE.placeholders }), spl: splEvaluator.compile(query, shared, PROFILE), query, shared };
}

interface Seen {
  readonly matched: boolean;
  /** Only for matched events: an event the query drops has no row to read a score from. */
  readonly score: number | null;
  readonly tier: string | null;
  readonly action: string | null;
  readonly signals: readonly string[] | null;
}

function splOutcome(p: Pair, event: CanonicalEvent, absent: Absent): Seen {
  const results = p.spl.run([splRow(event, PROFILE, { absent })]);
  if (results.length > 1) throw new Error(`${results.length} results for one event`);
  const r = results[0];
  if (!r) return { matched: false, score: null, tier: null, action: null, signals: null };
  const signals = Object.entries(r.signals ?? {}).filter(([, v]) => v).map(([k]) => k);
  return { matched: true, score: r.score ?? null, tier: r.tier, action: r.action, signals: p.ir.signals.map((s) => s.id).filter((id) => signals.includes(id)) };
}

function irOutcome(p: Pair, event: CanonicalEvent): Seen {
  const e = p.oracle.evaluate(event);
  return e.matched ? { matched: true, score: e.score, tier: e.tier, action: e.action, signals: e.signals } : { matched: false, score: null, tier: null, action: null, signals: null };
}

/** SPL (both ways of writing absent values) and the IR agree; the message names the event. */
function expectAgree(p: Pair, event: CanonicalEvent): Seen {
  const ir = irOutcome(p, event);
  for (const absent of ABSENT_MODES) expect(splOutcome(p, event, absent), `${absent} row of event ${JSON.stringify(event)}`).toEqual(ir);
  return ir;
}


function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

const bundled = loadRules(['rules']);
const dockerBuildRisk = bundled.irs.find((r) => r.name === 'docker-build-risk')!;

// ---------------------------------------------------------------------------------------------

describe('splRow: the Sysmon for Linux event in Splunk', () => {
  it('maps fields, writes absent values as the placeholder, sets _time (epoch seconds), host and the base-search fields', () => {
    expect(splRow({ _time: '2026-11-20T10:00:00Z', Host: 'lab-01', Image: '/usr/bin/docker', CommandLine: '', ParentImage: null, User: 'root', other: 'x' }, PROFILE)).toEqual({
      _time: Date.UTC(2026, 10, 20, 10) / 1000,
      host: 'lab-01',
      index: 'main',
      sourcetype: 'sysmon:linux',
      EventID: '1',
      Image: '/usr/bin/docker',
      CommandLine: '-',
      ParentImage: '-',
      ParentCommandLine: '-',
      User: 'root',
      CurrentDirectory: '-',
    });
  });
  it('absent: null leaves absent values out (NULL); a placeholder value is kept as written', () => {
    expect(splRow({ Image: '/usr/bin/docker', CommandLine: '', User: '-' }, PROFILE, { absent: 'null' })).toEqual({
      _time: FIXED_TIME,
      index: 'main',
      sourcetype: 'sysmon:linux',
      EventID: '1',
      Image: '/usr/bin/docker',
      User: '-',
    });
  });
  it('network_connection: EventID 3, destination fields as plain strings, Host in host; no ParentImage in Sysmon for Linux', () => {
    const view = viewFor(sysmonLinuxProfile, 'network_connection')!;
    expect(splRow({ Host: 'dev-07', Image: '/usr/bin/dockerd', ParentImage: '/usr/bin/runc', DestinationIp: '2606:4700:4700::1111', DestinationHostname: 'ghcr.io', DestinationPort: '2375' }, view)).toEqual({
      _time: FIXED_TIME,
      host: 'dev-07',
      index: 'main',
      sourcetype: 'sysmon:linux',
      EventID: '3',
      Image: '/usr/bin/dockerd',
      User: '-',
      DestinationIp: '2606:4700:4700::1111',
      DestinationHostname: 'ghcr.io',
      DestinationPort: '2375',
      Initiated: '-',
    });
    expect(splRow({ Image: '/usr/bin/dockerd', DestinationPort: '443' }, view, { absent: 'null' })).toEqual({ _time: FIXED_TIME, index: 'main', sourcetype: 'sysmon:linux', EventID: '3', Image: '/usr/bin/dockerd', DestinationPort: '443' });
  });
  it('renames fields for a profile with other names; a bad _time becomes the fixed time', () => {
    const p = { ...PROFILE, id: 'renamed', fields: { Image: 'process_path', CommandLine: 'process' }, placeholders: [] };
    expect(splRow({ _time: 'not a time', Image: '/bin/x', CommandLine: '', User: 'root' }, p)).toEqual({ _time: FIXED_TIME, index: 'main', sourcetype: 'sysmon:linux', EventID: '1', process_path: '/bin/x' });
  });
});

describe('conf.ts: Splunk .conf files', () => {
  it('stanzas, keys, comments, blank lines, continuation, default stanza, merging', () => {
    const conf = parseConf(
      ['top = 1', '# comment', '  # indented comment', '', '[a]', 'definition = index=main sourcetype="x" # not a comment', 'k =', '[b b]', 'definition = search \\', '  x=1 \\', '  y=2', '[a]', 'k = again'].join('\n'),
    );
    expect([...conf.keys()]).toEqual(['default', 'a', 'b b']);
    expect(conf.get('default')!.get('top')).toBe('1');
    expect(conf.get('a')!.get('definition')).toBe('index=main sourcetype="x" # not a comment');
    expect(conf.get('a')!.get('k')).toBe('again');
    expect(conf.get('b b')!.get('definition')).toBe('search \n  x=1 \n  y=2');
  });
  it('CRLF line ends', () => {
    expect(parseConf('[a]\r\ndefinition = x\r\n').get('a')!.get('definition')).toBe('x');
  });
  it.each([
    ['a line without =', '[a]\njust words', /x\.conf:2: expected "key = value"/],
    ['an unclosed stanza', '[a\nk = v', /x\.conf:1: malformed stanza header/],
    ['an empty stanza name', '[ ]', /empty stanza name/],
    ['an empty key', '[a]\n = v', /x\.conf:2: empty key/],
    ['a continuation at the end', '[a]\nk = v \\', /line continuation/],
  ])('malformed: %s', (_n, text, message) => {
    const e = errorOf(() => parseConf(text, 'x.conf'));
    expect(e).toBeInstanceOf(ConfParseError);
    expect((e as Error).message).toMatch(message);
  });
  it('macrosFromConf reads definitions and iseval', () => {
    const m = macrosFromConf('[x]\ndefinition = search *\niseval = 0\n[y]\ndefinition = "a"\niseval = 1\n[z]\ndescription = none\n');
    expect([...m]).toEqual([
      ['x', { definition: 'search *', iseval: false }],
      ['y', { definition: '"a"', iseval: true }],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('rules/docker-build-risk.tests.yml through the emitted SPL', () => {
  const pair = pairFor(dockerBuildRisk);
  const { tests, diagnostics } = loadTestFile('rules/docker-build-risk.tests.yml', bundled.irs);
  it('loads', () => {
    expect(diagnostics).toEqual([]);
    expect(tests!.cases.length).toBeGreaterThan(20);
  });
  it.each(tests!.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const expected = c.expectByProfile?.[PROFILE.id] ?? c.expect;
    const want = { matched: expected.matched, score: expected.matched ? expected.score : null, tier: expected.tier ?? null, action: expected.action ?? null };
    const ir = expectAgree(pair, c.event);
    expect({ matched: ir.matched, score: ir.score, tier: ir.tier, action: ir.action }).toEqual(want);
  });
  it('runs many rows at once: the matched ones, sorted by -risk_score then -_time (stable)', () => {
    const events = tests!.cases.map((c, i) => ({ ...c.event, _time: `2026-11-20T10:00:${String(i % 60).padStart(2, '0')}Z` }));
    const rows = events.map((e) => splRow(e, PROFILE));
    const results = pair.spl.run(rows);
    const expected = events
      .map((e, i) => ({ ir: pair.oracle.evaluate(e), time: Date.parse(e._time) / 1000, i }))
      .filter((x) => x.ir.matched)
      .sort((a, b) => b.ir.score - a.ir.score || b.time - a.time || a.i - b.i)
      .map((x) => ({ score: x.ir.score, tier: x.ir.tier, action: x.ir.action, time: x.time }));
    expect(results.map((r) => ({ score: r.score, tier: r.tier, action: r.action, time: r.row._time }))).toEqual(expected);
    // The output row is what `table` listed, in that order.
    expect(Object.keys(results[0]!.row)[0]).toBe('_time');
    expect(Object.keys(results[0]!.row).slice(-3)).toEqual(['risk_score', 'risk_tier', 'risk_action']);
    // The input rows are not modified.
    expect(rows).toEqual(events.map((e) => splRow(e, PROFILE)));
  });
  it("signalExpression gives the text of a signal's assignment", () => {
    expect(pair.spl.signalExpression('shell_parent')).toMatch(/^sig_shell_parent=if\(match\(ParentImage, ".*"\), 1, 0\)$/);
    expect(pair.query.content).toContain(pair.spl.signalExpression('temp_context')!);
    expect(pair.spl.signalExpression('no_such_signal')).toBeUndefined();
  });
  it('the evaluator reads the macros.conf it is given: without it the base-search macro is undefined', () => {
    expect(() => splEvaluator.compile(pair.query, [], PROFILE)).toThrow(/undefined macro `t1612_sysmon_linux_process_creation`/);
  });
  it('the base search selects the profile\'s events only', () => {
    const row = splRow({ Image: '/usr/bin/docker', CommandLine: 'docker build -t x /tmp/ctx', ParentImage: '/bin/bash' }, PROFILE);
    expect(pair.spl.run([row])).toHaveLength(1);
    expect(pair.spl.run([{ ...row, index: 'other' }])).toHaveLength(0);
    expect(pair.spl.run([{ ...row, sourcetype: 'SYSMON:LINUX' }])).toHaveLength(1); // search values are case-insensitive
    expect(pair.spl.run([{ ...row, EventID: '3' }])).toHaveLength(0);
    const { EventID: _drop, ...noEventId } = row as Record<string, unknown>;
    expect(pair.spl.run([noEventId])).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe("the golden cases' own test files through the emitted SPL", () => {
  for (const name of ['kitchen-sink', 'hostile-strings', 'needs-current-directory']) {
    const dir = `test/golden/cases/${name}`;
    const pair = pairFor(loadOne(`${dir}/${name}.yml`));
    it(`${name}: the evaluated text is the golden file`, () => {
      expect(pair.query.content).toBe(readFileSync(`${dir}/expected/spl/${PROFILE.id}/${name}.spl`, 'utf8'));
    });
    const testsPath = `${dir}/${name}.tests.yml`;
    if (!existsSync(testsPath)) continue;
    const { tests, diagnostics } = loadTestFile(testsPath, [pair.ir]);
    it(`${name}: loads`, () => expect(diagnostics).toEqual([]));
    it.each((tests?.cases ?? []).map((c) => [c.name, c] as const))(`${name}: %s`, (_n, c) => {
      const expected = c.expectByProfile?.[PROFILE.id] ?? c.expect;
      const ir = expectAgree(pair, c.event);
      expect({ matched: ir.matched, tier: ir.tier, action: ir.action }).toEqual({ matched: expected.matched, tier: expected.tier ?? null, action: expected.action ?? null });
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
  it('every signal fires somewhere', () => {
    const fired = new Set(cases.flatMap(([, e]) => pair.oracle.evaluate(e).signals));
    expect(fired).toEqual(new Set(pair.ir.signals.map((s) => s.id)));
  });
});

// ---------------------------------------------------------------------------------------------

describe('a _filter macro override removes rows', () => {
  const pair = pairFor(dockerBuildRisk);
  const withFilter = (definition: string) => compileSpl(pair.query.content, new Map<string, string | SplMacroDefinition>([...macrosFromShared(pair.shared), ['docker_build_risk_filter', definition]]), lookupsFromShared(pair.shared));
  const event = { Image: '/usr/bin/docker', CommandLine: 'docker build -t x /tmp/ctx', ParentImage: '/bin/bash' };
  // gitlab-runner would be dropped by the rule's allowlist macro (ci_service_accounts); builder is not listed.
  const users = ['root', 'svc-ci', 'SVC-Build', 'builder', undefined] as const;
  const rows = (absent: Absent) => users.map((u) => splRow(u === undefined ? event : { ...event, User: u }, PROFILE, { absent }));
  const usersOf = (q: CompiledQuery, absent: Absent) => q.run(rows(absent)).map((r) => r.row.User ?? 'NULL');
  // The rule reads User (its ci_service_accounts suppression), so the normalising eval has made an
  // absent User "" before the filter runs: the filter sees a value, written either way.
  it('the generated macro is search * (a no-op)', () => {
    expect(macrosFromShared(pair.shared).get('docker_build_risk_filter')!.definition).toBe('search *');
    for (const absent of ABSENT_MODES) expect(usersOf(pair.spl, absent)).toEqual(['root', 'svc-ci', 'SVC-Build', 'builder', '']);
  });
  it('search User!="svc*" removes the service accounts (case-insensitive); "" is a value, so it stays (S-not)', () => {
    const q = withFilter('search User!="svc*"');
    for (const absent of ABSENT_MODES) expect(usersOf(q, absent)).toEqual(['root', 'builder', '']);
  });
  it('search NOT User="svc*"', () => {
    expect(usersOf(withFilter('search NOT User="svc*"'), 'null')).toEqual(['root', 'builder', '']);
  });
  it('search NOT User IN (svc*, builder)', () => {
    expect(usersOf(withFilter('search NOT User IN (svc*, "builder")'), 'null')).toEqual(['root', '']);
  });
  it('a filter may be a where, and may use other macros', () => {
    const q = compileSpl(
      pair.query.content,
      new Map<string, string>([...[...macrosFromShared(pair.shared)].map(([k, v]) => [k, v.definition] as [string, string]), ['docker_build_risk_filter', 'where NOT `is_service`'], ['is_service', 'match(User, "^svc-")']]),
      lookupsFromShared(pair.shared),
    );
    expect(usersOf(q, 'null')).toEqual(['root', 'SVC-Build', 'builder', '']); // eval is case-sensitive
  });
  it('the filter is not where approved accounts go: the allowlist macro has dropped gitlab-runner before it', () => {
    const runner = splRow({ ...event, User: 'GitLab-Runner' }, PROFILE);
    expect(withFilter('search *').run([runner])).toEqual([]);
    expect(pair.spl.run([runner])).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('what the evaluator does not implement is an UnsupportedConstruct naming it', () => {
  const macros = new Map([['base', 'index=main']]);
  it.each([
    ['a command', '`base` | stats count', 'command stats'],
    ['a command', '`base` | rex field=CommandLine "(?<x>a)"', 'command rex'],
    ['an eval function', '`base` | eval x=mvcount(y)', 'eval function mvcount()'],
    ['an eval function in where', '`base` | where len(CommandLine) > 3', 'eval function len()'],
    ['a function name in upper case', '`base` | eval x=IF(a==1, 1, 0)', 'eval function IF()'],
    ['an eval operator %', '`base` | eval x=a % 2', 'eval operator %'],
    ['an eval operator XOR', '`base` | where a==1 XOR b==1', 'eval operator XOR'],
    ['an eval operator LIKE', '`base` | where a LIKE "x%"', 'eval operator LIKE'],
    ['match() with a computed regex', '`base` | where match(a, b)', 'match() with a regex that is not a string literal'],
    ['a regex construct', '`base` | where match(a, "(?=x)")', 'regex construct (?='],
    ['a bare search term', '`base` docker', 'bare search term "docker"'],
    ['a search phrase', '`base` "docker build"', 'search phrase'],
    ['TERM()', '`base` TERM(10.0.0.1)', 'search TERM()'],
    ['a search comparison', '`base` | search count>5', 'search comparison >'],
    ['CIDR matching in search', '`base` ip="10.0.0.0/8"', 'CIDR matching in search'],
    ['\\* in a search value', '`base` f="a\\*"', '\\* in a search value'],
    ['a subsearch', '`base` [search index=x | fields User]', 'subsearch'],
    ['macro arguments', '`base` | `filter(User)`', 'macro arguments'],
    ['a table wildcard', '`base` | table sig_*', 'table with a wildcard field list'],
    ['sort with num()', '`base` | sort 0 -num(risk_score)', 'sort num()'],
    ['sort desc', '`base` | sort 0 risk_score desc', 'sort desc'],
    ['a subsearch after a command', '`base` | eval x=1 | search [search index=x]', 'subsearch'],
    ['a streamstats function other than last()', '`base` | streamstats count(x) AS n by h', 'streamstats function count()'],
    ['a streamstats function without a field', '`base` | streamstats count', 'streamstats function count'],
    ['a streamstats option', '`base` | streamstats window=3 last(x) AS y', 'streamstats option window='],
    ['a streamstats option after the by clause', '`base` | streamstats last(x) AS y by h reset_on_change=true', 'streamstats option reset_on_change='],
    ['streamstats of an expression', '`base` | streamstats last(eval(x+1)) AS y', 'streamstats last() of "eval(x+1)"'],
    ['dedup with a count', '`base` | dedup 2 h', 'dedup with a count'],
    ['a dedup option', '`base` | dedup h keepempty=true', 'dedup option keepempty='],
    ['dedup sortby', '`base` | dedup h sortby -_time', 'dedup sortby'],
    ['a multisearch subsearch without search', '| multisearch [ index=a ] [ search index=b ]', 'a multisearch subsearch without a leading search command'],
    ['another command inside a multisearch subsearch', '| multisearch [ search index=a | rex field=x "(?<y>.)" ] [ search index=b ]', 'rex inside a multisearch subsearch'],
    ['dedup inside a multisearch subsearch', '| multisearch [ search index=a | dedup x ] [ search index=b ]', 'dedup inside a multisearch subsearch'],
    ['a subsearch inside a multisearch subsearch', '| multisearch [ search [ search index=c ] ] [ search index=b ]', 'a subsearch inside a multisearch subsearch'],
    ['another generating command', '| makeresults count=2', 'command makeresults'],
    ['tstats over indexes', '| tstats count where index=main', 'tstats without from datamodel='],
  ])('%s: %s', (_name, query, named) => {
    const e = errorOf(() => compileSpl(query, macros));
    expect(e).toBeInstanceOf(UnsupportedConstruct);
    expect((e as UnsupportedConstruct).target).toBe('spl');
    expect((e as Error).message).toContain(named);
  });
  it('an eval-based macro', () => {
    const e = errorOf(() => compileSpl('index=main | eval x=`m`', new Map([['m', { definition: '"a"', iseval: true }]])));
    expect((e as Error).message).toContain('eval-based macro `m`');
  });
  it('a multivalue field value, when a row carries one', () => {
    const q = compileSpl('index=main | where User=="root"');
    expect(() => q.run([{ index: 'main', User: ['root', 'x'] }])).toThrow(/multivalue field User/);
  });
});

describe('SPL that is not valid is an SplQueryError naming the problem', () => {
  it.each([
    ['an undefined macro', '`nope` | table a', /undefined macro `nope`/],
    ['an undefined nested macro', '`outer`', /undefined macro `inner` \(used by `outer`\)/],
    ['a recursive macro', '`loop`', /recursive macro: loop → again → loop/],
    ['an unterminated comment', '``` open | table a', /unterminated ``` comment/],
    ['a lone backtick', 'index=main | eval x="`"', /unterminated macro reference/],
    ['a boolean stored in a field', 'index=main | eval ok=1, flag=(a=="x")', /eval flag: the result of an eval expression cannot be a Boolean/],
    ['a boolean from if() stored in a field', 'index=main | eval flag=if(a=="x", true(), false())', /eval flag: the result/],
    ['where on a value', 'index=main | where a', /where needs a boolean expression/],
    ['AND on values', 'index=main | where a AND b', /AND needs a boolean expression/],
    ['lower-case and is a field name, not an operator', 'index=main | where a=="x" and b=="y"', /"and" in/],
    ['if() with a value condition', 'index=main | eval x=if(a, 1, 0)', /the condition of if\(\) needs a boolean/],
    ['case() with an odd number of arguments', 'index=main | eval x=case(a=="x")', /case\(\) takes condition\/value pairs/],
    ['match() arity', 'index=main | where match(a)', /match\(\) takes 2 arguments, got 1/],
    ['mixed branches', 'index=main | eval x=if(a=="x", 1, b=="y")', /must all be values or all be booleans/],
    ['an unterminated string', 'index=main | eval x="abc', /unterminated string literal/],
    ['an empty command', 'index=main | | table a', /empty command/],
    ['eval without =', 'index=main | eval x', /expected "=" after x/],
    ['a dangling operator', 'index=main | eval x=1+', /expected a value/],
    ['a field name starting with a digit', 'index=main | eval x=1a', /malformed number/],
    ['unbalanced parentheses in search', 'index=main (a=1', /expected "\)"/],
    ['OR without a term', 'OR a=1', /OR without a term/],
    ['AND at the end', 'index=main AND', /ends where a term was expected/],
    ['multisearch with one subsearch', '| multisearch [ search index=a ]', /multisearch needs at least two subsearches, got 1/],
    ['multisearch without subsearches', '| multisearch', /multisearch needs at least two subsearches, got 0/],
    ['multisearch with something else than subsearches', '| multisearch [ search index=a ] index=b', /multisearch takes subsearches in \[ \]/],
    ['multisearch after the first command', 'index=main | multisearch [ search index=a ] [ search index=b ]', /multisearch is a generating command: it must come first/],
    ['sort inside a multisearch subsearch', '| multisearch [ search index=a | sort 0 _time ] [ search index=b ]', /multisearch allows only streaming commands in its subsearches, not sort/],
    ['table inside a multisearch subsearch', '| multisearch [ search index=a | table x ] [ search index=b ]', /not table/],
    ['an empty multisearch subsearch', '| multisearch [ ] [ search index=b ]', /a multisearch subsearch must start with search/],
    ['an unclosed subsearch', '| multisearch [ search index=a [ search index=b ]', /unclosed subsearch/],
    ['an unbalanced ]', 'index=main ] | table a', /unbalanced "\]"/],
    ['streamstats without an aggregate', 'index=main | streamstats by h', /streamstats needs an aggregate/],
    ['streamstats by without fields', 'index=main | streamstats last(x) AS y by', /streamstats: by without fields/],
    ['streamstats AS without a name', 'index=main | streamstats last(x) AS', /a field name is missing after last\(x\) AS/],
    ['dedup without fields', 'index=main | dedup', /dedup needs at least one field/],
  ])('%s', (_name, query, message) => {
    const macros = new Map([
      ['outer', 'index=main `inner`'],
      ['loop', '`again`'],
      ['again', '`loop`'],
    ]);
    const e = errorOf(() => compileSpl(query, macros));
    expect(e).toBeInstanceOf(SplQueryError);
    expect((e as Error).message).toMatch(message);
  });
  it('macro nesting deeper than the limit', () => {
    const macros = new Map(Array.from({ length: 40 }, (_, i) => [`m${i}`, `\`m${i + 1}\``] as [string, string]));
    expect(() => compileSpl('`m0`', macros)).toThrow(/macro expansion deeper than 32 levels/);
  });
});

describe('the model where semantics.md is silent (pinned, see the header of evaluate.ts)', () => {
  const x = (expr: string, row: Row = {}) => compileSpl(`* | eval x=${expr}`).run([row])[0]!.row.x;
  it('+ adds numbers and concatenates strings; . concatenates; numeric strings count as numbers; NULL otherwise', () => {
    expect(x('1+2')).toBe(3);
    expect(x('"a"+"b"')).toBe('ab');
    expect(x('"a" . 1')).toBe('a1');
    expect(x('"a".n', { n: 2 })).toBe('a2');
    expect(x('n+1', { n: '41' })).toBe(42);
    expect(x('"a"+1')).toBeUndefined();
    expect(x('"a"-1')).toBeUndefined();
    expect(x('-n', { n: '2' })).toBe(-2);
    expect(x('1/0')).toBeUndefined();
    expect(x('7/2')).toBe(3.5);
  });
  it('comparisons: strings as strings, numbers as numbers, a number and a numeric string numerically', () => {
    const w = (expr: string, row: Row = {}) => compileSpl(`* | where ${expr}`).run([row]).length === 1;
    expect(w('"10"<"9"')).toBe(true); // two strings: code point order
    expect(w('10<9')).toBe(false);
    expect(w('n==1', { n: '1.0' })).toBe(true);
    expect(w('n=="1"', { n: '1.0' })).toBe(false);
    expect(w('n<5', { n: 'abc' })).toBe(false);
    expect(w('NOT n<5', { n: 'abc' })).toBe(false); // not comparable: NULL
  });
  it('fields named like Object.prototype members are ordinary fields', () => {
    const q = compileSpl("* | eval constructor=coalesce(constructor, \"none\"), '__proto__'=\"p\", toString=1 | table constructor, __proto__, toString, hasOwnProperty");
    const row = q.run([{}])[0]!.row;
    expect(Object.keys(row)).toEqual(['constructor', '__proto__', 'toString']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect([row.constructor, Object.getOwnPropertyDescriptor(row, '__proto__')!.value, row.toString]).toEqual(['none', 'p', 1]);
  });
  it('without table, the output row is the event with eval results over it (a NULL result removes the field)', () => {
    const q = compileSpl('* | eval b=a+1, c=missing+1, a=null()');
    expect(q.run([{ a: 1, c: 'old', d: 'kept' }])[0]!.row).toEqual({ d: 'kept', b: 2 });
  });
  it('comments are removed and macros may sit anywhere, also inside quotes', () => {
    const q = compileSpl('``` c ``` * ``` c2 ``` | eval x="`v`"', new Map([['v', 'value']]));
    expect(q.run([{}])[0]!.row.x).toBe('value');
  });
});

describe('anchorAssertions: the same regex, anchored for V8', () => {
  it.each([
    ['^abc', '^abc', ['abc', 'xabc', 'ab']],
    ['(?:^|/)sh$', '(?:^|\\/)sh(?=\\n?$)', ['sh', '/bin/sh', '/bin/sh\n', 'sshd', 'x/sh\n\n']],
    ['a\\z', 'a$', ['a', 'a\n', 'ba']],
    ['[(?<!]x', '[(?<!]x', ['(x', '<x', 'x']],
    ['\\(?<!x', '\\(?<!x', ['(<!x', '<!x']],
  ])('%s', (pcre, source, subjects) => {
    const re = pcreToJs(pcre, {}, 'spl');
    const fast = anchorAssertions(re);
    expect(fast.source).toBe(source);
    for (const s of subjects) expect(fast.test(s), JSON.stringify(s)).toBe(re.test(s));
  });
});

// ---------------------------------------------------------------------------------------------
// Property: realistic build events against the bundled rule.

describe('property: the emitted SPL of docker-build-risk agrees with the IR on realistic events', () => {
  const pair = pairFor(dockerBuildRisk);
  it('2,000 generated build events (absent values as "-" and as NULL)', () => {
    const tiers = new Map<string, number>();
    fc.assert(
      fc.property(buildEventArb, (event) => {
        const ir = expectAgree(pair, event);
        const k = ir.tier ?? 'unmatched';
        tiers.set(k, (tiers.get(k) ?? 0) + 1);
      }),
      { seed: 0x1612, numRuns: 2000 },
    );
    // The generator reaches every outcome.
    expect([...tiers.keys()].sort()).toEqual([...pair.ir.tiers.map((t) => t.name), 'unmatched'].sort());
  });
  it('2,000 events of the shared generator (test/support/events.ts)', () => {
    fc.assert(
      fc.property(sharedEvents, (event) => {
        expectAgree(pair, event);
      }),
      { seed: 0x5f1, numRuns: 2000 },
    );
  });
  it('a batch run gives the same outcomes as one row at a time', () => {
    const events = fc.sample(buildEventArb, { numRuns: 500, seed: 7 });
    const rows: Row[] = events.map((e) => splRow(e, PROFILE));
    const batch = pair.spl.run(rows).map((r) => `${r.score}/${r.tier}/${r.action}`).sort();
    const single = events.flatMap((e) => pair.spl.run([splRow(e, PROFILE)])).map((r) => `${r.score}/${r.tier}/${r.action}`).sort();
    expect(batch).toEqual(single);
    expect(batch.length).toBeGreaterThan(20);
  });
});

// ---------------------------------------------------------------------------------------------
// Property: random small rules (every predicate form the emitter writes, thresholds, tiers with
// score and signal conditions), compiled to SPL, agree with the IR on the shared generator's events.

describe('property: random rules compiled to SPL agree with the IR', () => {
  it('200 rules × 20 events (absent values as "-" and as NULL)', () => {
    let checked = 0;
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(randomRuleArb, fc.array(sharedEvents, { minLength: 20, maxLength: 20 }), (text, evs) => {
        const loaded = loadRuleText('mini-rule', text);
        if (!loaded.ok || loaded.irs.length !== 1) return; // a check rejects it (an unreachable tier, …)
        checked++;
        const pair = pairFor(loaded.irs[0]!);
        for (const e of evs) {
          const ir = expectAgree(pair, e);
          outcomes.add(ir.tier === null ? 'unmatched' : ir.tier === 'fallback' ? 'default' : 'tier');
        }
      }),
      { seed: 0x5b1, numRuns: 200 },
    );
    expect(checked).toBeGreaterThan(60);
    expect(outcomes).toEqual(new Set(['unmatched', 'default', 'tier']));
  });
});
