// IP addresses and CIDRs as branded, canonical strings. Parsing normalises
// (IPv6 compressed per RFC 5952, CIDRs with host bits cleared), so equal
// values are equal strings and every output that prints them is stable.
// Containment tests work on the parsed byte form; callers that need speed
// keep the parsed form themselves.
import * as E from 'fp-ts/Either';
import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;
export type Ip = string & { readonly Ip: unique symbol };
/** A network: address with host bits zero, and a prefix length. */
export type Cidr = string & { readonly Cidr: unique symbol };
/** An interface address: an address together with the prefix of its subnet. */
export type IpPrefix = string & { readonly IpPrefix: unique symbol };

const DOTTED = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

const parseAddr = (s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined => {
  if (DOTTED.test(s)) return ipaddr.IPv4.parse(s);
  if (s.includes(':') && ipaddr.IPv6.isValid(s) && !s.includes('%')) {
    const a = ipaddr.IPv6.parse(s);
    return a;
  }
  return undefined;
};

export const familyOf = (ip: Ip | Cidr | IpPrefix): Family => (ip.includes(':') ? 6 : 4);
export const maxPrefix = (f: Family): number => (f === 4 ? 32 : 128);

export const parseIp = (s: string): E.Either<string, Ip> => {
  // A dotted quad DOTTED accepts is canonical already (no leading zeros, each octet in range): the string is its own
  // rendering. Replay parses an address for nearly every endpoint, and the parse and print cost more than the match.
  if (DOTTED.test(s)) return E.right(s as Ip);
  const a = parseAddr(s);
  return a ? E.right(a.toString() as Ip) : E.left(`expected an IPv4 or IPv6 address, got ${JSON.stringify(s)}`);
};

const splitPrefix = (s: string): E.Either<string, { addr: ipaddr.IPv4 | ipaddr.IPv6; len: number }> => {
  const slash = s.indexOf('/');
  const addrText = slash < 0 ? s : s.slice(0, slash);
  const addr = parseAddr(addrText);
  if (!addr) return E.left(`expected a CIDR such as 10.0.0.0/16 or fd00::/64, got ${JSON.stringify(s)}`);
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  if (slash < 0) return E.right({ addr, len: max });
  const lenText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > max)
    return E.left(`prefix length must be 0-${max}, got ${JSON.stringify(s)}`);
  return E.right({ addr, len: Number(lenText) });
};

const networkOf = (addr: ipaddr.IPv4 | ipaddr.IPv6, len: number): string => {
  const bytes = addr.toByteArray();
  for (let bit = len; bit < bytes.length * 8; bit++) bytes[bit >> 3] &= ~(0x80 >> (bit & 7));
  return ipaddr.fromByteArray(bytes).toString();
};

/** `a.b.c.d/32` with a canonical dotted quad: what parseCidr would print, so it can be kept as it is (an endpoint's address). */
const isCanonicalHostV4 = (s: string): boolean => {
  const slash = s.length - 3;
  return slash > 0 && s.charCodeAt(slash) === 47 && s.endsWith('32') && DOTTED.test(s.slice(0, slash));
};

/** A network; host bits set are cleared (as Kubernetes does for ipBlock). A bare address is a host route. */
export const parseCidr = (s: string): E.Either<string, Cidr> =>
  isCanonicalHostV4(s)
    ? E.right(s as Cidr)
    : E.map(({ addr, len }: { addr: ipaddr.IPv4 | ipaddr.IPv6; len: number }) => `${networkOf(addr, len)}/${len}` as Cidr)(splitPrefix(s));

/** Like parseCidr but refuses host bits, for places where they are a typo rather than a habit. */
export const parseStrictCidr = (s: string): E.Either<string, Cidr> =>
  E.chain((c: Cidr) => {
    const given = splitPrefix(s);
    if (E.isRight(given) && given.right.addr.toString() !== cidrAddress(c))
      return E.left(`host bits are set in ${JSON.stringify(s)}; did you mean ${c}?`);
    return E.right(c);
  })(parseCidr(s));

export const parseIpPrefix = (s: string): E.Either<string, IpPrefix> =>
  E.map(({ addr, len }: { addr: ipaddr.IPv4 | ipaddr.IPv6; len: number }) => `${addr.toString()}/${len}` as IpPrefix)(splitPrefix(s));

export const cidrAddress = (c: Cidr | IpPrefix): Ip => c.slice(0, c.indexOf('/')) as Ip;
export const cidrLength = (c: Cidr | IpPrefix): number => Number(c.slice(c.indexOf('/') + 1));
export const hostCidr = (ip: Ip): Cidr => `${ip}/${maxPrefix(familyOf(ip))}` as Cidr;

/** Address bytes as a bigint, for ordering and range arithmetic. */
export const ipToBigint = (ip: Ip): bigint => {
  const bytes = ipaddr.parse(ip).toByteArray();
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
};

export const bigintToIp = (n: bigint, f: Family): Ip => {
  const len = f === 4 ? 4 : 16;
  const bytes: number[] = new Array(len);
  for (let i = len - 1; i >= 0; i--) {
    bytes[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return ipaddr.fromByteArray(bytes).toString() as Ip;
};

/** First and last address of a network, as bigints. */
export const cidrRange = (c: Cidr): { first: bigint; last: bigint; family: Family } => {
  const family = familyOf(c);
  const bits = BigInt(maxPrefix(family));
  const first = ipToBigint(cidrAddress(c));
  const hostBits = bits - BigInt(cidrLength(c));
  return { first, last: first + (1n << hostBits) - 1n, family };
};

export const cidrContains = (c: Cidr, ip: Ip): boolean => {
  if (familyOf(c) !== familyOf(ip)) return false;
  const { first, last } = cidrRange(c);
  const n = ipToBigint(ip);
  return n >= first && n <= last;
};

export const cidrsOverlap = (a: Cidr, b: Cidr): boolean => {
  if (familyOf(a) !== familyOf(b)) return false;
  const ra = cidrRange(a);
  const rb = cidrRange(b);
  return ra.first <= rb.last && rb.first <= ra.last;
};

/** Total order: IPv4 before IPv6, then numerically. */
export const compareIp = (a: Ip, b: Ip): number => {
  const fa = familyOf(a);
  const fb = familyOf(b);
  if (fa !== fb) return fa - fb;
  const na = ipToBigint(a);
  const nb = ipToBigint(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
};

export const compareCidr = (a: Cidr, b: Cidr): number =>
  compareIp(cidrAddress(a), cidrAddress(b)) || cidrLength(a) - cidrLength(b);
