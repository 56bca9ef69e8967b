// Anycast services on one host: for every service port with a local backend,
// a rule in the nat prerouting chain (and in nat output, for the host's own
// connections) sends new connections to the service address and port to the
// port's chain, which DNATs to one local backend — chosen by `numgen random`
// when there are several, so connections spread across them. Conntrack
// un-NATs the replies. Hosts without a local backend get nothing here (and do
// not announce the address: bird.ts). Which backends a port has is
// serviceBackends's answer; the reference evaluator keeps its own copy.
import type { ClusterIndex } from '../incremental/cluster-index';
import { byString } from '../model/sort';
import { EndpointModel, ServiceModel, ServicePortModel } from '../model/types';
import { compareIp, familyOf, Ip } from '../net/ip';
import { matches, SelectorSource } from '../selector';
import * as N from './names';
import { ChainSpec } from './nft-chains';
import { chainObject, ruleObjects } from './nft-objects';
import * as X from './nft-expr';
import { portedProtocolName } from '../resources/primitives';

type Family = 4 | 6;

export interface SectionChain {
  readonly name: string;
  readonly decl: unknown;
  readonly rules: readonly unknown[];
}

export interface LocalBackend {
  readonly endpoint: EndpointModel;
  readonly address: Ip;
  readonly targetPort: number;
}

export const serviceProtocolName = (p: number): string => portedProtocolName(p)?.toLowerCase() ?? String(p);

/** A chain of the section as the document's objects: declared and ruled as the workload chains are (nft-objects.ts). */
export const sectionChain = (c: ChainSpec): SectionChain => ({ name: c.name, decl: chainObject(c), rules: ruleObjects(c) });

type ChainRule = ChainSpec['rules'][number];

/** Section comments can name long service keys: cut to what nft keeps (N.comment), as the workload rules' are. */
const rule = (expr: readonly X.Expr[], comment: string): ChainRule => ({ expr, comment: N.comment(comment) });

/** The target port a backend listens on for `port`: the number, or its own named port of the same protocol. */
const targetPortOf = (ep: EndpointModel, port: ServicePortModel): number | undefined =>
  port.targetPort.kind === 'number' ? port.targetPort.port : ep.ports.find((p) => p.name === (port.targetPort as { name: string }).name && p.protocol === port.protocol)?.port;

/** Endpoints of `host` backing `port` of `svc` in one family, by endpoint key. */
export const localBackends = (index: ClusterIndex, host: string, svc: ServiceModel, port: ServicePortModel, family: Family): LocalBackend[] => {
  const selector = index.cache.get(svc.selector as SelectorSource);
  const out: LocalBackend[] = [];
  for (const ep of index.localEndpoints(host)) {
    if (ep.namespace !== svc.namespace || !matches(selector, index.endpointLabels(ep))) continue;
    const address = ep.ips.find((ip) => familyOf(ip) === family);
    const targetPort = targetPortOf(ep, port);
    if (address !== undefined && targetPort !== undefined) out.push({ endpoint: ep, address, targetPort });
  }
  return out.sort((a, b) => byString(a.endpoint.key, b.endpoint.key));
};

/** Every service address `host` announces, sorted: those of a family in which it backs some port (compileServices finds them). */
export const announcedAddresses = (index: ClusterIndex, host: string): readonly Ip[] => compileServices(index, host).announced;

/** nft maps a port only after a match that pins the transport protocol; the chain is only reached with it pinned, but nft cannot know. */
const dnat = (family: Family, protocol: number, b: LocalBackend): X.Expr[] =>
  [X.eq(X.meta('l4proto'), protocol), { dnat: { family: family === 4 ? 'ip' : 'ip6', addr: b.address, port: b.targetPort } }];

export interface ServiceSection {
  readonly chains: readonly SectionChain[];
  /** The service addresses the host announces, sorted: those of a family in which it backs some port. */
  readonly announced: readonly Ip[];
}

export const compileServices = (index: ClusterIndex, host: string): ServiceSection => {
  const dispatch: ChainRule[] = [];
  const chains: SectionChain[] = [];
  const announced = new Set<Ip>();
  const services = [...index.state.services.values()].sort((a, b) => byString(a.key, b.key));
  for (const svc of services) {
    for (const port of svc.ports) {
      const proto = serviceProtocolName(port.protocol);
      for (const family of [4, 6] as const) {
        const addresses = svc.addresses.filter((a) => familyOf(a) === family);
        const backends = addresses.length === 0 ? [] : localBackends(index, host, svc, port, family);
        if (backends.length === 0) continue;
        for (const address of addresses) announced.add(address);
        // One chain per service port and family, whichever of its addresses a client used.
        const what = `service ${svc.key} ${proto}/${port.port} IPv${family}`;
        const name = N.serviceChain(svc.key, proto, port.port, family);
        for (const address of addresses)
          dispatch.push(rule([X.eq(X.ipField(family, 'daddr'), address), X.eq(X.payload(proto, 'dport'), port.port), X.goto(name)], `${what} at ${address}`));
        if (backends.length === 1) {
          chains.push(sectionChain({ name, rules: [rule(dnat(family, port.protocol, backends[0]!), `${what}: ${backends[0]!.endpoint.key}`)] }));
          continue;
        }
        const targets = backends.map((b) => N.backendChain(svc.key, proto, port.port, family, b.endpoint.name));
        const spread = { vmap: { key: { numgen: { mode: 'random', mod: backends.length } }, data: { set: targets.map((t, i) => [i, { goto: { target: t } }]) } } };
        chains.push(sectionChain({ name, rules: [rule([spread], `${what}: ${backends.length} local backends`)] }));
        backends.forEach((b, i) => chains.push(sectionChain({ name: targets[i]!, rules: [rule(dnat(family, port.protocol, b), `${what}: ${b.endpoint.key}`)] })));
      }
    }
  }
  if (dispatch.length === 0) return { chains: [], announced: [] };
  // The dispatch chains are nat chains, at dstnat priority: before the filter chains of the hook, as Kubernetes' service proxies do.
  for (const [name, hook] of [[N.SERVICE_PREROUTING_CHAIN, 'prerouting'], [N.SERVICE_OUTPUT_CHAIN, 'output']] as const)
    chains.push(sectionChain({ name, base: { type: 'nat', hook, prio: -100, policy: 'accept' }, rules: dispatch }));
  return { chains, announced: [...announced].sort(compareIp) };
};
