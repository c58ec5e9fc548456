/**
 * KQL escaping (semantics.md §2.5), checked against Kusto.Language itself: every literal the
 * encoders produce is decoded by Microsoft's parser (test/support/kusto.ts) and must give back the
 * input exactly. The tables pin the exact text; the properties cover arbitrary code points.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kqlColumn, kqlString, kqlVerbatim } from '../../src/backends/kql/escape.js';
import { kqlCanBeIdentifier, kqlColumnNameValue, kqlStringLiteralValue } from '../support/kusto.js';

const RUNS = { numRuns: 300, seed: 1612 } as const;

/** Characters with a meaning somewhere in KQL, Kusto literals, regexes, SPL or the shell. */
const HOSTILE = [
  '"', "'", '\\', '\n', '\r', '\r\n', '\t', '\0', '\u0001', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029',
  '\ufeff', '\ud800', '\udfff', 'é', '😀', '*', '?', '%', '$', '|', '`', '```', '@', '@"', 'h"', '//', '/*', '{', '}',
  '[', ']', '(', ')', ';', ' ', '\\u0041', '\\x41', '\\U0001F600', '\\n', '\\"', '""', "''", 'and', 'where',
];
const oneCodePoint = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const anyString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.oneof(fc.constantFrom(...HOSTILE), oneCodePoint), maxLength: 30 }),
);

describe('kusto support: string literal decoding', () => {
  it.each([
    ['"a\\"b"', 'a"b'],
    ["'it\\'s'", "it's"],
    ['"\\\\"', '\\'],
    ['"\\t\\n\\r\\0"', '\t\n\r\0'],
    ['"\\u00e9\\x41\\101"', 'éAA'],
    ['@"C:\\Temp\\""x"', 'C:\\Temp\\"x'],
  ])('%s decodes to %j', (literal, value) => expect(kqlStringLiteralValue(literal)).toBe(value));
  it.each(['"\\d"', '"\\*"', '"\\ "', '"unterminated', '"a" "b"', '1', 'x'])('%s is refused', (literal) =>
    expect(() => kqlStringLiteralValue(literal)).toThrow());
});

describe('kqlString', () => {
  it.each([
    ['plain', '"plain"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ["it's", `"it's"`],
    ['C:\\Temp\\x', '"C:\\\\Temp\\\\x"'],
    ['a\nb', '"a\\nb"'],
    ['a\tb', '"a\\tb"'],
    ['a\rb', '"a\\rb"'],
    ['a\0b', '"a\\u0000b"'],
    ['\u0001', '"\\u0001"'],
    ['\u001f\u007f', '"\\u001f\\u007f"'],
    ['é', '"é"'],
    ['😀', '"😀"'],
    ['\u0085\u2028', '"\u0085\u2028"'],
    ['* ? % $ | `', '"* ? % $ | `"'],
    ['\\d+\\.', '"\\\\d+\\\\."'],
  ])('%j → %s', (value, literal) => {
    expect(kqlString(value)).toBe(literal);
    expect(kqlStringLiteralValue(literal)).toBe(value);
  });

  it('round-trips any string through Kusto.Language decoding', () =>
    fc.assert(fc.property(anyString, (s) => kqlStringLiteralValue(kqlString(s)) === s), RUNS));
});

describe('kqlVerbatim', () => {
  it.each([
    ['plain', '@"plain"'],
    ['', '@""'],
    ['\\d+\\.\\s', '@"\\d+\\.\\s"'],
    ['say "hi"', '@"say ""hi"""'],
    ["it's", `@"it's"`],
    ['C:\\Temp\\', '@"C:\\Temp\\"'],
    ['a\tb\0', '@"a\tb\0"'],
    ['é😀 * ? % $ | `', '@"é😀 * ? % $ | `"'],
  ])('%j → %s', (value, literal) => {
    expect(kqlVerbatim(value)).toBe(literal);
    expect(kqlStringLiteralValue(literal)).toBe(value);
  });

  it.each(['a\nb', 'a\rb', 'a\r\nb', '\n'])('refuses a line break: %j', (value) => expect(() => kqlVerbatim(value)).toThrow(/line break/));

  it('round-trips any string without CR/LF through Kusto.Language decoding', () =>
    fc.assert(fc.property(anyString.filter((s) => !/[\r\n]/.test(s)), (s) => kqlStringLiteralValue(kqlVerbatim(s)) === s), RUNS));

  it('throws for every string with CR or LF', () =>
    fc.assert(
      fc.property(fc.tuple(anyString, fc.constantFrom('\n', '\r', '\r\n'), anyString), ([a, br, b]) => {
        expect(() => kqlVerbatim(a + br + b)).toThrow();
      }),
      RUNS,
    ));
});

describe('kqlColumn', () => {
  it.each([
    ['FolderPath', 'FolderPath'],
    ['_x1', "['_x1']"], // all lower-case: could be a keyword, so bracketed
    ['TimeGenerated', 'TimeGenerated'],
    ['1abc', "['1abc']"],
    ['a b', "['a b']"],
    ['a-b.c', "['a-b.c']"],
    ["it's", "['it\\'s']"],
    ['a\\b', "['a\\\\b']"],
    ['say "hi"', `['say "hi"']`],
    ['é', "['é']"],
    ['$ | `', "['$ | `']"],
  ])('%j → %s', (name, syntax) => {
    expect(kqlColumn(name)).toBe(syntax);
    expect(kqlColumnNameValue(syntax)).toBe(name);
  });

  // Names Kusto reserves (and, project, string, true, …) and names with CR/LF are left out here:
  // kqlColumn gets them wrong today (see the `fails` cases below).
  const reserved = (s: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && (!kqlCanBeIdentifier(s) || s === 'true' || s === 'false');
  it('round-trips other names, bare only when Kusto allows the identifier everywhere', () =>
    fc.assert(
      fc.property(anyString.filter((s) => s !== '' && !/[\r\n]/.test(s) && !reserved(s)), (name) => {
        const syntax = kqlColumn(name);
        if (!syntax.startsWith('[')) expect(kqlCanBeIdentifier(name), name).toBe(true);
        expect(kqlColumnNameValue(syntax)).toBe(name);
      }),
      RUNS,
    ));

  // Reserved words must be bracketed, and line breaks escaped inside ['…'].
  it.each(['and', 'or', 'project', 'where', 'between', 'string', 'long', 'datetime', 'dynamic', 'true', 'false', 'a\nb', 'a\rb'])(
    'keyword or line break %j is written so that Kusto reads it back',
    (name) => {
      const syntax = kqlColumn(name);
      if (!syntax.startsWith('[')) expect(kqlCanBeIdentifier(name), name).toBe(true);
      expect(kqlColumnNameValue(syntax)).toBe(name);
    },
  );
});
