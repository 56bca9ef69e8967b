// One Calico rule → the nft rules that implement it. A rule becomes one nft
// rule per IP family it can match (when it names addresses), and alternatives
// where nft needs a disjunction: named ports (resolved to the endpoints that
// carry them) and notICMP. Every emitted rule carries the comment that names
// its policy and rule index, so a trace can say which rule decided.
import { ClusterState } from '../fold/state';
import type { ClusterIndex } from '../incremental/cluster-index';
import { cidrAddress, cidrLength, cidrsOverlap, compareCidr, Cidr, familyOf } from '../net/ip';
import { EntityRule, Rule } from '../resources/rule';
import { PortSpec, protocolNumber } from '../resources/primitives';
import * as X from './nft-expr';
import { ruleScope, Scope, scopeText } from './scope';
import { SetRegistry } from './set-registry';

export interface RuleContext {
  readonly state: ClusterState;
  /** Effective labels, memberships and named port numbers of the whole cluster, at `state`. */
  readonly index: ClusterIndex;
  readonly sets: SetRegistry;
  /** tierOrder(state). */
  readonly tiers: readonly string[];
  /** Namespace of the policy (undefined for global policies and profiles): scopes bare selectors. */
  readonly namespace: string | undefined;
}

type Alt = X.Expr[];
type Family = 4 | 6;

const PORTED = new Set([6, 17, 132, 136]);

const scopeSet = (ctx: RuleContext, scope: Scope, family: Family): string =>
  ctx.sets.use('sel', family, scopeText(scope), () => ({ interval: false, comment: `selector ${scopeText(scope)}`, source: { kind: 'members', scope } }));

/** Nested prefixes would be conflicting intervals for nft: keep only the outermost. */
const outermost = (nets: readonly Cidr[]): Cidr[] => {
  const sorted = [...new Set(nets)].sort((a, b) => cidrLength(a) - cidrLength(b) || compareCidr(a, b));
  const kept: Cidr[] = [];
  for (const n of sorted) if (!kept.some((k) => cidrsOverlap(k, n))) kept.push(n);
  return kept.sort(compareCidr);
};

const netSet = (ctx: RuleContext, nets: readonly Cidr[], family: Family): string => {
  const list = outermost(nets);
  return ctx.sets.use('net', family, list.join(','), () => ({
    interval: true,
    comment: `nets ${list.join(', ')}`,
    source: { kind: 'fixed', elements: list.map((c) => ({ prefix: { addr: cidrAddress(c), len: cidrLength(c) } })) },
  }));
};

const namedPortSet = (ctx: RuleContext, scope: Scope, name: string, proto: number, port: number, family: Family): string => {
  const identity = `${scopeText(scope)}|${name}|${proto}|${port}`;
  return ctx.sets.use('np', family, identity, () => ({
    interval: false,
    comment: `named port ${name} (${proto}/${port}) of ${scopeText(scope)}`,
    source: { kind: 'members', scope, port: { name, proto, port } },
  }));
};

/** nft merges adjacent `th sport`/`th dport` matches into a raw payload match; protocol headers keep them apart. */
const PORT_HEADER: Record<number, string> = { 6: 'tcp', 17: 'udp', 132: 'sctp' };
const portHeader = (rule: Rule): string => PORT_HEADER[protocolNumber(rule.protocol!)] ?? 'th';

const portValue = (p: PortSpec): unknown => (p.kind === 'number' ? p.port : p.kind === 'range' ? X.range(p.from, p.to) : undefined);
const portsRight = (ports: readonly PortSpec[]): unknown => {
  const values = ports.map(portValue);
  return values.length === 1 && typeof values[0] === 'number' ? values[0] : X.anonSet(values);
};

/** The alternatives (a disjunction) that implement one side's `ports`, each a conjunction of matches. */
const portAlternatives = (ctx: RuleContext, rule: Rule, side: 'source' | 'destination', family: Family): Alt[] | undefined => {
  const e = rule[side];
  const field = side === 'source' ? 'sport' : 'dport';
  const alts: Alt[] = [];
  const ports = e?.ports ?? [];
  // notPorts holds numbers and ranges only (the codec refuses names there): one negated match, on every alternative.
  const notPorts = e?.notPorts ?? [];
  // nft 1.0.6 merges `sport != A` and `dport != B` into one 4-byte `!=`, which
  // passes a packet unless both ports are excluded; a source port alone is
  // written as the range A-A, which nft never merges.
  const lone = notPorts.length === 1 && notPorts[0]!.kind === 'number' && side === 'source' ? notPorts[0]!.port : undefined;
  const notRight = lone !== undefined ? X.range(lone, lone) : portsRight(notPorts);
  const not: Alt = notPorts.length > 0 ? [X.ne(X.payload(portHeader(rule), field), notRight)] : [];
  if (ports.length === 0) return [not];
  const numeric = ports.filter((p) => p.kind !== 'name');
  if (numeric.length > 0) alts.push([X.eq(X.payload(portHeader(rule), field), portsRight(numeric)), ...not]);
  const proto = protocolNumber(rule.protocol!);
  // A named port belongs to whichever endpoint the packet is for; only a selector on this side narrows that.
  const narrowed = e?.selector !== undefined || e?.namespaceSelector !== undefined;
  const scope: Scope = narrowed ? ruleScope(ctx.namespace, e?.selector, e?.namespaceSelector) : { kind: 'any', selector: 'all()' };
  for (const p of ports) {
    if (p.kind !== 'name') continue;
    // The rule is written with every number the name stands for anywhere: a chain to redo when that changes.
    ctx.sets.namedPorts.add(`${p.name}|${proto}`);
    for (const n of ctx.index.namedPortNumbers(p.name, proto)) {
      const set = namedPortSet(ctx, scope, p.name, proto, n, family);
      alts.push([X.eq(X.ipField(family, side === 'source' ? 'saddr' : 'daddr'), X.setRef(set)), X.eq(X.payload(portHeader(rule), field), n), ...not]);
    }
  }
  return alts.length > 0 ? alts : undefined;
};

/** Address matches of one side; undefined when the side cannot match this family at all. */
const addressMatches = (ctx: RuleContext, e: EntityRule | undefined, side: 'source' | 'destination', family: Family): Alt | undefined => {
  if (!e) return [];
  const field = X.ipField(family, side === 'source' ? 'saddr' : 'daddr');
  const out: Alt = [];
  // An empty list constrains nothing, as in Calico.
  if (e.nets && e.nets.length > 0) {
    const nets = e.nets.filter((n) => familyOf(n) === family);
    if (nets.length === 0) return undefined;
    out.push(X.eq(field, X.setRef(netSet(ctx, nets, family))));
  }
  const notNets = (e.notNets ?? []).filter((n) => familyOf(n) === family);
  if (notNets.length > 0) out.push(X.ne(field, X.setRef(netSet(ctx, notNets, family))));
  if (e.selector !== undefined || e.namespaceSelector !== undefined)
    out.push(X.eq(field, X.setRef(scopeSet(ctx, ruleScope(ctx.namespace, e.selector, e.namespaceSelector), family))));
  if (e.notSelector !== undefined)
    out.push(X.ne(field, X.setRef(scopeSet(ctx, ruleScope(ctx.namespace, e.notSelector, e.namespaceSelector), family))));
  return out;
};

const icmpAlternatives = (rule: Rule, family: Family): Alt[] => {
  const proto = family === 4 ? 'icmp' : 'icmpv6';
  const head: Alt = [];
  if (rule.icmp?.type !== undefined) head.push(X.eq(X.payload(proto, 'type'), rule.icmp.type));
  if (rule.icmp?.code !== undefined) head.push(X.eq(X.payload(proto, 'code'), rule.icmp.code));
  const not = rule.notICMP;
  if (!not || not.type === undefined) return [head];
  if (not.code === undefined) return [[...head, X.ne(X.payload(proto, 'type'), not.type)]];
  // not (type == T and code == C)  ≡  type != T  or  (type == T and code != C)
  return [
    [...head, X.ne(X.payload(proto, 'type'), not.type)],
    [...head, X.eq(X.payload(proto, 'type'), not.type), X.ne(X.payload(proto, 'code'), not.code)],
  ];
};

const namesAddresses = (rule: Rule): boolean =>
  rule.ipVersion !== undefined || rule.icmp !== undefined || rule.notICMP !== undefined ||
  [rule.source, rule.destination].some((e) => e && (e.nets?.length || e.notNets?.length || e.selector !== undefined || e.notSelector !== undefined || e.namespaceSelector !== undefined || e.ports?.some((p) => p.kind === 'name')));

const familyOfProtocol = (rule: Rule): Family | undefined => {
  const p = rule.protocol === undefined ? undefined : protocolNumber(rule.protocol);
  return p === 1 ? 4 : p === 58 ? 6 : undefined;
};

const cross = (a: Alt[], b: Alt[]): Alt[] => a.flatMap((x) => b.map((y) => [...x, ...y]));

/** The match expressions of each nft rule implementing `rule` (empty list: the rule can never match). */
export const ruleMatches = (ctx: RuleContext, rule: Rule): Alt[] => {
  const base: Alt = [];
  if (rule.protocol !== undefined) base.push(X.eq(X.meta('l4proto'), protocolNumber(rule.protocol)));
  if (rule.notProtocol !== undefined) base.push(X.ne(X.meta('l4proto'), protocolNumber(rule.notProtocol)));
  const protoFamily = familyOfProtocol(rule);
  const familySpecific = namesAddresses(rule) || protoFamily !== undefined;
  const families: Family[] = !familySpecific ? [] : ([4, 6] as Family[]).filter(
    (f) => (rule.ipVersion === undefined || rule.ipVersion === f) && (protoFamily === undefined || protoFamily === f),
  );
  if (families.length === 0) {
    if (rule.protocol !== undefined && !PORTED.has(protocolNumber(rule.protocol)) && (rule.source?.ports || rule.destination?.ports)) return [];
    const src = portAlternatives(ctx, rule, 'source', 4) ?? [];
    const dst = portAlternatives(ctx, rule, 'destination', 4) ?? [];
    return cross(cross([base], src), dst);
  }
  const out: Alt[] = [];
  for (const f of families) {
    const src = addressMatches(ctx, rule.source, 'source', f);
    const dst = addressMatches(ctx, rule.destination, 'destination', f);
    if (!src || !dst) continue;
    const srcPorts = portAlternatives(ctx, rule, 'source', f);
    const dstPorts = portAlternatives(ctx, rule, 'destination', f);
    if (!srcPorts || !dstPorts) continue;
    // ICMP and ICMPv6 already pin the family (nft lists `meta nfproto` away before them), as do address matches.
    const guard = src.length + dst.length === 0 && protoFamily === undefined ? [X.nfproto(f)] : [];
    const head: Alt = [...guard, ...base, ...src, ...dst];
    out.push(...cross(cross(cross([head], srcPorts), dstPorts), icmpAlternatives(rule, f)));
  }
  return out;
};
