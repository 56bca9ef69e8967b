// Member addresses in set order, for memberships.ts: gathered with their
// sort keys while each endpoint is at hand, sorted once (IPv4 as numbers in
// a typed array, natively; IPv6 by ipSortKey), then kept sorted through
// joins and leaves by copy on write. Who the members are is memberships.ts's.
import { Ip } from '../net/ip';
import { byKey, KeyedIp } from './ip-order';
import type { Family, MemberView } from './memberships';
import { lowerBoundBy } from './sorted-table';

/** Below this many addresses, a v4 set is sorted as (number × 2^21 + position) in a Float64Array: exact, and natively sorted. */
const PACK = 2 ** 21;

/** Addresses and their sort keys, in the order their members were found. */
export interface Gathered<K> {
  readonly ips: Ip[];
  readonly keys: K[];
}

export const gather4 = (g: Gathered<number>, e: MemberView): void => {
  const ips = e.ips4;
  for (let i = 0; i < ips.length; i++) {
    g.ips.push(ips[i]!);
    g.keys.push(e.key4(i));
  }
};

export const gather6 = (g: Gathered<string>, e: MemberView): void => {
  const ips = e.ips6;
  for (let i = 0; i < ips.length; i++) {
    g.ips.push(ips[i]!);
    g.keys.push(e.key6(i));
  }
};

export const gathered = <K>(members: Iterable<MemberView>, f: Family, add: (g: Gathered<K>, e: MemberView) => void): Gathered<K> => {
  const g: Gathered<K> = { ips: [], keys: [] };
  for (const e of members) if ((f === 4 ? e.ips4 : e.ips6).length > 0) add(g, e);
  return g;
};

/** IPv4 members in set order. Duplicates stay (as many as the members have), next to each other. */
export const sorted4 = ({ ips, keys: nums }: Gathered<number>): readonly Ip[] => {
  const n = ips.length;
  const out = new Array<Ip>(n);
  if (n < PACK) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = nums[i]! * PACK + i;
    packed.sort();
    for (let j = 0; j < n; j++) out[j] = ips[packed[j]! % PACK]!;
  } else {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => nums[a]! - nums[b]!);
    for (let j = 0; j < n; j++) out[j] = ips[order[j]!]!;
  }
  return out;
};

export const sorted6 = ({ ips, keys }: Gathered<string>): readonly Ip[] => {
  const all: KeyedIp[] = ips.map((ip, i) => ({ ip, key: keys[i]! }));
  all.sort(byKey);
  return all.map((k) => k.ip);
};

/**
 * Copy on write: earlier snapshots hold the old arrays. An address already
 * there is not added twice. Keys of the addresses passed in the search are
 * computed as it goes (a few per change) rather than kept beside them (which
 * doubled what every change copies).
 */
export const inserted = <K>(ips: readonly Ip[], ip: Ip, key: K, keyOf: (ip: Ip) => K): readonly Ip[] => {
  const i = lowerBoundBy(ips, key, keyOf);
  if (i < ips.length && keyOf(ips[i]!) === key) return ips;
  const out = ips.slice();
  out.splice(i, 0, ip);
  return out;
};

export const removed = <K>(ips: readonly Ip[], key: K, keyOf: (ip: Ip) => K): readonly Ip[] => {
  const i = lowerBoundBy(ips, key, keyOf);
  if (i >= ips.length || keyOf(ips[i]!) !== key) return ips;
  const out = ips.slice();
  out.splice(i, 1);
  return out;
};

