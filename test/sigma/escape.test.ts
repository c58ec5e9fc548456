/**
 * Sigma value escaping against the spec's rules (semantics.md §3.1): `*` matches any run, `?`
 * exactly one character, `\` escapes `*`, `?` and `\`, and `\` before any other character is
 * literal. Plain values are case-insensitive. `sigmaValueRegExp` below is written from that row, not
 * from the encoder, and turns a value into the RegExp of a `|contains` match.
 */
import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { decodeSigmaString, sigmaString } from '../../src/backends/sigma/escape.js';

const SPECIAL = new Set(['*', '?', '\\']);

/** A literal code point as a `u`-mode RegExp atom. */
const literal = (c: string): string => `\\u{${c.codePointAt(0)!.toString(16)}}`;

/** The RegExp for `Field|contains: <value>`, from the spec's escaping and wildcard rules. */
function sigmaValueRegExp(value: string): RegExp {
  const chars = [...value];
  let source = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const next = chars[i + 1];
    if (c === '\\' && next !== undefined && SPECIAL.has(next)) {
      source += literal(next);
      i++;
    } else if (c === '*') source += '[^]*';
    else if (c === '?') source += '[^]';
    else source += literal(c); // includes `\` before any other character, and a trailing `\`
  }
  // contains = wildcards on both ends = an unanchored search; plain values are case-insensitive.
  return new RegExp(source, 'iu');
}

const containsMatch = (value: string, text: string): boolean => sigmaValueRegExp(value).test(text);

/** A private-use character that does not occur in s. */
function absentFrom(s: string): string {
  for (let cp = 0xe000; ; cp++) if (!s.includes(String.fromCodePoint(cp))) return String.fromCodePoint(cp);
}

/** Characters that mean something to Sigma, YAML, SPL, KQL or a shell, and awkward Unicode. */
const HOSTILE = [
  '\\', '*', '?', '"', "'", '`', '|', '%', '$', '#', ':', '-', '&', '!', '{', '}', '[', ']', ',', '>', '@',
  ' ', '\t', '\n', '\r', '\0', '\x7f', '\x85', '\u00a0', '\u2028', '\u2029', '\ufeff', 'ü', 'İ', 'ß', 'K', '\u212a', '🐳', 'a', '0',
];
const hostileString = fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 24 });
const anyString = fc.oneof(fc.string({ unit: 'binary' }), hostileString, fc.string({ unit: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) }));
const RUNS = { seed: 1612, numRuns: 500 } as const;

describe('sigmaString', () => {
  it.each([
    ['*', '\\*'],
    ['?', '\\?'],
    ['\\', '\\\\'],
    ['a\\*b', 'a\\\\\\*b'],
    ['C:\\Windows\\*.exe', 'C:\\\\Windows\\\\\\*.exe'],
    ['*?\\', '\\*\\?\\\\'],
    ['"double"', '"double"'],
    ["'single'", "'single'"],
    ['line1\nline2\r\n', 'line1\nline2\r\n'],
    ['a|b', 'a|b'],
    ['100%', '100%'],
    ['$HOME ${x}', '$HOME ${x}'],
    ['`id`', '`id`'],
    ['--no-cache', '--no-cache'],
    ['Grüße 🐳 İ', 'Grüße 🐳 İ'],
    ['', ''],
  ])('%j → %j', (input, want) => expect(sigmaString(input)).toBe(want));
});

describe('decodeSigmaString', () => {
  it.each([
    ['\\*', '*'],
    ['\\?', '?'],
    ['\\\\', '\\'],
    ['\\\\\\*', '\\*'], // backslash + literal star
    ['\\\\\\', '\\\\'], // three backslashes = two
    ['\\\\\\\\', '\\\\'], // four backslashes = two
    ['\\a\\n', '\\a\\n'], // `\` before any other character is literal
    ['end\\', 'end\\'], // trailing lone backslash is kept
    ['plain', 'plain'],
  ])('%j → %j', (input, want) => expect(decodeSigmaString(input)).toBe(want));
  it.each(['*', 'a?b', '\\\\*'])('refuses the unescaped wildcard in %j', (input) => expect(() => decodeSigmaString(input)).toThrow(/unescaped wildcard/));
});

describe('the spec decoder used by these tests', () => {
  it.each<[string, string, boolean]>([
    ['\\*', 'a*b', true],
    ['\\*', 'ab', false],
    ['a\\?c', 'xa?cx', true],
    ['a\\?c', 'abc', false],
    ['a*c', 'a-anything-c', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['\\\\*', '\\whatever', true], // backslash + wildcard
    ['\\\\\\*', '\\*', true], // backslash + literal star
    ['\\\\\\*', '\\x', false],
    ['\\a', '\\a', true], // literal backslash, then a
    ['\\a', 'a', false],
    ['DOCKER', 'docker build', true], // case-insensitive
    ['🐳?', '🐳x', true], // `?` is one code point
  ])('%j contains-matches %j: %s', (value, text, want) => expect(containsMatch(value, text)).toBe(want));
});

describe('properties', () => {
  it('YAML round trip plus Sigma unescaping recovers the literal', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const text = yaml.dump({ detection: { sel: { 'CommandLine|contains': sigmaString(s) } } }, { lineWidth: -1 });
        const back = yaml.load(text) as { detection: { sel: Record<string, unknown> } };
        const value = back.detection.sel['CommandLine|contains'];
        expect(typeof value).toBe('string');
        expect(decodeSigmaString(value as string)).toBe(s);
      }),
      RUNS,
    );
  });

  it('sigmaString(s) contains-matches x<s>y', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        expect(containsMatch(sigmaString(s), `x${s}y`)).toBe(true);
      }),
      RUNS,
    );
  });

  it('sigmaString(s) does not match once one character of s is changed', () => {
    const withIndex = anyString.filter((s) => s.length > 0).chain((s) => fc.tuple(fc.constant(s), fc.nat({ max: s.length - 1 })));
    fc.assert(
      fc.property(withIndex, ([s, i]) => {
        // `0` and `1` have no case variants, so the mutant differs from s even case-insensitively.
        const mutant = `${s.slice(0, i)}${s[i] === '0' ? '1' : '0'}${s.slice(i + 1)}`;
        // Same length in UTF-16 units and no wildcards: a contains-match could only be the whole mutant.
        expect(containsMatch(sigmaString(s), mutant)).toBe(false);
        // Padding with a character absent from s cannot create an occurrence either.
        const pad = absentFrom(s);
        expect(containsMatch(sigmaString(s), `${pad}${mutant}${pad}`)).toBe(false);
      }),
      RUNS,
    );
  });

  it('the spec decoder and decodeSigmaString agree on escaped values', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const value = sigmaString(s);
        expect(decodeSigmaString(value)).toBe(s);
        // With no wildcard, the spec decoder's pattern is the literal; it matches exactly s (anchored).
        const anchored = new RegExp(`^(?:${sigmaValueRegExp(value).source})$`, 'u');
        expect(anchored.test(s)).toBe(true);
      }),
      RUNS,
    );
  });
});
