// Renders the reference evaluator's verdicts as short English lines, for
// traces, test failures and `foldnet why`. Pure text; deciding is elsewhere.
import { ServicePortModel } from '../model/types';
import { Decision, HopVerdict, ServiceOutcome, Verdict } from './verdict';
import { portedProtocolName } from '../resources/primitives';

const protocolName = (p: number): string => portedProtocolName(p) ?? `protocol ${p}`;

export const explainDecision = (d: Decision): string => {
  switch (d.kind) {
    case 'rule':
      return `${d.direction} rule ${d.ruleIndex} of ${d.policy}${d.tier !== undefined ? ` (tier ${d.tier})` : ''}: ${d.action}`;
    case 'end-of-tier':
      return `${d.direction}: policies of tier ${d.tier} applied but none decided: drop at end of tier`;
    case 'profiles-no-match':
      return `${d.direction}: no rule of profiles ${d.profiles.join(', ')} matched: drop`;
    case 'no-profiles':
      return `${d.direction}: no policy applies and the endpoint has no profile: drop`;
    case 'same-endpoint':
      return 'source and destination are the same endpoint: the packet never leaves the workload: allowed';
    case 'host-to-local-workload':
      return 'a host always reaches its own workloads: allowed';
    case 'host-to-itself':
      return 'a host sending to its own address: the packet never leaves the host: allowed';
    case 'endpoint-to-host-default':
      return `workload to its own host: egress allowed, then the endpoint-to-host default: ${d.action}`;
    case 'endpoint-to-host-always-allowed':
      return `workload to its own host: ${d.what} is always allowed`;
    case 'conntrack':
      return d.state === 'invalid' ? 'conntrack state invalid: drop' : `conntrack state ${d.state}: reply of an allowed connection: allowed`;
    case 'spoofed':
      return `spoofed: came in by ${d.got}, expected ${d.expected}: drop`;
    case 'failsafe':
      return `${d.direction}: ${protocolName(d.protocol)} port ${d.port} is a failsafe ${d.direction === 'ingress' ? 'inbound' : 'outbound'} host port: allowed`;
    case 'no-service-port':
      return `addressed to service ${d.service}, which has no such port: drop`;
    case 'no-backends':
      return `service ${d.service} has no backend for this port and address family: drop`;
  }
};

export const explainHop = (h: HopVerdict): string =>
  `${h.direction} of ${h.endpoint} on ${h.host || '(no host)'}: ${h.allowed ? 'allowed' : 'dropped'} by ${explainDecision(h.decision)}` +
  (h.logs.length > 0 ? ` [logged: ${h.logs.join('; ')}]` : '');

const explainPort = (p: ServicePortModel): string =>
  `${protocolName(p.protocol)} ${p.port}${p.name !== undefined ? ` (${p.name})` : ''}`;

/** The path after translation, indented under its outcome line. */
const explainOutcome = (o: ServiceOutcome): string[] => [
  `to backend ${o.backend} on ${o.host} (${o.packet.dst} port ${o.packet.dstPort ?? '-'}): ${o.verdict.allowed ? 'allowed' : 'dropped'}`,
  ...explainPath(o.verdict).map((line) => `  ${line}`),
];

const explainPath = (v: Verdict): string[] => [
  ...v.hops.map(explainHop),
  ...(v.decision !== undefined ? [explainDecision(v.decision)] : []),
  ...(v.service !== undefined ? [`service ${v.service.key} port ${explainPort(v.service.port)}:`, ...v.service.outcomes.flatMap(explainOutcome)] : []),
  ...(v.hops.length === 0 && v.decision === undefined && v.service === undefined
    ? ['neither address belongs to an endpoint: foldnet does not police it']
    : []),
];

export const explainVerdict = (v: Verdict): string[] => [`${v.allowed ? 'ALLOWED' : 'DROPPED'}`, ...explainPath(v)];
