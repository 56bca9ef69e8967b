// The datatypes of foldnet's nft subset: which datatype a match key has, how
// a JSON value of that datatype parses into a closed interval of bigints
// (a value is [v, v]; a prefix, range or `eth*` wildcard is wider), and how an
// interval prints back in nft's canonical JSON form. Interface names are
// 16-byte big-endian numbers, as the kernel compares them, so a wildcard is an
// interval like any other. Symbol tables live in symbols.ts.
import * as E from 'fp-ts/Either';
import { bigintToIp, familyOf, ipToBigint, parseIp } from '../net/ip';
import type { NftElem, NftScalar, NftVmapKey } from './schema';
import { CT_STATES, ICMPV6_CODES, ICMPV6_TYPES, ICMP_CODES, ICMP_TYPES, INET_PROTOS, NF_PROTOS, SymbolTable, nameOf } from './symbols';

export type Datatype =
  | 'ipv4_addr' | 'ipv6_addr' | 'ifname' | 'inet_service' | 'inet_proto' | 'icmp_type' | 'icmp_code'
  | 'icmpv6_type' | 'icmpv6_code' | 'ct_state' | 'nf_proto' | 'ip_version' | 'mark' | 'integer';

export interface Interval { readonly lo: bigint; readonly hi: bigint }
/** How an element was written; nft refuses all but `value` in sets without `flags interval`. */
export type ElemShape = 'value' | 'range' | 'prefix' | 'wildcard';
export interface ParsedElem extends Interval { readonly shape: ElemShape }

interface Info { readonly bits: number; readonly symbols?: SymbolTable; readonly ordered: boolean }
const INFO: Record<Datatype, Info> = {
  ipv4_addr: { bits: 32, ordered: true },
  ipv6_addr: { bits: 128, ordered: true },
  ifname: { bits: 128, ordered: false },
  inet_service: { bits: 16, ordered: true },
  inet_proto: { bits: 8, symbols: INET_PROTOS, ordered: true },
  icmp_type: { bits: 8, symbols: ICMP_TYPES, ordered: true },
  icmp_code: { bits: 8, symbols: ICMP_CODES, ordered: true },
  icmpv6_type: { bits: 8, symbols: ICMPV6_TYPES, ordered: true },
  icmpv6_code: { bits: 8, symbols: ICMPV6_CODES, ordered: true },
  ct_state: { bits: 32, symbols: CT_STATES, ordered: false },
  nf_proto: { bits: 8, symbols: NF_PROTOS, ordered: false },
  ip_version: { bits: 4, ordered: true },
  mark: { bits: 32, ordered: true },
  /** What numgen yields. */
  integer: { bits: 32, ordered: true },
};

/** Datatypes whose values compare by order (`<`, ranges) in foldnet's subset. */
export const isOrdered = (dt: Datatype): boolean => INFO[dt].ordered;
export const isBitmask = (dt: Datatype): boolean => dt === 'ct_state';
export const isAddress = (dt: Datatype): dt is 'ipv4_addr' | 'ipv6_addr' => dt === 'ipv4_addr' || dt === 'ipv6_addr';

const TRANSPORT = ['tcp', 'udp', 'sctp', 'th'];

export const leftDatatype = (left: NftVmapKey): E.Either<string, Datatype> => {
  if ('numgen' in left) return E.right('integer');
  if ('ct' in left) return E.right('ct_state');
  if ('&' in left) return E.right('mark');
  if ('meta' in left) {
    const k = left.meta.key;
    return E.right(k === 'l4proto' ? 'inet_proto' : k === 'nfproto' ? 'nf_proto' : k === 'mark' ? 'mark' : 'ifname');
  }
  const { protocol, field } = left.payload;
  if (protocol === 'ip' || protocol === 'ip6') {
    if (field === 'version') return E.right('ip_version');
    if (field === 'saddr' || field === 'daddr') return E.right(protocol === 'ip' ? 'ipv4_addr' : 'ipv6_addr');
  } else if (TRANSPORT.includes(protocol)) {
    if (field === 'sport' || field === 'dport') return E.right('inet_service');
  } else if (field === 'type' || field === 'code') {
    return E.right(`${protocol === 'icmp' ? 'icmp' : 'icmpv6'}_${field}` as Datatype);
  }
  return E.left(`${protocol} has no field "${field}" in foldnet's subset`);
};

const IFNAME_BYTES = 16;
const ifnameBigint = (name: string, fill: number): bigint => {
  let n = 0n;
  for (let i = 0; i < IFNAME_BYTES; i++) n = (n << 8n) | BigInt(i < name.length ? name.charCodeAt(i) : fill);
  return n;
};
const ifnameString = (n: bigint): string => {
  const bytes: number[] = [];
  for (let i = IFNAME_BYTES - 1; i >= 0; i--) bytes.push(Number((n >> BigInt(8 * i)) & 0xffn));
  const end = bytes.indexOf(0);
  return String.fromCharCode(...(end < 0 ? bytes : bytes.slice(0, end)));
};

/** An interface name as the kernel compares it (NUL padded to 16 bytes). */
export const ifnameValue = (name: string): bigint => ifnameBigint(name, 0);

const parseIfname = (s: string): E.Either<string, ParsedElem> => {
  const wildcard = s.endsWith('*');
  const base = wildcard ? s.slice(0, -1) : s;
  if (!/^[\x21-\x7e]{0,15}$/.test(base) || /["\\*]/.test(base) || (!wildcard && base === ''))
    return E.left(`expected an interface name (1-15 printable characters, optional trailing "*"), got ${JSON.stringify(s)}`);
  if (!wildcard) return E.right({ lo: ifnameBigint(base, 0), hi: ifnameBigint(base, 0), shape: 'value' });
  return E.right({ lo: ifnameBigint(base, 0), hi: ifnameBigint(base, 0xff), shape: 'wildcard' });
};

const addrBigint = (dt: 'ipv4_addr' | 'ipv6_addr', s: string): E.Either<string, bigint> => {
  const family = dt === 'ipv4_addr' ? 4 : 6;
  const ip = parseIp(s);
  if (E.isLeft(ip) || familyOf(ip.right) !== family) return E.left(`expected an IPv${family} address, got ${JSON.stringify(s)}`);
  return E.right(ipToBigint(ip.right));
};

const formatAddr = (dt: Datatype, n: bigint): string => bigintToIp(n, dt === 'ipv4_addr' ? 4 : 6);

/** One value (not a range): number, symbol, address or interface name. */
export const parseValue = (dt: Datatype, v: NftScalar): E.Either<string, ParsedElem> => {
  const info = INFO[dt];
  if (dt === 'ifname') return typeof v === 'string' ? parseIfname(v) : E.left(`expected an interface name, got ${v}`);
  if (isAddress(dt)) {
    if (typeof v !== 'string') return E.left(`expected an address string, got ${v}`);
    if (v.startsWith('@')) return E.left(`a set reference is not a value here: ${v}`);
    return E.map((n: bigint) => ({ lo: n, hi: n, shape: 'value' as const }))(addrBigint(dt, v));
  }
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (info.symbols?.has(v)) n = info.symbols.get(v);
  if (n === undefined) return E.left(`unknown ${dt} value ${JSON.stringify(v)}`);
  if (dt === 'ct_state' ? nameOf(CT_STATES, n) === undefined : n < 0 || n >= 2 ** info.bits)
    return E.left(`${dt} value out of range: ${v}`);
  return E.right({ lo: BigInt(n), hi: BigInt(n), shape: 'value' });
};

/** Any element form: value, `{range: [a, b]}`, `{prefix: {addr, len}}` (host bits are cleared, as nft does). */
export const parseElem = (dt: Datatype, e: NftElem): E.Either<string, ParsedElem> => {
  if (typeof e === 'string' || typeof e === 'number') return parseValue(dt, e);
  if ('range' in e) {
    if (!isOrdered(dt)) return E.left(`${dt} values cannot form a range`);
    const [a, b] = e.range;
    const lo = parseValue(dt, a);
    const hi = parseValue(dt, b);
    if (E.isLeft(lo)) return lo;
    if (E.isLeft(hi)) return hi;
    if (lo.right.lo > hi.right.lo) return E.left(`range ${a}-${b} is empty (nft refuses it)`);
    return E.right({ lo: lo.right.lo, hi: hi.right.lo, shape: 'range' });
  }
  if (!isAddress(dt)) return E.left(`${dt} values cannot form a prefix`);
  const bits = INFO[dt].bits;
  const { addr, len } = e.prefix;
  if (len < 0 || len > bits) return E.left(`prefix length must be 0-${bits}, got ${len}`);
  return E.map((n: bigint) => {
    const host = (1n << BigInt(bits - len)) - 1n;
    return { lo: n & ~host, hi: (n & ~host) | host, shape: 'prefix' as const };
  })(addrBigint(dt, addr));
};

/** The canonical JSON of one value: numbers for numeric types, names for ct state and nfproto. */
export const formatValue = (dt: Datatype, n: bigint): NftScalar => {
  if (isAddress(dt)) return formatAddr(dt, n);
  if (dt === 'ifname') return ifnameString(n);
  if (dt === 'ct_state') return nameOf(CT_STATES, Number(n)) ?? Number(n);
  if (dt === 'nf_proto') return nameOf(NF_PROTOS, Number(n)) ?? Number(n);
  return Number(n);
};

/** Prefix length of [lo, hi] if it is exactly one aligned block, else undefined. */
const blockLength = (bits: number, iv: Interval): number | undefined => {
  const size = iv.hi - iv.lo + 1n;
  if ((size & (size - 1n)) !== 0n || (iv.lo & (size - 1n)) !== 0n) return undefined;
  return bits - (size.toString(2).length - 1);
};

/** How nft prints an interval held in a set: value, prefix (addresses), `name*` (interfaces) or range. */
export const formatInterval = (dt: Datatype, iv: Interval): NftElem => {
  if (iv.lo === iv.hi) return formatValue(dt, iv.lo);
  if (isAddress(dt)) {
    const len = blockLength(INFO[dt].bits, iv);
    if (len !== undefined) return { prefix: { addr: formatAddr(dt, iv.lo), len } };
    return { range: [formatAddr(dt, iv.lo), formatAddr(dt, iv.hi)] };
  }
  if (dt === 'ifname') {
    const name = ifnameString(iv.lo);
    if (ifnameBigint(name, 0xff) === iv.hi) return `${name}*`;
  }
  return { range: [formatValue(dt, iv.lo), formatValue(dt, iv.hi)] };
};

/** Full-length prefixes print as plain addresses in rules; other rule values keep their written shape. */
export const formatRuleElem = (dt: Datatype, e: ParsedElem): NftElem => {
  if (e.shape === 'range') return { range: [formatValue(dt, e.lo), formatValue(dt, e.hi)] };
  return formatInterval(dt, e);
};

export const maxBits = (dt: Datatype): number => INFO[dt].bits;
