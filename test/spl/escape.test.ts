/**
 * SPL escaping against the documented decoding (semantics.md §1.2): in a double-quoted eval string,
 * `\\` → `\`, `\"` → `"`, `\t` → TAB, and any other backslash sequence is kept as written. The
 * decoder below is written from that row, not from the encoder.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splComment, splField, splMacroName, splString } from '../../src/backends/spl/escape.js';
import { PortableRegex } from '../../src/ir/regex.js';

function decodeSplString(literal: string): string {
  expect(literal.startsWith('"') && literal.endsWith('"')).toBe(true);
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '"') throw new Error(`unescaped quote at ${i} ends the string early`);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[i + 1];
    if (n === undefined) throw new Error('dangling backslash escapes the closing quote');
    if (n === '\\' || n === '"') out += n;
    else if (n === 't') out += '\t';
    else out += `\\${n}`; // unlisted sequences keep their backslash
    i++;
  }
  return out;
}

describe('semantics.md §1.2 vectors', () => {
  it('"C:\\\\windows\\temp" decodes to C:\\windows<TAB>emp', () => expect(decodeSplString('"C:\\\\windows\\temp"')).toBe('C:\\windows\temp'));
  it('\\" decodes to a quote', () => expect(decodeSplString('"\\"yes\\""')).toBe('"yes"'));
  it('unlisted sequences keep their backslash (\\d reaches PCRE)', () => expect(decodeSplString('"^\\d{1,3}\\."')).toBe('^\\d{1,3}\\.'));
});

describe('splString', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi"', '"say \\"hi\\""'],
    ['C:\\temp', '"C:\\\\temp"'],
    ['a\tb', '"a\tb"'],
    ['x|y', '"x|y"'],
    ['*?%$', '"*?%$"'],
    ['ünï €', '"ünï €"'],
    ['trailing\\', '"trailing\\\\"'],
  ])('%j → %s', (value, literal) => expect(splString(value)).toBe(literal));
  it.each(['a\nb', 'a\rb', 'a`b'])('refuses %j (line breaks and macro backticks never reach SPL)', (v) => expect(() => splString(v)).toThrow());
  it('round-trips any string without line breaks or backticks through the documented decoding', () => {
    const hostile = fc.constantFrom('\\', '"', "'", '|', '`', '*', '?', '%', '$', '\t', 'ü', '😀', 't', 'n', ' ');
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: hostile }));
    fc.assert(
      fc.property(text.filter((s) => !/[\r\n`]/.test(s)), (s) => decodeSplString(splString(s)) === s),
      { seed: 1612, numRuns: 1000 },
    );
  });
  it('a rendered regex survives the SPL string layer unchanged', () => {
    const re = PortableRegex.trusted('^"a\\\\b"\\.[^\\n]$', false).render('pcre', false);
    expect(decodeSplString(splString(re))).toBe(re);
  });
});

describe('names', () => {
  it('fields: bare identifiers, quoted dotted names, refused otherwise', () => {
    expect(splField('CommandLine')).toBe('CommandLine');
    expect(splField('Processes.process')).toBe("'Processes.process'");
    expect(() => splField("bad'name")).toThrow();
  });
  it('comments cannot close early', () => expect(splComment('a ``` b\nc')).toBe("a ''' b c"));
  it('macro names follow ESCU', () => expect(splMacroName('Docker Build-Risk.v2/x')).toBe('docker_build_risk_v2_x'));
});
