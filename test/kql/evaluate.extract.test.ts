/**
 * `extract(regex, captureGroup, source)` in the KQL evaluator (src/backends/kql/evaluate.ts
 * `rustRegexExtractor`), and the other constructs a correlation joined on the image uses (`coalesce`
 * of strings, `iff` on string equality, `or` chains, `extend` over an existing column, `summarize
 * max() by` three columns): table-driven cases with their documented (or marked) results, refusals
 * of what is not implemented, and the image-key regexes of the bundled rules read three ways: by the
 * model (src/ir/image-key.ts `imageKeyOf`, JavaScript), by the evaluator's extract, and by Rust's own
 * `regex` crate through ripgrep (skipped with a notice when ripgrep is missing; CI installs it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnsupportedConstruct } from '../../src/backends/evaluation.js';
import { compileKqlTabular, KqlQueryError, rustRegexExtractor, rustRegexToJs } from '../../src/backends/kql/evaluate.js';
import { defender } from '../../src/backends/kql/profiles.js';
import { kqlRow } from '../../src/backends/kql/rows.js';
import { viewFor } from '../../src/backends/types.js';
import type { CanonicalEvent } from '../../src/ir/evaluate.js';
import { imageKeyOf } from '../../src/ir/image-key.js';
import { loadTestFile, testsPathFor } from '../../src/testing/cases.js';
import { bundledRules } from '../support/rules.js';
import { haveTool } from '../regex/engines.js';

const bundled = bundledRules();

describe('rustRegexExtractor: extract(regex, group, source) over a Rust pattern', () => {
  it.each([
    // [why, pattern, group, source, result]
    ['group 1 of the leftmost match', String.raw`(\d+)`, 1, 'ab12cd34', '12'],
    ['group 0 is the whole match', String.raw`[a-z](\d+)`, 0, 'ab12cd34', 'b12'],
    ['no match: "" (null, and a string is never null)', String.raw`(\d+)`, 1, 'abc', ''],
    ['an empty source is searched like any other: a match of empty groups', '^(a*)$', 1, '', ''],
    ['an empty source without a match', '(a)', 1, '', ''],
    ['a group that takes no part in the match: ""', '(a)|b', 1, 'xb', ''],
    ['named and unnamed groups are numbered alike by their opening parenthesis', '(?P<n>x)(y)', 2, 'xy', 'y'],
    ['nested groups: the outer one first', '((a)b)', 2, 'zab', 'a'],
    ['leftmost-first alternation, not longest', '(a|ab)', 1, 'ab', 'a'],
    ['greedy, then lazy repetition', '(a+)(a+?)', 2, 'aaaa', 'a'],
    ['Unicode \\d, as Rust', String.raw`(\d+)`, 1, 'x٣y', '٣'],
    ['a leading (?i) flag', '(?i)(abc)', 1, 'xABCx', 'ABC'],
    ['. is a code point, not a UTF-16 unit', '(.)$', 1, 'a😀', '😀'],
    ['a zero-width match inside a surrogate pair is no match there', String.raw`😀(\B)`, 0, '😀😀', '😀'],
    ['anchored: only at the start', '^(b)', 1, 'ab', ''],
    ['verbatim-string text: a quote is a quote', `(")`, 1, 'a"b', '"'],
  ] as const)('%s', (_why, pattern, group, source, result) => expect(rustRegexExtractor(pattern, group)(source)).toBe(result));

  it.each([
    ['a group beyond the pattern\'s', '(a)', 2],
    ['a group of a pattern without groups', 'a', 1],
    ['a negative group', '(a)', -1],
    ['a fractional group', '(a)', 0.5],
  ] as const)('refuses %s (its result is not documented)', (_why, pattern, group) => expect(() => rustRegexExtractor(pattern, group)).toThrow(UnsupportedConstruct));

  it('refuses the regex constructs matches regex refuses', () => expect(() => rustRegexExtractor('(?=a)(a)', 1)).toThrow(UnsupportedConstruct));

  it('the capturing translation adds no group and keeps the matches of the plain one', () => {
    for (const [p, groups] of [['(a)(?:b)(?P<x>c)', 2], [String.raw`\b(a)\B`, 1], ['(?m)^(a)$', 1], ['[(](a)[)]', 1], [String.raw`\((a)\)`, 1], [String.raw`(?i)\d\s\w`, 0]] as const) {
      const plain = rustRegexToJs(p);
      const capturing = rustRegexToJs(p, true);
      expect(new RegExp(`${capturing.source}|`, 'u').exec('')!.length - 1, p).toBe(groups);
      expect(new RegExp(`${plain.source}|`, 'u').exec('')!.length - 1, p).toBe(0);
      for (const s of ['abc', 'a', 'x a y', '(a)', 'a\nb']) expect(capturing.test(s), `${p} on ${JSON.stringify(s)}`).toBe(plain.test(s));
    }
  });
});

// ---------------------------------------------------------------------------------------------

const view = viewFor(defender, 'process_creation')!;
const rowsOf = (events: readonly CanonicalEvent[]) => events.map((e) => ({ category: 'process_creation' as const, row: kqlRow({ Host: 'h', ...e }, view) }));
const run = (query: string, events: readonly CanonicalEvent[]) => compileKqlTabular({ path: 'kql/defender/x.kql', content: query }, [], defender).run(rowsOf(events));

describe('the constructs of the image join, through query text', () => {
  it.each([
    ['extract of a column', 'extract(@"-t ([a-z]+)", 1, ProcessCommandLine)', 'docker build -t app .', 'app'],
    ['extract without a match', 'extract(@"-t ([a-z]+)", 1, ProcessCommandLine)', 'docker build .', ''],
    ['extract from a missing (empty) string cell', 'extract(@"(x?)", 1, AccountName)', 'docker', ''],
    ['coalesce of extracts: the first non-empty', 'coalesce(extract(@"-t ([a-z]+)", 1, ProcessCommandLine), extract(@"--destination ([a-z]+)", 1, ProcessCommandLine))', 'x --destination reg', 'reg'],
    ['coalesce of extracts: all empty is ""', 'coalesce(extract(@"-t ([a-z]+)", 1, ProcessCommandLine), extract(@"-d ([a-z]+)", 1, ProcessCommandLine))', 'x', ''],
    ['iff on string equality', 'iff(extract(@"-t ([a-z]+)", 1, ProcessCommandLine) == "", "none", "named")', 'docker build .', 'none'],
    ['a constant extract folds', 'extract(@"(b)", 1, "abc")', 'x', 'b'],
  ] as const)('%s', (_why, expr, commandLine, result) => {
    const out = run(`DeviceProcessEvents | project v = ${expr}`, [{ CommandLine: commandLine }]);
    expect(out).toEqual([{ v: result }]);
  });

  it('or chains of string comparisons, extend over an existing column, summarize max() by three columns', () => {
    const query = [
      'DeviceProcessEvents',
      '| project k = DeviceName, t = Timestamp, c = extract(@"^c=([a-z]*)", 1, ProcessCommandLine), i = extract(@"i=([a-z]*)", 1, ProcessCommandLine)',
      '| where i == "" or c == "" or c == i',
      '| extend c = iff(i == "", c, i)',
      '| summarize s = max(t) by k, i, c',
    ].join('\n');
    const at = (s: number) => new Date(Date.UTC(2026, 10, 20, 10, 0, s)).toISOString();
    const out = run(query, [
      { CommandLine: 'c=a i=a', _time: at(1) },
      { CommandLine: 'c=a i=b', _time: at(2) }, // incompatible: dropped
      { CommandLine: 'c= i=b', _time: at(3) },
      { CommandLine: 'c=a i=', _time: at(4) },
      { CommandLine: 'c=a i=a', _time: at(5) },
    ]);
    expect(out).toEqual([
      { k: 'h', i: 'a', c: 'a', s: new Date(at(5)) },
      { k: 'h', i: 'b', c: 'b', s: new Date(at(3)) },
      { k: 'h', i: '', c: 'a', s: new Date(at(4)) },
    ]);
  });

  it.each([
    ['the typeLiteral form', 'extract(@"(\\d+)", 1, ProcessCommandLine, typeof(long))'],
    ['a group that is not a constant', 'extract(@"(a)", ProcessId, ProcessCommandLine)'],
    ['a group beyond the pattern\'s', 'extract(@"(a)", 2, ProcessCommandLine)'],
  ] as const)('refuses %s', (_why, expr) => expect(() => run(`DeviceProcessEvents | project v = ${expr}`, [])).toThrow(UnsupportedConstruct));

  it('a regex that is not a constant is Kusto\'s error; a let-bound one is a constant', () => {
    expect(() => run('DeviceProcessEvents | project v = extract(ProcessCommandLine, 1, ProcessCommandLine)', [])).toThrow(KqlQueryError);
    expect(run('let r = @"-t ([a-z]+)";\nDeviceProcessEvents | project v = extract(r, 1, ProcessCommandLine)', [{ CommandLine: 'docker build -t app .' }])).toEqual([{ v: 'app' }]);
  });

  it('a source that is not a string is Kusto\'s error (KS107: a string expected)', () =>
    expect(() => run('DeviceProcessEvents | project v = extract(@"(1)", 1, ProcessId)', [])).toThrow(/KS107/));

  it('a wrong arity is Kusto\'s error', () => expect(() => run('DeviceProcessEvents | project v = extract(@"(a)", 1)', [])).toThrow(KqlQueryError));
});

// ---------------------------------------------------------------------------------------------

const rg = haveTool('rg');
if (!rg && !process.env.CI) console.warn('KQL extract differential tests skipped: install ripgrep');

/** For each subject, group 1 of Rust's first match of `pattern` ("" when none), by ripgrep's `-o -r '$1'` (one haystack per file). */
function rustGroup1(pattern: string, subjects: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 't1612-rg-extract-'));
  try {
    subjects.forEach((s, i) => writeFileSync(join(dir, `s${String(i).padStart(5, '0')}`), s));
    const files = readdirSync(dir).sort();
    const r = spawnSync('rg', ['--no-config', '-U', '-a', '-o', '--null', '-H', '--no-ignore', '--hidden', '-m', '1', '-r', '$1', '--regexp', `(?-m)${pattern}`, dir], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0 && r.status !== 1) throw new Error(`rg failed on ${pattern}: ${r.stderr}`);
    const found = new Map<string, string>();
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const [path, value] = line.split('\0') as [string, string];
      const name = path.slice(dir.length + 1);
      if (!found.has(name)) found.set(name, value);
    }
    return files.map((f) => found.get(f) ?? '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!rg)('image keys: the model, the evaluator\'s extract and Rust agree (ripgrep)', () => {
  const rules = bundled.irs.filter((r) => r.imageKey.length);
  // The rules' own test events, each also with its image replaced by several spellings of one.
  // The rules' own test events' values of each field a source reads (CommandLine; ContainerImage for
  // k8s-pod-create's reference), each also with its image replaced by several spellings of one.
  const spellings = ['app', 'docker.io/library/app:1.2', 'app@sha256:0123', '"ghcr.io/acme/app:1"', 'localhost:5000/app', 'docker://app', "'app'", 'index.docker.io/app'];
  const subjectsOf = (field: string): string[] => {
    const subjects = [
      ...new Set(rules.flatMap((r) => (loadTestFile(testsPathFor(r.file), bundled.irs).tests?.cases ?? []).flatMap((k) => (typeof k.event[field] === 'string' ? [k.event[field]] : [])))),
    ].filter((s) => !s.includes('\n')); // one line each: ripgrep prints matches line by line
    const variants = subjects.flatMap((s) => rules.flatMap((r) => {
      const key = imageKeyOf(r.imageKey.filter((x) => x.field === field), { [field]: s });
      return key ? spellings.map((v) => s.replace(key, v)) : [];
    }));
    const extra = field === 'CommandLine' ? ['docker build -t app .', 'docker run app', 'docker exec -it c sh'] : [...spellings, ' app:1', '\tapp', 'app latest', 'App:1', '/app', 'app/'];
    return [...new Set([...subjects, ...variants, ...extra, '-', ''])].filter((s) => s !== '');
  };
  const fields = [...new Set(rules.flatMap((r) => r.imageKey.map((s) => s.field)))];
  const subjects = new Map(fields.map((f) => [f, subjectsOf(f)]));
  const all = subjects.get('CommandLine')!;

  it('there are image-key sources and subjects naming images', () => {
    expect(rules.length).toBeGreaterThanOrEqual(4);
    expect(all.filter((s) => rules.some((r) => imageKeyOf(r.imageKey, { CommandLine: s }) !== '')).length).toBeGreaterThan(20);
  });
  for (const r of rules)
    for (const [i, s] of r.imageKey.entries())
      it(`${r.name} source ${i + 1} (${s.origin})`, () => {
        expect(['CommandLine', 'ContainerImage']).toContain(s.field);
        const all = subjects.get(s.field)!;
        const pattern = s.regex.render('rust', false);
        const extract = rustRegexExtractor(pattern, 1);
        const rust = rustGroup1(pattern, all);
        const diffs = all.flatMap((subject, j) => {
          const model = imageKeyOf([s], { [s.field]: subject });
          const kql = extract(subject);
          return model === kql && kql === rust[j] ? [] : [`${JSON.stringify(subject)}: model ${JSON.stringify(model)}, extract ${JSON.stringify(kql)}, rust ${JSON.stringify(rust[j])}`];
        });
        expect(diffs).toEqual([]);
      });
});
