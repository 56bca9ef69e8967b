// IPAM's part of the cluster state, after Calico's IPAM: pools are cut into
// fixed-size blocks; a block is affine to the host that claimed it (so BGP
// carries one route per block, not one per workload); each address handed
// out is an allocation naming its block and endpoint. The fold keeps these
// in ClusterState; the decisions are made in assign.ts and release.ts.
import { Cidr, Family, Ip } from '../net/ip';

export interface BlockModel {
  readonly cidr: Cidr;
  /** The pool the block was cut from. */
  readonly pool: string;
  /**
   * The host the block is affine to. Absent once that host was removed while
   * addresses in the block were still held: such a block only lends
   * addresses and disappears with its last allocation.
   */
  readonly host?: string;
  /** Addresses IPAM has handed out from it (explicit `ipNetworks` inside it do not count). */
  readonly used: number;
  /**
   * One character per address of the block, in order: '1' handed out by
   * IPAM, '0' not (it may still be some endpoint's explicit address).
   */
  readonly allocated: string;
}

export interface AllocationModel {
  readonly ip: Ip;
  readonly block: Cidr;
  /** The endpoint holding it (`namespace/name`). */
  readonly endpoint: string;
}

/** What an endpoint without `ipNetworks` asks IPAM for (from its annotations). */
export interface IpamRequest {
  /** One address of each; absent: each family that has a usable pool (or that the endpoint already holds). */
  readonly families?: readonly Family[];
  /** Only blocks of these pools; absent: every enabled pool. */
  readonly pools?: readonly string[];
}

/** Endpoint annotations that shape the request (Calico uses `cni.projectcalico.org/ipv4pools` for the same idea). */
export const IP_FAMILIES_ANNOTATION = 'foldnet.io/ipFamilies';
export const IP_POOLS_ANNOTATION = 'foldnet.io/ipPools';
