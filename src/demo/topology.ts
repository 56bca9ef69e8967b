// The demo cluster's layout, read off the folded cluster state: one network
// namespace per host (named fnh1-<run>, fnh2-<run>, … in host-name order)
// holding the host's BGP address on a shared link, and one namespace per
// workload endpoint (fnw<name>-<run>) joined to its host by a veth pair named
// as the endpoint's interfaceName on the host side and eth0 inside. Building
// it in the kernel is network.ts's job.
import type { ClusterState } from '../../compiler/fold/state';
import type { Ip, IpPrefix } from '../../compiler/net/ip';

export interface DemoHost {
  readonly name: string;
  readonly netns: string;
  /** The host's BGP address with its prefix length, put on the host link. */
  readonly address: IpPrefix;
}

export interface DemoWorkload {
  /** `namespace/name`, as foldnet names endpoints. */
  readonly key: string;
  readonly name: string;
  readonly host: string;
  readonly netns: string;
  /** The host side of the veth pair (the endpoint's interfaceName), inside the host's namespace. */
  readonly hostInterface: string;
  readonly ips: readonly Ip[];
}

export interface DemoTopology {
  readonly runId: string;
  readonly hosts: readonly DemoHost[];
  readonly workloads: readonly DemoWorkload[];
}

/** The veth joining the hosts has this name in every host namespace. */
export const HOST_LINK = 'uplink';
/** An interface carrying each host's default route (see network.ts). */
export const UPSTREAM = 'upstream0';
/** The workloads' gateway, answered by proxy ARP on the host side of their veth (Calico's choice). */
export const WORKLOAD_GATEWAY = '169.254.1.1';

const safe = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 6) || 'x';

export function demoTopology(state: ClusterState, runId: string): DemoTopology {
  const hostNames = [...state.hosts.keys()].sort();
  const hosts = hostNames.map((name, i): DemoHost => {
    const h = state.hosts.get(name)!;
    if (h.ipv4 === undefined) throw new Error(`host ${name} has no IPv4 BGP address; the demo network is IPv4`);
    return { name, netns: `fnh${i + 1}-${runId}`, address: h.ipv4 };
  });
  const workloads = [...state.endpoints.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((e): DemoWorkload => {
      if (!hostNames.includes(e.host)) throw new Error(`endpoint ${e.key} is on unknown host ${e.host}`);
      return { key: e.key, name: e.name, host: e.host, netns: `fnw${safe(e.name)}-${runId}`, hostInterface: e.interfaceName, ips: e.ips };
    });
  const seen = new Set<string>();
  for (const w of workloads) {
    if (seen.has(w.netns)) throw new Error(`two endpoints map to namespace ${w.netns}; rename one`);
    seen.add(w.netns);
  }
  return { runId, hosts, workloads };
}

export const hostOf = (topo: DemoTopology, name: string): DemoHost => {
  const h = topo.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no host ${name} in the demo`);
  return h;
};

export const workloadOf = (topo: DemoTopology, keyOrName: string): DemoWorkload => {
  const w = topo.workloads.find((x) => x.key === keyOrName || x.name === keyOrName);
  if (!w) throw new Error(`no workload ${keyOrName} in the demo`);
  return w;
};
