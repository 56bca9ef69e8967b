// Sort keys for addresses: fixed-width hex strings whose plain string order is
// compareIp's order (IPv4 before IPv6, then numerically), computed once per
// address instead of parsing both sides of every comparison. The compiler
// sorts hundreds of thousands of set elements; compareIp parses each address
// into a bigint per comparison, which dominated a full compile.
import { familyOf, Ip, ipToBigint } from '../net/ip';

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

const v4Key = (ip: string): string | undefined => {
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
  return `4${hex8(n * 256 + part)}`;
};

const hexGroups = (part: string): string[] | undefined => {
  if (part === '') return [];
  const groups = part.split(':');
  for (const g of groups) if (g.length === 0 || g.length > 4 || !/^[0-9a-f]+$/i.test(g)) return undefined;
  return groups.map((g) => g.toLowerCase().padStart(4, '0'));
};

const v6Key = (ip: string): string | undefined => {
  const halves = ip.split('::');
  if (halves.length > 2) return undefined;
  const head = hexGroups(halves[0]!);
  const tail = halves.length === 2 ? hexGroups(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return `6${head.join('')}${'0000'.repeat(missing)}${tail.join('')}`;
};

/** The sort key of an address: `4` + 8 hex digits, or `6` + 32 hex digits. */
export const ipSortKey = (ip: Ip): string => {
  const k = familyOf(ip) === 4 ? v4Key(ip) : v6Key(ip);
  if (k !== undefined) return k;
  const n = ipToBigint(ip);
  return `${familyOf(ip)}${n.toString(16).padStart(familyOf(ip) === 4 ? 8 : 32, '0')}`;
};

export interface KeyedIp {
  readonly ip: Ip;
  readonly key: string;
}

export const byKey = (a: KeyedIp, b: KeyedIp): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
