/**
 * Conformance of the Sigma evaluator (src/backends/sigma/evaluate.ts) with
 * /work/shared/reference/semantics.md §3 (Sigma spec v2.1.0 and pySigma). One block per row the
 * evaluator relies on, written from the row: the Sigma snippet, the record and the documented result.
 * Each names its source key (G-rules, G-mod, P-types, P-cond, …). Rows tagged [inferred], and choices
 * the rows leave open, say what the pinned behaviour is based on.
 *
 * Records are Sigma taxonomy log records: a field the event does not have is a missing key.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedConstruct, type Row } from '../../src/backends/evaluation.js';
import { SigmaRuleError, sigmaEvaluator } from '../../src/backends/sigma/evaluate.js';
import { taxonomy as taxonomyProfile } from '../../src/backends/sigma/profiles.js';
import { viewFor } from '../../src/backends/types.js';

const taxonomy = viewFor(taxonomyProfile, 'process_creation')!;

/** A Sigma rule around a `detection:` body (YAML, as written in a rule), compiled by the evaluator. */
function sigma(detection: string): (row: Row) => boolean {
  const body = detection.replace(/^\n/, '').replace(/\s+$/, '');
  const indent = /^ */.exec(body)![0].length;
  const lines = body.split('\n').map((l) => `  ${l.slice(indent)}`);
  const content = ['title: conformance', 'logsource: { product: linux, category: process_creation }', 'detection:', ...lines, 'level: low', ''].join('\n');
  const q = sigmaEvaluator.compile({ path: 'sigma/taxonomy/conformance.yml', content }, [], taxonomy);
  return (row) => {
    const n = q.run([row]).length;
    if (n > 1) throw new Error('one document, more than one result');
    return n === 1;
  };
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('§3.1 values, wildcards, lists, maps', () => {
  describe('plain values: "All values are treated as case-insensitive strings"; full-value match (G-rules [doc])', () => {
    const q = sigma(`
      selection:
          Image: /usr/bin/docker
      condition: selection
    `);
    it('the same value matches', () => expect(q({ Image: '/usr/bin/docker' })).toBe(true));
    it('case-insensitive', () => expect(q({ Image: '/USR/BIN/Docker' })).toBe(true));
    it('full value: a longer value does not match', () => expect(q({ Image: '/usr/bin/docker2' })).toBe(false));
    it('full value: a shorter value does not match', () => expect(q({ Image: 'docker' })).toBe(false));
    it('a missing field does not match', () => expect(q({})).toBe(false));
    it('[inferred: the project model, ASCII-only folding as the IR\'s asciiLower] ſ and K (Kelvin) are not s and k', () => {
      const r = sigma(`
        selection:
            ParentImage: /bin/sh
        condition: selection
      `);
      expect(r({ ParentImage: '/bin/ſh' })).toBe(false);
      expect(r({ ParentImage: '/BIN/SH' })).toBe(true);
      const k = sigma(`
        selection:
            User: k
        condition: selection
      `);
      expect(k({ User: '\u212a' })).toBe(false);
      expect(k({ User: 'K' })).toBe(true);
    });
    it('[inferred: non-ASCII letters are not folded under the ASCII-only model] É is not é', () => {
      const r = sigma(`
        selection:
            User: é
        condition: selection
      `);
      expect(r({ User: 'É' })).toBe(false);
      expect(r({ User: 'é' })).toBe(true);
    });
    it('values are strings: an integer value matches its decimal text (G-rules map example `EventID: 4769`)', () => {
      const r = sigma(`
        selection:
            EventID: 4769
        condition: selection
      `);
      expect(r({ EventID: '4769' })).toBe(true);
      expect(r({ EventID: 4769 })).toBe(true);
      expect(r({ EventID: '47690' })).toBe(false);
    });
    // [inferred] The row says values are strings; it does not say which text a number stands for.
    // pySigma keeps a YAML integer as SigmaNumber (P-types) and backends write its str(), the plain
    // decimal form (B-spl `DestinationPort=2375`), so a number is the string of its decimal form:
    // "02375", "2375.0" or "+2375" are other strings. Sysmon writes ports in that form.
    it('[inferred from G-rules "treated as strings" and P-types SigmaNumber str()] a number is its decimal text, no other spelling of the same number', () => {
      const r = sigma(`
        selection:
            DestinationPort:
                - 2375
                - 2376
        condition: selection
      `);
      expect(r({ DestinationPort: '2375' })).toBe(true);
      expect(r({ DestinationPort: '2376' })).toBe(true);
      expect(r({ DestinationPort: 2376 })).toBe(true);
      for (const other of ['02375', '2375.0', '+2375', ' 2375', '2375 ', '23750', '']) expect(r({ DestinationPort: other }), JSON.stringify(other)).toBe(false);
      expect(r({})).toBe(false);
      expect(r({ DestinationPort: null })).toBe(false);
    });
  });

  describe('wildcards: `*` = any run, `?` = exactly one character (G-rules [doc])', () => {
    const q = sigma(`
      selection:
          CommandLine: 'foo?bar'
      condition: selection
    `);
    it('`?` matches one character', () => expect(q({ CommandLine: 'fooXbar' })).toBe(true));
    it('`?` does not match zero characters', () => expect(q({ CommandLine: 'foobar' })).toBe(false));
    it('`?` does not match two characters', () => expect(q({ CommandLine: 'fooXYbar' })).toBe(false));
    it('`?` matches one character that is not ASCII, or a newline', () => {
      expect(q({ CommandLine: 'foo日bar' })).toBe(true);
      expect(q({ CommandLine: 'foo😀bar' })).toBe(true);
      expect(q({ CommandLine: 'foo\nbar' })).toBe(true);
    });
    const star = sigma(`
      selection:
          CommandLine: 'docker*build'
      condition: selection
    `);
    it('`*` matches any run, including an empty one and newlines', () => {
      expect(star({ CommandLine: 'docker build' })).toBe(true);
      expect(star({ CommandLine: 'dockerbuild' })).toBe(true);
      expect(star({ CommandLine: 'docker -H x\n build' })).toBe(true);
    });
    it('`*` inside a value still needs the whole value to match', () => expect(star({ CommandLine: 'docker build .' })).toBe(false));
    it('`*` alone matches any present value, also an empty one', () => {
      const any = sigma(`
        selection:
            User: '*'
        condition: selection
      `);
      expect(any({ User: '' })).toBe(true);
      expect(any({ User: 'root' })).toBe(true);
      expect(any({})).toBe(false);
    });
  });

  describe('escaping: `\\` escapes `*`, `?` and `\\`; before any other character it is literal (G-rules [doc]; P-types SigmaString.__init__ [code])', () => {
    it('`\\*` is a literal star', () => {
      const q = sigma(String.raw`
        selection:
            CommandLine: 'a\*b'
        condition: selection
      `);
      expect(q({ CommandLine: 'a*b' })).toBe(true);
      expect(q({ CommandLine: 'axb' })).toBe(false);
      expect(q({ CommandLine: 'a\\*b' })).toBe(false);
    });
    it('`\\?` is a literal question mark', () => {
      const q = sigma(String.raw`
        selection:
            CommandLine: 'what\?'
        condition: selection
      `);
      expect(q({ CommandLine: 'what?' })).toBe(true);
      expect(q({ CommandLine: 'whatX' })).toBe(false);
    });
    it('`\\\\*` is a backslash followed by a wildcard', () => {
      const q = sigma(String.raw`
        selection:
            CommandLine: 'C:\\*'
        condition: selection
      `);
      expect(q({ CommandLine: 'C:\\' })).toBe(true);
      expect(q({ CommandLine: 'C:\\Temp\\x' })).toBe(true);
      expect(q({ CommandLine: 'C:Temp' })).toBe(false);
    });
    it('`\\\\\\*` is a backslash followed by a literal star', () => {
      const q = sigma(String.raw`
        selection:
            CommandLine: 'C:\\\*'
        condition: selection
      `);
      expect(q({ CommandLine: 'C:\\*' })).toBe(true);
      expect(q({ CommandLine: 'C:\\x' })).toBe(false);
      expect(q({ CommandLine: 'C:\\' })).toBe(false);
    });
    it('3 or 4 backslashes are two backslashes', () => {
      for (const v of [String.raw`a\\\b`, String.raw`a\\\\b`]) {
        const q = sigma(`
          selection:
              CommandLine: '${v}'
          condition: selection
        `);
        expect(q({ CommandLine: 'a\\\\b' }), v).toBe(true);
        expect(q({ CommandLine: 'a\\b' }), v).toBe(false);
      }
    });
    it('`\\` before any other character is literal', () => {
      const q = sigma(String.raw`
        selection:
            CommandLine: 'C:\Temp\new'
        condition: selection
      `);
      expect(q({ CommandLine: 'C:\\Temp\\new' })).toBe(true);
      expect(q({ CommandLine: 'C:Tempnew' })).toBe(false);
    });
    it('a trailing lone `\\` is kept (P-types: "trailing lone `\\` kept")', () => {
      const q = sigma(String.raw`
        selection:
            CommandLine: 'dir\'
        condition: selection
      `);
      expect(q({ CommandLine: 'dir\\' })).toBe(true);
      expect(q({ CommandLine: 'dir' })).toBe(false);
    });
  });

  describe('lists: values list = OR; list of maps = OR of maps (G-rules [doc])', () => {
    it('a value list is OR', () => {
      const q = sigma(`
        selection:
            ParentImage:
                - /bin/sh
                - /bin/bash
        condition: selection
      `);
      expect(q({ ParentImage: '/bin/sh' })).toBe(true);
      expect(q({ ParentImage: '/bin/bash' })).toBe(true);
      expect(q({ ParentImage: '/bin/zsh' })).toBe(false);
    });
    it('a list of maps is OR of the maps', () => {
      const q = sigma(`
        selection:
            - Image|endswith: /docker
              CommandLine|contains: build
            - Image|endswith: /podman
        condition: selection
      `);
      expect(q({ Image: '/usr/bin/docker', CommandLine: 'docker build .' })).toBe(true);
      expect(q({ Image: '/usr/bin/docker', CommandLine: 'docker run' })).toBe(false);
      expect(q({ Image: '/usr/bin/podman', CommandLine: 'podman run' })).toBe(true);
    });
    it('a keyword list (no field) is not implemented: an error naming it, not a guess', () => {
      const e = thrown(() =>
        sigma(`
          keywords:
              - evil
          condition: keywords
        `),
      );
      expect(e).toBeInstanceOf(UnsupportedConstruct);
      expect((e as Error).message).toContain('keyword search');
    });
  });

  describe('maps: all key/value pairs AND-ed (G-rules [doc])', () => {
    const q = sigma(`
      selection:
          Image|endswith: /docker
          CommandLine|contains: build
      condition: selection
    `);
    it('both hold', () => expect(q({ Image: '/usr/bin/docker', CommandLine: 'docker build .' })).toBe(true));
    it('one fails', () => expect(q({ Image: '/usr/bin/docker', CommandLine: 'docker run' })).toBe(false));
    it('one field missing', () => expect(q({ Image: '/usr/bin/docker' })).toBe(false));
  });

  describe('`field: null` / `field: \'\'`: `null` = null value, `\'\'` = empty (G-rules [doc]; B-spl field_null_expression [code])', () => {
    const q = sigma(`
      filter:
          ParentImage: null
      condition: filter
    `);
    it('a null value matches', () => expect(q({ ParentImage: null })).toBe(true));
    // [inferred] The row does not say what a missing field is. pySigma's Splunk output is
    // `NOT field=*`, which holds for a missing field, and the taxonomy record writes "no value" as a
    // missing key: `field: null` holds for a missing field too.
    it('[inferred from B-spl `NOT field=*`] a missing field matches', () => expect(q({})).toBe(true));
    it('an empty string is not null', () => expect(q({ ParentImage: '' })).toBe(false));
    it('a value is not null', () => expect(q({ ParentImage: '/bin/sh' })).toBe(false));
    it("`field: ''` matches only the empty string", () => {
      const e = sigma(`
        empty:
            ParentImage: ''
        condition: empty
      `);
      expect(e({ ParentImage: '' })).toBe(true);
      expect(e({})).toBe(false);
      expect(e({ ParentImage: null })).toBe(false);
      expect(e({ ParentImage: 'x' })).toBe(false);
    });
    it('a `not null` test is a separate negated selection', () => {
      const nn = sigma(`
        selection:
            User: root
        filter:
            ParentImage: null
        condition: selection and not filter
      `);
      expect(nn({ User: 'root', ParentImage: '/bin/sh' })).toBe(true);
      expect(nn({ User: 'root' })).toBe(false);
    });
    it('`null` may not appear inside a value list', () => {
      expect(() =>
        sigma(`
          selection:
              ParentImage: [/bin/sh, null]
          condition: selection
        `),
      ).toThrow(SigmaRuleError);
    });
  });

  describe('`field|exists: true/false`: presence only, regardless of value; empty or null count as present (G-mod [doc])', () => {
    const yes = sigma(`
      selection:
          CurrentDirectory|exists: true
      condition: selection
    `);
    const no = sigma(`
      selection:
          CurrentDirectory|exists: false
      condition: selection
    `);
    it.each([
      ['a value', { CurrentDirectory: '/tmp' }, true],
      ['an empty value', { CurrentDirectory: '' }, true],
      ['a null value', { CurrentDirectory: null }, true],
      ['a missing field', {}, false],
    ] as const)('%s', (_n, row, present) => {
      expect(yes(row)).toBe(present);
      expect(no(row)).toBe(!present);
    });
  });
});

describe('§3.2 modifiers', () => {
  describe('`contains` / `startswith` / `endswith`: wrap / append / prepend `*` (G-mod; P-mod)', () => {
    it('contains: anywhere, case-insensitive', () => {
      const q = sigma(`
        selection:
            CommandLine|contains: no-cache
        condition: selection
      `);
      expect(q({ CommandLine: 'docker build --NO-CACHE .' })).toBe(true);
      expect(q({ CommandLine: 'docker build .' })).toBe(false);
    });
    it('startswith and endswith', () => {
      const s = sigma(`
        selection:
            ParentCommandLine|startswith: /opt/
        condition: selection
      `);
      expect(s({ ParentCommandLine: '/OPT/x' })).toBe(true);
      expect(s({ ParentCommandLine: 'x/opt/' })).toBe(false);
      const e = sigma(`
        selection:
            ParentImage|endswith: /bash
        condition: selection
      `);
      expect(e({ ParentImage: '/usr/bin/bash' })).toBe(true);
      expect(e({ ParentImage: '/usr/bin/bash5' })).toBe(false);
    });
    it('"adds `*` unless already present" (P-mod): `|contains: \'*x\'` means the same as `x`', () => {
      const q = sigma(`
        selection:
            CommandLine|contains: '*x'
        condition: selection
      `);
      expect(q({ CommandLine: 'axb' })).toBe(true);
      expect(q({ CommandLine: 'ab' })).toBe(false);
    });
    it('wildcards inside the value keep their meaning', () => {
      const q = sigma(`
        selection:
            CommandLine|contains: 'a?c'
        condition: selection
      `);
      expect(q({ CommandLine: 'xxabcxx' })).toBe(true);
      expect(q({ CommandLine: 'xxacxx' })).toBe(false);
    });
  });

  describe('`all`: list linked with AND instead of OR; single-value `all` not allowed (G-mod; P-mod)', () => {
    it('`|all` on a value list', () => {
      const q = sigma(`
        selection:
            CommandLine|all:
                - 'docker*'
                - '*build*'
        condition: selection
      `);
      expect(q({ CommandLine: 'docker build' })).toBe(true);
      expect(q({ CommandLine: 'docker run' })).toBe(false);
    });
    it('`|contains|all`: every value is contained', () => {
      const q = sigma(`
        selection:
            CommandLine|contains|all:
                - alpha
                - beta
        condition: selection
      `);
      expect(q({ CommandLine: 'x BETA y alpha' })).toBe(true);
      expect(q({ CommandLine: 'x alpha y' })).toBe(false);
    });
    it('without `|all` the same list is OR', () => {
      const q = sigma(`
        selection:
            CommandLine|contains:
                - alpha
                - beta
        condition: selection
      `);
      expect(q({ CommandLine: 'x alpha y' })).toBe(true);
    });
    it('single-value `|all` is refused', () => {
      expect(() =>
        sigma(`
          selection:
              CommandLine|contains|all: alpha
          condition: selection
        `),
      ).toThrow(SigmaRuleError);
    });
  });

  describe('`re` (+ `i`, `m`, `s`): PCRE, case-sensitive by default, flags (G-mod; P-mod)', () => {
    it('case-sensitive by default', () => {
      const q = sigma(`
        selection:
            CommandLine|re: 'docker\\s+build'
        condition: selection
      `);
      expect(q({ CommandLine: 'docker  build .' })).toBe(true);
      expect(q({ CommandLine: 'DOCKER build .' })).toBe(false);
    });
    it('`|re|i` is case-insensitive', () => {
      const q = sigma(`
        selection:
            CommandLine|re|i: 'docker\\s+build'
        condition: selection
      `);
      expect(q({ CommandLine: 'DOCKER build .' })).toBe(true);
    });
    it('unanchored (Splunk `| regex`, KQL `matches regex` are unanchored)', () => {
      const q = sigma(`
        selection:
            CommandLine|re: 'build'
        condition: selection
      `);
      expect(q({ CommandLine: 'docker build .' })).toBe(true);
    });
    it('`|re|m`: `^` and `$` at line boundaries', () => {
      const plain = sigma(`
        selection:
            CommandLine|re: '^b$'
        condition: selection
      `);
      const m = sigma(`
        selection:
            CommandLine|re|m: '^b$'
        condition: selection
      `);
      expect(plain({ CommandLine: 'a\nb\nc' })).toBe(false);
      expect(m({ CommandLine: 'a\nb\nc' })).toBe(true);
    });
    it('`|re|s`: `.` also matches a newline', () => {
      const plain = sigma(`
        selection:
            CommandLine|re: 'a.b'
        condition: selection
      `);
      const s = sigma(`
        selection:
            CommandLine|re|s: 'a.b'
        condition: selection
      `);
      expect(plain({ CommandLine: 'a\nb' })).toBe(false);
      expect(s({ CommandLine: 'a\nb' })).toBe(true);
    });
    it('the flags belong to `re` ("must be the first modifier", P-mod): `|i` alone is refused', () => {
      expect(() =>
        sigma(`
          selection:
              CommandLine|i: x
          condition: selection
        `),
      ).toThrow(SigmaRuleError);
    });
  });

  describe('`cidr`: IPv4/IPv6 network; strict, a value with host bits set is an error (G-mod; P-types SigmaCIDRExpression)', () => {
    const v4 = sigma(`
      selection:
          DestinationIp|cidr: 10.0.0.0/8
      condition: selection
    `);
    it('IPv4 inside and outside', () => {
      expect(v4({ DestinationIp: '10.1.2.3' })).toBe(true);
      expect(v4({ DestinationIp: '11.0.0.1' })).toBe(false);
      expect(v4({ DestinationIp: 'not an ip' })).toBe(false);
    });
    it('IPv6', () => {
      const v6 = sigma(`
        selection:
            DestinationIp|cidr: '2001:db8::/32'
        condition: selection
      `);
      expect(v6({ DestinationIp: '2001:db8:1::5' })).toBe(true);
      expect(v6({ DestinationIp: '2001:DB9::5' })).toBe(false);
      expect(v6({ DestinationIp: '10.0.0.1' })).toBe(false);
    });
    it('a list of networks is OR', () => {
      const q = sigma(`
        selection:
            DestinationIp|cidr:
                - 10.0.0.0/8
                - 192.168.0.0/16
        condition: selection
      `);
      expect(q({ DestinationIp: '192.168.1.1' })).toBe(true);
    });
    it('host bits set (`10.0.0.1/8`) is an error', () => {
      const e = thrown(() =>
        sigma(`
          selection:
              DestinationIp|cidr: 10.0.0.1/8
          condition: selection
        `),
      );
      expect(e).toBeInstanceOf(UnsupportedConstruct);
      expect((e as Error).message).toContain('host bits set');
    });
  });

  describe('`cidr`: an address of one family is never in a network of the other (G-mod; P-types SigmaCIDRExpression)', () => {
    // [inferred] The row says "IPv4/IPv6 network". pySigma reads networks with Python's ipaddress,
    // whose `address in network` is False when the versions differ ("always false if one is v4 and
    // the other is v6"), so an IPv4-mapped IPv6 address is not in an IPv4 network; the model
    // (src/ir/ip.ts) says the same.
    const q = (networks: string) =>
      sigma(`
        selection:
            DestinationIp|cidr: ${networks}
        condition: selection
      `);
    it('[inferred from Python ipaddress __contains__] ::ffff:10.1.2.3 is not in 10.0.0.0/8, and no IPv4 address is in ::/0', () => {
      expect(q('10.0.0.0/8')({ DestinationIp: '::ffff:10.1.2.3' })).toBe(false);
      expect(q('10.0.0.0/8')({ DestinationIp: '10.1.2.3' })).toBe(true);
      expect(q("'::/0'")({ DestinationIp: '10.1.2.3' })).toBe(false);
      expect(q('0.0.0.0/0')({ DestinationIp: '::1' })).toBe(false);
    });
    it('[inferred] 0.0.0.0/0 and ::/0 together hold every address, and nothing that is not one', () => {
      const any = q("['0.0.0.0/0', '::/0']");
      for (const a of ['0.0.0.0', '255.255.255.255', '::', '::1', 'FFFF:ffff::', '::ffff:1.2.3.4', '1:2:3:4:5:6:7::', '2001:0db8:0000:0000:0000:0000:0000:0001'])
        expect(any({ DestinationIp: a }), a).toBe(true);
      // Not addresses: a placeholder, a host name, octal-looking octets (Python's ipaddress refuses
      // them too), spaces, a prefix, a zone id (the model's choice: ipaddress accepts `%eth0`), two `::`.
      for (const v of ['-', '', 'localhost', '010.0.0.1', '10.0.0', '10.0.0.256', ' 10.0.0.1', '10.0.0.1 ', '10.0.0.1/32', 'fe80::1%eth0', '1::2::3', '1:2:3:4:5:6:7:8:9', ':1.2.3.4'])
        expect(any({ DestinationIp: v }), JSON.stringify(v)).toBe(false);
      expect(any({})).toBe(false);
    });
    it('IPv6 networks: unique-local fc00::/7, IPv4-mapped ::ffff:0:0/96, link-local fe80::/10 at their edges', () => {
      const ula = q("'fc00::/7'");
      expect(ula({ DestinationIp: 'fd12:3456:789a::10' })).toBe(true);
      expect(ula({ DestinationIp: 'FC00::1' })).toBe(true);
      expect(ula({ DestinationIp: 'fe00::1' })).toBe(false);
      const mapped = q("'::ffff:0:0/96'");
      expect(mapped({ DestinationIp: '::ffff:45.33.32.156' })).toBe(true);
      expect(mapped({ DestinationIp: '::FFFF:2d21:209c' })).toBe(true);
      expect(mapped({ DestinationIp: '::fffe:45.33.32.156' })).toBe(false);
      expect(mapped({ DestinationIp: '45.33.32.156' })).toBe(false);
      const linkLocal = q("'fe80::/10'");
      expect(linkLocal({ DestinationIp: 'febf:ffff::1' })).toBe(true);
      expect(linkLocal({ DestinationIp: 'fec0::1' })).toBe(false);
    });
    it('IPv4 prefixes that do not end on an octet: 100.64.0.0/10 and 172.16.0.0/12 at their edges', () => {
      const cgnat = q('100.64.0.0/10');
      expect(cgnat({ DestinationIp: '100.127.255.255' })).toBe(true);
      expect(cgnat({ DestinationIp: '100.128.0.0' })).toBe(false);
      expect(cgnat({ DestinationIp: '100.63.255.255' })).toBe(false);
      const rfc1918 = q('172.16.0.0/12');
      expect(rfc1918({ DestinationIp: '172.31.0.1' })).toBe(true);
      expect(rfc1918({ DestinationIp: '172.32.0.1' })).toBe(false);
    });
  });

  describe('`endswith` with a value list: OR of the suffixes, case-insensitive (G-mod; G-rules lists)', () => {
    const q = sigma(`
      selection:
          DestinationHostname|endswith:
              - .docker.io
              - .ghcr.io
      condition: selection
    `);
    it('a subdomain of either matches, in any ASCII case', () => {
      expect(q({ DestinationHostname: 'registry-1.docker.io' })).toBe(true);
      expect(q({ DestinationHostname: 'PKG.GHCR.IO' })).toBe(true);
    });
    it('the name itself, a look-alike and a longer suffix do not', () => {
      expect(q({ DestinationHostname: 'docker.io' })).toBe(false);
      expect(q({ DestinationHostname: 'evildocker.io' })).toBe(false);
      expect(q({ DestinationHostname: 'registry.docker.io.evil' })).toBe(false);
      expect(q({})).toBe(false);
    });
  });

  describe('`cased`: case-sensitive match (G-mod)', () => {
    it('with a plain value and with contains', () => {
      const q = sigma(`
        selection:
            CurrentDirectory|cased: /Work
        condition: selection
      `);
      expect(q({ CurrentDirectory: '/Work' })).toBe(true);
      expect(q({ CurrentDirectory: '/work' })).toBe(false);
      const c = sigma(`
        selection:
            User|contains|cased: Ünïcödé
        condition: selection
      `);
      expect(c({ User: 'xÜnïcödéy' })).toBe(true);
      expect(c({ User: 'xÜNÏCÖDÉy' })).toBe(false);
    });
  });

  describe('modifiers the evaluator does not implement raise an error naming them (G-mod: windash, base64offset, neq, lt/lte/gt/gte, fieldref, expand)', () => {
    it.each(['windash', 'base64offset', 'base64', 'neq', 'lt', 'gte', 'fieldref', 'expand', 'utf16le', 'wide'])('|%s', (mod) => {
      const e = thrown(() =>
        sigma(`
          selection:
              CommandLine|${mod}: x
          condition: selection
        `),
      );
      expect(e).toBeInstanceOf(UnsupportedConstruct);
      expect((e as Error).message).toContain(`modifier |${mod}`);
    });
  });
});

describe('§3.3 condition grammar', () => {
  const abc = (condition: string) =>
    sigma(`
      a:
          A: 'y'
      b:
          B: 'y'
      c:
          C: 'y'
      condition: ${condition}
    `);
  const row = (a: boolean, b: boolean, c: boolean): Row => ({ A: a ? 'y' : 'n', B: b ? 'y' : 'n', C: c ? 'y' : 'n' });
  const all8 = [false, true].flatMap((a) => [false, true].flatMap((b) => [false, true].map((c) => [a, b, c] as const)));

  describe('operators: precedence (loosest → tightest) or, and, not, x of, ( ) (G-rules; P-cond)', () => {
    it.each(all8)('`a or b and c` = a or (b and c) for a=%s b=%s c=%s', (a, b, c) => expect(abc('a or b and c')(row(a, b, c))).toBe(a || (b && c)));
    it.each(all8)('`not a and b` = (not a) and b for a=%s b=%s c=%s', (a, b, c) => expect(abc('not a and b')(row(a, b, c))).toBe(!a && b));
    it.each(all8)('`(a or b) and c` for a=%s b=%s c=%s', (a, b, c) => expect(abc('(a or b) and c')(row(a, b, c))).toBe((a || b) && c));
    it.each(all8)('`not (a or b) or not c` for a=%s b=%s c=%s', (a, b, c) => expect(abc('not (a or b) or not c')(row(a, b, c))).toBe(!(a || b) || !c));
    it.each(all8)('`not 1 of ?` binds x-of tighter than not: `not 1 of a* and c` for a=%s b=%s c=%s', (a, b, c) => expect(abc('not 1 of a* and c')(row(a, b, c))).toBe(!a && c));
    it('keywords are lower-case (P-cond): `a AND b` is not a condition', () => expect(() => abc('a AND b')).toThrow(SigmaRuleError));
  });

  describe('filters: a selection the condition negates, `selection and not filter_…` (G-rules condition `not`; semantics.md §4 NOT row)', () => {
    const q = sigma(`
      selection:
          Image|endswith: /docker
      filter_hosts_1:
          Computer:
              - ci-runner-01
              - image-factory
      filter_accounts_1:
          User: gitlab-runner
      condition: selection and not filter_hosts_1 and not filter_accounts_1
    `);
    it('an event neither filter holds for is a result', () => expect(q({ Image: '/usr/bin/docker', Computer: 'dev-07', User: 'alice' })).toBe(true));
    it('either filter drops it, in any ASCII case', () => {
      expect(q({ Image: '/usr/bin/docker', Computer: 'CI-Runner-01', User: 'alice' })).toBe(false);
      expect(q({ Image: '/usr/bin/docker', Computer: 'dev-07', User: 'gitlab-runner' })).toBe(false);
    });
    it('a filter on a missing field does not hold, so the event stays a result', () => expect(q({ Image: '/usr/bin/docker' })).toBe(true));
    it('a filter never adds events the selection lacks', () => expect(q({ Image: '/usr/bin/podman', Computer: 'dev-07' })).toBe(false));
  });

  describe('`1 of P` / `any of P` / `all of P`: OR / AND over identifiers matching P (`*` = any run, full match) (G-rules; P-cond)', () => {
    const q = (condition: string) =>
      sigma(`
        sel_a:
            A: 'y'
        sel_b:
            B: 'y'
        other:
            C: 'y'
        condition: ${condition}
      `);
    it.each(all8)('`1 of sel*` = sel_a or sel_b for a=%s b=%s c=%s', (a, b, c) => expect(q('1 of sel*')(row(a, b, c))).toBe(a || b));
    it.each(all8)('`any of sel*` = `1 of sel*` for a=%s b=%s c=%s', (a, b, c) => expect(q('any of sel*')(row(a, b, c))).toBe(a || b));
    it.each(all8)('`all of sel*` = sel_a and sel_b for a=%s b=%s c=%s', (a, b, c) => expect(q('all of sel*')(row(a, b, c))).toBe(a && b));
    it.each(all8)('full match: `1 of *b` = sel_b only, for a=%s b=%s c=%s', (a, b, c) => expect(q('1 of *b')(row(a, b, c))).toBe(b));
    it('a pattern matching no identifier is an error', () => expect(() => q('1 of sel')).toThrow(/matches no search identifier/));
  });

  describe('`1 of them` / `all of them`: all identifiers except those starting with `_` (G-rules; P-cond resolve_referenced_detections)', () => {
    const q = (condition: string) =>
      sigma(`
        a:
            A: 'y'
        b:
            B: 'y'
        _x:
            C: 'y'
        condition: ${condition}
      `);
    it.each(all8)('`all of them` = a and b (not _x) for a=%s b=%s c=%s', (a, b, c) => expect(q('all of them')(row(a, b, c))).toBe(a && b));
    it.each(all8)('`1 of them` = a or b (not _x) for a=%s b=%s c=%s', (a, b, c) => expect(q('1 of them')(row(a, b, c))).toBe(a || b));
    it.each(all8)('`_x` can still be named: `all of them and not _x` for a=%s b=%s c=%s', (a, b, c) => expect(q('all of them and not _x')(row(a, b, c))).toBe(a && b && !c));
    // [inferred] The row names `them` only. The spec says a pattern is "Same as 1/all of them, but
    // restricted to matching search identifiers", and pySigma's ConditionSelector drops `_` names for
    // patterns too: `1 of *` leaves `_x` out as well.
    it.each(all8)('[inferred from G-rules "Same as 1/all of them"] `1 of *` leaves out _x too, for a=%s b=%s c=%s', (a, b, c) => expect(q('1 of *')(row(a, b, c))).toBe(a || b));
  });

  describe('condition list: several conditions = OR (G-rules [doc])', () => {
    const q = sigma(`
      a:
          A: 'y'
      b:
          B: 'y'
      c:
          C: 'y'
      condition:
          - a and b
          - c
    `);
    it.each(all8)('[a and b, c] = (a and b) or c for a=%s b=%s c=%s', (a, b, c) => expect(q(row(a, b, c))).toBe((a && b) || c));
  });
});

describe('§3.5 correlation rules', () => {
  // A file as the emitter writes one: two base rules (a build, a run) and a temporal_ordered
  // correlation over them, grouped by Computer. Records carry `_time` (ISO 8601) like rows.ts writes.
  const chainFile = (correlation: string): string =>
    [
      'title: build',
      'name: chain-build',
      'logsource: { product: linux, category: process_creation }',
      "detection: { sel: { CommandLine|contains: ' build ' }, condition: sel }",
      'level: informational',
      '---',
      'title: run',
      'name: chain-run',
      'logsource: { product: linux, category: process_creation }',
      "detection: { sel: { CommandLine|contains: ' run ' }, condition: sel }",
      'level: informational',
      '---',
      'title: chain',
      correlation,
      'level: high',
      '',
    ].join('\n');
  const ordered = (timespan: string, rules = '[chain-build, chain-run]') => `correlation: { type: temporal_ordered, rules: ${rules}, group-by: [Computer], timespan: ${timespan} }`;
  const chains = (content: string, events: readonly [string, string, string?][]) => {
    const q = sigmaEvaluator.compileCorrelation!({ path: 'sigma/taxonomy/chain.yml', content }, [], taxonomyProfile);
    const rows = events.map(([time, command, host = 'h1']) => ({ category: 'process_creation' as const, row: { _time: `2026-11-20T${time}Z`, CommandLine: command, Computer: host } }));
    return q.run(rows).map((c) => `${c.group.Host} ${new Date(c.start * 1000).toISOString().slice(11, 19)}→${new Date(c.end * 1000).toISOString().slice(11, 19)}`);
  };

  describe('`temporal_ordered`: all referenced rules fire within timespan with equal group-by values, in the order of `rules` (G-corr [doc])', () => {
    it('in order, within the timespan: a chain', () => expect(chains(chainFile(ordered('10m')), [['10:00:00', 'docker build .'], ['10:05:00', 'docker run x']])).toEqual(['h1 10:00:00→10:05:00']));
    it('in the other order: no chain', () => expect(chains(chainFile(ordered('10m')), [['10:00:00', 'docker run x'], ['10:05:00', 'docker build .']])).toEqual([]));
    it('the order is the order of `rules`', () =>
      expect(chains(chainFile(ordered('10m', '[chain-run, chain-build]')), [['10:00:00', 'docker run x'], ['10:05:00', 'docker build .']])).toEqual(['h1 10:00:00→10:05:00']));
    it('different group-by values: no chain', () => expect(chains(chainFile(ordered('10m')), [['10:00:00', 'docker build .', 'h1'], ['10:05:00', 'docker run x', 'h2']])).toEqual([]));
    it('[inferred: the spec says "within"; the project reads it inclusive, as its own windows] exactly the timespan apart: a chain; one second more: none', () => {
      expect(chains(chainFile(ordered('10m')), [['10:00:00', 'docker build .'], ['10:10:00', 'docker run x']])).toEqual(['h1 10:00:00→10:10:00']);
      expect(chains(chainFile(ordered('10m')), [['10:00:00', 'docker build .'], ['10:10:01', 'docker run x']])).toEqual([]);
    });
    it('[inferred: "in order" read as "not earlier"] the same second is in order', () =>
      expect(chains(chainFile(ordered('10m')), [['10:00:00', 'docker run x'], ['10:00:00', 'docker build .']])).toEqual(['h1 10:00:00→10:00:00']));
  });

  describe('the window "should not be restricted to boundaries" (G-corr [doc]): it slides, unlike the Splunk backend\'s static `bin` (B-spl)', () => {
    it('a chain across an hour boundary with a 1h timespan', () =>
      expect(chains(chainFile(ordered('1h')), [['10:59:00', 'docker build .'], ['11:01:00', 'docker run x']])).toEqual(['h1 10:59:00→11:01:00']));
  });

  describe('`group-by`: events are grouped by the fields\' values (G-corr [doc])', () => {
    it('[inferred: Splunk `stats … by` drops events lacking a by-field] a record without the field is in no group', () => {
      const q = sigmaEvaluator.compileCorrelation!({ path: 'sigma/taxonomy/chain.yml', content: chainFile(ordered('10m')) }, [], taxonomyProfile);
      const rows = [
        { category: 'process_creation' as const, row: { _time: '2026-11-20T10:00:00Z', CommandLine: 'docker build .' } },
        { category: 'process_creation' as const, row: { _time: '2026-11-20T10:01:00Z', CommandLine: 'docker run x' } },
      ];
      expect(q.run(rows)).toEqual([]);
    });
    it('[inferred: Splunk `stats … by` compares values exactly] values differing in case are different groups', () =>
      expect(chains(chainFile(ordered('10m')), [['10:00:00', 'docker build .', 'h1'], ['10:05:00', 'docker run x', 'H1']])).toEqual([]));
  });

  describe('`timespan`: `<n>s|m|h|d` (G-corr [doc])', () => {
    it.each([
      ['90s', '10:01:30', true],
      ['90s', '10:01:31', false],
      ['2m', '10:02:00', true],
      ['1h', '11:00:00', true],
      ['1d', '23:59:59', true],
    ])('timespan %s, run at %s: chain %s', (timespan, at, chain) =>
      expect(chains(chainFile(ordered(timespan)), [['10:00:00', 'docker build .'], [at, 'docker run x']]).length).toBe(chain ? 1 : 0));
  });

  describe('what the evaluator does not implement raises an error naming it (G-corr: other types, `condition`, `aliases`)', () => {
    it.each([
      ['event_count', 'correlation: { type: event_count, rules: [chain-build], group-by: [Computer], timespan: 1h, condition: { gte: 5 } }', 'correlation type "event_count"'],
      ['unordered temporal', 'correlation: { type: temporal, rules: [chain-build, chain-run], group-by: [Computer], timespan: 1h }', 'correlation type "temporal"'],
      ['an extended temporal condition', "correlation: { type: temporal_ordered, rules: [chain-build, chain-run], group-by: [Computer], timespan: 1h, condition: 'chain-build and chain-run' }", 'correlation key condition'],
      ['aliases', 'correlation: { type: temporal_ordered, rules: [chain-build, chain-run], group-by: [Computer], timespan: 1h, aliases: { x: { chain-build: Computer } } }', 'correlation key aliases'],
      ['a timespan in weeks', ordered('1w'), 'timespan "1w"'],
    ])('%s', (_name, correlation, named) => {
      const e = thrown(() => sigmaEvaluator.compileCorrelation!({ path: 'sigma/taxonomy/chain.yml', content: chainFile(correlation) }, [], taxonomyProfile));
      expect(e).toBeInstanceOf(UnsupportedConstruct);
      expect((e as Error).message).toContain(named);
    });
    it('a reference to a rule the file does not hold is invalid Sigma here', () =>
      expect(thrown(() => sigmaEvaluator.compileCorrelation!({ path: 'sigma/taxonomy/chain.yml', content: chainFile(ordered('1h', '[chain-build, chain-deploy]')) }, [], taxonomyProfile))).toBeInstanceOf(SigmaRuleError));
  });
});
