// Which ordered endpoint pairs change reachability between two states, on
// given probes — the second half of a what-if. Pairs are judged as
// `foldnet reachability` judges them (an endpoint reaches itself; a pair uses
// its first shared address family, IPv4 first; ported protocols go from
// source port 40000 to the probe's port, 80 when it names none; ICMP sends an
// echo request), but only pairs with an end in `only` (see
// affected-endpoints.ts) are judged: the rest cannot have changed. Which
// engine judges is the caller's choice, passed in as a verdict function.
import type { ClusterState } from '../fold/state';
import type { EndpointModel } from '../model/types';
import { familyOf, type Ip } from '../net/ip';
import type { Packet } from '../policy/verdict';
import type { ProbePort } from './probe-ports';

export type Reach = 'allowed' | 'denied' | 'absent';

export interface ReachabilityChange {
  readonly protocol: number;
  readonly port?: number;
  readonly from: string;
  readonly to: string;
  readonly before: Reach;
  readonly after: Reach;
}

/** A verdict function for one state (the caller may prepare per-state work, as the compiled engine does). */
export type VerdictFor = (state: ClusterState) => (packet: Packet) => boolean;

const PORTED = new Set([6, 17, 132, 136]);
const SOURCE_PORT = 40000;

const probePacket = (src: Ip, dst: Ip, p: ProbePort): Packet => ({
  src,
  dst,
  protocol: p.protocol,
  ...(PORTED.has(p.protocol) ? { srcPort: SOURCE_PORT, dstPort: p.port ?? 80 } : {}),
  ...(p.protocol === 1 ? { icmpType: 8, icmpCode: 0 } : p.protocol === 58 ? { icmpType: 128, icmpCode: 0 } : {}),
});

const reach = (state: ClusterState, verdict: (p: Packet) => boolean, a: string, b: string, p: ProbePort): Reach => {
  const from: EndpointModel | undefined = state.endpoints.get(a);
  const to: EndpointModel | undefined = state.endpoints.get(b);
  if (from === undefined || to === undefined || from.ips.length === 0 || to.ips.length === 0) return 'absent';
  if (a === b) return 'allowed';
  const src = from.ips.find((ip) => to.ips.some((x) => familyOf(x) === familyOf(ip)));
  const dst = src === undefined ? undefined : to.ips.find((x) => familyOf(x) === familyOf(src));
  if (src === undefined || dst === undefined) return 'denied';
  return verdict(probePacket(src, dst, p)) ? 'allowed' : 'denied';
};

export const reachabilityChanges = (
  before: ClusterState,
  after: ClusterState,
  probes: readonly ProbePort[],
  verdictFor: VerdictFor,
  only?: ReadonlySet<string>,
): ReachabilityChange[] => {
  const v0 = verdictFor(before);
  const v1 = verdictFor(after);
  const keys = [...new Set([...before.endpoints.keys(), ...after.endpoints.keys()])].sort();
  const out: ReachabilityChange[] = [];
  for (const p of probes)
    for (const a of keys)
      for (const b of keys) {
        if (a === b || (only !== undefined && !only.has(a) && !only.has(b))) continue;
        const was = reach(before, v0, a, b, p);
        const now = reach(after, v1, a, b, p);
        if (was !== now) out.push({ protocol: p.protocol, ...(p.port === undefined ? {} : { port: p.port }), from: a, to: b, before: was, after: now });
      }
  return out;
};
