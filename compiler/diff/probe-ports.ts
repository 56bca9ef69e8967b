// Which (protocol, port) pairs a what-if should probe: the ones the rules of
// changed policies and profiles name (before and after the change), or — when
// the change names none, e.g. it only moves an endpoint — the ones every
// policy and profile in either state names. From each rule: its protocol, and
// its destination ports and notPorts (a number; both ends of a range; a named
// port as the numbers endpoints give that name). A port-bearing protocol with
// no port named is probed on port 80; a rule with no protocol at all (it
// matches every protocol) is probed as TCP when nothing else names TCP. ICMP
// and ICMPv6 are probed with an echo request. The caller builds the packets.
import type { ClusterState } from '../fold/state';
import type { PolicyModel, ProfileModel } from '../model/types';
import { protocolNumber } from '../resources/primitives';
import type { Rule } from '../resources/rule';

export interface ProbePort {
  /** IP protocol number. */
  readonly protocol: number;
  /** Destination port, for TCP, UDP, SCTP and UDPLite. */
  readonly port?: number;
}

const PORTED = new Set([6, 17, 132, 136]);
const TCP = 6;
export const DEFAULT_PROBE_PORT = 80;

type Ruled = PolicyModel | ProfileModel;

const rulesOf = (x: Ruled): readonly Rule[] => [...(x.ingress ?? []), ...(x.egress ?? [])];

const namedPortNumbers = (states: readonly ClusterState[], name: string, protocol: number): number[] =>
  states.flatMap((s) => [...s.endpoints.values()].flatMap((ep) => ep.ports.filter((p) => p.name === name && p.protocol === protocol).map((p) => p.port)));

const portsOfRules = (rules: readonly Rule[], states: readonly ClusterState[]): { probes: ProbePort[]; anyProtocol: boolean } => {
  const probes: ProbePort[] = [];
  let anyProtocol = false;
  for (const rule of rules) {
    if (rule.protocol === undefined) {
      anyProtocol = true;
      continue;
    }
    const protocol = protocolNumber(rule.protocol);
    if (!PORTED.has(protocol)) {
      probes.push({ protocol });
      continue;
    }
    const specs = [...(rule.destination?.ports ?? []), ...(rule.destination?.notPorts ?? [])];
    if (specs.length === 0) probes.push({ protocol, port: DEFAULT_PROBE_PORT });
    for (const spec of specs) {
      if (spec.kind === 'number') probes.push({ protocol, port: spec.port });
      else if (spec.kind === 'range') probes.push({ protocol, port: spec.from }, { protocol, port: spec.to });
      else for (const port of namedPortNumbers(states, spec.name, protocol)) probes.push({ protocol, port });
    }
  }
  return { probes, anyProtocol };
};

const changed = <V>(a: { get(k: string): V | undefined; keys(): Iterable<string> }, b: { get(k: string): V | undefined; keys(): Iterable<string> }): V[] => {
  const out: V[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(k);
    const y = b.get(k);
    // The fold keeps untouched models as the same objects, so identity tells what changed.
    if (x === y) continue;
    if (x !== undefined) out.push(x);
    if (y !== undefined) out.push(y);
  }
  return out;
};

const sortedUnique = (probes: readonly ProbePort[]): ProbePort[] => {
  const seen = new Map<string, ProbePort>();
  for (const p of probes) seen.set(`${p.protocol}/${p.port ?? ''}`, p);
  return [...seen.values()].sort((a, b) => a.protocol - b.protocol || (a.port ?? 0) - (b.port ?? 0));
};

const probesFrom = (ruled: readonly Ruled[], states: readonly ClusterState[]): ProbePort[] => {
  const { probes, anyProtocol } = portsOfRules(ruled.flatMap(rulesOf), states);
  if (anyProtocol && !probes.some((p) => p.protocol === TCP)) probes.push({ protocol: TCP, port: DEFAULT_PROBE_PORT });
  return sortedUnique(probes);
};

/** The probes for a change from `before` to `after`, and whether they came from the change itself. */
export const probePorts = (before: ClusterState, after: ClusterState): { readonly probes: ProbePort[]; readonly fromChange: boolean } => {
  const states = [before, after];
  const touched: Ruled[] = [...changed<Ruled>(before.policies, after.policies), ...changed<Ruled>(before.profiles, after.profiles)];
  const own = probesFrom(touched, states);
  if (own.length > 0) return { probes: own, fromChange: true };
  const all: Ruled[] = [...before.policies.values(), ...after.policies.values(), ...before.profiles.values(), ...after.profiles.values()];
  return { probes: probesFrom(all, states), fromChange: false };
};
