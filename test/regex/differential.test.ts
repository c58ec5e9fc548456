/**
 * Differential regex test: every regex the compiler can emit, and the edge cases of the portable
 * subset, run through PCRE2 (Splunk, Sigma), Rust regex via ripgrep (KQL) and JavaScript (the
 * evaluators and the IR); all three must give one answer. Where engines differ on a construct, the
 * subset rejects it or the compiler rewrites it; the last block shows they really do differ there.
 *
 * CI installs the engines (`.ci/run`: apt-get install pcre2-utils ripgrep); locally the test is
 * skipped with a notice when they are missing, and never skipped under CI.
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../src/ir/nodes.js';
import { PortableRegex } from '../../src/ir/regex.js';
import { loadRules } from '../../src/pipeline.js';
import { loadTestFile } from '../../src/testing/cases.js';
import { haveTool, pcre2Matches, rustMatches } from './engines.js';

const available = haveTool('pcre2test') && haveTool('rg');
if (!available && !process.env.CI) console.warn('regex differential tests skipped: install pcre2-utils and ripgrep');

interface Case {
  readonly label: string;
  readonly regex: PortableRegex;
  readonly ci: boolean;
}

function regexNodes(e: Expr, out: Case[], label: string): void {
  switch (e.kind) {
    case 'and':
    case 'or':
      e.args.forEach((a) => regexNodes(a, out, label));
      return;
    case 'not':
      regexNodes(e.arg, out, label);
      return;
    case 'regex':
      out.push({ label: `${label}: ${e.origin}`, regex: e.regex, ci: !e.caseSensitive });
      return;
    case 'compare':
      return;
  }
}

const goldenRules = readdirSync('test/golden/cases').flatMap((c) =>
  readdirSync(`test/golden/cases/${c}`).filter((f) => f.endsWith('.yml') && !f.endsWith('.tests.yml')).map((f) => `test/golden/cases/${c}/${f}`),
);
const loaded = loadRules(['rules', ...goldenRules]);
const emitted: Case[] = [];
for (const ir of loaded.irs) {
  regexNodes(ir.match, emitted, `${ir.name} match`);
  for (const s of ir.signals) regexNodes(s.expr, emitted, `${ir.name} ${s.id}`);
}

const edge: Case[] = [
  ['a.b', false],
  ['^a.*b$', false],
  ['sh$', false],
  ['^$', false],
  ['(?:x|y)+z', false],
  ['[a-c]+[^a-c]', false],
  ['a{2,3}', false],
  ['docker', true],
  ['[k-s]+', true],
  ['[0-9]+', false],
  ['^[A-Za-z0-9_]+$', false],
  ['\\x41\\t\\n', false],
  ['straße', false],
  ['日本.', false],
].map(([source, ci]) => ({ label: `edge ${source}`, regex: PortableRegex.trusted(source as string, ci as boolean), ci: ci as boolean }));

const commandLines = loadRules(['rules']).irs.flatMap((ir) => loadTestFile(`rules/${ir.name}.tests.yml`, [ir]).tests?.cases ?? []).flatMap((c) => Object.values(c.event).filter((v): v is string => typeof v === 'string' && v !== ''));
// No empty subject: the compiler never runs a regex on an empty value (an absent field is guarded
// on every target), and ripgrep does not search empty files.
const subjects = [
  'a', 'ab', 'a\nb', 'a\rb', 'a\u2028b', 'a\u2029b', 'a\u0085b', 'axb', 'aab', 'aaab',
  'bash', 'bash\n', 'bash\n\n', 'bash\r\n', '/bin/sh', 'sh\u2028',
  'docker', 'DOCKER', 'DoCkEr', '\u212Aeep', 'ſs', 'kks', 'KS', 'ｄocker',
  '123', '١٢٣', '𝟙𝟚𝟛', 'x_1', 'é', 'straße', 'STRASSE', '日本語', '😀',
  'A\t\n', 'A\t\nx', 'xy z', 'xxz',
  ...commandLines,
];

describe.skipIf(!available && !process.env.CI)('one answer from PCRE2, Rust regex and JavaScript', () => {
  const cases = [...edge, ...emitted];
  it(`covers every regex the bundled rules and golden cases emit (${emitted.length})`, () => {
    expect(loaded.ok).toBe(true);
    expect(emitted.length).toBeGreaterThan(10);
  });
  const pcre = pcre2Matches(cases.map((c) => c.regex.render('pcre', c.ci)), subjects);
  const rust = rustMatches(cases.map((c) => c.regex.render('rust', c.ci)), subjects);
  cases.forEach((c, i) => {
    it(c.label, () => {
      const js = c.regex.toJs(c.ci);
      const disagreements = subjects
        .map((s, j) => ({ subject: s, pcre2: pcre[i]![j], rust: rust[i]![j], js: js.test(s) }))
        .filter((r) => r.pcre2 !== r.rust || r.rust !== r.js);
      expect(disagreements).toEqual([]);
    });
  });
});

describe.skipIf(!available && !process.env.CI)('why the subset rejects these: the engines really differ', () => {
  const differs = (pattern: string, subject: string, jsFlags = 'u') => {
    const [p] = pcre2Matches([pattern], [subject]);
    const [r] = rustMatches([pattern], [subject]);
    const j = new RegExp(pattern, jsFlags).test(subject);
    return { pcre2: p![0], rust: r![0], js: j };
  };
  it('\\d: Rust is Unicode-aware (Arabic-Indic digits), PCRE2 and JS are ASCII', () => expect(differs('^\\d+$', '١٢٣')).toEqual({ pcre2: false, rust: true, js: false }));
  it('\\w: Rust is Unicode-aware, PCRE2 and JS are ASCII', () => expect(differs('^\\w+$', 'é')).toEqual({ pcre2: false, rust: true, js: false }));
  it('\\b: Rust sees a word boundary inside "é1"-style text differently', () => expect(differs('\\bx', 'éx')).toEqual({ pcre2: true, rust: false, js: true }));
  it('.: JavaScript excludes \\r and U+2028, PCRE2 and Rust do not', () => {
    expect(differs('a.b', 'a\rb')).toEqual({ pcre2: true, rust: true, js: false });
    expect(differs('a.b', 'a\u2028b')).toEqual({ pcre2: true, rust: true, js: false });
  });
  it('$: PCRE2 matches before a final newline, Rust and JavaScript only at the end', () => expect(differs('sh$', 'bash\n')).toEqual({ pcre2: true, rust: false, js: false }));
  it('(?i) on non-ASCII: Rust and JS (u) fold the Kelvin sign to k', () => {
    const [r] = rustMatches(['(?i)k'], ['\u212A']);
    expect(r![0]).toBe(true);
    expect(/k/iu.test('\u212A')).toBe(true);
  });
});
