// The table `get` prints for each kind: NAME (and NAMESPACE with -A), the
// columns that say what a resource is at a glance — for endpoints and pods
// HOST, INTERFACE, IPS; for hosts the BGP addresses; for policies TIER,
// ORDER, SELECTOR — and OFFSET, the event that last put it (the log's
// notion of age). Values come from the folded model, so defaults show.
import type { ClusterState } from '../../compiler/fold/state';
import type { KindId } from '../../compiler/resources/kinds';
import type { Entry } from './get-entries';
import { NONE } from './format-output';

type Column = readonly [header: string, cell: (state: ClusterState, e: Entry) => string | number | undefined];

const endpointOf = (s: ClusterState, e: Entry) => s.endpoints.get(e.key);
const policyOf = (s: ClusterState, e: Entry) => {
  switch (e.info.id) {
    case 'K8sNetworkPolicy':
      return s.policies.get(`NetworkPolicy:${e.namespace}/knp.default.${e.name}`);
    case 'GlobalNetworkPolicy':
      return s.policies.get(`GlobalNetworkPolicy:${e.key}`);
    default:
      return s.policies.get(`NetworkPolicy:${e.key}`);
  }
};

const ENDPOINT: Column[] = [
  ['HOST', (s, e) => endpointOf(s, e)?.host || undefined],
  ['INTERFACE', (s, e) => endpointOf(s, e)?.interfaceName],
  ['IPS', (s, e) => endpointOf(s, e)?.ips.join(',') || undefined],
];
const POLICY: Column[] = [
  ['TIER', (s, e) => policyOf(s, e)?.tier],
  ['ORDER', (s, e) => policyOf(s, e)?.order],
  ['SELECTOR', (s, e) => policyOf(s, e)?.selector],
];

const COLUMNS: Partial<Record<KindId, Column[]>> = {
  WorkloadEndpoint: ENDPOINT,
  Pod: ENDPOINT,
  Host: [
    ['IPV4 ADDRESS', (s, e) => s.hosts.get(e.key)?.ipv4],
    ['IPV6 ADDRESS', (s, e) => s.hosts.get(e.key)?.ipv6],
    ['ASN', (s, e) => s.hosts.get(e.key)?.asNumber ?? s.bgpConfig.asNumber],
  ],
  IPPool: [
    ['CIDR', (s, e) => s.pools.get(e.key)?.cidr],
    ['BLOCK SIZE', (s, e) => s.pools.get(e.key)?.blockSize],
  ],
  Tier: [['ORDER', (s, e) => s.tiers.get(e.key)?.order]],
  NetworkPolicy: POLICY,
  GlobalNetworkPolicy: POLICY,
  K8sNetworkPolicy: POLICY,
  BGPPeer: [
    ['PEER IP', (s, e) => s.bgpPeers.get(e.key)?.peerIP],
    ['ASN', (s, e) => s.bgpPeers.get(e.key)?.asNumber],
    ['NODE', (s, e) => s.bgpPeers.get(e.key)?.node ?? '(all)'],
  ],
};

export function entriesTable(state: ClusterState, entries: readonly Entry[], withNamespace: boolean): { header: string[]; rows: string[][] } {
  const info = entries[0]?.info;
  const columns: Column[] = [
    ...(withNamespace ? [['NAMESPACE', (_s: ClusterState, e: Entry) => e.namespace] as Column] : []),
    ['NAME', (_s, e) => e.name],
    ...((info && COLUMNS[info.id]) ?? []),
    ['OFFSET', (_s, e) => (e.offset < 0 ? undefined : e.offset)],
  ];
  return {
    header: columns.map((c) => c[0]),
    rows: entries.map((e) => columns.map(([, cell]) => {
      const v = cell(state, e);
      return v === undefined || v === '' ? NONE : String(v);
    })),
  };
}
