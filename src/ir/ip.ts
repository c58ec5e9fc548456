/**
 * IP addresses and networks, as the model reads them. One definition for the IR, the checks and the
 * evaluators that stand in for `cidrmatch` (Splunk), `ipv4_is_in_any_range`/`ipv6_is_in_any_range`
 * (KQL) and `|cidr` (Sigma).
 *
 * - An IPv4 address is four decimal octets 0–255 without leading zeros (`10.0.0.1`; `010.0.0.1` is
 *   not one: engines disagree on octal readings, so the model reads none).
 * - An IPv6 address is RFC 4291 text: up to eight groups of 1–4 hex digits, at most one `::`, an
 *   optional dotted IPv4 tail; no zone (`fe80::1%eth0` is not an address).
 * - An IPv4 network holds IPv4 addresses only, an IPv6 network IPv6 addresses only: `::ffff:10.0.0.1`
 *   is an IPv6 address (IPv4-mapped) and is tested against IPv6 networks.
 */

export type IpVersion = 4 | 6;

export interface IpAddress {
  readonly version: IpVersion;
  /** 32 or 128 bits. */
  readonly bits: bigint;
}

export interface IpNetwork {
  readonly version: IpVersion;
  readonly base: bigint;
  readonly prefix: number;
  /** As written in the rule, normalised to lower case. */
  readonly text: string;
}

const OCTET = /^(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

export function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

const GROUP = /^[0-9A-Fa-f]{1,4}$/;

export function parseIpv6(s: string): bigint | undefined {
  if (!s.includes(':')) return undefined;
  let text = s;
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    // A dotted IPv4 tail is the last two groups.
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (h: string): string[] => (h === '' ? [] : h.split(':'));
  const head = groupsOf(halves[0]!);
  const rest = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (![...head, ...rest].every((g) => GROUP.test(g))) return undefined;
  const count = head.length + rest.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const all = [...head, ...Array<string>(8 - count).fill('0'), ...rest];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export function parseIp(s: string): IpAddress | undefined {
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { version: 4, bits: v4 };
  const v6 = parseIpv6(s);
  return v6 === undefined ? undefined : { version: 6, bits: v6 };
}

/** A network `a.b.c.d/n` or `x::/n`, host bits zero (as Sigma's strict `ip_network`), or a problem. */
export function parseNetwork(s: string): IpNetwork | { problem: string } {
  const slash = s.indexOf('/');
  if (slash < 0) return { problem: `${JSON.stringify(s)} has no prefix length (write 10.0.0.0/8, or /32 for one address)` };
  const addr = parseIp(s.slice(0, slash));
  if (!addr) return { problem: `${JSON.stringify(s.slice(0, slash))} is not an IPv4 or IPv6 address` };
  const lenText = s.slice(slash + 1);
  const max = addr.version === 4 ? 32 : 128;
  if (!/^(?:0|[1-9][0-9]{0,2})$/.test(lenText) || Number(lenText) > max) return { problem: `prefix length ${JSON.stringify(lenText)} is not 0–${max}` };
  const prefix = Number(lenText);
  const width = BigInt(max);
  const hostMask = (1n << (width - BigInt(prefix))) - 1n;
  // Sigma's strict ip_network rejects host bits; other engines mask them: refuse, so none differ.
  if (addr.bits & hostMask) return { problem: `${s} has host bits set (Sigma rejects it, other engines ignore them)` };
  return { version: addr.version, base: addr.bits, prefix, text: s.toLowerCase() };
}

export function inNetwork(a: IpAddress, n: IpNetwork): boolean {
  if (a.version !== n.version) return false;
  const width = BigInt(a.version === 4 ? 32 : 128);
  const shift = width - BigInt(n.prefix);
  return a.bits >> shift === n.base >> shift;
}

/** Every address of one version: `cidr` with these is "is a valid address". */
export const ALL_ADDRESSES: readonly string[] = ['0.0.0.0/0', '::/0'];

/**
 * Networks whose addresses are not public destinations (IANA special-purpose registries, RFC 6890
 * and successors): what `publicAddress` excludes. The seed's `ipv4_is_private` missed loopback,
 * link-local, CGNAT and every IPv6 range; these do not.
 */
export const NON_PUBLIC_NETWORKS: readonly { network: string; why: string }[] = [
  { network: '0.0.0.0/8', why: '"this network"' },
  { network: '10.0.0.0/8', why: 'private (RFC 1918)' },
  { network: '100.64.0.0/10', why: 'carrier-grade NAT (RFC 6598)' },
  { network: '127.0.0.0/8', why: 'loopback' },
  { network: '169.254.0.0/16', why: 'link-local (and cloud metadata endpoints)' },
  { network: '172.16.0.0/12', why: 'private (RFC 1918)' },
  { network: '192.0.0.0/24', why: 'IETF protocol assignments' },
  { network: '192.0.2.0/24', why: 'documentation (TEST-NET-1)' },
  { network: '192.168.0.0/16', why: 'private (RFC 1918)' },
  { network: '198.18.0.0/15', why: 'benchmarking' },
  { network: '198.51.100.0/24', why: 'documentation (TEST-NET-2)' },
  { network: '203.0.113.0/24', why: 'documentation (TEST-NET-3)' },
  { network: '224.0.0.0/4', why: 'multicast' },
  { network: '240.0.0.0/4', why: 'reserved, and the limited broadcast address' },
  { network: '::/127', why: 'unspecified and loopback' },
  { network: '::ffff:0:0/96', why: 'IPv4-mapped (the IPv4 address is what is reached)' },
  { network: '64:ff9b:1::/48', why: 'local-use NAT64' },
  { network: '100::/64', why: 'discard-only' },
  { network: '2001:db8::/32', why: 'documentation' },
  { network: '3fff::/20', why: 'documentation' },
  { network: 'fc00::/7', why: 'unique local (ULA)' },
  { network: 'fe80::/10', why: 'link-local' },
  { network: 'ff00::/8', why: 'multicast' },
];
