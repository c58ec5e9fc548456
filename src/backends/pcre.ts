/**
 * PCRE semantics on JavaScript's engine, for the SPL and Sigma evaluators (Splunk's `match()` and
 * Sigma's `|re` are PCRE). The pattern is translated construct by construct into a JS RegExp with
 * the `u` flag; what is not translated raises UnsupportedConstruct instead of being guessed.
 *
 * PCRE facts used (PCRE2 defaults, no UCP): `.` excludes only `\n`; `$` (no multiline) matches at the
 * end or before a final `\n`; `\z` only at the end, `\Z` like `$`, `\A` at the start; `\d \w \s` are
 * ASCII (`\s` includes VT); `\b` is an ASCII word boundary; `(?i)` `(?m)` `(?s)` set options.
 */
import { UnsupportedConstruct } from './evaluation.js';
import type { TargetId } from './types.js';

export interface PcreFlags {
  i?: boolean;
  m?: boolean;
  s?: boolean;
}

const WORD = '[A-Za-z0-9_]';
// Without JS's `m` flag, `^` and `$` are exactly the start and end of the subject (plain anchors
// also let V8 treat anchored patterns as anchored, which is much faster than look-arounds).
const END = '$';
const START = '^';

const CLASS_ESCAPES: Record<string, string> = { d: '0-9', w: 'A-Za-z0-9_', s: '\\t\\n\\x0B\\f\\r ' };

export function pcreToJs(pattern: string, flags: PcreFlags, target: TargetId): RegExp {
  const f = { ...flags };
  let src = pattern;
  // Leading option settings, as pySigma writes them for |re|i|m|s and as SPL users write (?i).
  for (;;) {
    const m = /^\(\?([ims]+)\)/.exec(src);
    if (!m) break;
    for (const c of m[1]!) f[c as 'i' | 'm' | 's'] = true;
    src = src.slice(m[0].length);
  }
  const unsupported = (what: string): never => {
    throw new UnsupportedConstruct(target, `regex construct ${what} in ${JSON.stringify(pattern)}`);
  };
  let out = '';
  const chars = Array.from(src);
  let i = 0;
  const escapeOutside = (c: string, next: () => string): string => {
    switch (c) {
      case 'd':
        return '[0-9]';
      case 'D':
        return '[^0-9]';
      case 'w':
        return WORD;
      case 'W':
        return '[^A-Za-z0-9_]';
      case 's':
        return '[\\t\\n\\x0B\\f\\r ]';
      case 'S':
        return '[^\\t\\n\\x0B\\f\\r ]';
      case 'b':
        return `(?:(?<=${WORD})(?!${WORD})|(?<!${WORD})(?=${WORD}))`;
      case 'B':
        return `(?:(?<=${WORD})(?=${WORD})|(?<!${WORD})(?!${WORD}))`;
      case 'z':
        return END;
      case 'Z':
        return `(?=\\n?${END})`;
      case 'A':
        return START;
      case 'n':
      case 't':
      case 'r':
      case 'f':
        return `\\${c}`;
      case 'e':
        return '\\x1B';
      case 'a':
        return '\\x07';
      case 'x':
        return next();
      default:
        // An escaped non-alphanumeric is that character literally (JS `u` mode only accepts escapes
        // of its own syntax characters, so others are written bare).
        if (/[^A-Za-z0-9]/.test(c)) return /[\^$\\.*+?()[\]{}|\/]/.test(c) ? `\\${c}` : c;
        return unsupported(`\\${c}`);
    }
  };
  const readHex = (): string => {
    // after \x: either {H…} or up to two hex digits
    if (chars[i] === '{') {
      const close = chars.indexOf('}', i);
      if (close < 0) return unsupported('\\x{ without }');
      const h = chars.slice(i + 1, close).join('');
      i = close + 1;
      return `\\u{${h}}`;
    }
    let h = '';
    while (h.length < 2 && /[0-9A-Fa-f]/.test(chars[i] ?? '')) h += chars[i++];
    return `\\u{${h || '0'}}`;
  };
  while (i < chars.length) {
    const c = chars[i++]!;
    if (c === '\\') {
      const e = chars[i++];
      if (e === undefined) unsupported('a trailing backslash');
      if (/[1-9kgQEpPXRKGCNhHvV]/.test(e!)) unsupported(`\\${e}`);
      out += escapeOutside(e!, readHex);
      continue;
    }
    if (c === '(') {
      if (chars[i] === '?') {
        if (chars[i + 1] === ':') {
          out += '(?:';
          i += 2;
          continue;
        }
        unsupported(`(?${chars[i + 1] ?? ''}`);
      }
      out += '(';
      continue;
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && chars[i] === '+') unsupported(`possessive ${c}+`);
    if (c === '.') {
      out += f.s ? '[\\s\\S]' : '[^\\n]';
      continue;
    }
    if (c === '$') {
      out += f.m ? `(?=\\n|${END})` : `(?=\\n?${END})`;
      continue;
    }
    if (c === '^') {
      out += f.m ? `(?:${START}|(?<=\\n))` : START;
      continue;
    }
    if (c === '[') {
      let cls = '[';
      if (chars[i] === '^') {
        cls += '^';
        i++;
      }
      if (chars[i] === ']') {
        cls += '\\]';
        i++;
      }
      for (;;) {
        const d = chars[i++];
        if (d === undefined) unsupported('an unclosed class');
        if (d === ']') break;
        if (d === '[') {
          if (chars[i] === ':') unsupported('a POSIX class');
          cls += '\\[';
          continue;
        }
        if (d === '\\') {
          const e = chars[i++];
          if (e === undefined) unsupported('a trailing backslash');
          if (e! in CLASS_ESCAPES) cls += CLASS_ESCAPES[e!];
          else if (e === 'n' || e === 't' || e === 'r' || e === 'f') cls += `\\${e}`;
          else if (e === 'x') cls += readHex();
          else if (/[^A-Za-z0-9]/.test(e!)) cls += `\\${e}`;
          else unsupported(`\\${e} in a class`);
          continue;
        }
        cls += d === '-' || d === '^' ? d : d === '/' ? '\\/' : d;
      }
      out += `${cls}]`;
      continue;
    }
    out += c === '/' ? '\\/' : c;
  }
  try {
    return new RegExp(out, `u${f.i ? 'i' : ''}`);
  } catch (e) {
    return unsupported(`(translation failed: ${(e as Error).message})`);
  }
}
