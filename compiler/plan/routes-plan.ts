// planRoutes(actual, desired): which of foldnet's routes to remove and which
// to add, by identity (destination, type, device, scope) — a route that moved
// to another device is one removal and one addition. A blackhole's device is
// not part of it: Linux lists IPv6 blackholes on `lo`. Also the iproute2
// commands that carry a route change out (`ip -batch` lines), so the plan's
// text and the applier run the same words.
import { byString } from '../model/sort';
import { compareCidr, familyOf } from '../net/ip';
import type { RouteModel } from '../compile/snapshot';

export const routeKey = (r: RouteModel): string =>
  r.type === 'blackhole' ? `blackhole ${r.dst} ${r.scope}` : `unicast ${r.dst} ${r.dev ?? ''} ${r.scope}`;

const byRoute = (a: RouteModel, b: RouteModel): number => compareCidr(a.dst, b.dst) || byString(routeKey(a), routeKey(b));

export const planRoutes = (actual: readonly RouteModel[], desired: readonly RouteModel[]): { add: RouteModel[]; remove: RouteModel[] } => {
  const have = new Set(actual.map(routeKey));
  const want = new Set(desired.map(routeKey));
  const unique = (rs: readonly RouteModel[]): RouteModel[] => [...new Map(rs.map((r) => [routeKey(r), r])).values()];
  return {
    add: unique(desired.filter((r) => !have.has(routeKey(r)))).sort(byRoute),
    remove: unique(actual.filter((r) => !want.has(routeKey(r)))).sort(byRoute),
  };
};

/**
 * One `ip -batch` line (without the leading `ip`): `route replace` adds or
 * updates, `route del` removes only foldnet's route (`proto` must match).
 * IPv6 routes take no scope (the kernel keeps every one as universe).
 */
export const routeCommand = (verb: 'replace' | 'del', r: RouteModel): string => {
  const words = ['route', verb];
  if (r.type === 'blackhole') words.push('blackhole', r.dst);
  else {
    words.push(r.dst);
    if (r.dev !== undefined) words.push('dev', r.dev);
    if (familyOf(r.dst) === 4 && verb === 'replace') words.push('scope', r.scope);
  }
  words.push('proto', String(r.protocol));
  return words.join(' ');
};
