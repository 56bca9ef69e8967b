// The reference evaluator's vocabulary: the packet it judges and the verdict
// it returns, with the reason for each decision. Only types (and the default
// host interface); the semantics
// live in reference.ts (whole path) and direction.ts (one endpoint, one
// direction). Rendering verdicts for people is explain.ts's job.
import { ServicePortModel } from '../model/types';
import { Ip } from '../net/ip';

export type ConnState = 'new' | 'established' | 'related' | 'invalid';

export interface Packet {
  readonly src: Ip;
  readonly dst: Ip;
  /** IP protocol number (TCP 6, UDP 17, ICMP 1, ICMPv6 58, SCTP 132, UDPLite 136). */
  readonly protocol: number;
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  /** Conntrack's view of the packet; absent means `new`. */
  readonly state?: ConnState;
  /** The interface the packet entered by, when the caller knows it (anti-spoofing). */
  readonly fromInterface?: string;
  /**
   * The host interface by which a packet addressed to a host enters it, or by
   * which a packet a host sends leaves it: picks the host endpoint. Absent
   * means `eth0` (DEFAULT_HOST_INTERFACE).
   */
  readonly hostInterface?: string;
}

export const DEFAULT_HOST_INTERFACE = 'eth0';

export type Direction = 'ingress' | 'egress';
export type EndpointToHostAction = 'Drop' | 'Accept';

export type Decision =
  | {
      readonly kind: 'rule';
      /** Absent for profile rules. */
      readonly tier?: string;
      /** A policy id, or `profile:<name>`. */
      readonly policy: string;
      readonly direction: Direction;
      readonly ruleIndex: number;
      readonly action: 'Allow' | 'Deny';
    }
  | { readonly kind: 'end-of-tier'; readonly tier: string; readonly direction: Direction }
  | { readonly kind: 'profiles-no-match'; readonly direction: Direction; readonly profiles: readonly string[] }
  | { readonly kind: 'no-profiles'; readonly direction: Direction }
  | { readonly kind: 'same-endpoint' }
  | { readonly kind: 'host-to-local-workload' }
  | { readonly kind: 'endpoint-to-host-default'; readonly action: EndpointToHostAction }
  | { readonly kind: 'endpoint-to-host-always-allowed'; readonly what: string }
  | { readonly kind: 'conntrack'; readonly state: ConnState }
  | { readonly kind: 'spoofed'; readonly expected: string; readonly got: string }
  /** A host endpoint's failsafe port (FelixConfiguration failsafeInbound/OutboundHostPorts): no policy can close it. */
  | { readonly kind: 'failsafe'; readonly direction: Direction; readonly protocol: number; readonly port: number }
  /** A host sending to one of its own addresses: the packet never leaves the host. */
  | { readonly kind: 'host-to-itself' }
  /** Addressed to a service address, but no port of the service has the packet's protocol and port. */
  | { readonly kind: 'no-service-port'; readonly service: string }
  /** The service port has no backend of the packet's address family anywhere in the cluster. */
  | { readonly kind: 'no-backends'; readonly service: string };

/** One endpoint's policy in one direction, evaluated on the endpoint's host. */
export interface HopVerdict {
  readonly host: string;
  /** A workload endpoint's key, or `hostendpoint:<name>`. */
  readonly endpoint: string;
  readonly direction: Direction;
  readonly allowed: boolean;
  readonly decision: Decision;
  /** Log rules that matched on the way, in order. */
  readonly logs: readonly string[];
}

export interface Verdict {
  readonly allowed: boolean;
  /** The policy hops evaluated, in path order; evaluation stops at the first that drops. */
  readonly hops: readonly HopVerdict[];
  /** Set when something other than the hops decided (or had the last word, as the endpoint-to-host default). */
  readonly decision?: Decision;
  /** Set when the packet was addressed to a service (port): one outcome per backend it may be translated to. */
  readonly service?: ServiceVerdict;
}

/** One backend a service packet may reach: the packet after translation, and its path from there. */
export interface ServiceOutcome {
  /** The backend's endpoint key. */
  readonly backend: string;
  /** The backend's host. */
  readonly host: string;
  /** The packet after translation: dst = the backend's address, dstPort = the target port. */
  readonly packet: Packet;
  readonly verdict: Verdict;
}

export interface ServiceVerdict {
  /** The service's `ns/name`. */
  readonly key: string;
  /** The service port the packet matched. */
  readonly port: ServicePortModel;
  /** Sorted by backend key; empty when the port has no backend (then the verdict's decision is `no-backends`). */
  readonly outcomes: readonly ServiceOutcome[];
}

export interface EvaluateOptions {
  /** Calico's DefaultEndpointToHostAction, after the workload's egress policy allowed. */
  readonly endpointToHostAction?: EndpointToHostAction;
}
