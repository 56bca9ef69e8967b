// HostSnapshot: everything one host's kernel needs, as data. The applier makes
// the kernel equal to it; the hash names it (replays compare hashes).
import { Cidr } from '../net/ip';

/** foldnet's route protocol number (rtproto): marks the routes it owns. Unassigned in /etc/iproute2/rt_protos. */
export const FOLDNET_RTPROTO = 88;

export interface RouteModel {
  readonly dst: Cidr;
  readonly type: 'unicast' | 'blackhole';
  /** Interface, for unicast routes to local workloads. */
  readonly dev?: string;
  readonly scope: 'link' | 'global';
  readonly protocol: number;
}

export interface SysctlModel {
  /** Dotted sysctl key, e.g. net.ipv4.conf.cali1234.proxy_arp. */
  readonly key: string;
  readonly value: string;
}

export interface HostSnapshot {
  readonly host: string;
  /** The log offset this snapshot was compiled at (number of events folded). */
  readonly offset: number;
  readonly routes: readonly RouteModel[];
  /** A complete libnftables JSON document for table `inet foldnet`. */
  readonly nftables: { readonly nftables: readonly unknown[] };
  readonly bird: string;
  readonly sysctls: readonly SysctlModel[];
}
