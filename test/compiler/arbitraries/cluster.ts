// fast-check arbitraries for whole clusters, as the documents a user would
// write: hosts, namespaces, endpoints (IPv4 and IPv6, labels, profiles, named
// ports), profiles, tiers, namespaced and global policies using every rule
// field, and Kubernetes NetworkPolicies. Values come from small pools so that
// selectors, nets and ports actually hit each other.
import fc from 'fast-check';

export const HOSTS = [
  { name: 'host-1', v4: '10.99.0.1', v6: 'fd00:99::1' },
  { name: 'host-2', v4: '10.99.0.2', v6: 'fd00:99::2' },
];
export const NAMESPACES = ['ns-a', 'ns-b'];
const APPS = ['web', 'db', 'api'];
const TIERS = ['fe', 'be'];
const SELECTORS = ["app == 'web'", "app == 'db'", "app in {'api', 'web'}", "tier == 'fe'", "has(tier)", '!has(tier)', 'all()', "app != 'db' && has(app)", "group == 'g1'"];
const NS_SELECTORS = ["env == 'prod'", "env != 'prod'", 'all()', "kubernetes.io/metadata.name == 'ns-b'"];
const NETS4 = ['10.10.0.0/24', '10.10.0.4/30', '10.10.0.1/32', '0.0.0.0/0', '10.30.0.0/16'];
const NETS6 = ['fd10::/64', 'fd10::4/126', '::/0', 'fd30::/32'];
const PORTS: Array<number | string> = [80, 443, '1000:2000', 'http', 'metrics', 53];

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Present one time in `1 + absentWeight`: rule fields are rare, so rules stay general enough to match. */
const rare = <T>(a: fc.Arbitrary<T>, absentWeight = 3) =>
  fc.oneof({ weight: absentWeight, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: a });
const strip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const labels = fc.record({ app: opt(fc.constantFrom(...APPS)), tier: opt(fc.constantFrom(...TIERS)) }).map(strip);

const protocolArb = fc.constantFrom<string | undefined>(undefined, 'TCP', 'UDP', 'SCTP', 'ICMP', 'ICMPv6');

const entity = (ported: boolean, icmpOnly4: boolean | undefined) =>
  fc
    .record({
      nets: rare(fc.subarray(icmpOnly4 === undefined ? [...NETS4, ...NETS6] : icmpOnly4 ? NETS4 : NETS6, { minLength: 1, maxLength: 2 })),
      notNets: rare(fc.subarray(icmpOnly4 === undefined ? [...NETS4, ...NETS6] : icmpOnly4 ? NETS4 : NETS6, { minLength: 1, maxLength: 2 })),
      selector: rare(fc.constantFrom(...SELECTORS)),
      notSelector: rare(fc.constantFrom(...SELECTORS)),
      namespaceSelector: rare(fc.constantFrom(...NS_SELECTORS)),
      ports: ported ? rare(fc.subarray(PORTS, { minLength: 1, maxLength: 3 })) : fc.constant(undefined),
      notPorts: ported ? rare(fc.subarray(PORTS.filter((p) => typeof p === 'number' || p.includes(':')), { minLength: 1, maxLength: 2 })) : fc.constant(undefined),
    })
    .map(strip);

export const ruleArb = fc
  .record({ action: fc.constantFrom('Allow', 'Allow', 'Deny', 'Pass', 'Log'), protocol: protocolArb, ipVersion: opt(fc.constantFrom(4, 6)) })
  .chain(({ action, protocol, ipVersion }) => {
    const ported = protocol === 'TCP' || protocol === 'UDP' || protocol === 'SCTP';
    const icmp = protocol === 'ICMP' || protocol === 'ICMPv6';
    const family4 = protocol === 'ICMP' ? true : protocol === 'ICMPv6' ? false : ipVersion === undefined ? undefined : ipVersion === 4;
    const version = protocol === 'ICMP' ? (ipVersion === undefined ? undefined : 4) : protocol === 'ICMPv6' ? (ipVersion === undefined ? undefined : 6) : ipVersion;
    return fc
      .record({
        source: rare(entity(ported, family4), 1),
        destination: rare(entity(ported, family4), 1),
        icmp: icmp ? rare(fc.record({ type: fc.constantFrom(0, 8, 128, 129), code: opt(fc.constantFrom(0, 1)) }).map(strip)) : fc.constant(undefined),
        notICMP: icmp ? rare(fc.record({ type: fc.constantFrom(0, 8, 128), code: opt(fc.constantFrom(0, 1)) }).map(strip)) : fc.constant(undefined),
        notProtocol: protocol === undefined ? rare(fc.constantFrom('TCP', 'UDP')) : fc.constant(undefined),
      })
      .map((r) => strip({ action, protocol, ipVersion: version, ...r }));
  });

/** Rule lists sometimes end in a bare Allow or Deny, so that evaluation often reaches a decision. */
const rules = fc
  .tuple(fc.array(ruleArb, { maxLength: 3 }), rare(fc.constantFrom('Allow', 'Deny', 'Pass'), 2))
  .map(([rs, last]) => (last === undefined ? rs : [...rs, { action: last }]));

const endpointArb = (i: number) =>
  fc
    .record({
      ns: fc.constantFrom(...NAMESPACES),
      host: fc.constantFrom(...HOSTS.map((h) => h.name)),
      labels,
      v4: fc.boolean(),
      v6: fc.boolean(),
      profiles: fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 6, arbitrary: fc.subarray(['p1', 'p2', 'missing'], { minLength: 1, maxLength: 2 }) }),
      ports: fc.subarray([{ name: 'http', port: 80, protocol: 'TCP' }, { name: 'metrics', port: 9100, protocol: 'TCP' }, { name: 'http', port: 8080, protocol: 'UDP' }]).map((ps) =>
        ps.filter((p, j) => ps.findIndex((q) => q.name === p.name) === j),
      ),
    })
    .map(({ ns, host, labels: l, v4, v6, profiles, ports }) => ({
      apiVersion: 'foldnet.io/v1',
      kind: 'WorkloadEndpoint',
      metadata: { namespace: ns, name: `ep${i}`, labels: l },
      spec: strip({
        host,
        interfaceName: `cali${i}`,
        ipNetworks: [...(v4 || !v6 ? [`10.10.0.${i + 1}/32`] : []), ...(v6 ? [`fd10::${i + 1}/128`] : [])],
        profiles,
        ports: ports.length ? ports : undefined,
      }),
    }));

const profileArb = (name: string) =>
  fc.record({ group: fc.boolean(), ingress: rules, egress: rules }).map(({ group, ingress, egress }) => ({
    apiVersion: 'foldnet.io/v1',
    kind: 'Profile',
    metadata: { name },
    spec: strip({ labelsToApply: group ? { group: 'g1' } : undefined, ingress, egress }),
  }));

const policyArb = (i: number) =>
  fc
    .record({
      global: fc.boolean(),
      ns: fc.constantFrom(...NAMESPACES),
      tier: fc.constantFrom('default', 'security', 'platform'),
      order: opt(fc.constantFrom(1, 5, 10)),
      selector: opt(fc.constantFrom(...SELECTORS)),
      namespaceSelector: opt(fc.constantFrom(...NS_SELECTORS)),
      types: opt(fc.subarray(['Ingress', 'Egress'], { minLength: 1 })),
      ingress: opt(rules),
      egress: opt(rules),
    })
    .map((p) =>
      p.global
        ? {
            apiVersion: 'foldnet.io/v1', kind: 'GlobalNetworkPolicy', metadata: { name: `gp${i}` },
            spec: strip({ tier: p.tier, order: p.order, selector: p.selector, namespaceSelector: p.namespaceSelector, types: p.types, ingress: p.ingress, egress: p.egress }),
          }
        : {
            apiVersion: 'foldnet.io/v1', kind: 'NetworkPolicy', metadata: { namespace: p.ns, name: `np${i}` },
            spec: strip({ tier: p.tier, order: p.order, selector: p.selector, types: p.types, ingress: p.ingress, egress: p.egress }),
          },
    );

const k8sSelector = fc.oneof(
  fc.constant({}),
  fc.constantFrom(...APPS).map((app) => ({ matchLabels: { app } })),
  fc.constantFrom(...APPS).map((app) => ({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: [app] }] })),
  fc.constant({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }),
);
const k8sPeer = fc.oneof(
  k8sSelector.map((podSelector) => ({ podSelector })),
  k8sSelector.map((namespaceSelector) => ({ namespaceSelector })),
  fc.tuple(k8sSelector, k8sSelector).map(([podSelector, namespaceSelector]) => ({ podSelector, namespaceSelector })),
  fc.constant({ ipBlock: { cidr: '10.10.0.0/24', except: ['10.10.0.4/30'] } }),
);
const k8sPort = fc.oneof(
  fc.constant({ port: 80 }),
  fc.constant({ protocol: 'UDP', port: 53 }),
  fc.constant({ protocol: 'TCP', port: 1000, endPort: 2000 }),
  fc.constant({ port: 'http' }),
  fc.constant({ protocol: 'SCTP' }),
);
const k8sRule = (peerField: 'from' | 'to') =>
  fc.record({ peers: opt(fc.array(k8sPeer, { maxLength: 2 })), ports: opt(fc.array(k8sPort, { maxLength: 2 })) }).map(({ peers, ports }) => strip({ [peerField]: peers, ports }));

const k8sPolicyArb = (i: number) =>
  fc
    .record({
      ns: fc.constantFrom(...NAMESPACES),
      podSelector: k8sSelector,
      policyTypes: opt(fc.subarray(['Ingress', 'Egress'], { minLength: 1 })),
      ingress: opt(fc.array(k8sRule('from'), { maxLength: 2 })),
      egress: opt(fc.array(k8sRule('to'), { maxLength: 2 })),
    })
    .map((p) => ({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: p.ns, name: `knp${i}` },
      spec: strip({ podSelector: p.podSelector, policyTypes: p.policyTypes, ingress: p.ingress, egress: p.egress }),
    }));

/** A cluster as an ordered list of documents (hosts and tiers before what refers to them). */
export const clusterDocs = fc
  .record({
    nEndpoints: fc.integer({ min: 2, max: 6 }),
    nPolicies: fc.integer({ min: 0, max: 4 }),
    nK8s: fc.integer({ min: 0, max: 2 }),
    prodNs: fc.subarray(NAMESPACES),
    tierOrders: fc.tuple(opt(fc.constantFrom(1, 50)), opt(fc.constantFrom(1, 50))),
  })
  .chain(({ nEndpoints, nPolicies, nK8s, prodNs, tierOrders }) =>
    fc
      .tuple(
        fc.tuple(...Array.from({ length: nEndpoints }, (_, i) => endpointArb(i))),
        fc.tuple(profileArb('p1'), profileArb('p2')),
        nPolicies > 0 ? fc.tuple(...Array.from({ length: nPolicies }, (_, i) => policyArb(i))) : fc.constant([]),
        nK8s > 0 ? fc.tuple(...Array.from({ length: nK8s }, (_, i) => k8sPolicyArb(i))) : fc.constant([]),
      )
      .map(([endpoints, profiles, policies, k8s]) => [
        ...HOSTS.map((h) => ({ apiVersion: 'foldnet.io/v1', kind: 'Host', metadata: { name: h.name }, spec: { bgp: { ipv4Address: `${h.v4}/24`, ipv6Address: `${h.v6}/64` } } })),
        ...prodNs.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { env: 'prod' } } })),
        { apiVersion: 'foldnet.io/v1', kind: 'Tier', metadata: { name: 'security' }, spec: strip({ order: tierOrders[0] }) },
        { apiVersion: 'foldnet.io/v1', kind: 'Tier', metadata: { name: 'platform' }, spec: strip({ order: tierOrders[1] }) },
        ...profiles,
        ...endpoints,
        ...policies,
        ...k8s,
      ]),
  );

/** Addresses packets come from or go to: the endpoints' (10.10.0.1-6, fd10::1-6), hosts', and outside ones. */
export const ADDRESSES4 = ['10.10.0.1', '10.10.0.2', '10.10.0.3', '10.10.0.4', '10.10.0.5', '10.10.0.6', '10.99.0.1', '10.99.0.2', '10.30.0.7', '10.40.0.1'];
export const ADDRESSES6 = ['fd10::1', 'fd10::2', 'fd10::3', 'fd10::4', 'fd10::5', 'fd10::6', 'fd00:99::1', 'fd00:99::2', 'fd30::7', 'fd40::1'];

export interface GenPacket {
  src: string;
  dst: string;
  protocol: number;
  srcPort?: number;
  dstPort?: number;
  icmpType?: number;
  icmpCode?: number;
}

export const packetArb: fc.Arbitrary<GenPacket> = fc
  .record({ v6: fc.boolean(), i: fc.nat(ADDRESSES4.length - 1), j: fc.nat(ADDRESSES4.length - 1), proto: fc.constantFrom(6, 17, 132, 1, 58, 47) })
  .chain(({ v6, i, j, proto }) => {
    const pool = v6 ? ADDRESSES6 : ADDRESSES4;
    const protocol = proto === 1 && v6 ? 58 : proto === 58 && !v6 ? 1 : proto;
    const base = { src: pool[i]!, dst: pool[j]!, protocol };
    if (protocol === 6 || protocol === 17 || protocol === 132)
      return fc.record({ srcPort: fc.constantFrom(80, 1500, 40000), dstPort: fc.constantFrom(80, 443, 1500, 8080, 9100, 53, 67) }).map((p) => ({ ...base, ...p }));
    if (protocol === 1 || protocol === 58)
      return fc.record({ icmpType: fc.constantFrom(0, 8, 128, 129, 135), icmpCode: fc.constantFrom(0, 1) }).map((p) => ({ ...base, ...p }));
    return fc.constant(base);
  });

/** Addresses of the endpoints in a generated cluster's documents. */
const endpointAddresses = (docs: readonly object[]): string[] =>
  docs.flatMap((d) => {
    const doc = d as { kind?: string; spec?: { ipNetworks?: string[] } };
    return doc.kind === 'WorkloadEndpoint' ? (doc.spec?.ipNetworks ?? []).map((n) => n.split('/')[0]!) : [];
  });

/** Packets aimed at a cluster: mostly between its endpoints, sometimes from or to hosts and the outside. */
export const packetsFor = (docs: readonly object[], maxLength = 25): fc.Arbitrary<GenPacket[]> => {
  const eps = endpointAddresses(docs);
  const pick = (v6: boolean, not?: string) => {
    const all = eps.filter((a) => a.includes(':') === v6);
    const mine = all.length > 1 && not !== undefined ? all.filter((a) => a !== not) : all;
    const others = v6 ? ADDRESSES6 : ADDRESSES4;
    return mine.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...mine) }, { weight: 1, arbitrary: fc.constantFrom(...others) }) : fc.constantFrom(...others);
  };
  const one = fc.boolean().chain((v6) =>
    pick(v6).chain((src) => fc.record({ src: fc.constant(src), dst: pick(v6, src), proto: fc.constantFrom(6, 6, 17, 132, 1, 47) })).chain(({ src, dst, proto }) => {
      const protocol = proto === 1 && v6 ? 58 : proto;
      const base = { src, dst, protocol };
      if (protocol === 6 || protocol === 17 || protocol === 132)
        return fc.record({ srcPort: fc.constantFrom(80, 1500, 40000), dstPort: fc.constantFrom(80, 443, 1500, 8080, 9100, 53, 67) }).map((p) => ({ ...base, ...p }));
      if (protocol === 1 || protocol === 58)
        return fc.record({ icmpType: fc.constantFrom(0, 8, 128, 129, 135), icmpCode: fc.constantFrom(0, 1) }).map((p) => ({ ...base, ...p }));
      return fc.constant(base);
    }),
  );
  return fc.array(one, { minLength: 1, maxLength });
};

/** A cluster with packets aimed at it. */
export const clusterWithPackets = clusterDocs.chain((docs) => packetsFor(docs).map((packets) => ({ docs, packets })));
