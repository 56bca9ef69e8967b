// An endpoint as the cluster index holds it — its model, effective labels
// and addresses by family — and what differs between two versions of one,
// which decides how much of the index an update re-evaluates.
import { Labels } from '../compile/labels';
import { EndpointModel } from '../model/types';
import { familyOf, Ip } from '../net/ip';
import { MemberView } from './memberships';

export type EndpointEntry = MemberView;

const NONE: readonly Ip[] = [];

/** Addresses by family, unique; the model's own array when it already is that (the common case: one address). */
const byFamily = (ips: readonly Ip[]): EndpointEntry['ips'] => {
  let v4 = 0;
  for (let i = 0; i < ips.length; i++) if (familyOf(ips[i]!) === 4) v4++;
  const unique = ips.every((ip, i) => ips.indexOf(ip) === i);
  if (unique && v4 === ips.length) return { 4: ips, 6: NONE };
  if (unique && v4 === 0) return { 4: NONE, 6: ips };
  const u = [...new Set(ips)];
  return { 4: u.filter((ip) => familyOf(ip) === 4), 6: u.filter((ip) => familyOf(ip) === 6) };
};

export const endpointEntry = (model: EndpointModel, labels: Labels): EndpointEntry => ({ model, labels, ips: byFamily(model.ips) });

export const sameLabels = (a: Labels, b: Labels): boolean => {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
  return true;
};

/** Keys whose value differs, or that only one side has. */
export const changedLabelKeys = (a: Labels, b: Labels): Set<string> => {
  const out = new Set<string>();
  for (const k of Object.keys(a)) if (!Object.hasOwn(b, k) || a[k] !== b[k]) out.add(k);
  for (const k of Object.keys(b)) if (!Object.hasOwn(a, k)) out.add(k);
  return out;
};

/** Same addresses and named ports: then only a label edit can move the endpoint in or out of a membership. */
export const sameAddressesAndPorts = (a: EndpointModel, b: EndpointModel): boolean =>
  a.ips.length === b.ips.length && a.ips.every((ip, i) => b.ips[i] === ip) &&
  a.ports.length === b.ports.length && a.ports.every((p, i) => b.ports[i]!.name === p.name && b.ports[i]!.port === p.port && b.ports[i]!.protocol === p.protocol);
