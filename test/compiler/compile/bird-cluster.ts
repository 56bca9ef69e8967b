// Clusters for the datapath compiler's tests, built the way production builds
// them: foldnet.io/v1 documents folded from a log. Hand-written documents for
// unit tests, and a fast-check arbitrary for small clusters that are valid by
// construction (unique host addresses and endpoint IPs, non-overlapping
// pools), so every document applies and any order of them folds to the same
// model.
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { LoggedEvent } from '../../../compiler/events/event';
import { foldAll } from '../../../compiler/fold/fold';
import { ClusterState } from '../../../compiler/fold/state';

export interface Doc {
  readonly kind: string;
  readonly key: string;
  readonly resource: Record<string, unknown>;
}

const API = 'foldnet.io/v1';

/** Drops undefined fields: foldnet's closed codecs treat a present key as given. */
const defined = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export const hostDoc = (name: string, bgp: { ipv4?: string; ipv6?: string; asNumber?: number }): Doc => ({
  kind: 'Host',
  key: name,
  resource: {
    apiVersion: API, kind: 'Host', metadata: { name },
    spec: { bgp: defined({ ipv4Address: bgp.ipv4, ipv6Address: bgp.ipv6, asNumber: bgp.asNumber }) },
  },
});

export const poolDoc = (name: string, cidr: string, disabled?: boolean): Doc => ({
  kind: 'IPPool',
  key: name,
  resource: { apiVersion: API, kind: 'IPPool', metadata: { name }, spec: defined({ cidr, disabled }) },
});

export const endpointDoc = (name: string, host: string, interfaceName: string, ips: readonly string[], namespace = 'default'): Doc => ({
  kind: 'WorkloadEndpoint',
  key: `${namespace}/${name}`,
  resource: {
    apiVersion: API, kind: 'WorkloadEndpoint', metadata: { name, namespace },
    spec: { host, interfaceName, ipNetworks: ips.map((ip) => (ip.includes('/') ? ip : `${ip}/${ip.includes(':') ? 128 : 32}`)) },
  },
});

export const peerDoc = (
  name: string,
  spec: { peerIP: string; asNumber: number; node?: string; acceptPoolRoutes?: boolean; password?: string },
): Doc => ({
  kind: 'BGPPeer',
  key: name,
  resource: { apiVersion: API, kind: 'BGPPeer', metadata: { name }, spec: defined({ ...spec }) },
});

export const bgpConfigDoc = (spec: { nodeToNodeMeshEnabled?: boolean; asNumber?: number }): Doc => ({
  kind: 'BGPConfiguration',
  key: 'default',
  resource: { apiVersion: API, kind: 'BGPConfiguration', metadata: { name: 'default' }, spec: defined({ ...spec }) },
});

export const profileDoc = (name: string): Doc => ({
  kind: 'Profile',
  key: name,
  resource: { apiVersion: API, kind: 'Profile', metadata: { name }, spec: {} },
});

export const events = (docs: readonly Doc[]): LoggedEvent[] =>
  docs.map((d, offset) => ({
    offset, id: `e${offset}`, time: '2024-01-01T00:00:00.000Z', actor: 'test', schemaVersion: 1,
    type: 'put', kind: d.kind, key: d.key, resource: d.resource,
  }));

/** Folds the documents in order; a rejected document is a broken fixture, so it throws with the reason. */
export const stateOf = (docs: readonly Doc[]): ClusterState => {
  const r = foldAll(events(docs));
  if (E.isLeft(r)) throw new Error(`fold out of order: ${JSON.stringify(r.left)}`);
  const rejected = [...r.right.rejections.values()];
  if (rejected.length > 0) throw new Error(`fixture rejected: ${JSON.stringify(rejected)}`);
  return r.right;
};

// ---- arbitraries ---------------------------------------------------------------

const LOWER_ALNUM = [...'abcdefghijklmnopqrstuvwxyz0123456789'];
const dnsLabel = fc
  .tuple(fc.constantFrom(...LOWER_ALNUM), fc.string({ unit: fc.constantFrom(...LOWER_ALNUM, '-'), maxLength: 8 }), fc.constantFrom(...LOWER_ALNUM))
  .map(([a, m, b]) => a + m + b);
/** DNS-1123 names with dots and dashes, which BIRD symbols cannot hold. */
export const dnsName = fc.array(dnsLabel, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));

const asn = fc.oneof(fc.constantFrom(64512, 65001), fc.integer({ min: 1, max: 4294967295 }));
const hex16 = fc.integer({ min: 0, max: 0xffff }).map((n) => n.toString(16));
const octet = fc.integer({ min: 0, max: 255 });

const POOLS = ['10.244.0.0/16', '10.245.0.0/16', '192.168.0.0/24', 'fd10::/48', 'fd20:1::/64', '2001:db8::/32'];

const hostArb = (name: string, i: number) =>
  fc
    .record({
      families: fc.constantFrom('v4', 'v6', 'dual'),
      a: octet, b: octet, h: hex16, g: hex16,
      asNumber: fc.option(asn, { nil: undefined }),
    })
    .map(({ families, a, b, h, g, asNumber }) =>
      hostDoc(name, {
        ipv4: families === 'v6' ? undefined : `10.${a}.${b}.${i + 1}/24`,
        ipv6: families === 'v4' ? undefined : `fd${h.padStart(2, '0').slice(-2)}:${g}::${(i + 1).toString(16)}/64`,
        asNumber,
      }),
    );

const hostAddressesOf = (docs: readonly Doc[]): string[] =>
  docs.flatMap((d) => {
    const bgp = (d.resource.spec as { bgp: Record<string, string> }).bgp;
    return [bgp.ipv4Address, bgp.ipv6Address].filter((x): x is string => x !== undefined).map((p) => p.slice(0, p.indexOf('/')));
  });

/** Passwords, sometimes with characters BIRD strings cannot hold. */
const password = fc.string({ unit: fc.constantFrom('a', 'Z', '9', ' ', '#', "'", '\\', '{', ';', '"', '\n'), minLength: 1, maxLength: 6 });

/** A small valid cluster as documents, plus the names of its hosts (and one host that does not exist). */
export const clusterDocs: fc.Arbitrary<{ docs: Doc[]; hosts: string[] }> = fc
  .uniqueArray(dnsName, { minLength: 1, maxLength: 4 })
  .chain((names) =>
    fc.tuple(fc.tuple(...names.map((n, i) => hostArb(n, i))), fc.constant(names)),
  )
  .chain(([hosts, names]) => {
    const addrs = hostAddressesOf(hosts);
    const pools = fc.subarray(POOLS).chain((cidrs) =>
      fc.tuple(...cidrs.map((c, i) => fc.option(fc.boolean(), { nil: undefined }).map((dis) => poolDoc(`pool-${i}`, c, dis)))),
    );
    const endpoints = fc.array(
      fc.record({ host: fc.constantFrom(...names, 'elsewhere'), v4: fc.boolean(), v6: fc.boolean(), dotted: fc.boolean() }),
      { maxLength: 6 },
    ).map((eps) =>
      eps.map((e, i) =>
        endpointDoc(`w${i}`, e.host, e.dotted ? `eth0.${i + 1}` : `cali${i}`, [
          ...(e.v4 ? [`10.244.${i}.${i + 1}`] : []),
          ...(e.v6 ? [`fd10::${(i + 1).toString(16)}`] : []),
        ]),
      ),
    );
    const peerIp = fc.oneof(
      fc.tuple(octet, octet).map(([a, b]) => `172.16.${a}.${b}`),
      hex16.map((h) => `fd99::${h}`),
      fc.constantFrom(...addrs),
    );
    const peers = fc.uniqueArray(dnsName, { maxLength: 3 }).chain((pnames) =>
      fc.tuple(
        ...pnames.map((n) =>
          fc
            .record({
              peerIP: peerIp, asNumber: asn,
              node: fc.option(fc.constantFrom(...names, 'no-such-host'), { nil: undefined }),
              acceptPoolRoutes: fc.option(fc.boolean(), { nil: undefined }),
              password: fc.option(password, { nil: undefined }),
            })
            .map((spec) => peerDoc(n, spec)),
        ),
      ),
    );
    const config = fc.option(
      fc.record({ nodeToNodeMeshEnabled: fc.option(fc.boolean(), { nil: undefined }), asNumber: fc.option(asn, { nil: undefined }) })
        .map((spec) => bgpConfigDoc(spec)),
      { nil: undefined },
    );
    const unrelated = fc.array(fc.constantFrom('p1', 'p2', 'p3'), { maxLength: 2 }).map((ps) => [...new Set(ps)].map(profileDoc));
    return fc.tuple(pools, endpoints, peers, config, unrelated).map(([p, e, pe, c, u]) => ({
      docs: [...hosts, ...p, ...e, ...pe, ...(c ? [c] : []), ...u],
      hosts: [...names, 'elsewhere'],
    }));
  });

/** A cluster together with a reordering of its documents (any order folds to the same model). */
export const clusterAndShuffle = clusterDocs.chain(({ docs, hosts }) =>
  fc.tuple(fc.constant(docs), fc.shuffledSubarray(docs, { minLength: docs.length, maxLength: docs.length }), fc.constantFrom(...hosts)),
);
