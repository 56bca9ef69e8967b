// Test helper: packets for the reference evaluator, written as briefly as a
// tcpdump line. Addresses are parsed (and so canonicalised) or the test throws.
import * as E from 'fp-ts/Either';
import { Ip, parseIp } from '../../../compiler/net/ip';
import { Packet } from '../../../compiler/policy/reference';

export const ip = (s: string): Ip => {
  const r = parseIp(s);
  if (E.isLeft(r)) throw new Error(r.left);
  return r.right;
};

type Extra = Partial<Omit<Packet, 'src' | 'dst' | 'protocol'>>;

export const TCP = 6;
export const UDP = 17;
export const ICMP = 1;
export const ICMPV6 = 58;
export const SCTP = 132;

export const tcp = (src: string, dst: string, dstPort: number, extra: Extra = {}): Packet => ({
  src: ip(src), dst: ip(dst), protocol: TCP, srcPort: 40000, dstPort, ...extra,
});
export const udp = (src: string, dst: string, dstPort: number, extra: Extra = {}): Packet => ({
  src: ip(src), dst: ip(dst), protocol: UDP, srcPort: 40000, dstPort, ...extra,
});
export const sctp = (src: string, dst: string, dstPort: number, extra: Extra = {}): Packet => ({
  src: ip(src), dst: ip(dst), protocol: SCTP, srcPort: 40000, dstPort, ...extra,
});
export const icmp = (src: string, dst: string, icmpType: number, icmpCode = 0, extra: Extra = {}): Packet => ({
  src: ip(src), dst: ip(dst), protocol: src.includes(':') ? ICMPV6 : ICMP, icmpType, icmpCode, ...extra,
});
