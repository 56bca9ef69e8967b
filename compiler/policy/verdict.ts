// The reference evaluator's vocabulary: the packet it judges and the verdict
// it returns, with the reason for each decision. Only types; the semantics
// live in reference.ts (whole path) and direction.ts (one endpoint, one
// direction). Rendering verdicts for people is explain.ts's job.
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
}

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
  | { readonly kind: 'spoofed'; readonly expected: string; readonly got: string };

/** One endpoint's policy in one direction, evaluated on the endpoint's host. */
export interface HopVerdict {
  readonly host: string;
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
}

export interface EvaluateOptions {
  /** Calico's DefaultEndpointToHostAction, after the workload's egress policy allowed. */
  readonly endpointToHostAction?: EndpointToHostAction;
}
