// Orderings used wherever the model or compiler emits lists, so output never
// depends on insertion order or locale (plain code-unit comparison).
import { compareIp, Ip } from '../net/ip';

export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Without repeats, sorted, in a new array. (Most endpoints have one address or two: no set, no sort.) */
export const sortIps = (ips: readonly Ip[]): Ip[] => {
  if (ips.length < 2) return [...ips];
  if (ips.length > 2) return [...new Set(ips)].sort(compareIp);
  const a = ips[0]!;
  const b = ips[1]!;
  // As the sort would: b moves ahead only when it compares strictly before a.
  return a === b ? [a] : compareIp(a, b) > 0 ? [b, a] : [a, b];
};
export const sortedStrings = (xs: Iterable<string>): string[] => [...new Set(xs)].sort(byString);
