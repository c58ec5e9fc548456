/**
 * Conformance of the SPL evaluator (src/backends/spl/evaluate.ts) with semantics.md §1: one test per
 * row the evaluator relies on, written from the row (its query, its input, its documented result),
 * not from the evaluator. The source key of the row (S-cond, S-where, …) is in a comment; rows
 * marked [inferred] in semantics.md say what the inference is, and the test pins the model the
 * evaluator encodes until a live Splunk confirms it.
 *
 * Rows are events as Splunk holds them: a missing key is NULL, `""` is a value (§1.5).
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedConstruct, type Row } from '../../src/backends/evaluation.js';
import { compileSpl, SplQueryError, type MacroTable } from '../../src/backends/spl/evaluate.js';

/** The output rows of an SPL query over events. */
function spl(query: string, rows: readonly Row[], macros?: MacroTable): Record<string, unknown>[] {
  return compileSpl(query, macros).run(rows).map((r) => ({ ...r.row }));
}
/** The value of `x` after `| eval x=<expr>` on one event (undefined = NULL: the field is absent). */
function evalX(expr: string, row: Row = {}): unknown {
  const out = spl(`* | eval x=${expr}`, [row]);
  expect(out).toHaveLength(1);
  return out[0]!.x;
}
/** Whether `| where <expr>` keeps one event. */
function where(expr: string, row: Row = {}): boolean {
  return spl(`* | where ${expr}`, [row]).length === 1;
}
/** Which of the rows (by their `id`) a search keeps. */
function searchIds(terms: string, rows: readonly Row[]): unknown[] {
  return spl(`search ${terms}`, rows).map((r) => r.id);
}
function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('§1.1 eval / where functions', () => {
  // S-cond: match(X, "re") is TRUE if the regex finds a match against any substring of X (unanchored).
  it('match is unanchored: it matches any substring; ^…$ for a full match', () => {
    expect(evalX('if(match(f, "ock"), 1, 0)', { f: 'docker' })).toBe(1);
    expect(evalX('if(match(f, "^ock$"), 1, 0)', { f: 'docker' })).toBe(0);
    expect(evalX('if(match(f, "^docker$"), 1, 0)', { f: 'docker' })).toBe(1);
  });
  // S-cond, S-re: case-sensitive unless the pattern starts with (?i) (PCRE inline flag).
  it('match is case-sensitive unless the pattern starts with (?i)', () => {
    expect(evalX('if(match(f, "docker"), 1, 0)', { f: 'DOCKER' })).toBe(0);
    expect(evalX('if(match(f, "(?i)docker"), 1, 0)', { f: 'DOCKER' })).toBe(1);
  });
  // S-cond: X null is not documented; [inferred from the if/where wording]: treat as not TRUE, so
  // if(match(null,…),1,0) → 0 and where match(null,…) drops the row. The evaluator makes it NULL, so
  // NOT match(null,…) is not TRUE either.
  it('match on a NULL subject is not TRUE [inferred]', () => {
    expect(evalX('if(match(missing, "."), 1, 0)')).toBe(0);
    expect(where('match(missing, ".")')).toBe(false);
    expect(where('NOT match(missing, ".")')).toBe(false);
  });
  // S-cond: like(X, "pat") TRUE only if X matches the whole pattern; % any run, _ exactly one character.
  it('like: whole value, % = any run, _ = one character', () => {
    expect(where('like(f, "foo%")', { f: 'foobar' })).toBe(true);
    expect(where('like(f, "foo%")', { f: 'xfoobar' })).toBe(false);
    expect(where('like(f, "f_o")', { f: 'fxo' })).toBe(true);
    expect(where('like(f, "f_o")', { f: 'fo' })).toBe(false);
    expect(where('like(f, "foo")', { f: 'foobar' })).toBe(false);
  });
  // S-cond/S-where [inferred]: eval expressions are case-sensitive, so like is case-sensitive.
  it('like is case-sensitive [inferred from S-where]', () => {
    expect(where('like(f, "foo%")', { f: 'FOObar' })).toBe(false);
    expect(where('like(lower(f), "foo%")', { f: 'FOObar' })).toBe(true);
  });
  // S-cond: if(p, a, b) returns a if p is TRUE, "otherwise" b; p NULL → b [inferred from "otherwise"].
  it('if: TRUE → a, FALSE → b, NULL condition → b [inferred]', () => {
    expect(evalX('if(f=="a", "yes", "no")', { f: 'a' })).toBe('yes');
    expect(evalX('if(f=="a", "yes", "no")', { f: 'b' })).toBe('no');
    expect(evalX('if(missing=="a", "yes", "no")')).toBe('no');
  });
  // S-cond: case(c1,v1,…) first vi whose ci is TRUE; no match → NULL; A NULL result erases the target field.
  it('case: first TRUE condition; no match → NULL (erases the field); true() as the last pair is a default', () => {
    expect(evalX('case(f=="a", 1, f=="b", 2)', { f: 'b' })).toBe(2);
    expect(evalX('case(f=="a", 1, f=="b", 2)', { f: 'z' })).toBeUndefined();
    expect(evalX('case(f=="a", 1, f=="b", 2)', { f: 'z', x: 'before' })).toBeUndefined();
    expect(evalX('case(f=="a", 1, true(), 0)', { f: 'z' })).toBe(0);
  });
  // S-cond: coalesce returns the first argument that is not NULL; "" is a value, not NULL
  // [inferred: NULL = missing value], so coalesce("", x) = "".
  it('coalesce: first non-NULL; coalesce("", x) = "" [inferred]', () => {
    expect(evalX('coalesce("", f)', { f: 'v' })).toBe('');
    expect(evalX('coalesce(missing, f)', { f: 'v' })).toBe('v');
    expect(evalX('coalesce(e, "d")', { e: '' })).toBe('');
    expect(evalX('coalesce(missing, null())')).toBeUndefined();
  });
  // S-info: isnull(X)/isnotnull(X) TRUE iff X is / is not NULL (missing); empty string is not NULL.
  it('isnull / isnotnull: missing is NULL, "" is not', () => {
    expect(evalX('if(isnull(missing), 1, 0)')).toBe(1);
    expect(evalX('if(isnull(e), 1, 0)', { e: '' })).toBe(0);
    expect(evalX('if(isnotnull(e), 1, 0)', { e: '' })).toBe(1);
    expect(evalX('if(isnotnull(missing), 1, 0)')).toBe(0);
    expect(evalX('if(isnull(null()), 1, 0)')).toBe(1);
  });
  // S-text: lower(X) lower-cases a string; NULL in → NULL out [inferred].
  it('lower: lower-cases; NULL → NULL [inferred]', () => {
    expect(evalX('lower(f)', { f: 'DoCKer' })).toBe('docker');
    expect(evalX('lower(missing)', { x: 'before' })).toBeUndefined();
  });
  // S-text does not say how non-ASCII letters fold. [inferred] The evaluator folds ASCII letters
  // only, the project's model (src/ir/evaluate.ts asciiLower); a live Splunk should confirm.
  it('lower folds ASCII letters only [inferred: not documented]', () => {
    expect(evalX('lower(f)', { f: 'ÜBER \u212A' })).toBe('Über \u212A'); // U+212A KELVIN SIGN: Unicode lower-cases it to k
  });
  // S-cond, S-where: in(F, "v1", …) TRUE if F equals one of the values; no wildcards; case-sensitive [inferred from S-where].
  it('in(): equality with one of the values, no wildcards, case-sensitive', () => {
    expect(where('in(f, "a", "b")', { f: 'b' })).toBe(true);
    expect(where('in(f, "a*")', { f: 'ab' })).toBe(false);
    expect(where('in(f, "a*")', { f: 'a*' })).toBe(true);
    expect(where('in(f, "a")', { f: 'A' })).toBe(false);
    expect(where('f in("a", "b")', { f: 'a' })).toBe(true);
  });
  // S-where, S-cond: = and == are both equality in eval/where; strings must be double-quoted; an
  // unquoted word is a field name; case-sensitive.
  it('= and == are equality; an unquoted word is a field name; case-sensitive', () => {
    expect(where('status==200', { status: 200 })).toBe(true);
    expect(where('names="buttercup"', { names: 'buttercup' })).toBe(true);
    expect(where('names=="Buttercup"', { names: 'buttercup' })).toBe(false);
    expect(where('f==buttercup', { f: 'buttercup' })).toBe(false); // compares with the field "buttercup" (NULL)
    expect(where('f==buttercup', { f: 'x', buttercup: 'x' })).toBe(true);
    expect(where('f!="a"', { f: 'A' })).toBe(true);
  });
  // S-where: field names with non-alphanumerics must be single-quoted: 'Processes.process'.
  it("single-quoted field names: 'Processes.process'", () => {
    expect(evalX("'Processes.process'", { 'Processes.process': 'docker build .' })).toBe('docker build .');
    expect(where("'host-name'==\"h1\"", { 'host-name': 'h1' })).toBe(true);
  });
  // S-where [inferred]: a comparison with a NULL operand is not TRUE (neither is its negation).
  it('a comparison with a NULL operand is not TRUE, nor is its NOT [inferred]', () => {
    expect(where('missing=="a"')).toBe(false);
    expect(where('missing!="a"')).toBe(false);
    expect(where('NOT missing=="a"')).toBe(false);
    expect(evalX('if(missing!="a", 1, 0)')).toBe(0);
  });
  // S-bool: precedence ( ) > NOT > AND > OR in eval/where (AND binds tighter).
  it('AND binds tighter than OR in eval/where', () => {
    // a==1 OR b==1 AND c==1 = a==1 OR (b==1 AND c==1): TRUE for a=1, c=0; (a OR b) AND c would be FALSE.
    expect(where('a==1 OR b==1 AND c==1', { a: 1, b: 0, c: 0 })).toBe(true);
    expect(where('(a==1 OR b==1) AND c==1', { a: 1, b: 0, c: 0 })).toBe(false);
    // NOT binds tighter than AND: NOT a==1 AND b==1 = (NOT a==1) AND b==1.
    expect(where('NOT a==1 AND b==1', { a: 1, b: 0 })).toBe(false);
    expect(where('NOT (a==1 AND b==1)', { a: 1, b: 0 })).toBe(true);
  });
  // S-bool: operators must be upper-case (lower-case `and` is a word, here a field name: a syntax error).
  it('eval/where operators must be upper-case', () => {
    expect(errorOf(() => spl('* | where a==1 and b==1', []))).toBeInstanceOf(SplQueryError);
    expect(where('a==1 AND b==1', { a: 1, b: 1 })).toBe(true);
  });
  // S-eval: "The result of an eval expression cannot be a Boolean"; booleans only inside if/case/where.
  it('a boolean cannot be stored in a field: score flags as if(cond,1,0)', () => {
    const e = errorOf(() => spl('* | eval flag=(a==1)', []));
    expect(e).toBeInstanceOf(SplQueryError);
    expect((e as Error).message).toContain('eval flag');
    expect(evalX('if(a==1, 1, 0)+if(b==1, 1, 0)', { a: 1, b: 1 })).toBe(2);
  });
  // S-eval: if the expression cannot be evaluated for an event, eval erases the result field → x
  // NULL, an existing x wiped; a NULL term in a risk sum nulls the score and where score>=2 drops it.
  it('eval x=a+b with a NULL erases x; a NULL term nulls a sum; where then drops the row', () => {
    expect(evalX('a+b', { b: 1 })).toBeUndefined();
    expect(evalX('a+b', { b: 1, x: 'before' })).toBeUndefined();
    expect(evalX('a*2', { x: 5 })).toBeUndefined();
    expect(spl('* | eval score=s1*2+s2*3 | where score>=2', [{ s1: 1 }, { s1: 1, s2: 0 }])).toEqual([{ s1: 1, s2: 0, score: 2 }]);
    expect(spl('* | eval score=coalesce(s1,0)*2+coalesce(s2,0)*3 | where score>=2', [{ s1: 1 }])).toEqual([{ s1: 1, score: 2 }]);
  });
  // S-where: where keeps only results for which the expression returns TRUE; FALSE and NULL drop.
  it('where keeps TRUE only: FALSE and NULL drop the row', () => {
    expect(spl('* | where f=="a"', [{ id: 1, f: 'a' }, { id: 2, f: 'b' }, { id: 3 }]).map((r) => r.id)).toEqual([1]);
  });
});

describe('§1.2 literals, escaping, regex strings', () => {
  // S-expr: `\\` → `\`, `\t` → TAB: "C:\\windows\temp" yields C:\windows<TAB>emp.
  it('"C:\\\\windows\\temp" decodes to C:\\windows<TAB>emp', () => {
    expect(evalX('"C:\\\\windows\\temp"')).toBe('C:\\windows\temp');
  });
  // S-expr, S-cond: `\"` → `"`: match(test, "\"yes\"").
  it('\\" decodes to a quote: match(test, "\\"yes\\"")', () => {
    expect(where('match(test, "\\"yes\\"")', { test: 'say "yes" now' })).toBe(true);
    expect(evalX('"a\\"b"')).toBe('a"b');
  });
  // S-cond match examples: unlisted sequences keep their backslash, so \d and \. reach PCRE.
  it('unlisted sequences keep their backslash: match(f, "^\\d{1,3}\\.\\d{1,3}$")', () => {
    expect(where('match(f, "^\\d{1,3}\\.\\d{1,3}$")', { f: '10.25' })).toBe(true);
    expect(where('match(f, "^\\d{1,3}\\.\\d{1,3}$")', { f: '10x25' })).toBe(false);
    expect(evalX('"a\\qb"')).toBe('a\\qb');
    expect(evalX('"a\\nb"')).toBe('a\\nb');
  });
  // S-re, S-bs: two layers; a literal backslash in the subject needs regex \\ → SPL "\\\\" (c:\\\\temp).
  it('a literal backslash in a regex is "\\\\\\\\" in SPL', () => {
    expect(where('match(f, "c:\\\\\\\\temp")', { f: 'c:\\temp' })).toBe(true);
    expect(where('match(f, "c:\\\\temp")', { f: 'c:\\temp' })).toBe(false); // regex \t = TAB
    expect(where('match(f, "c:\\\\temp")', { f: 'c:\temp' })).toBe(true); // SPL "c:\\temp" → regex c:\temp → TAB
  });
  // S-re: (?i) is a PCRE inline flag, case-insensitive for the rest of the pattern; a regex without it is case-sensitive.
  it('(?i) applies to the pattern it starts', () => {
    expect(where('match(_raw, "docker\\s+build")', { _raw: 'DOCKER build' })).toBe(false);
    expect(where('match(_raw, "(?i)docker\\s+build")', { _raw: 'DOCKER build' })).toBe(true);
  });
  // S-re: a pipe inside a regex must be inside quotes (it does not split the pipeline there).
  it('a | inside a quoted regex does not split the pipeline', () => {
    expect(where('match(f, "^(a|b)$")', { f: 'b' })).toBe(true);
  });
  // S-bs: to pass a literal backslash in a search string, escape it \\.
  it('search strings: \\\\ is one backslash', () => {
    expect(searchIds('f="C:\\\\temp"', [{ id: 1, f: 'C:\\temp' }, { id: 2, f: 'C:\\\\temp' }])).toEqual([1]);
  });
  // S-bs: the backslash cannot escape * in search strings (what \* does instead is not documented).
  it('search strings: \\* is not implemented (a backslash cannot escape *)', () => {
    expect(errorOf(() => compileSpl('search f="a\\*"'))).toBeInstanceOf(UnsupportedConstruct);
  });
});

describe('§1.3 search command', () => {
  // S-case, S-wild: field=value matches the whole value, case-insensitively; * is the only wildcard
  // (any run, including empty); field names are case-sensitive.
  it('field=value: whole value, case-insensitive, * = any run (also empty)', () => {
    const rows = [
      { id: 1, Image: '/usr/bin/docker' },
      { id: 2, Image: '/usr/bin/DOCKER' },
      { id: 3, Image: '/usr/bin/docker-compose' },
      { id: 4, Image: 'docker' },
      { id: 5, image: '/usr/bin/docker' },
    ];
    expect(searchIds('Image=/usr/bin/docker', rows)).toEqual([1, 2]);
    expect(searchIds('Image="*docker"', rows)).toEqual([1, 2, 4]);
    expect(searchIds('Image=*DOCKER*', rows)).toEqual([1, 2, 3, 4]);
    expect(searchIds('Image="/usr/bin/d*r"', rows)).toEqual([1, 2]);
  });
  // S-wild: no single-character wildcard (% and _ are for like).
  it('? % _ are literal in search values', () => {
    expect(searchIds('f=a?c', [{ id: 1, f: 'abc' }, { id: 2, f: 'a?c' }])).toEqual([2]);
    expect(searchIds('f=a_c', [{ id: 1, f: 'abc' }, { id: 2, f: 'a_c' }])).toEqual([2]);
  });
  // S-case: a bare term matches _raw by indexed terms; the evaluator's rows carry no _raw.
  it('bare terms (matching _raw) are not implemented', () => {
    expect(errorOf(() => compileSpl('search docker'))).toBeInstanceOf(UnsupportedConstruct);
  });
  // S-not: f!=v returns only events that have f with another value; NOT f=v also returns events without f.
  it('f!=v requires the field; NOT f=v also keeps events without it', () => {
    const rows = [{ id: 1, User: 'root' }, { id: 2, User: 'svc' }, { id: 3 }, { id: 4, User: '' }];
    expect(searchIds('User!=svc', rows)).toEqual([1, 4]);
    expect(searchIds('NOT User=svc', rows)).toEqual([1, 3, 4]);
  });
  // S-bool: implicit AND between terms; OR binds tighter than AND in search (order (), NOT, OR, AND).
  it('OR binds tighter than AND in search (implicit and explicit AND)', () => {
    // a=1 b=1 OR c=1 = a=1 AND (b=1 OR c=1): {a:0, c:1} is out; AND-first would keep it.
    const rows = [{ id: 1, a: 0, c: 1 }, { id: 2, a: 1, c: 1 }, { id: 3, a: 1, b: 1 }, { id: 4, a: 1 }];
    expect(searchIds('a=1 b=1 OR c=1', rows)).toEqual([2, 3]);
    expect(searchIds('a=1 AND b=1 OR c=1', rows)).toEqual([2, 3]);
    expect(searchIds('(a=1 AND b=1) OR c=1', rows)).toEqual([1, 2, 3]);
  });
  // S-bool: NOT applies to the term immediately following it (NOT binds tighter than OR).
  it('NOT binds tighter than OR in search', () => {
    const rows = [{ id: 1, a: 1 }, { id: 2, a: 1, b: 1 }, { id: 3 }];
    expect(searchIds('NOT a=1 OR b=1', rows)).toEqual([2, 3]);
    expect(searchIds('NOT (a=1 OR b=1)', rows)).toEqual([3]);
  });
  // S-bool: search operators are upper-case; a lower-case `or` is a term (here a bare term).
  it('search operators are upper-case', () => {
    expect(errorOf(() => compileSpl('search a=1 or b=1'))).toBeInstanceOf(UnsupportedConstruct);
  });
  // S-wild blog: f IN (v1, v2*): upper-case IN; values may contain *.
  it('f IN (v1, v2*)', () => {
    const rows = [{ id: 1, f: 'v1' }, { id: 2, f: 'V2X' }, { id: 3, f: 'v3' }, { id: 4 }];
    expect(searchIds('f IN (v1, v2*)', rows)).toEqual([1, 2]);
    expect(searchIds('f IN ("v1" "v3")', rows)).toEqual([1, 3]);
    expect(searchIds('NOT f IN (v1, v2*)', rows)).toEqual([3, 4]);
  });
  // S-cond cidrmatch: search does CIDR matching on field=value; not implemented by the evaluator.
  it('CIDR values in search are not implemented', () => {
    expect(errorOf(() => compileSpl('search ip="10.0.0.0/8"'))).toBeInstanceOf(UnsupportedConstruct);
  });
  // S-case (by way of the base search): `| search` later in the pipeline has the same semantics.
  it('| search later in the pipeline', () => {
    expect(spl('* | eval g=lower(f) | search g=ABC', [{ id: 1, f: 'Abc' }, { id: 2, f: 'x' }]).map((r) => r.id)).toEqual([1]);
  });
});

describe('§1.4 result shaping, knowledge objects', () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => ({ n: i }));
  // S-sort: default limit 10,000 results; sort 0 returns all.
  it('sort without a count truncates at 10,000; sort 0 keeps all', () => {
    expect(spl('* | sort -n', many(10_001))).toHaveLength(10_000);
    expect(spl('* | sort 0 -n', many(10_001))).toHaveLength(10_001);
    expect(spl('* | sort 3 -n', many(10)).map((r) => r.n)).toEqual([9, 8, 7]);
  });
  // S-sort: - descending, + ascending, multi-key; numeric values sort numerically.
  it('sort -a, +b: descending, ascending, multi-key, numeric', () => {
    const rows = [
      { id: 1, a: 2, b: 'y' },
      { id: 2, a: 10, b: 'x' },
      { id: 3, a: 2, b: 'x' },
      { id: 4, a: '9', b: 'z' },
    ];
    expect(spl('* | sort 0 -a, +b', rows).map((r) => r.id)).toEqual([2, 4, 3, 1]);
    expect(spl('* | sort 0 a, -b', rows).map((r) => r.id)).toEqual([1, 3, 4, 2]);
  });
  // S-sort: results missing a field sort as smallest (desc) / largest (asc): last in both directions.
  it('rows missing the sort field come last, ascending and descending', () => {
    const rows = [{ id: 1 }, { id: 2, a: 1 }, { id: 3, a: 3 }];
    expect(spl('* | sort 0 -a', rows).map((r) => r.id)).toEqual([3, 2, 1]);
    expect(spl('* | sort 0 +a', rows).map((r) => r.id)).toEqual([2, 3, 1]);
  });
  // S-table: only the listed fields, in that order; fields not present show empty.
  it('table: only the listed fields, in order; missing ones are empty', () => {
    const out = spl('* | eval z=1 | table z, a, missing, b', [{ a: 'x', b: 'y', c: 'dropped' }]);
    expect(out).toEqual([{ z: 1, a: 'x', b: 'y' }]);
    expect(Object.keys(out[0]!)).toEqual(['z', 'a', 'b']);
  });
  // ESCU macros: `name` expands at search time; harness: expand from a macro table or fail loudly.
  it('macros expand from the table, recursively; an undefined macro fails loudly', () => {
    const macros = new Map([
      ['proc', '`idx` sourcetype="sysmon:linux" EventID=1'],
      ['idx', 'index=main'],
    ]);
    const rows = [
      { id: 1, index: 'main', sourcetype: 'sysmon:linux', EventID: '1' },
      { id: 2, index: 'main', sourcetype: 'sysmon:linux', EventID: '3' },
      { id: 3, index: 'other', sourcetype: 'sysmon:linux', EventID: '1' },
    ];
    expect(spl('`proc`', rows, macros).map((r) => r.id)).toEqual([1]);
    expect(errorOf(() => spl('`nope`', rows, macros))).toBeInstanceOf(SplQueryError);
  });
  // CCTL: a detection ends with | `<name>_filter`; a generated filter macro is `search *` (a no-op);
  // harness: expand _filter macros to search * unless a fixture overrides them.
  it('a _filter macro defined as search * is a no-op; an override filters', () => {
    const rows = [{ id: 1, User: 'root' }, { id: 2, User: 'svc-ci' }];
    expect(spl('* | `x_filter`', rows, new Map([['x_filter', 'search *']])).map((r) => r.id)).toEqual([1, 2]);
    expect(spl('* | `x_filter`', rows, new Map([['x_filter', 'search User!="svc*"']])).map((r) => r.id)).toEqual([1]);
  });
});

describe('§1.5 harness model', () => {
  // §1.5: absent key = NULL; "" is a value.
  it('an absent key is NULL; "" is a value', () => {
    expect(evalX('if(isnull(f), "null", "value")')).toBe('null');
    expect(evalX('if(isnull(f), "null", "value")', { f: '' })).toBe('value');
    expect(evalX('if(f=="", 1, 0)', { f: '' })).toBe(1);
    expect(evalX('if(f=="", 1, 0)')).toBe(0);
  });
  // §1.5: any predicate whose operand is NULL is not TRUE; arithmetic with NULL yields NULL.
  it('predicates on NULL are not TRUE; arithmetic with NULL is NULL', () => {
    expect(where('missing>0')).toBe(false);
    expect(where('missing<0')).toBe(false);
    expect(evalX('missing-1')).toBeUndefined();
    expect(evalX('missing*0')).toBeUndefined();
  });
  // [inferred] Three-valued logic, the Kleene rule: NULL AND FALSE = FALSE, NULL OR TRUE = TRUE, else NULL.
  it('NULL AND FALSE is FALSE, NULL OR TRUE is TRUE, otherwise NULL stays NULL [inferred]', () => {
    expect(where('NOT (missing=="a" AND 1==2)')).toBe(true); // NULL AND FALSE = FALSE
    expect(where('missing=="a" OR 1==1')).toBe(true); // NULL OR TRUE = TRUE
    expect(where('NOT (missing=="a" AND 1==1)')).toBe(false); // NULL AND TRUE = NULL
    expect(where('NOT (missing=="a" OR 1==2)')).toBe(false); // NULL OR FALSE = NULL
  });
  // §1.5 Regex: PCRE semantics; constructs JS cannot give are refused rather than approximated.
  it('PCRE constructs the evaluator cannot reproduce are not implemented', () => {
    for (const re of ['a++', '(?>a)', '\\Qa\\E', '(?=a)']) expect(errorOf(() => compileSpl(`* | where match(f, "${re}")`)), re).toBeInstanceOf(UnsupportedConstruct);
  });
  // §1.5/PCRE: $ without multiline matches at the end or before a final newline; \z only at the end.
  it('PCRE $ also matches before a final newline; \\z only at the very end', () => {
    expect(where('match(f, "sh$")', { f: '/bin/sh\n' })).toBe(true);
    expect(where('match(f, "sh\\\\z")', { f: '/bin/sh\n' })).toBe(false);
    expect(where('match(f, "sh\\\\z")', { f: '/bin/sh' })).toBe(true);
  });
});
