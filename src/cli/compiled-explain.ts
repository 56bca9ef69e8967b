// A compiled-engine verdict in words, one line per hop (and, for a packet to
// an anycast service, per backend it can reach, its hops indented under it),
// for `trace` and the incident commands. The reference engine's words are
// compiler/policy/explain.ts's.
import type { CompiledHop, CompiledVerdict } from '../../compiler/trace/compiled-engine';

const ROUTE_WORDS: Partial<Record<CompiledVerdict['route'], string>> = {
  'same-endpoint': 'same endpoint: the packet never leaves the workload',
  'host-to-local-workload': 'from a host to its own workload: always allowed',
  'host-to-itself': 'from a host to its own address: the packet never leaves the host',
  'no-service-port': 'addressed to a service, on no port of it: dropped',
  'no-backends': 'addressed to a service port with no backend of this address family: dropped',
};

const hopLine = (h: CompiledHop): string =>
  `host ${h.host} ${h.hook} ${h.iifname ?? 'local'} → ${h.oifname ?? 'local'}: ${h.allowed ? 'accept' : 'drop'} — decided by "${h.decidedBy}"`;

/** The lines explaining `v`; `detail` adds each hop's chain path and logs. */
export const explainCompiled = (v: CompiledVerdict, detail = false): string[] => {
  const lines: string[] = [];
  const words = ROUTE_WORDS[v.route];
  if (words !== undefined) lines.push(words);
  else if (v.route === 'hops' && v.hops.length === 0) lines.push('neither address belongs to an endpoint or a policed host: foldnet does not police it');
  for (const h of v.hops) lines.push(hopLine(h), ...(detail ? [`  chains: ${h.path.join(' → ')}`, ...h.logs.map((l) => `  log: ${l}`)] : []));
  for (const o of v.service?.outcomes ?? []) {
    lines.push(`service ${v.service!.key} → backend ${o.backend} on ${o.host} (${o.packet.dst}${o.packet.dstPort !== undefined ? ` port ${o.packet.dstPort}` : ''}): ${o.verdict.allowed ? 'ALLOWED' : 'DENIED'}`);
    lines.push(...explainCompiled(o.verdict, detail).map((l) => `  ${l}`));
  }
  return lines;
};
