// Sort keys for addresses: fixed-width hex strings whose plain string order is
// compareIp's order (IPv4 before IPv6, then numerically), computed once per
// address instead of parsing both sides of every comparison, and for IPv4 the
// address's number, which sorts natively in a typed array. The compiler
// sorts hundreds of thousands of set elements; compareIp parses each address
// into a bigint per comparison, which dominated a full compile.
import { familyOf, Ip, ipToBigint } from '../net/ip';

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/** A dotted-quad IPv4 address as its 32-bit number; undefined for any other spelling. */
const v4Number = (ip: string): number | undefined => {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || part > 255) return undefined;
      n = n * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 0x30 && c <= 0x39) {
      part = part * 10 + (c - 0x30);
      digits++;
    } else return undefined;
  }
  if (dots !== 3 || digits === 0 || part > 255) return undefined;
  return n * 256 + part;
};

const v4Key = (ip: string): string | undefined => {
  const n = v4Number(ip);
  return n === undefined ? undefined : `4${hex8(n)}`;
};

const HEX4 = (n: number): string => (n < 0x10 ? '000' : n < 0x100 ? '00' : n < 0x1000 ? '0' : '') + n.toString(16);

/**
 * The key of an IPv6 address in the plain spelling (hex groups, at most one
 * `::`), in one scan of the characters; undefined for anything else (an
 * embedded IPv4 part, say), which ipSortKey reads the slow way.
 */
const v6KeyPlain = (ip: string): string | undefined => {
  const groups: number[] = [];
  let gap = -1;
  let value = 0;
  let digits = 0;
  const n = ip.length;
  for (let i = 0; i < n; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x3a) {
      if (i + 1 < n && ip.charCodeAt(i + 1) === 0x3a) {
        if (gap >= 0) return undefined;
        if (digits > 0) groups.push(value);
        else if (i !== 0) return undefined;
        gap = groups.length;
        i++;
      } else {
        if (digits === 0) return undefined;
        groups.push(value);
        if (i + 1 === n) return undefined;
      }
      value = 0;
      digits = 0;
      continue;
    }
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0 || ++digits > 4) return undefined;
    value = value * 16 + d;
  }
  if (digits > 0) groups.push(value);
  if (gap < 0 ? groups.length !== 8 : groups.length > 7) return undefined;
  let key = '6';
  for (let i = 0; i < groups.length; i++) {
    if (i === gap) key += '0000'.repeat(8 - groups.length);
    key += HEX4(groups[i]!);
  }
  if (gap === groups.length) key += '0000'.repeat(8 - groups.length);
  return key;
};

/** The sort key of an address: `4` + 8 hex digits, or `6` + 32 hex digits. */
export const ipSortKey = (ip: Ip): string => {
  const k = familyOf(ip) === 4 ? v4Key(ip) : v6KeyPlain(ip);
  if (k !== undefined) return k;
  const n = ipToBigint(ip);
  return `${familyOf(ip)}${n.toString(16).padStart(familyOf(ip) === 4 ? 8 : 32, '0')}`;
};

/**
 * An IPv4 address as its number: numeric order is ipSortKey's order among
 * IPv4 addresses, and sorting numbers (natively, in a typed array) is what
 * makes sorting a set of 100,000 addresses cheap.
 */
export const ipv4Number = (ip: Ip): number => v4Number(ip) ?? Number(ipToBigint(ip));

export interface KeyedIp {
  readonly ip: Ip;
  readonly key: string;
}

export const byKey = (a: KeyedIp, b: KeyedIp): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
