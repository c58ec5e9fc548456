/**
 * Conformance of the KQL evaluator (src/backends/kql/evaluate.ts) with
 * /work/shared/reference/semantics.md §2 (Microsoft KQL). One block per row the evaluator relies on,
 * written from the row: a KQL snippet, the input row and the documented result, with the row's
 * source key (K-null, K-str, K-re, K-lit, K-fn, K-tab, K-1005) in the test name. Rows tagged
 * [inferred], and choices the rows leave open, say what the pinned behaviour is based on.
 *
 * Snippets run as real queries over DeviceProcessEvents rows (the evaluator implements no `print`):
 * `value(expr, row)` runs `DeviceProcessEvents | project v = <expr>` over one row. A row lists only
 * the cells it needs; any other cell is missing, which reads as "" for a string column and null for
 * any other column (§2.7).
 */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/backends/evaluation.js';
import { createKqlEvaluator, KqlQueryError } from '../../src/backends/kql/evaluate.js';
import { defender as defenderProfile } from '../../src/backends/kql/profiles.js';
import { viewFor } from '../../src/backends/types.js';

const defender = viewFor(defenderProfile, 'process_creation')!;

const NOW = new Date('2026-11-20T12:00:00Z');
const evaluator = createKqlEvaluator({ now: () => NOW });

/** Runs a whole query over rows; returns the output rows. */
function kql(query: string, rows: readonly Row[]): Record<string, unknown>[] {
  return evaluator.compile({ path: 'kql/defender/conformance.kql', content: query }, [], defender).run(rows).map((r) => ({ ...r.row }));
}

/** The value of a scalar expression over one row. */
function value(expr: string, row: Row = {}): unknown {
  const out = kql(`DeviceProcessEvents | project v = ${expr}`, [row]);
  expect(out).toHaveLength(1);
  return out[0]!.v;
}

/** `s <op> …` on a string: ProcessCommandLine holds s. */
function str(s: string, op: string): unknown {
  return value(`ProcessCommandLine ${op}`, { ProcessCommandLine: s });
}

// ---------------------------------------------------------------------------------------------

describe('§2.1 types, null, empty', () => {
  describe('string columns cannot be null: missing cells read as "" (K-null [doc])', () => {
    it('a missing string cell is ""', () => expect(value('ProcessCommandLine', {})).toBe(''));
    it('a null string cell is ""', () => expect(value('ProcessCommandLine', { ProcessCommandLine: null })).toBe(''));
    it('isnull(stringCol) is false, even for a missing cell', () => expect(value('isnull(ProcessCommandLine)', {})).toBe(false));
    it('a missing long / bool / datetime cell is null', () => {
      expect(value('ProcessId', {})).toBeNull();
      expect(value('IsProcessRemoteSession', {})).toBeNull();
      expect(value('ProcessCreationTime', {})).toBeNull();
      expect(value('isnull(ProcessId)', {})).toBe(true);
    });
  });

  describe('isempty(x): true for "" or null; isnull only for null (K-null [doc])', () => {
    it('isempty("") and isempty of a missing string cell', () => {
      expect(value('isempty("")')).toBe(true);
      expect(value('isempty(ProcessCommandLine)', {})).toBe(true);
      expect(value('isempty(ProcessCommandLine)', { ProcessCommandLine: 'x' })).toBe(false);
    });
    it('isempty(null long) true, isempty(0) false', () => {
      expect(value('isempty(ProcessId)', {})).toBe(true);
      expect(value('isempty(ProcessId)', { ProcessId: 0 })).toBe(false);
    });
    it('isnotempty is the negation', () => {
      expect(value('isnotempty(ProcessCommandLine)', {})).toBe(false);
      expect(value('isnotempty(ProcessCommandLine)', { ProcessCommandLine: ' ' })).toBe(true);
    });
    it('isnull(long(null)) true, isnotnull', () => {
      expect(value('isnull(long(null))')).toBe(true);
      expect(value('isnotnull(ProcessId)', { ProcessId: 1 })).toBe(true);
    });
  });

  describe('null in operators: sticky, except == / != and and/or (K-null [doc])', () => {
    it('arithmetic with null is null', () => {
      expect(value('ProcessId + 1', {})).toBeNull();
      expect(value('ProcessId * 0', {})).toBeNull();
      expect(value('-ProcessId', {})).toBeNull();
      expect(value('ProcessId + 1', { ProcessId: 41 })).toBe(42);
    });
    it('comparison with null is null', () => expect(value('ProcessId > 3', {})).toBeNull());
    it('null == non-null is false, null != non-null is true', () => {
      expect(value('ProcessId == 5', {})).toBe(false);
      expect(value('ProcessId != 5', {})).toBe(true);
    });
    it('null == null and null != null are null (the documented example: val == int(null))', () => {
      expect(value('ProcessId == long(null)', {})).toBeNull();
      expect(value('ProcessId != long(null)', {})).toBeNull();
      expect(value('ProcessId == long(null)', { ProcessId: 5 })).toBe(false);
      expect(value('ProcessId != long(null)', { ProcessId: 5 })).toBe(true);
    });
    it('and with a false is false, or with a true is true; otherwise null stays null', () => {
      expect(value('ProcessId > 3 and false', {})).toBe(false);
      expect(value('false and ProcessId > 3', {})).toBe(false);
      expect(value('ProcessId > 3 or true', {})).toBe(true);
      expect(value('ProcessId > 3 and true', {})).toBeNull();
      expect(value('ProcessId > 3 or false', {})).toBeNull();
      expect(value('ProcessId > 3 or isnull(ProcessId)', {})).toBe(true); // the documented IsBiggerThan3OrNull
    });
    it('not(null) is null', () => expect(value('not(ProcessId > 3)', {})).toBeNull());
  });

  describe('where treats a null predicate as false (K-null [doc])', () => {
    const rows = [{ ProcessId: 5, ProcessCommandLine: 'a' }, { ProcessCommandLine: 'b' }];
    it('where ival > 3 drops the null row', () =>
      expect(kql('DeviceProcessEvents | where ProcessId > 3 | project ProcessCommandLine', rows)).toEqual([{ ProcessCommandLine: 'a' }]));
    it('where ival != 5 keeps the null row (the documented example)', () =>
      expect(kql('DeviceProcessEvents | where ProcessId != 5 | project ProcessCommandLine', rows)).toEqual([{ ProcessCommandLine: 'b' }]));
    it('where not(ival > 3) drops the null row', () =>
      expect(kql('DeviceProcessEvents | where not(ProcessId > 3) | project ProcessCommandLine', rows)).toEqual([]));
  });

  describe('bool and toint(bool): 1 / 0 / null; toint of a decimal truncates (K-null bool/toint [doc])', () => {
    it('toint(true) = 1, toint(false) = 0', () => {
      expect(value('toint(true)')).toBe(1);
      expect(value('toint(false)')).toBe(0);
    });
    it('toint(bool(null)) and toint of a null bool column are null', () => {
      expect(value('toint(bool(null))')).toBeNull();
      expect(value('toint(IsProcessRemoteSession)', {})).toBeNull();
    });
    it('toint(2.7) = 2, toint(-2.7) = -2', () => {
      expect(value('toint(2.7)')).toBe(2);
      expect(value('toint(-2.7)')).toBe(-2);
    });
    it('a null flag makes the score sum null and `where score >= 2` drops the row', () => {
      const q = 'DeviceProcessEvents | extend s = toint(IsProcessRemoteSession) * 2 + toint(true) * 3 | where s >= 2 | project s';
      expect(kql(q, [{}])).toEqual([]);
      expect(kql(q, [{ IsProcessRemoteSession: true }])).toEqual([{ s: 5 }]);
      expect(kql(q, [{ IsProcessRemoteSession: false }])).toEqual([{ s: 3 }]);
    });
  });

  describe('case(p1, v1, …, else) / iff(p, a, b): else is mandatory (K-null case [doc]; [parser])', () => {
    it('case returns else when no predicate is true', () => expect(value('case(false, "a", false, "b", "c")')).toBe('c'));
    it('case returns the value of the first true predicate', () => expect(value('case(false, "a", true, "b", true, "c", "d")')).toBe('b'));
    it('a null predicate is not true: case falls through, iff takes else [inferred: "evaluates to true"]', () => {
      expect(value('case(ProcessId > 3, "a", "else")', {})).toBe('else');
      expect(value('iff(ProcessId > 3, "a", "else")', {})).toBe('else');
    });
    it('iff(true, a, b) = a', () => expect(value('iff(true, 1, 2)')).toBe(1));
    it('case(true, 1) is rejected by the analyser (KS120), iff(true, 1) too (KS119)', () => {
      expect(() => value('case(true, 1)')).toThrow(KqlQueryError);
      expect(() => value('case(true, 1)')).toThrow(/KS120/);
      expect(() => value('iff(true, 1)')).toThrow(/KS119/);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('§2.2 string operators', () => {
  describe('== / != are case-sensitive (K-str [doc])', () => {
    it('"abc" == "ABC" is false, "abc" == "abc" true', () => {
      expect(str('abc', '== "ABC"')).toBe(false);
      expect(str('abc', '== "abc"')).toBe(true);
    });
    it('"abc" != "ABC" is true', () => expect(str('abc', '!= "ABC"')).toBe(true));
  });
  describe('=~ / !~: equality, case-insensitive (K-str [doc])', () => {
    it('"abc" =~ "ABC"', () => expect(str('abc', '=~ "ABC"')).toBe(true));
    it('"abc" !~ "ABC" is false; "abc" !~ "abd" true', () => {
      expect(str('abc', '!~ "ABC"')).toBe(false);
      expect(str('abc', '!~ "abd"')).toBe(true);
    });
    it('=~ is whole-value equality', () => expect(str('abcd', '=~ "ABC"')).toBe(false));
  });
  describe('contains / contains_cs: substring, case-insensitive / sensitive, no term logic (K-str [doc])', () => {
    it('"KustoExplorerQueryRun" contains "explorer"', () => expect(str('KustoExplorerQueryRun', 'contains "explorer"')).toBe(true));
    it('contains_cs "explorer" is false, contains_cs "Explorer" true', () => {
      expect(str('KustoExplorerQueryRun', 'contains_cs "explorer"')).toBe(false);
      expect(str('KustoExplorerQueryRun', 'contains_cs "Explorer"')).toBe(true);
    });
    it('!contains and !contains_cs', () => {
      expect(str('KustoExplorerQueryRun', '!contains "EXPLORER"')).toBe(false);
      expect(str('KustoExplorerQueryRun', '!contains_cs "EXPLORER"')).toBe(true);
    });
    it('a missing string cell is "": contains is false, !contains true', () => {
      expect(value('ProcessCommandLine contains "x"', {})).toBe(false);
      expect(value('ProcessCommandLine !contains "x"', {})).toBe(true);
    });
  });
  describe('startswith / endswith (+ _cs): initial / closing subsequence (K-str [doc])', () => {
    it('startswith is case-insensitive, startswith_cs sensitive', () => {
      expect(str('Docker build', 'startswith "docker"')).toBe(true);
      expect(str('Docker build', 'startswith_cs "docker"')).toBe(false);
      expect(str('Docker build', 'startswith "build"')).toBe(false);
    });
    it('endswith is case-insensitive, endswith_cs sensitive', () => {
      expect(str('/opt/x.SH', 'endswith ".sh"')).toBe(true);
      expect(str('/opt/x.SH', 'endswith_cs ".sh"')).toBe(false);
    });
    it('!startswith / !endswith_cs', () => {
      expect(str('abc', '!startswith "A"')).toBe(false);
      expect(str('abc', '!endswith_cs "C"')).toBe(true);
    });
  });
  describe('has / has_cs / !has: the RHS is a whole term of the LHS (K-str [doc])', () => {
    it('"North America" has "america"', () => expect(str('North America', 'has "america"')).toBe(true));
    it('"North America" !has "amer"', () => {
      expect(str('North America', '!has "amer"')).toBe(true);
      expect(str('North America', 'has "amer"')).toBe(false);
    });
    it('has_cs is case-sensitive', () => {
      expect(str('North America', 'has_cs "america"')).toBe(false);
      expect(str('North America', 'has_cs "America"')).toBe(true);
      expect(str('North America', '!has_cs "america"')).toBe(true);
    });
  });
  describe('has_any(e1, …): has against any element; a dynamic array or a let of one (K-str has-any [doc])', () => {
    it('scalars', () => {
      expect(str('North America', 'has_any ("europe", "america")')).toBe(true);
      expect(str('North America', 'has_any ("amer", "nort")')).toBe(false);
    });
    it('a dynamic array literal', () => expect(str('North America', 'has_any (dynamic(["x", "NORTH"]))')).toBe(true));
    it('a let-bound dynamic array, used directly', () => {
      const q = 'let Parents = dynamic(["bash", "sh"]); DeviceProcessEvents | project v = ProcessCommandLine has_any (Parents)';
      expect(kql(q, [{ ProcessCommandLine: '/bin/sh' }, { ProcessCommandLine: 'containerd-shim' }, { ProcessCommandLine: 'sshd' }])).toEqual([{ v: true }, { v: false }, { v: false }]);
    });
  });
  describe('in / in~ / !in / !in~: equality with any element, cs / ci (K-str in/in~ [doc])', () => {
    it('in is case-sensitive, in~ insensitive', () => {
      expect(str('abc', 'in ("ABC", "x")')).toBe(false);
      expect(str('abc', 'in ("abc", "x")')).toBe(true);
      expect(str('abc', 'in~ ("ABC", "x")')).toBe(true);
    });
    it('!in and !in~', () => {
      expect(str('abc', '!in ("ABC")')).toBe(true);
      expect(str('abc', '!in~ ("ABC")')).toBe(false);
    });
    it('whole-value equality, not substring', () => expect(str('abcd', 'in~ ("abc")')).toBe(false));
    it('a dynamic array, and a let dynamic without extra parentheses', () => {
      expect(str('bash', 'in~ (dynamic(["SH", "BASH"]))')).toBe(true);
      expect(kql('let L = dynamic(["SH", "BASH"]); DeviceProcessEvents | project v = ProcessCommandLine in~ (L)', [{ ProcessCommandLine: 'bash' }])).toEqual([{ v: true }]);
    });
    it('numbers: RemotePort in (80, 443) (here ProcessId)', () => {
      expect(value('ProcessId in (80, 443)', { ProcessId: 443 })).toBe(true);
      expect(value('ProcessId in (80, 443)', { ProcessId: 8080 })).toBe(false);
    });
    it('[inferred from ==/!=: null equals no element] null in (…) is false, null !in (…) true', () => {
      expect(value('ProcessId in (80, 443)', {})).toBe(false);
      expect(value('ProcessId !in (80, 443)', {})).toBe(true);
    });
  });
  describe('matches regex: true if the LHS contains a match (unanchored), case-sensitive (K-re [doc])', () => {
    it('unanchored', () => expect(str('xxabcxx', 'matches regex "abc"')).toBe(true));
    it('case-sensitive', () => expect(str('ABC', 'matches regex "abc"')).toBe(false));
    it('(?i) makes it case-insensitive', () => expect(str('ABC', 'matches regex "(?i)abc"')).toBe(true));
    it('^…$ anchor to the whole value', () => {
      expect(str('xabc', 'matches regex "^abc$"')).toBe(false);
      expect(str('abc', 'matches regex "^abc$"')).toBe(true);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('§2.3 term semantics of has', () => {
  describe('terms are maximal alphanumeric runs (K-str [doc])', () => {
    it('"KustoExplorerQueryRun" has "Explorer" is false; contains is true', () => {
      expect(str('KustoExplorerQueryRun', 'has "Explorer"')).toBe(false);
      expect(str('KustoExplorerQueryRun', 'contains "Explorer"')).toBe(true);
    });
    it('the doc example: "Kusto: ad67d136-c1db-…;KustoExplorerQueryRun" has its terms', () => {
      const s = 'Kusto: ad67d136-c1db-4f9f-88ef-d94f3b6b0b5a;KustoExplorerQueryRun';
      for (const t of ['Kusto', 'ad67d136', 'c1db', 'KustoExplorerQueryRun']) expect(str(s, `has "${t}"`), t).toBe(true);
      expect(str(s, 'has "ad67"')).toBe(false);
    });
    it('"python3.11" has "python" is false (terms python3, 11)', () => {
      expect(str('/usr/bin/python3.11', 'has "python"')).toBe(false);
      expect(str('/usr/bin/python3.11', 'has "python3"')).toBe(true);
    });
    it('"containerd-shim" has "sh" is false, has "shim" true; "sshd" has "sh" false', () => {
      expect(str('containerd-shim', 'has "sh"')).toBe(false);
      expect(str('containerd-shim', 'has "shim"')).toBe(true);
      expect(str('sshd', 'has "sh"')).toBe(false);
    });
    it('the 3-character index threshold affects speed only: has "sh" on "/bin/sh" is true', () => expect(str('/bin/sh', 'has "sh"')).toBe(true));
    it('[inferred: `_` is not alphanumeric, so it delimits terms] "atomictest_t1612" has "t1612"', () =>
      expect(str('atomictest_t1612', 'has "t1612"')).toBe(true));
    it('[inferred: alphanumeric = Unicode letter or decimal digit, .NET char.IsLetterOrDigit] "über-alles" has "über"; "süß" !has "s"', () => {
      expect(str('Über-alles', 'has "über"')).toBe(true);
      expect(str('süß', 'has "s"')).toBe(false);
    });
  });
  describe('[inferred] boundary rule for an RHS with non-alphanumeric characters (K-1005, K-str perf note)', () => {
    it('"--no-cache" matches "… --no-cache -t …" but not "--no-cachex"', () => {
      expect(str('docker build --no-cache -t x .', 'has "--no-cache"')).toBe(true);
      expect(str('docker build --no-cachex .', 'has "--no-cache"')).toBe(false);
      expect(str('docker build --no-cache', 'has "--no-cache"')).toBe(true);
    });
    it('an RHS starting with a non-alphanumeric needs no boundary before it: "x--no-cache" has "--no-cache"', () =>
      expect(str('x--no-cache', 'has "--no-cache"')).toBe(true));
    it('"/tmp/" behaves like contains "/tmp/"', () => {
      expect(str('a/tmp/b', 'has "/tmp/"')).toBe(true);
      expect(str('/tmpx/', 'has "/tmp/"')).toBe(false);
    });
    it('K-1005: a URL has "resourcegroups/test.rg000001" and "/resourcegroups/test.rg000001?"', () => {
      const url = 'https://management.azure.com/subscriptions/00000000/resourcegroups/test.rg000001?api-version=2020';
      expect(str(url, 'has "resourcegroups/test.rg000001"')).toBe(true);
      expect(str(url, 'has "/resourcegroups/test.rg000001?"')).toBe(true);
      expect(str(url, 'has "resourcegroups/test.rg00000"')).toBe(false);
    });
    it('"image build" is a phrase aligned to term boundaries', () => {
      expect(str('docker image build .', 'has "image build"')).toBe(true);
      expect(str('docker myimage build .', 'has "image build"')).toBe(false);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('§2.4 regular expressions: the Rust regex crate (K-re [doc])', () => {
  it('\\d is Unicode-aware (\\p{Nd}): Arabic-Indic three matches', () => expect(value('ProcessCommandLine matches regex @"^\\d$"', { ProcessCommandLine: '٣' })).toBe(true));
  it('\\w is Unicode-aware: é is a word character', () => expect(value('ProcessCommandLine matches regex @"^\\w+$"', { ProcessCommandLine: 'café' })).toBe(true));
  it('\\s is Unicode-aware: NO-BREAK SPACE is white space', () => expect(value('ProcessCommandLine matches regex @"x\\sy"', { ProcessCommandLine: 'x\u00a0y' })).toBe(true));
  it('\\b is Unicode-aware: no boundary between c and é', () => expect(value('ProcessCommandLine matches regex @"caf\\b"', { ProcessCommandLine: 'café' })).toBe(false));
  it('. excludes \\n unless (?s)', () => {
    expect(value('ProcessCommandLine matches regex "a.b"', { ProcessCommandLine: 'a\nb' })).toBe(false);
    expect(value('ProcessCommandLine matches regex "(?s)a.b"', { ProcessCommandLine: 'a\nb' })).toBe(true);
    expect(value('ProcessCommandLine matches regex "a.b"', { ProcessCommandLine: 'a\rb' })).toBe(true);
  });
  it('$ is the end of the value (no final-newline allowance); (?m) makes ^/$ match at \\n only', () => {
    expect(value('ProcessCommandLine matches regex "a$"', { ProcessCommandLine: 'a\n' })).toBe(false);
    expect(value('ProcessCommandLine matches regex "(?m)a$"', { ProcessCommandLine: 'a\nb' })).toBe(true);
    expect(value('ProcessCommandLine matches regex "(?m)a$"', { ProcessCommandLine: 'a\r\nb' })).toBe(false);
  });
  it('no look-around: refused (the emitter never writes it)', () => expect(() => value('ProcessCommandLine matches regex @"a(?=b)"')).toThrow(/look-around/));
  it('the parser does not check regex syntax; the evaluator does', () => expect(() => value('ProcessCommandLine matches regex "(a"')).toThrow(/invalid regex/));
});

describe('§2.5 literals and escaping (K-lit [doc]; [parser])', () => {
  it('backslash escapes in "…" and \'…\'', () => {
    expect(value('"a\\"b\\\\c\\td"')).toBe('a"b\\c\td');
    expect(value("'it\\'s'")).toBe("it's");
    expect(value('"it\'s"')).toBe("it's");
  });
  it('verbatim @"…": backslash literal, quote doubled', () => expect(value('@"C:\\Temp\\""x"""')).toBe('C:\\Temp\\"x"'));
  it('adjacent literals concatenate', () => expect(value('"a" "b" @"\\c"')).toBe('ab\\c'));
  it('an undefined escape ("\\d") is a syntax error', () => expect(() => value('"\\d"')).toThrow(KqlQueryError));
});

// ---------------------------------------------------------------------------------------------

describe('§2.6 statements and tabular operators', () => {
  it('let X = dynamic([...]); X used directly (K-fn let [doc])', () =>
    expect(kql('let X = dynamic(["a", "b"]);\nDeviceProcessEvents | where ProcessCommandLine in (X) | project ProcessCommandLine', [{ ProcessCommandLine: 'b' }, { ProcessCommandLine: 'c' }])).toEqual([{ ProcessCommandLine: 'b' }]));
  it('ago(ts) = now() - ts, one instant for the query (K-fn [doc]; the harness injects now)', () => {
    const rows = [{ Timestamp: new Date('2026-11-20T11:30:00Z'), DeviceName: 'recent' }, { Timestamp: new Date('2026-11-20T10:00:00Z'), DeviceName: 'old' }, { DeviceName: 'no time' }];
    expect(kql('DeviceProcessEvents | where Timestamp > ago(1h) | project DeviceName', rows)).toEqual([{ DeviceName: 'recent' }]);
    expect(value('now() - ago(1d)')).toBe(86_400_000);
  });
  describe('order by / sort by: default desc; nulls last for desc, first for asc (K-fn sort-operator [doc])', () => {
    const rows = [{ ProcessId: 2 }, {}, { ProcessId: 3 }, { ProcessId: 1 }];
    const ids = (q: string) => kql(`DeviceProcessEvents | ${q} | project ProcessId`, rows).map((r) => r.ProcessId);
    it('default desc, nulls last', () => expect(ids('order by ProcessId')).toEqual([3, 2, 1, null]));
    it('asc: nulls first', () => expect(ids('order by ProcessId asc')).toEqual([null, 1, 2, 3]));
    it('explicit nulls clause', () => {
      expect(ids('order by ProcessId asc nulls last')).toEqual([1, 2, 3, null]);
      expect(ids('sort by ProcessId desc nulls first')).toEqual([null, 3, 2, 1]);
    });
    it('order by TimeGenerated = newest first; several keys', () => {
      const t = (iso: string) => new Date(iso);
      const r = [{ ProcessId: 1, TimeGenerated: t('2026-01-01T00:00:00Z') }, { ProcessId: 2, TimeGenerated: t('2026-01-03T00:00:00Z') }, { ProcessId: 1, TimeGenerated: t('2026-01-02T00:00:00Z') }];
      expect(kql('DeviceProcessEvents | order by ProcessId desc, TimeGenerated desc | project TimeGenerated', r).map((x) => (x.TimeGenerated as Date).toISOString().slice(0, 10))).toEqual(['2026-01-03', '2026-01-02', '2026-01-01']);
    });
  });
  describe('ipv4_is_private: 10/8, 172.16/12, 192.168/16; 127.0.0.1 false; not IPv4 → null (K-fn [doc])', () => {
    const ip = (s: string) => value('ipv4_is_private(ProcessRemoteSessionIP)', { ProcessRemoteSessionIP: s });
    it('private ranges', () => {
      for (const a of ['10.0.0.1', '10.255.255.255', '172.16.0.1', '172.31.255.255', '192.168.1.1']) expect(ip(a), a).toBe(true);
    });
    it('public addresses and loopback are false', () => {
      for (const a of ['127.0.0.1', '8.8.8.8', '172.32.0.1', '172.15.255.255', '192.169.0.1', '11.0.0.1']) expect(ip(a), a).toBe(false);
    });
    it('prefix notation is accepted: 10.1.2.3/24', () => expect(ip('10.1.2.3/24')).toBe(true));
    it('IPv6 and "" give null; not(null) is null and where drops the row', () => {
      expect(ip('::1')).toBeNull();
      expect(ip('fe80::1')).toBeNull();
      expect(ip('')).toBeNull();
      expect(kql('DeviceProcessEvents | where not(ipv4_is_private(ProcessRemoteSessionIP)) | project ProcessRemoteSessionIP', [{ ProcessRemoteSessionIP: '::1' }, { ProcessRemoteSessionIP: '8.8.8.8' }])).toEqual([{ ProcessRemoteSessionIP: '8.8.8.8' }]);
    });
  });
  it('[harness: the operator as the emitter uses it] project keeps the listed columns, in the listed order (and computes name = expr)', () =>
    expect(kql('DeviceProcessEvents | project DeviceName, x = 1, FolderPath', [{ FolderPath: '/bin/x', DeviceName: 'h', ProcessCommandLine: 'c' }])).toEqual([{ DeviceName: 'h', x: 1, FolderPath: '/bin/x' }]));
  it('[harness; parser] extend adds columns computed from the row before it (a column of the same extend is not visible: KS142)', () => {
    expect(kql('DeviceProcessEvents | extend a = 1 | extend b = a + 1 | project a, b', [{}])).toEqual([{ a: 1, b: 2 }]);
    expect(() => kql('DeviceProcessEvents | extend a = 1, b = a + 1', [{}])).toThrow(/KS142/);
  });
});

// ---------------------------------------------------------------------------------------------

describe('§2.7 harness model', () => {
  it('string column absent → "", others null; `!=` with null is true', () =>
    expect(kql('DeviceProcessEvents | project s = AccountName, n = ProcessId, ne = ProcessId != 1', [{}])).toEqual([{ s: '', n: null, ne: true }]));
  describe('case-insensitive operators fold both sides with invariant (simple) lower-casing ("choose invariant lower-casing; document it")', () => {
    it('ASCII and non-ASCII letters fold: "ÜBER" =~ "über"', () => expect(str('ÜBER', '=~ "über"')).toBe(true));
    it('İ (U+0130) folds to i (simple mapping), Σ to σ wherever it stands', () => {
      expect(str('\u0130D', '=~ "id"')).toBe(true);
      expect(str('ΟΔΟΣ', '=~ "οδοσ"')).toBe(true);
    });
    it('the Kelvin sign U+212A lower-cases to k: "\\u212Aube" contains "kube"; ſ (long s) does not fold to s', () => {
      expect(str('\u212aube', 'contains "kube"')).toBe(true);
      expect(str('ſh', '=~ "sh"')).toBe(false);
    });
    it('in~ and has fold the same way', () => {
      expect(str('ÜBER', 'in~ ("über")')).toBe(true);
      expect(str('x ÜBER y', 'has "über"')).toBe(true);
    });
  });
  it('every emitted query is validated with Kusto.Language first: any Error diagnostic fails compilation', () =>
    expect(() => kql('DeviceProcessEvents | where FileName + 1 > 0', [])).toThrow(/KS106/));
});
