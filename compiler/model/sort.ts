// Orderings used wherever the model or compiler emits lists, so output never
// depends on insertion order or locale (plain code-unit comparison).
import { compareIp, Ip } from '../net/ip';

export const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Without repeats, sorted, in a new array. (Most endpoints have one address: no set, no sort.) */
export const sortIps = (ips: readonly Ip[]): Ip[] => (ips.length < 2 ? [...ips] : [...new Set(ips)].sort(compareIp));
export const sortedStrings = (xs: Iterable<string>): string[] => [...new Set(xs)].sort(byString);
