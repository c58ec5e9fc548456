/**
 * The portable regular-expression subset, and its rendering for each engine.
 *
 * Splunk evaluates PCRE, KQL the Rust `regex` crate, our evaluators JavaScript, and Sigma consumers
 * mostly PCRE or Python. They agree only on a subset, so a rule's regex is parsed here once: what the
 * engines would read differently is rejected with a located reason, and the few constructs whose
 * meaning we can pin down exactly are rewritten per engine:
 *
 * - `.` means "any character but `\n`" (JS would also exclude `\r`, U+2028, U+2029): rendered `[^\n]`.
 * - `$` means PCRE's default: end of subject or before a final `\n` (Rust and JS `$` mean only the
 *   end): rendered `$` (PCRE), `(?:\n?\z)` (Rust), `(?:\n?$)` (JS).
 * - case-insensitivity folds ASCII letters only (engines fold `ſ`, `K` (Kelvin) and non-ASCII letters
 *   differently, and Splunk's PCRE build may not be in UTF mode): every ASCII letter is rendered as a
 *   two-letter class (`d` → `[dD]`), so no engine's case folding is involved, and non-ASCII letters are
 *   rejected in case-insensitive patterns.
 * - control characters are rendered as `\xHH`, so a KQL verbatim string never holds a line break.
 */

export type RegexEngine = 'pcre' | 'rust' | 'js';

export interface RegexProblem {
  /** 0-based offset into the pattern. */
  readonly index: number;
  readonly message: string;
  readonly hint: string;
}

type Token =
  | { t: 'lit'; ch: string } // a literal code point (outside a class)
  | { t: 'raw'; text: string } // syntax copied verbatim: ( (?: ) | * + ? {n,m} ^
  | { t: 'dot' }
  | { t: 'end' }
  | { t: 'class'; negated: boolean; items: ClassItem[] };

type ClassItem = { lo: number; hi: number };

const META_OUTSIDE = new Set(['\\', '.', '^', '$', '*', '+', '?', '(', ')', '[', ']', '{', '}', '|']);
const META_INSIDE = new Set([...META_OUTSIDE, '-']);
const SHORTHANDS = 'dDwWsSbBpPhHvVRXKNAzZGQEkgCcuUeoa';

export class PortableRegex {
  /** Parsed patterns, shared: rules repeat the same helper patterns, and instances are immutable. */
  private static readonly interned = new Map<string, PortableRegex | RegexProblem>();
  private readonly rendered = new Map<string, string>();
  private readonly compiled = new Map<boolean, RegExp>();

  private constructor(
    /** The pattern as the rule wrote it. */
    readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  /** Parse a rule's pattern; a RegexProblem says why it leaves the subset. */
  static parse(source: string, caseInsensitive: boolean): PortableRegex | RegexProblem {
    const key = `${caseInsensitive ? 'i' : 's'}${source}`;
    const hit = PortableRegex.interned.get(key);
    if (hit) return hit;
    const result = PortableRegex.parseUncached(source, caseInsensitive);
    PortableRegex.interned.set(key, result);
    return result;
  }

  private static parseUncached(source: string, caseInsensitive: boolean): PortableRegex | RegexProblem {
    const r = tokenize(source, caseInsensitive);
    if ('message' in r) return r;
    const rx = new PortableRegex(source, r);
    try {
      rx.toJs(caseInsensitive);
    } catch (e) {
      return {
        index: 0,
        message: `regex does not compile: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
        hint: 'fix the pattern',
      };
    }
    return rx;
  }

  /** For patterns the compiler writes itself; a problem here is a compiler bug. */
  static trusted(source: string, caseInsensitive: boolean): PortableRegex {
    const r = PortableRegex.parse(source, caseInsensitive);
    if (!(r instanceof PortableRegex)) throw new Error(`internal: generated regex ${source} rejected: ${r.message}`);
    return r;
  }

  render(engine: RegexEngine, caseInsensitive: boolean): string {
    const key = `${engine}${caseInsensitive ? 'i' : 's'}`;
    let out = this.rendered.get(key);
    if (out !== undefined) return out;
    out = '';
    for (const tok of this.tokens) {
      switch (tok.t) {
        case 'raw':
          out += tok.text;
          break;
        case 'lit':
          out += renderLiteral(tok.ch, caseInsensitive);
          break;
        case 'dot':
          out += '[^\\n]';
          break;
        case 'end':
          out += engine === 'pcre' ? '$' : engine === 'rust' ? '(?:\\n?\\z)' : '(?:\\n?$)';
          break;
        case 'class':
          out += renderClass(tok, caseInsensitive);
          break;
        default:
          assertNever(tok);
      }
    }
    this.rendered.set(key, out);
    return out;
  }

  /** The JavaScript form (shared; it has no `g` flag, so `test` keeps no state). */
  toJs(caseInsensitive: boolean): RegExp {
    let re = this.compiled.get(caseInsensitive);
    if (!re) {
      re = new RegExp(this.render('js', caseInsensitive), 'u');
      this.compiled.set(caseInsensitive, re);
    }
    return re;
  }

  /** True when the pattern matches the empty string, i.e. would match an absent field's `""`. */
  matchesEmpty(caseInsensitive: boolean): boolean {
    return this.toJs(caseInsensitive).test('');
  }
}

function assertNever(x: never): never {
  throw new Error(`internal: unexpected ${JSON.stringify(x)}`);
}

function isAsciiLetter(c: string): boolean {
  return /^[A-Za-z]$/.test(c);
}

/** A character with a case variant outside ASCII: engines fold these differently. */
function isNonAsciiCased(c: string): boolean {
  return c.codePointAt(0)! > 0x7f && c.toLowerCase() !== c.toUpperCase();
}

function hex(cp: number): string {
  return cp < 0x100 ? `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}` : `\\x{${cp.toString(16).toUpperCase()}}`;
}

function renderCodePoint(cp: number, inClass: boolean): string {
  const ch = String.fromCodePoint(cp);
  if (cp < 0x20 || cp === 0x7f) {
    if (cp === 0x0a) return '\\n';
    if (cp === 0x09) return '\\t';
    if (cp === 0x0d) return '\\r';
    return hex(cp);
  }
  if ((inClass ? META_INSIDE : META_OUTSIDE).has(ch)) return `\\${ch}`;
  return ch;
}

function renderLiteral(ch: string, ci: boolean): string {
  if (ci && isAsciiLetter(ch)) return `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
  return renderCodePoint(ch.codePointAt(0)!, false);
}

function renderClass(tok: { negated: boolean; items: ClassItem[] }, ci: boolean): string {
  let items = tok.items;
  if (ci) {
    const extra: ClassItem[] = [];
    for (const { lo, hi } of items) {
      for (const [a, z, delta] of [
        [0x41, 0x5a, 0x20],
        [0x61, 0x7a, -0x20],
      ] as const) {
        const l = Math.max(lo, a);
        const h = Math.min(hi, z);
        if (l <= h) extra.push({ lo: l + delta, hi: h + delta });
      }
    }
    items = [...items, ...extra];
  }
  const body = items
    .map(({ lo, hi }) =>
      lo === hi ? renderCodePoint(lo, true) : `${renderCodePoint(lo, true)}-${renderCodePoint(hi, true)}`,
    )
    .join('');
  return `[${tok.negated ? '^' : ''}${body}]`;
}

function tokenize(src: string, ci: boolean): Token[] | RegexProblem {
  const chars = Array.from(src);
  // offsets of each code point in UTF-16 units, for positions in messages
  const offs: number[] = [];
  {
    let o = 0;
    for (const c of chars) {
      offs.push(o);
      o += c.length;
    }
    offs.push(o);
  }
  const out: Token[] = [];
  let groups = 0;
  let depth = 0;
  let canQuantify = false;
  const problem = (i: number, message: string, hint: string): RegexProblem => ({ index: offs[i] ?? 0, message, hint });

  const readEscape = (i: number, inClass: boolean): { cp: number; next: number } | RegexProblem => {
    const c = chars[i + 1];
    if (c === undefined) return problem(i, 'regex ends with a lone backslash', 'escape it as \\\\');
    if ((inClass ? META_INSIDE : META_OUTSIDE).has(c)) return { cp: c.codePointAt(0)!, next: i + 2 };
    if (c === 't') return { cp: 9, next: i + 2 };
    if (c === 'n') return { cp: 10, next: i + 2 };
    if (c === 'r') return { cp: 13, next: i + 2 };
    if (c === 'x') {
      const h = chars.slice(i + 2, i + 4).join('');
      if (/^[0-9A-Fa-f]{2}$/.test(h)) return { cp: parseInt(h, 16), next: i + 4 };
      return problem(i, 'regex escape \\x needs exactly two hex digits', 'write \\xHH, e.g. \\x2F');
    }
    if (/[1-9]/.test(c)) return problem(i, `regex backreference \\${c} is not portable`, 'KQL (Rust regex) has no backreferences; rewrite without it');
    if (c === 'Q' || c === 'E') return problem(i, 'regex quoting \\Q…\\E is not portable', 'escape each metacharacter with a backslash instead');
    if (c === 'p' || c === 'P') return problem(i, `regex Unicode class \\${c} is not portable`, 'write an explicit ASCII class such as [A-Za-z]');
    if ('dDwWsS'.includes(c)) {
      const suggestion: Record<string, string> = { d: '[0-9]', D: '[^0-9]', w: '[A-Za-z0-9_]', W: '[^A-Za-z0-9_]', s: '[ \\t\\r\\n]', S: '[^ \\t\\r\\n]' };
      return problem(i, `regex class \\${c} means different characters in PCRE, Rust and JavaScript`, `write an ASCII class like ${suggestion[c]}`);
    }
    if (c === 'b' || c === 'B') return problem(i, `regex word boundary \\${c} is Unicode-aware in Rust but not in PCRE`, 'match the delimiter explicitly, e.g. (^|[^A-Za-z0-9_])');
    if (SHORTHANDS.includes(c) || /[A-Za-z0-9]/.test(c))
      return problem(i, `regex escape \\${c} is not in the portable subset`, 'escape only metacharacters, or use \\t \\n \\r \\xHH');
    if (/[\x00-\x1f\x7f\u2028\u2029]/.test(c)) {
      const code = c.codePointAt(0)!;
      return problem(i, `regex escapes the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}, which is not portable`, `write ${code < 0x100 ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\x{${code.toString(16).toUpperCase()}}`} instead`);
    }
    return problem(i, `regex escape \\${c} is not portable`, `write ${c} without the backslash`);
  };

  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === '\\') {
      const e = readEscape(i, false);
      if ('message' in e) return e;
      const ch = String.fromCodePoint(e.cp);
      if (ci && isNonAsciiCased(ch)) return problem(i, `non-ASCII letter ${ch} in a case-insensitive regex`, 'engines fold non-ASCII case differently; use case: sensitive and list both spellings');
      out.push({ t: 'lit', ch });
      i = e.next;
      canQuantify = true;
      continue;
    }
    if (c === '(') {
      if (chars[i + 1] === '?') {
        if (chars[i + 2] === ':') {
          out.push({ t: 'raw', text: '(?:' });
          i += 3;
        } else {
          const rest = chars.slice(i).join('');
          const opener = /^\(\?(?:<[=!]|[=!>]|P?<[A-Za-z_][A-Za-z0-9_]*>|[-A-Za-z]+[:)])/.exec(rest)?.[0] ?? visible(chars.slice(i, i + 3).join(''));
          const kind = /^\(\?[=!]/.test(opener)
            ? 'a look-ahead'
            : /^\(\?<[=!]/.test(opener)
              ? 'a look-behind'
              : opener === '(?>'
                ? 'an atomic group'
                : /^\(\?P?</.test(opener)
                  ? 'a named group'
                  : /^\(\?[-a-zA-Z]/.test(opener)
                    ? 'an inline flag'
                    : 'a special group';
          const hint = kind === 'an inline flag' ? 'set case with the predicate\'s case: key' : kind === 'a named group' ? 'use a plain group (…) or (?:…)' : 'KQL (Rust regex) does not support it; rewrite the pattern without it';
          return problem(i, `regex uses ${kind} ${opener.endsWith(')') ? opener : `${opener}…)`}, which is not portable`, hint);
        }
      } else {
        out.push({ t: 'raw', text: '(' });
        groups++;
        i += 1;
      }
      depth++;
      canQuantify = false;
      continue;
    }
    if (c === ')') {
      if (depth === 0) return problem(i, 'regex has an unmatched )', 'escape it as \\)');
      depth--;
      out.push({ t: 'raw', text: ')' });
      i++;
      canQuantify = true;
      continue;
    }
    if (c === '|') {
      out.push({ t: 'raw', text: '|' });
      i++;
      canQuantify = false;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      let q = c;
      let j = i + 1;
      if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(chars.slice(i, i + 24).join(''));
        if (!m) return problem(i, 'regex has a { that is not a quantifier {n}, {n,} or {n,m}', 'escape a literal brace as \\{');
        if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1])) return problem(i, `regex quantifier ${m[0]} has its bounds reversed`, 'write {min,max}');
        if (Number(m[1]) > 1000 || (m[3] ? Number(m[3]) > 1000 : false)) return problem(i, `regex quantifier ${m[0]} is too large`, 'keep repetition counts at or below 1000');
        q = m[0];
        j = i + Array.from(m[0]).length;
      }
      if (!canQuantify) return problem(i, `regex quantifier ${q} has nothing to repeat`, 'escape it with a backslash');
      if (chars[j] === '+') return problem(j, `regex uses a possessive quantifier ${q}+, which is not portable`, 'use a plain quantifier');
      if (chars[j] === '?') {
        q += '?';
        j++;
      }
      out.push({ t: 'raw', text: q });
      i = j;
      canQuantify = false;
      if (chars[i] === '*' || chars[i] === '+' || chars[i] === '{' || (chars[i] === '?' && false))
        return problem(i, 'regex repeats a quantifier', 'group the expression first: (…)*');
      continue;
    }
    if (c === '^') {
      out.push({ t: 'raw', text: '^' });
      i++;
      canQuantify = false;
      continue;
    }
    if (c === '$') {
      out.push({ t: 'end' });
      i++;
      canQuantify = false;
      continue;
    }
    if (c === '.') {
      out.push({ t: 'dot' });
      i++;
      canQuantify = true;
      continue;
    }
    if (c === ']' || c === '}') return problem(i, `regex has an unescaped ${c}`, `escape it as \\${c}`);
    if (c === '[') {
      const start = i;
      i++;
      let negated = false;
      if (chars[i] === '^') {
        negated = true;
        i++;
      }
      if (chars[i] === ']') return problem(i, 'regex class starts with ], which engines read differently', 'escape it as \\]');
      const items: ClassItem[] = [];
      let closed = false;
      while (i < chars.length) {
        const d = chars[i]!;
        if (d === ']') {
          closed = true;
          i++;
          break;
        }
        if (d === '[') return problem(i, 'regex class contains [, which Rust reads as a nested class', 'escape it as \\[');
        if ((d === '&' && chars[i + 1] === '&') || (d === '~' && chars[i + 1] === '~') || (d === '-' && chars[i + 1] === '-'))
          return problem(i, `regex class contains ${d}${d}, a set operation in Rust regex`, `escape it as \\${d}`);
        let lo: number;
        if (d === '\\') {
          const e = readEscape(i, true);
          if ('message' in e) return e;
          lo = e.cp;
          i = e.next;
        } else {
          lo = d.codePointAt(0)!;
          i++;
        }
        let hi = lo;
        if (chars[i] === '-' && chars[i + 1] === '-') return problem(i, 'regex class contains --, a set operation in Rust regex', 'escape it as \\-');
        if (chars[i] === '-' && chars[i + 1] !== undefined && chars[i + 1] !== ']') {
          const e2 = chars[i + 1] === '\\' ? readEscape(i + 1, true) : { cp: chars[i + 1]!.codePointAt(0)!, next: i + 2 };
          if ('message' in e2) return e2;
          hi = e2.cp;
          if (hi < lo) return problem(i, 'regex class has a reversed range', 'write ranges low to high, e.g. a-z');
          i = e2.next;
        } else if (chars[i] === '-' && chars[i + 1] !== ']') {
          return problem(i, 'regex class has an unterminated range', 'escape a literal - as \\-');
        }
        for (const cp of [lo, hi]) {
          const ch = String.fromCodePoint(cp);
          if (ci && isNonAsciiCased(ch)) return problem(start, `non-ASCII letter ${ch} in a case-insensitive regex`, 'engines fold non-ASCII case differently; use case: sensitive and list both spellings');
        }
        if (ci && lo < 0x80 && hi >= 0x80) return problem(start, 'regex class range crosses from ASCII into non-ASCII in a case-insensitive regex', 'split the range at \\x7F');
        items.push({ lo, hi });
      }
      if (!closed) return problem(start, 'regex class is not closed', 'add ] or escape [ as \\[');
      if (items.length === 0) return problem(start, 'regex class is empty', 'remove it');
      out.push({ t: 'class', negated, items });
      canQuantify = true;
      continue;
    }
    if (ci && isNonAsciiCased(c)) return problem(i, `non-ASCII letter ${c} in a case-insensitive regex`, 'engines fold non-ASCII case differently; use case: sensitive and list both spellings');
    out.push({ t: 'lit', ch: c });
    i++;
    canQuantify = true;
  }
  if (depth !== 0) return problem(chars.length, 'regex has an unclosed (', 'add the missing )');
  if (groups > 16) return problem(0, `regex has ${groups} capturing groups; KQL allows 16`, 'use non-capturing groups (?:…)');
  return out;
}

/** Escape a literal string so it matches itself in the portable subset. */
export function escapeRegexLiteral(s: string): string {
  let out = '';
  for (const ch of s) out += META_OUTSIDE.has(ch) ? `\\${ch}` : ch;
  return out;
}

/** A snippet of a pattern with control characters shown as escapes, for messages. */
function visible(s: string): string {
  return s.replace(/[\x00-\x1f\x7f\u2028\u2029]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
