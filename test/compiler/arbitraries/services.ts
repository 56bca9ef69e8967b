// fast-check arbitraries for anycast services, host endpoints and failsafe
// configuration, to add to a generated cluster (arbitraries/cluster.ts): the
// same small pools of labels, hosts and ports, so services find backends and
// global policies select host endpoints. Kept apart from cluster.ts so the
// properties that use only that one keep their distribution.
import fc from 'fast-check';
import { HOSTS, NAMESPACES } from './cluster';

/** Service i's possible addresses: no two services share one (the fold would refuse an overlapping port). */
export const serviceAddresses = (i: number): string[] => [`10.96.${i}.1`, `10.96.${i}.2`, `fd96::${i}:1`];
export const HOST_INTERFACES = ['eth0', 'eth1'];
const SERVICE_SELECTORS = ["app == 'web'", "app == 'db'", "has(tier)", 'all()'];
const LABELS = fc.record({ app: fc.constantFrom('web', 'db', 'api'), tier: fc.constantFrom('fe', 'be') }, { requiredKeys: [] });

const servicePort = fc.record({
  protocol: fc.constantFrom('TCP', 'UDP'),
  port: fc.constantFrom(80, 53, 443),
  targetPort: fc.constantFrom<number | string>(80, 8080, 'http', 'metrics'),
});

export const serviceDocArb = (i: number): fc.Arbitrary<object> =>
  fc
    .record({
      ns: fc.constantFrom(...NAMESPACES),
      addresses: fc.subarray(serviceAddresses(i), { minLength: 1, maxLength: 2 }),
      selector: fc.constantFrom(...SERVICE_SELECTORS),
      ports: fc.uniqueArray(servicePort, { minLength: 1, maxLength: 2, selector: (p) => `${p.protocol}/${p.port}` }),
    })
    .map(({ ns, addresses, selector, ports }) => ({
      apiVersion: 'foldnet.io/v1', kind: 'AnycastService', metadata: { namespace: ns, name: `svc${i}` },
      spec: { addresses, selector, ports },
    }));

export const hostEndpointDocArb = (i: number): fc.Arbitrary<object> =>
  fc
    .record({
      host: fc.constantFrom(...HOSTS),
      iface: fc.constantFrom(...HOST_INTERFACES, '*'),
      labels: LABELS,
      profiles: fc.subarray(['p1', 'p2']),
    })
    .map(({ host, iface, labels, profiles }) => ({
      apiVersion: 'foldnet.io/v1', kind: 'HostEndpoint', metadata: { name: `hep${i}`, labels },
      spec: { host: host.name, interfaceName: iface, expectedIPs: [host.v4], profiles },
    }));

export const felixDocArb: fc.Arbitrary<object> = fc
  .record({
    inbound: fc.option(fc.subarray([{ protocol: 'TCP', port: 22 }, { protocol: 'TCP', port: 80 }, { protocol: 'UDP', port: 53 }]), { nil: undefined }),
    outbound: fc.option(fc.subarray([{ protocol: 'TCP', port: 443 }, { protocol: 'UDP', port: 53 }]), { nil: undefined }),
  })
  .map(({ inbound, outbound }) => ({
    apiVersion: 'foldnet.io/v1', kind: 'FelixConfiguration', metadata: { name: 'default' },
    spec: { ...(inbound ? { failsafeInboundHostPorts: inbound } : {}), ...(outbound ? { failsafeOutboundHostPorts: outbound } : {}) },
  }));

const docsOf = (max: number, arb: (i: number) => fc.Arbitrary<object>): fc.Arbitrary<object[]> =>
  fc.integer({ min: 0, max }).chain((n) => (n === 0 ? fc.constant([] as object[]) : fc.tuple(...Array.from({ length: n }, (_, i) => arb(i))).map((xs) => [...xs])));

/** Services, host endpoints (at most one per host and interface) and maybe a failsafe configuration. */
export const serviceAndHostDocs: fc.Arbitrary<object[]> = fc
  .record({
    services: docsOf(2, serviceDocArb),
    heps: docsOf(3, hostEndpointDocArb),
    felix: fc.option(felixDocArb, { nil: undefined }),
  })
  .map(({ services, heps, felix }) => {
    const seen = new Set<string>();
    const unique = (heps as Array<Record<string, any>>).filter((h) => {
      const k = `${h.spec.host}|${h.spec.interfaceName}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
    return [...(services as object[]), ...unique, ...(felix ? [felix] : [])];
  });
