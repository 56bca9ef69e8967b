// Policy and profile rules, with Calico v3's field names. Decoding checks the
// combinations Calico refuses too (ports without a port-bearing protocol,
// ICMP fields without an ICMP protocol, nets of the wrong family), because a
// rule that cannot mean what it says must not reach the datapath.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { Cidr } from '../net/codecs';
import { familyOf } from '../net/ip';
import { SelectorText } from '../selector';
import { closed } from './closed';
import { FAIL, quickDecoder, withQuick } from './quick-decode';
import { IntInRange, listOf, oneOf, PortSpec, Protocol } from './primitives';

export const Action = oneOf('action', ['Allow', 'Deny', 'Log', 'Pass'] as const);
export type Action = t.TypeOf<typeof Action>;

export const EntityRule = closed('source/destination', {}, {
  nets: listOf(Cidr, 'CIDRs'),
  notNets: listOf(Cidr, 'CIDRs'),
  selector: SelectorText,
  notSelector: SelectorText,
  namespaceSelector: SelectorText,
  ports: listOf(PortSpec, 'ports'),
  notPorts: listOf(PortSpec, 'ports'),
});
export type EntityRule = t.TypeOf<typeof EntityRule>;

export const IcmpMatch = closed('icmp', {}, { type: IntInRange('ICMP type', 0, 255), code: IntInRange('ICMP code', 0, 255) });
export type IcmpMatch = t.TypeOf<typeof IcmpMatch>;

const RuleFields = closed('rule', { action: Action }, {
  protocol: Protocol,
  notProtocol: Protocol,
  icmp: IcmpMatch,
  notICMP: IcmpMatch,
  ipVersion: t.union([t.literal(4), t.literal(6)]),
  source: EntityRule,
  destination: EntityRule,
  metadata: closed('rule metadata', {}, { annotations: t.record(t.string, t.string) }),
});
export type Rule = t.TypeOf<typeof RuleFields>;

const PORT_PROTOCOLS = new Set<unknown>(['TCP', 'UDP', 'SCTP', 'UDPLite', 6, 17, 132, 136]);

/** Problems with a decoded rule's field combinations, each with its field name. */
const ruleProblems = (r: Rule): Array<[string, string]> => {
  const out: Array<[string, string]> = [];
  for (const side of ['source', 'destination'] as const) {
    const e = r[side];
    if (!e) continue;
    if ((e.ports?.length || e.notPorts?.length) && !PORT_PROTOCOLS.has(r.protocol))
      out.push([`${side}.ports`, 'ports need protocol TCP, UDP, SCTP or UDPLite']);
    // A named port is a set of (address, port) pairs; its negation is not one nft match, so foldnet refuses it.
    if (e.notPorts?.some((p) => p.kind === 'name')) out.push([`${side}.notPorts`, 'named ports are not supported in notPorts; list numbers or ranges']);
    for (const field of ['nets', 'notNets'] as const)
      for (const net of e[field] ?? [])
        if (r.ipVersion !== undefined && familyOf(net) !== r.ipVersion)
          out.push([`${side}.${field}`, `${net} is not IPv${r.ipVersion} but the rule has ipVersion ${r.ipVersion}`]);
  }
  for (const field of ['icmp', 'notICMP'] as const) {
    const m = r[field];
    if (!m) continue;
    if (r.protocol !== 'ICMP' && r.protocol !== 'ICMPv6' && r.protocol !== 1 && r.protocol !== 58)
      out.push([field, 'ICMP type/code need protocol ICMP or ICMPv6']);
    if (m.code !== undefined && m.type === undefined) out.push([`${field}.code`, 'an ICMP code needs an ICMP type']);
  }
  if ((r.protocol === 'ICMP' && r.ipVersion === 6) || (r.protocol === 'ICMPv6' && r.ipVersion === 4))
    out.push(['ipVersion', `protocol ${r.protocol} does not exist in IPv${r.ipVersion}`]);
  return out;
};

const ruleFieldsQuick = quickDecoder(RuleFields);

export const Rule = withQuick(new t.Type<Rule, unknown, unknown>(
  'rule',
  RuleFields.is,
  (u, c) => {
    const r = RuleFields.validate(u, c);
    if (isLeft(r)) return r;
    const problems = ruleProblems(r.right);
    if (problems.length === 0) return r;
    return t.failures(
      problems.map(([path, message]) => {
        const ctx = [...c];
        for (const key of path.split('.')) ctx.push({ key, type: t.unknown, actual: undefined });
        return { value: u, context: ctx, message };
      }),
    );
  },
  (a) => a,
), (u) => {
  const r = ruleFieldsQuick(u);
  return r === FAIL || ruleProblems(r as Rule).length > 0 ? FAIL : r;
});

export const Rules = listOf(Rule, 'rules');
