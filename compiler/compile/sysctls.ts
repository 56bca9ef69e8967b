// compileSysctls(state, host): the kernel settings one host needs so that its
// local workloads can use it as their router, as data sorted by key. A
// workload's default route points at a gateway nobody holds (169.254.1.1, as
// in Calico); the host side of its veth answers for it and forwards. Writing
// them (and putting back what it changed) is the applier's job.
//
// Keys are sysctl(8) names: dots separate levels, so a dot inside an interface
// name is written as '/' (net.ipv4.conf.eth0/100.proxy_arp is
// /proc/sys/net/ipv4/conf/eth0.100/proxy_arp).
import { ClusterState } from '../fold/state';
import { byString } from '../model/sort';
import { EndpointModel } from '../model/types';
import { familyOf } from '../net/ip';
import { SysctlModel } from './snapshot';

/** Per workload interface, by the address families the workload has. */
const perInterface = (iface: string, v4: boolean, v6: boolean): SysctlModel[] => {
  const dev = iface.replace(/\./g, '/');
  return [
    ...(v4
      ? [
        // Packets arriving from the workload are routed onward: IPv4 checks the
        // ingress device's flag, not only the global one.
        { key: `net.ipv4.conf.${dev}.forwarding`, value: '1' },
        // The workload ARPs for 169.254.1.1; the host answers with its own MAC
        // because it has a route to that address through another interface
        // (so a host without any such route, e.g. no default route, stays silent).
        { key: `net.ipv4.conf.${dev}.proxy_arp`, value: '1' },
        // Proxy ARP replies are otherwise delayed by up to 0.8 s (80 jiffies):
        // every workload's first packet would wait for it.
        { key: `net.ipv4.neigh.${dev}.proxy_delay`, value: '0' },
      ]
      : []),
    ...(v6
      ? [
        // Makes the host side a router for IPv6: it forwards what the workload
        // sends and flags its neighbour advertisements as a router's.
        { key: `net.ipv6.conf.${dev}.forwarding`, value: '1' },
        // Lets the host answer neighbour solicitations for a gateway address
        // it does not hold (fe80::1 style), once a proxy entry names it; the
        // host side's own link-local address answers without one.
        { key: `net.ipv6.conf.${dev}.proxy_ndp`, value: '1' },
      ]
      : []),
  ];
};

/**
 * `all` and `default` are not interfaces but the global and template entries
 * under net.ipv*.conf: Linux cannot create an interface with those names, and
 * writing them would change every interface on the host.
 */
const RESERVED = new Set(['all', 'default']);

/** Whether the cluster has a service address of `family`. */
export const hasServices = (state: ClusterState, family: 4 | 6): boolean =>
  state.services.some((svc) => svc.addresses.some((a) => familyOf(a) === family));

export const compileSysctls = (state: ClusterState, host: string): SysctlModel[] => sysctlsOf(state, host, state.endpoints.values());

/** compileSysctls from the endpoints to consider (those of other hosts are skipped): a caller with an index passes the host's own. */
export const sysctlsOf = (state: ClusterState, host: string, endpoints: Iterable<EndpointModel>): SysctlModel[] => {
  const families = new Map<string, { v4: boolean; v6: boolean }>();
  for (const ep of endpoints) {
    if (ep.host !== host || RESERVED.has(ep.interfaceName)) continue;
    const f = families.get(ep.interfaceName) ?? { v4: false, v6: false };
    families.set(ep.interfaceName, {
      v4: f.v4 || ep.ips.some((ip) => familyOf(ip) === 4),
      v6: f.v6 || ep.ips.some((ip) => familyOf(ip) === 6),
    });
  }
  const all = [...families.values()];
  const out: SysctlModel[] = [
    ...[...families.entries()].flatMap(([iface, f]) => perInterface(iface, f.v4, f.v6)),
    // Host-wide forwarding, per family and only when a local workload has that
    // family: net.ipv6.conf.all.forwarding=1 makes every interface a router,
    // which stops the host accepting router advertisements on its uplinks —
    // not something to do to an IPv4-only host. (Writing net.ipv4.ip_forward
    // also rewrites every interface's forwarding flag; all are 1 here.)
    ...(all.some((f) => f.v4) ? [{ key: 'net.ipv4.ip_forward', value: '1' }] : []),
    ...(all.some((f) => f.v6) ? [{ key: 'net.ipv6.conf.all.forwarding', value: '1' }] : []),
    // With anycast services, a multipath route leads to every host announcing
    // one: hashing on ports too (policy 1) spreads one client's connections
    // across them, not only different clients.
    ...(all.some((f) => f.v4) && hasServices(state, 4) ? [{ key: 'net.ipv4.fib_multipath_hash_policy', value: '1' }] : []),
    ...(all.some((f) => f.v6) && hasServices(state, 6) ? [{ key: 'net.ipv6.fib_multipath_hash_policy', value: '1' }] : []),
  ];
  return out.sort((a, b) => byString(a.key, b.key));
};
