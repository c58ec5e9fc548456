/** The portable regex subset: what is rejected (with the reason), and how each engine gets it. */
import { describe, expect, it } from 'vitest';
import { PortableRegex, escapeRegexLiteral } from '../../src/ir/regex.js';

function problem(source: string, ci = false): string {
  const r = PortableRegex.parse(source, ci);
  if (r instanceof PortableRegex) throw new Error(`${source} was accepted`);
  return r.message;
}

describe('rejected: constructs the engines read differently', () => {
  it.each([
    ['a(?=b)', 'regex uses a look-ahead (?=…), which is not portable'],
    ['a(?!b)', 'regex uses a look-ahead (?!…), which is not portable'],
    ['(?<=a)b', 'regex uses a look-behind (?<=…), which is not portable'],
    ['(?<!a)b', 'regex uses a look-behind (?<!…), which is not portable'],
    ['(a)\\1', 'regex backreference \\1 is not portable'],
    ['(?>a+)b', 'regex uses an atomic group (?>…), which is not portable'],
    ['a++', 'regex uses a possessive quantifier ++, which is not portable'],
    ['a*+', 'regex uses a possessive quantifier *+, which is not portable'],
    ['\\Qa.b\\E', 'regex quoting \\Q…\\E is not portable'],
    ['\\p{L}', 'regex Unicode class \\p is not portable'],
    ['\\d+', 'regex class \\d means different characters in PCRE, Rust and JavaScript'],
    ['\\w', 'regex class \\w means different characters in PCRE, Rust and JavaScript'],
    ['\\s', 'regex class \\s means different characters in PCRE, Rust and JavaScript'],
    ['\\bsh\\b', 'regex word boundary \\b is Unicode-aware in Rust but not in PCRE'],
    ['(?i)docker', 'regex uses an inline flag (?i), which is not portable'],
    ['(?P<x>a)', 'regex uses a named group (?P<x>…), which is not portable'],
    ['(?<x>a)', 'regex uses a named group (?<x>…), which is not portable'],
    ['a{', 'regex has a { that is not a quantifier {n}, {n,} or {n,m}'],
    ['a{,3}', 'regex has a { that is not a quantifier {n}, {n,} or {n,m}'],
    ['a}', 'regex has an unescaped }'],
    ['a]', 'regex has an unescaped ]'],
    ['[]a]', 'regex class starts with ], which engines read differently'],
    ['[a[b]', 'regex class contains [, which Rust reads as a nested class'],
    ['[a&&b]', 'regex class contains &&, a set operation in Rust regex'],
    ['[a--b]', 'regex class contains --, a set operation in Rust regex'],
    ['[[:alpha:]]', 'regex class contains [, which Rust reads as a nested class'],
    ['\\/', 'regex escape \\/ is not portable'],
    ['\\x4', 'regex escape \\x needs exactly two hex digits'],
    ['*a', 'regex quantifier * has nothing to repeat'],
    ['^*', 'regex quantifier * has nothing to repeat'],
    ['(a', 'regex has an unclosed ('],
    ['a)', 'regex has an unmatched )'],
    ['[ab', 'regex class is not closed'],
    ['a{3,1}', 'regex quantifier {3,1} has its bounds reversed'],
    ['\\', 'regex ends with a lone backslash'],
  ])('%s', (source, message) => expect(problem(source)).toBe(message));

  it('non-ASCII letters in a case-insensitive regex', () => {
    expect(problem('straße', true)).toBe('non-ASCII letter ß in a case-insensitive regex');
    expect(problem('[é]', true)).toBe('non-ASCII letter é in a case-insensitive regex');
    expect(PortableRegex.parse('straße', false)).toBeInstanceOf(PortableRegex);
    expect(PortableRegex.parse('日本', true)).toBeInstanceOf(PortableRegex); // no case variants
  });
  it('more than 16 capturing groups (KQL limit)', () => {
    expect(problem('(a)'.repeat(17))).toBe('regex has 17 capturing groups; KQL allows 16');
    expect(PortableRegex.parse('(?:a)'.repeat(17), false)).toBeInstanceOf(PortableRegex);
  });
  it('reports the offset of the problem', () => {
    const r = PortableRegex.parse('abc(?=x)', false);
    expect(r).toMatchObject({ index: 3 });
  });
});

describe('rendering per engine', () => {
  const render = (source: string, ci = false) => {
    const r = PortableRegex.trusted(source, ci);
    return { pcre: r.render('pcre', ci), rust: r.render('rust', ci), js: r.render('js', ci) };
  };
  it('. is any character but \\n everywhere', () => expect(render('a.b')).toEqual({ pcre: 'a[^\\n]b', rust: 'a[^\\n]b', js: 'a[^\\n]b' }));
  it('$ means PCRE\'s end-or-before-final-newline everywhere', () =>
    expect(render('sh$')).toEqual({ pcre: 'sh$', rust: 'sh(?:\\n?\\z)', js: 'sh(?:\\n?$)' }));
  it('case-insensitivity is ASCII letter classes, not engine folding', () => {
    expect(render('Do-k[a-c1]', true).pcre).toBe('[dD][oO]-[kK][a-c1A-C]');
  });
  it('control characters become \\xHH, keeping KQL verbatim strings on one line', () => {
    expect(render('a\u0001b\tc').rust).toBe('a\\x01b\\tc');
  });
  it.each([
    ['a.b', 'a\nb', false],
    ['a.b', 'a\rb', true],
    ['a.b', 'a\u2028b', true],
    ['sh$', 'bash\n', true],
    ['sh$', 'bash\n\n', false],
    ['^[a-z]+$', 'abc', true],
  ])('JavaScript rendering of %j on %j is %s (the PCRE meaning)', (source, subject, expected) => {
    expect(PortableRegex.trusted(source, false).toJs(false).test(subject)).toBe(expected);
  });
  it('kelvin sign and long s do not fold to k and s', () => {
    const r = PortableRegex.trusted('ks', true).toJs(true);
    expect(r.test('KS')).toBe(true);
    expect(r.test('\u212A\u017F')).toBe(false);
  });
  it('escapeRegexLiteral makes every metacharacter literal', () => {
    const s = 'a.b*c+d?e(f)g[h]i{j}k|l^m$n\\o';
    expect(PortableRegex.trusted(`^${escapeRegexLiteral(s)}$`, false).toJs(false).test(s)).toBe(true);
  });
  it('matchesEmpty tells patterns that would hold on an absent field', () => {
    expect(PortableRegex.trusted('x*', false).matchesEmpty(false)).toBe(true);
    expect(PortableRegex.trusted('x+', false).matchesEmpty(false)).toBe(false);
  });
});
