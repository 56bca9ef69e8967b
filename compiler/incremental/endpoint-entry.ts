// An endpoint as the cluster index holds it — its model, effective labels,
// addresses by family and their sort keys, each worked out when first asked
// for — and what differs between two versions of one, which decides how much
// of the index an update re-evaluates.
import { Labels, labelsWith } from '../compile/labels';
import { EndpointModel } from '../model/types';
import { familyOf, Ip } from '../net/ip';
import { ipSortKey, ipv4Number } from './ip-order';
import { MemberView } from './memberships';

const NONE: readonly Ip[] = [];

/**
 * An endpoint in the index. Its effective labels are made when first asked
 * for if no profile adds any (then they are its own plus the namespace label,
 * which the model alone decides): most endpoints of a big cluster are only
 * ever matched by selectors that do not read the namespace label, against
 * their own labels, so the index does not copy 100,000 label maps up front.
 */
export class EndpointEntry implements MemberView {
  /** Sort key of the only IPv4 address, once computed; several addresses keep theirs in an array. */
  private k4: number | undefined = undefined;
  private ks4: readonly number[] | undefined = undefined;
  private ks6: readonly string[] | undefined = undefined;
  private effective: Labels | undefined;
  /** Addresses by family, split when first asked for (building the index need not read them). */
  private v4: readonly Ip[] | undefined = undefined;
  private v6: readonly Ip[] | undefined = undefined;

  /** `labels`: the effective labels, or undefined when no profile adds any. */
  constructor(readonly model: EndpointModel, labels: Labels | undefined) {
    this.effective = labels;
  }

  get ips4(): readonly Ip[] {
    if (this.v4 === undefined) this.split();
    return this.v4!;
  }

  get ips6(): readonly Ip[] {
    if (this.v6 === undefined) this.split();
    return this.v6!;
  }

  key4(i: number): number {
    const ips = this.ips4;
    if (ips.length === 1) return (this.k4 ??= ipv4Number(ips[0]!));
    return (this.ks4 ??= ips.map(ipv4Number))[i]!;
  }

  key6(i: number): string {
    return (this.ks6 ??= this.ips6.map(ipSortKey))[i]!;
  }

  /** Unique addresses by family; the model's own array when it already is that (the common case: one address). */
  private split(): void {
    const ips = this.model.ips;
    if (ips.length === 1) {
      const four = familyOf(ips[0]!) === 4;
      this.v4 = four ? ips : NONE;
      this.v6 = four ? NONE : ips;
      return;
    }
    let n4 = 0;
    for (let i = 0; i < ips.length; i++) if (familyOf(ips[i]!) === 4) n4++;
    const unique = ips.every((ip, i) => ips.indexOf(ip) === i);
    if (unique && (n4 === ips.length || n4 === 0)) {
      this.v4 = n4 === 0 ? NONE : ips;
      this.v6 = n4 === 0 ? ips : NONE;
      return;
    }
    const u = [...new Set(ips)];
    this.v4 = u.filter((ip) => familyOf(ip) === 4);
    this.v6 = u.filter((ip) => familyOf(ip) === 6);
  }

  get labels(): Labels {
    return (this.effective ??= labelsWith(noProfileLabels, this.model));
  }

  get selectorLabels(): Labels {
    return this.effective ?? this.model.labels;
  }
}

const noProfileLabels = (): undefined => undefined;

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
