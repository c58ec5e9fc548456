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
 * any other column (§2.7). Integer columns are read from DeviceNetworkEvents (`netValue`), Sentinel's
 * watchlists from CSV files given as the query's shared files (`withWatchlists`).
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedConstruct, type Row, type StreamRow } from '../../src/backends/evaluation.js';
import { compileKqlTabular, createKqlEvaluator, KqlQueryError } from '../../src/backends/kql/evaluate.js';
import { defender as defenderProfile, sentinel as sentinelProfile } from '../../src/backends/kql/profiles.js';
import { viewFor, type EmittedFile } from '../../src/backends/types.js';

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

// ---------------------------------------------------------------------------------------------
// What the allowlist and network output relies on: IP ranges, coalesce, lets, watchlists, int columns

const defenderNet = viewFor(defenderProfile, 'network_connection')!;
const sentinelProcess = viewFor(sentinelProfile, 'process_creation')!;

/** The value of a scalar expression over one DeviceNetworkEvents row. */
function netValue(expr: string, row: Row = {}): unknown {
  const out = evaluator.compile({ path: 'kql/defender/conformance.kql', content: `DeviceNetworkEvents | project v = ${expr}` }, [], defenderNet).run([row]);
  expect(out).toHaveLength(1);
  return out[0]!.row.v;
}

/** A sentinel query over DeviceProcessEvents rows with watchlist CSVs (alias → CSV text) beside it. */
function withWatchlists(query: string, rows: readonly Row[], csvs: Readonly<Record<string, string>>): Record<string, unknown>[] {
  const shared: EmittedFile[] = Object.entries(csvs).map(([alias, content]) => ({ path: `kql/sentinel/watchlists/${alias}.csv`, content }));
  return evaluator.compile({ path: 'kql/sentinel/conformance.kql', content: query }, shared, sentinelProcess).run(rows).map((r) => ({ ...r.row }));
}

describe('ipv4_is_in_any_range(ip, range, …) / (ip, dynamic ranges): in any of the networks (K-fn [doc])', () => {
  const inAny = (address: string, ranges: string) => value(`ipv4_is_in_any_range(ProcessRemoteSessionIP, ${ranges})`, { ProcessRemoteSessionIP: address });
  it('the doc examples: range strings, and a dynamic array', () => {
    expect(inAny('192.168.1.6', "'192.168.1.1/24', '10.0.0.1/8', '127.1.0.1/16'")).toBe(true);
    expect(inAny('192.168.1.1', "'192.168.2.1/24', '10.0.0.1/8', '127.1.0.1/16'")).toBe(false);
    expect(inAny('127.0.0.1', 'dynamic(["127.0.0.1", "192.168.1.1"])')).toBe(true);
  });
  it('the doc LocalNetworks table: 10.1.2.3 and 192.168.1.5 are in, 123.1.11.21 and 1.1.1.1 are not', () => {
    const ranges = 'dynamic(["192.168.1.1/16", "127.0.0.1/8", "10.0.0.1/8"])';
    expect(['10.1.2.3', '192.168.1.5', '123.1.11.21', '1.1.1.1'].map((a) => inAny(a, ranges))).toEqual([true, true, false, false]);
  });
  it('a range without a prefix is that one address; host bits of a range are ignored (ipv4_is_in_range doc examples)', () => {
    expect(inAny('192.168.1.1', "'192.168.1.1'")).toBe(true);
    expect(inAny('192.168.1.2', "'192.168.1.1'")).toBe(false);
    expect(inAny('192.168.1.1', "'192.168.1.255/24'")).toBe(true);
    expect(inAny('8.8.8.8', "'0.0.0.0/0'")).toBe(true);
  });
  it('null when the address does not parse ("", IPv6, a host name)', () => {
    for (const a of ['', '::1', '::ffff:10.0.0.1', 'example.com', '10.0.0', '10.0.0.256']) expect(inAny(a, "'10.0.0.0/8'"), a).toBeNull();
  });
  it('[inferred: "null if conversion for one of the … strings wasn\'t successful"] a range that does not parse makes the result null, even beside one that matches', () => {
    expect(inAny('10.1.1.1', "'10.0.0.0/8', 'x'")).toBeNull();
    expect(inAny('10.1.1.1', "'10.0.0.0/33'")).toBeNull();
    expect(inAny('10.1.1.1', 'dynamic([])')).toBe(false);
  });
  it('[inferred: the model\'s dotted quad (src/ir/ip.ts); Kusto may read more] leading zeros, blanks and short forms are null', () => {
    for (const a of ['010.0.0.1', ' 10.0.0.1', '10.0.0.1 ', '10.1', '10.0.0.1\n']) expect(inAny(a, "'10.0.0.0/8'"), JSON.stringify(a)).toBeNull();
  });
  it('[inferred: prefix notation is accepted in the address as in ipv4_is_private; in a range when its whole network is] 10.1.2.3/24 is in 10.0.0.0/8, 10.1.2.3/4 is not', () => {
    expect(inAny('10.1.2.3/24', "'10.0.0.0/8'")).toBe(true);
    expect(inAny('10.1.2.3/4', "'10.0.0.0/8'")).toBe(false);
    expect(inAny('10.1.2.3/33', "'10.0.0.0/8'")).toBeNull();
  });
  it('null under not() stays null and where drops the row; coalesce(…, false) makes it false', () => {
    expect(inAny('::1', "'10.0.0.0/8'")).toBeNull();
    expect(value('not(ipv4_is_in_any_range(ProcessRemoteSessionIP, "10.0.0.0/8"))', { ProcessRemoteSessionIP: '::1' })).toBeNull();
    expect(value('not(coalesce(ipv4_is_in_any_range(ProcessRemoteSessionIP, "10.0.0.0/8"), false))', { ProcessRemoteSessionIP: '::1' })).toBe(true);
  });
});

describe('ipv6_is_in_any_range(ip, range, …) / (ip, dynamic ranges) (K-fn [doc])', () => {
  const inAny = (address: string, ranges: string) => value(`ipv6_is_in_any_range(ProcessRemoteSessionIP, ${ranges})`, { ProcessRemoteSessionIP: address });
  it('the doc LocalNetworks example: …:c755:abcd/abce/abcf are in a5e:…:c755:f6cd/112, …:c756:abd1 is not', () => {
    const ranges = 'dynamic(["a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd/112", "0:0:0:0:0:ffff:c0a8:ac/60"])';
    const ips = ['abcd', 'abce', 'abcf'].map((x) => `a5e:f127:8a9d:146d:e102:b5d3:c755:${x}`).concat('a5e:f127:8a9d:146d:e102:b5d3:c756:abd1');
    expect(ips.map((a) => inAny(a, ranges))).toEqual([true, true, true, false]);
  });
  it('compressed, upper-case and IPv4-tailed text; a range without a prefix is one address', () => {
    expect(inAny('FE80::1', "'fe80::/10'")).toBe(true);
    expect(inAny('::ffff:10.0.0.1', "'::ffff:0:0/96'")).toBe(true);
    expect(inAny('2001:db8::1', "'2001:db8::1'")).toBe(true);
    expect(inAny('2001:db8::2', "'2001:db8::1'")).toBe(false);
    expect(inAny('2606:4700::1111', "'fc00::/7', 'fe80::/10'")).toBe(false);
  });
  it('null when the address or a range does not parse', () => {
    for (const a of ['', 'example.com', '1::2::3', 'fe80::1%eth0', '[::1]', '1:2:3:4:5:6:7:8:9']) expect(inAny(a, "'::/0'"), a).toBeNull();
    expect(inAny('::1', "'::/0', 'nope'")).toBeNull();
  });
  it('[inferred from ipv6_compare, whose docs compare IPv4 with IPv6 text] IPv4 text reads as its IPv4-mapped address, so it is in ::/0 and ::ffff:0:0/96', () => {
    expect(inAny('10.0.0.1', "'::/0'")).toBe(true);
    expect(inAny('10.0.0.1', "'::ffff:0:0/96'")).toBe(true);
    expect(inAny('10.0.0.1', "'fc00::/7'")).toBe(false);
    expect(inAny('10.0.0.1', "'::ffff:10.0.0.0/104'")).toBe(true);
  });
  it('[inferred] prefix notation in the address: in a range when its whole network is', () => {
    expect(inAny('2001:db8::1/64', "'2001:db8::/32'")).toBe(true);
    expect(inAny('2001:db8::1/16', "'2001:db8::/32'")).toBe(false);
  });
});

describe('coalesce(a, b, …): the first value that is not null, for strings not empty (K-null coalesce [doc])', () => {
  it('bool: the first non-null', () => {
    expect(value('coalesce(bool(null), false)')).toBe(false);
    expect(value('coalesce(bool(null), bool(null), true)')).toBe(true);
    expect(value('coalesce(IsProcessRemoteSession, false)', { IsProcessRemoteSession: true })).toBe(true);
  });
  it('long: the first non-null; all null is null', () => {
    expect(value('coalesce(ProcessId, 7)', {})).toBe(7);
    expect(value('coalesce(ProcessId, 7)', { ProcessId: 0 })).toBe(0);
    expect(value('coalesce(ProcessId, long(null))', {})).toBeNull();
  });
  it('string: the first non-empty ("" is skipped, unlike SPL); [inferred] all empty gives ""', () => {
    expect(value('coalesce(AccountName, "x")', {})).toBe('x');
    expect(value('coalesce(AccountName, "x")', { AccountName: 'bob' })).toBe('bob');
    expect(value('coalesce(AccountName, "")', {})).toBe('');
  });
});

describe('extract(regex, captureGroup, source): the group of the first match; no match → null, which a string reads as "" (K-fn extract [doc]; K-null [doc])', () => {
  // The doc's examples (https://learn.microsoft.com/kusto/query/extract-function).
  const text = (t: string, expr: string) => value(expr, { ProcessCommandLine: t });
  it('group 1 of the match; group 0 the whole match', () => {
    expect(text('User: James, Email: James@example.com, Age: 29', 'extract("User: ([^,]+)", 1, ProcessCommandLine)')).toBe('James');
    expect(text('User: James, Email: James@example.com, Age: 29', 'extract(@"Email: (\\S+),", 1, ProcessCommandLine)')).toBe('James@example.com');
    expect(text('User: James, Email: James@example.com, Age: 29', 'extract(@"\\d+", 0, ProcessCommandLine)')).toBe('29');
  });
  it('no match: null, and a string is never null, so ""', () => {
    expect(text('User: David, Age: 35', 'extract(@"Email: (\\S+),", 1, ProcessCommandLine)')).toBe('');
    expect(text('User: David, Age: 35', 'isempty(extract(@"Email: (\\S+),", 1, ProcessCommandLine))')).toBe(true);
  });
  it('"^.{2,2}(.{4,4})" is substring(Text, 2, 4)', () => expect(text('0123456789', 'extract("^.{2,2}(.{4,4})", 1, ProcessCommandLine)')).toBe('2345'));
  it('a missing (empty) source: no match of a pattern that needs a character, ""', () => expect(value('extract("(.)", 1, ProcessCommandLine)', {})).toBe(''));
  it('the typeLiteral form is not implemented: refused', () =>
    expect(() => value('extract(@"(\\d+)", 1, ProcessCommandLine, typeof(long))', { ProcessCommandLine: '12' })).toThrow(UnsupportedConstruct));
});

describe('let: scalars used by name, tabular values in `in` (K-fn let [doc]; K-str in [doc])', () => {
  it('a let-bound verbatim string is the pattern of matches regex', () => {
    const q = 'let R = @"^(?:[^.]*\\.)*(?:[dD][oO][cC][kK][eE][rR]\\.[iI][oO])\\z";\nDeviceProcessEvents | project v = ProcessCommandLine matches regex R';
    const hosts = ['docker.io', 'registry-1.DOCKER.io', 'evildocker.io', 'docker.io.evil', 'docker.io\n'];
    expect(kql(q, hosts.map((h) => ({ ProcessCommandLine: h }))).map((r) => r.v)).toEqual([true, true, false, false, false]);
  });
  it('a let-bound dynamic array with in~, a tabular let with in~ (its one column)', () => {
    const rows = [{ AccountName: 'JENKINS' }, { AccountName: 'bob' }];
    expect(kql('let L = dynamic(["jenkins"]);\nDeviceProcessEvents | where AccountName in~ (L) | project AccountName', rows)).toEqual([{ AccountName: 'JENKINS' }]);
    expect(withWatchlists("let L = _GetWatchlist('ci') | project SearchKey;\nDeviceProcessEvents | where AccountName in~ (L) | project AccountName", rows, { ci: 'SearchKey,reason\njenkins,CI\n' })).toEqual([{ AccountName: 'JENKINS' }]);
  });
  it('`not(x in~ (L))` keeps the rows whose value is not listed; a missing string cell ("") is not listed', () => {
    const rows = [{ AccountName: 'jenkins' }, { AccountName: 'bob' }, {}];
    expect(withWatchlists("let L = _GetWatchlist('ci') | project SearchKey;\nDeviceProcessEvents | where not(AccountName in~ (L)) | project AccountName", rows, { ci: 'SearchKey\njenkins\n' })).toEqual([{ AccountName: 'bob' }, { AccountName: '' }]);
  });
});

describe('_GetWatchlist(alias): the watchlist\'s items as a table with a SearchKey column; Sentinel only (K-wl [doc])', () => {
  const csv = 'SearchKey,reason,owner,expires\nci-runner-01,"GitLab runner, pool 1",ci-platform,\n"image,factory",nightly base images,platform,2027-06-30\n';
  it('SearchKey holds the key column\'s values (CSV quoting read per RFC 4180); in~ folds case', () => {
    const q = "let H = _GetWatchlist('hosts') | project SearchKey;\nDeviceProcessEvents | project v = DeviceName in~ (H)";
    expect(withWatchlists(q, [{ DeviceName: 'CI-RUNNER-01' }, { DeviceName: 'image,factory' }, { DeviceName: 'ci-runner-02' }], { hosts: csv }).map((r) => r.v)).toEqual([true, true, false]);
  });
  it('inline, in double parentheses: x in~ ((_GetWatchlist(\'a\') | project SearchKey))', () => {
    const q = "DeviceProcessEvents | project v = DeviceName in~ ((_GetWatchlist('hosts') | project SearchKey))";
    expect(withWatchlists(q, [{ DeviceName: 'ci-runner-01' }], { hosts: csv }).map((r) => r.v)).toEqual([true]);
  });
  it('it is not a Defender advanced-hunting function: the analyser rejects it there', () =>
    expect(() => kql("let H = _GetWatchlist('hosts') | project SearchKey;\nDeviceProcessEvents | where DeviceName in~ (H)", [])).toThrow(/KS\d+.*_GetWatchlist/));
  it('[harness] a watchlist with no CSV beside the query, or one without SearchKey, is an error, never an empty list', () => {
    const q = "let H = _GetWatchlist('hosts') | project SearchKey;\nDeviceProcessEvents | where DeviceName in~ (H)";
    expect(() => withWatchlists(q, [], {})).toThrow(KqlQueryError);
    expect(() => withWatchlists(q, [], { hosts: 'Key\nx\n' })).toThrow(/SearchKey/);
  });
});

describe('int columns: == and in with numbers; null (a missing port) equals nothing (K-null [doc]; K-str in [doc])', () => {
  it('RemotePort == 2375 and RemotePort in (2375, 2376)', () => {
    expect(netValue('RemotePort == 2375', { RemotePort: 2375 })).toBe(true);
    expect(netValue('RemotePort == 2375', { RemotePort: 443 })).toBe(false);
    expect(netValue('RemotePort in (2375, 2376)', { RemotePort: 2376 })).toBe(true);
    expect(netValue('RemotePort in (2375, 2376)', { RemotePort: 80 })).toBe(false);
  });
  it('a null port: == is false, != true, in (…) false [inferred from ==], toint(… in (…)) is 0', () => {
    expect(netValue('RemotePort == 2375', {})).toBe(false);
    expect(netValue('RemotePort != 2375', {})).toBe(true);
    expect(netValue('RemotePort in (2375, 2376)', {})).toBe(false);
    expect(netValue('toint(RemotePort in (2375, 2376))', {})).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// What correlation queries rely on (src/backends/kql/correlation.ts): tabular lets, union, join
// kind=inner, between, timespans, summarize max / arg_max, distinct. Run with compileKqlTabular over
// rows of several tables: `proc(...)` rows are DeviceProcessEvents, `net(...)` DeviceNetworkEvents.

const proc = (row: Row): StreamRow => ({ category: 'process_creation', row });
const net = (row: Row): StreamRow => ({ category: 'network_connection', row });

/** Runs a tabular query (several tables, tabular lets) on defender; returns its columns and rows. */
function tab(query: string, rows: readonly StreamRow[]): { columns: string[]; rows: Record<string, unknown>[] } {
  const q = compileKqlTabular({ path: 'kql/defender/conformance.kql', content: query }, [], defenderProfile, { now: () => NOW });
  return { columns: q.columns.map(([n]) => n), rows: q.run(rows) };
}

/** Rows as sorted JSON texts: operators that promise no row order are compared as multisets. */
const bag = (rows: readonly Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();
const at = (iso: string) => new Date(iso);

describe('join kind=inner: every pair of rows with equal keys (K-fn join-inner [doc])', () => {
  // The join-inner doc example: X(Key, Value1) join kind=inner Y(Key, Value2) on Key.
  const X = [['a', 1], ['b', 2], ['b', 3], ['k', 5], ['c', 4]].map(([k, v]) => proc({ DeviceName: k, ProcessId: v }));
  const Y = [['b', 10], ['c', 20], ['c', 30], ['d', 40], ['k', 50]].map(([k, v]) => net({ DeviceName: k, RemotePort: v }));
  const query = 'let X = DeviceProcessEvents | project Key = DeviceName, Value1 = ProcessId;\nlet Y = DeviceNetworkEvents | project Key = DeviceName, Value2 = RemotePort;\nX | join kind=inner Y on Key';
  it('the doc example: (b,10) joins twice, (c,4) twice; a, d unmatched are dropped; the right key is Key1', () => {
    const out = tab(query, [...X, ...Y]);
    expect(out.columns).toEqual(['Key', 'Value1', 'Key1', 'Value2']);
    expect(bag(out.rows)).toEqual(bag([
      { Key: 'b', Value1: 3, Key1: 'b', Value2: 10 },
      { Key: 'b', Value1: 2, Key1: 'b', Value2: 10 },
      { Key: 'c', Value1: 4, Key1: 'c', Value2: 20 },
      { Key: 'c', Value1: 4, Key1: 'c', Value2: 30 },
      { Key: 'k', Value1: 5, Key1: 'k', Value2: 50 },
    ]));
  });
  it('a parenthesised right side and a join on a datetime column', () => {
    const rows = [proc({ DeviceName: 'h', Timestamp: at('2026-01-01T00:00:00Z') }), net({ DeviceName: 'n', Timestamp: at('2026-01-01T00:00:00Z') }), net({ DeviceName: 'm', Timestamp: at('2026-01-01T00:00:01Z') })];
    const out = tab('DeviceProcessEvents | project t = Timestamp, a = DeviceName | join kind=inner (DeviceNetworkEvents | project t = Timestamp, b = DeviceName) on t', rows);
    expect(out.columns).toEqual(['t', 'a', 't1', 'b']);
    expect(out.rows.map((r) => [r.a, r.b])).toEqual([['h', 'n']]);
  });
  it('[inferred from `on $left.K == $right.K` and == being case-sensitive (K-str)] string keys match case-sensitively', () =>
    expect(tab('let A = DeviceProcessEvents | project K = DeviceName; A | join kind=inner (A) on K', [proc({ DeviceName: 'H1' }), proc({ DeviceName: 'h1' })]).rows).toEqual([{ K: 'H1', K1: 'H1' }, { K: 'h1', K1: 'h1' }]));
  it('[harness] the default kind (innerunique, which dedups the left side: §2.6) and other kinds are refused, never run as inner', () => {
    expect(() => tab('let A = DeviceProcessEvents | project K = DeviceName; A | join (A) on K', [])).toThrow(UnsupportedConstruct);
    expect(() => tab('let A = DeviceProcessEvents | project K = DeviceName; A | join kind=innerunique (A) on K', [])).toThrow(/innerunique/);
  });
});

describe('between: (expr >= left and expr <= right), both bounds included (K-fn between [doc])', () => {
  it('the doc example: x between (50 .. 55) keeps 50 … 55', () => {
    const rows = [49, 50, 52, 55, 56].map((n) => proc({ ProcessId: n }));
    expect(tab('DeviceProcessEvents | where ProcessId between (50 .. 55) | project ProcessId', rows).rows.map((r) => r.ProcessId)).toEqual([50, 52, 55]);
  });
  it('datetime .. datetime + timespan includes both instants, not one second more', () => {
    const q = 'DeviceProcessEvents | where ProcessCreationTime between (Timestamp .. (Timestamp + 10m)) | project DeviceName';
    const t = at('2026-11-20T10:00:00Z');
    const rows = [['same', 0], ['edge', 600], ['past', 601], ['before', -1]].map(([n, s]) => proc({ DeviceName: n, Timestamp: t, ProcessCreationTime: new Date(t.getTime() + (s as number) * 1000) }));
    expect(tab(q, rows).rows.map((r) => r.DeviceName)).toEqual(['same', 'edge']);
  });
  it('a timespan right bound after a datetime left one: datetime(…) .. 3d (the doc form)', () =>
    expect(value('Timestamp between (datetime(2026-01-01) .. 3d)', { Timestamp: at('2026-01-04T00:00:00Z') })).toBe(true));
  it('null operands give null (the >= / <= rules, K-null): where drops the row', () => {
    expect(value('ProcessCreationTime between (Timestamp .. (Timestamp + 1h))', { Timestamp: at('2026-01-01T00:00:00Z') })).toBeNull();
    expect(value('ProcessId between (1 .. 3)', {})).toBeNull();
  });
});

describe('timespan literals and datetime arithmetic (K-lit; K-fn ago [doc]: timespans as 1d, 1h, 10m, 30s)', () => {
  it('30m, 60s, 10m, 1h, 2h are that many milliseconds', () => {
    expect([value('30m'), value('60s'), value('10m'), value('1h'), value('2h')]).toEqual([1_800_000, 60_000, 600_000, 3_600_000, 7_200_000]);
  });
  it('datetime + timespan is a datetime', () =>
    expect(value('Timestamp + 30m', { Timestamp: at('2026-11-20T10:00:00Z') })).toEqual(at('2026-11-20T10:30:00Z')));
});

describe('summarize: by columns first, then the aggregates (K-fn; [parser] result columns)', () => {
  const t = (m: number) => at(`2026-11-20T10:${String(m).padStart(2, '0')}:00Z`);
  it('max(x) by k: the largest value per group (named `latest = max(x)`)', () => {
    const rows = [['a', 1], ['a', 5], ['b', 2], ['a', 3]].map(([k, m]) => proc({ DeviceName: k, Timestamp: t(m as number) }));
    const out = tab('DeviceProcessEvents | summarize latest = max(Timestamp) by DeviceName', rows);
    expect(out.columns).toEqual(['DeviceName', 'latest']);
    expect(bag(out.rows)).toEqual(bag([{ DeviceName: 'a', latest: t(5) }, { DeviceName: 'b', latest: t(2) }]));
  });
  it('arg_max(E, C) by k: a row maximising E, with its C; its columns are E, then C (K-fn arg-max [doc])', () => {
    const rows = [['a', 1, 'x'], ['a', 5, 'y'], ['a', 3, 'z']].map(([k, m, c]) => proc({ DeviceName: k, Timestamp: t(m as number), AccountName: c }));
    const out = tab('DeviceProcessEvents | summarize arg_max(Timestamp, AccountName) by DeviceName', rows);
    expect(out.columns).toEqual(['DeviceName', 'Timestamp', 'AccountName']);
    expect(out.rows).toEqual([{ DeviceName: 'a', Timestamp: t(5), AccountName: 'y' }]);
  });
  it('arg_max ignores rows whose E is null unless all are (K-fn arg-max [doc]); [harness] an all-null group is refused (which row is not documented)', () => {
    const rows = [proc({ DeviceName: 'a', AccountName: 'no time' }), proc({ DeviceName: 'a', Timestamp: t(1), AccountName: 'x' })];
    expect(tab('DeviceProcessEvents | summarize arg_max(Timestamp, AccountName) by DeviceName', rows).rows).toEqual([{ DeviceName: 'a', Timestamp: t(1), AccountName: 'x' }]);
    expect(() => tab('DeviceProcessEvents | summarize arg_max(Timestamp, AccountName) by DeviceName', [rows[0]!])).toThrow(UnsupportedConstruct);
  });
  it('[inferred: the doc returns "a row"; which one of rows tied on the maximum is unspecified] ties: any row with the maximum (the evaluator: the first)', () => {
    const rows = [['a', 5, 'first'], ['a', 5, 'second'], ['a', 1, 'lower']].map(([k, m, c]) => proc({ DeviceName: k, Timestamp: t(m as number), AccountName: c }));
    const out = tab('DeviceProcessEvents | summarize arg_max(Timestamp, AccountName) by DeviceName', rows).rows;
    expect(out).toHaveLength(1);
    expect(out[0]!.Timestamp).toEqual(t(5));
    expect(['first', 'second']).toContain(out[0]!.AccountName);
    expect(out[0]!.AccountName).toBe('first');
    // Why ties cannot change a correlation's result: each `summarize … by key, t<k>` leaves one row per
    // (key, t<k>), so rows tied on (key, t<k+1>, t<k>) after the next join differ only by being copies
    // (duplicate stage events at one instant) and carry the same start.
    const copies = [proc({ DeviceName: 'a', Timestamp: t(5), AccountName: 's' }), proc({ DeviceName: 'a', Timestamp: t(5), AccountName: 's' })];
    expect(tab('DeviceProcessEvents | summarize arg_max(Timestamp, AccountName) by DeviceName', copies).rows).toEqual([{ DeviceName: 'a', Timestamp: t(5), AccountName: 's' }]);
  });
  it('[inferred: aggregates skip nulls] max ignores null values; a group of nulls gives null', () => {
    const rows = [proc({ DeviceName: 'a', Timestamp: t(2) }), proc({ DeviceName: 'a' }), proc({ DeviceName: 'b' })];
    expect(bag(tab('DeviceProcessEvents | summarize latest = max(Timestamp) by DeviceName', rows).rows)).toEqual(bag([{ DeviceName: 'a', latest: t(2) }, { DeviceName: 'b', latest: null }]));
  });
  it('[inferred: string grouping as ==] by groups case-sensitively', () =>
    expect(bag(tab('DeviceProcessEvents | summarize latest = max(Timestamp) by DeviceName', [proc({ DeviceName: 'H', Timestamp: t(1) }), proc({ DeviceName: 'h', Timestamp: t(2) })]).rows)).toEqual(bag([{ DeviceName: 'H', latest: t(1) }, { DeviceName: 'h', latest: t(2) }])));
});

describe('distinct, union and tabular lets (K-fn let, union [doc])', () => {
  it('distinct keeps one row per combination of the listed columns', () => {
    const rows = [['a', 1], ['a', 1], ['a', 2], ['b', 1]].map(([k, n]) => proc({ DeviceName: k, ProcessId: n }));
    const out = tab('DeviceProcessEvents | distinct DeviceName, ProcessId', rows);
    expect(out.columns).toEqual(['DeviceName', 'ProcessId']);
    expect(bag(out.rows)).toEqual(bag([{ DeviceName: 'a', ProcessId: 1 }, { DeviceName: 'a', ProcessId: 2 }, { DeviceName: 'b', ProcessId: 1 }]));
  });
  it('union (default kind=outer) of parenthesised pipelines: all rows of each input, columns by name', () => {
    const rows = [proc({ DeviceName: 'p' }), net({ DeviceName: 'n', RemotePort: 443 })];
    const out = tab('union (DeviceProcessEvents | project h = DeviceName), (DeviceNetworkEvents | project h = DeviceName, port = RemotePort)', rows);
    expect(out.columns).toEqual(['h', 'port']);
    expect(bag(out.rows)).toEqual(bag([{ h: 'p', port: null }, { h: 'n', port: 443 }]));
  });
  it('a tabular let is a table for the query, read as often as named (the same rows each time)', () => {
    const out = tab('let A = DeviceProcessEvents | where ProcessId > 1 | project K = DeviceName;\nA | join kind=inner (A | project K, K2 = K) on K', [proc({ DeviceName: 'a', ProcessId: 2 }), proc({ DeviceName: 'b', ProcessId: 1 })]);
    expect(out.rows).toEqual([{ K: 'a', K1: 'a', K2: 'a' }]);
  });
});
