// Local checks of the load-spreading DNAT forms: a `dnat` statement's address
// has its family and a port mapping follows a transport match, as nft 1.0.6
// demands ("transport protocol mapping is only valid after transport protocol
// match"); a numgen vmap's keys lie in the range numgen yields. Whether a
// dnat sits under a nat base chain on prerouting or output depends on other
// chains and is the fold's question (ruleset.ts, placement.ts).
import * as E from 'fp-ts/Either';
import type { NftDnat, NftElem, NftNumgen, NftStatement } from './schema';
import type { Interval } from './datatype';
import { parseElem, parseValue } from './datatype';

const PORTED = new Set([6n, 17n, 132n]);
const PORTED_PAYLOADS = new Set(['tcp', 'udp', 'sctp']);

/**
 * Whether `s` makes nft know the transport protocol is tcp, udp or sctp. nft
 * also accepts other protocols (icmp); foldnet maps ports only where packets
 * have ports.
 */
const settlesPortedTransport = (s: NftStatement): boolean => {
  if (!('match' in s)) return false;
  const { left, op, right } = s.match;
  if ('payload' in left) return PORTED_PAYLOADS.has(left.payload.protocol);
  if (!('meta' in left) || left.meta.key !== 'l4proto' || (op !== '==' && op !== 'in')) return false;
  if (typeof right === 'string' && right.startsWith('@')) return false;
  if (Array.isArray(right)) return false;
  const values: ReadonlyArray<NftElem> = typeof right === 'object' && 'set' in right ? right.set : [right as NftElem];
  return values.length > 0 && values.every((v) => {
    const iv = parseElem('inet_proto', v);
    if (E.isLeft(iv)) return false;
    for (let n = iv.right.lo; n <= iv.right.hi; n++) if (!PORTED.has(n)) return false;
    return true;
  });
};

/** `before` are the statements ahead of the dnat in its rule. */
export const checkDnat = (d: NftDnat, before: ReadonlyArray<NftStatement>, path: string): string[] => {
  const problems: string[] = [];
  const addr = parseValue(d.family === 'ip' ? 'ipv4_addr' : 'ipv6_addr', d.addr);
  if (E.isLeft(addr)) problems.push(`${path}.addr: ${addr.left} (dnat ${d.family})`);
  if (d.port !== undefined) {
    if (d.port < 1 || d.port > 65535) problems.push(`${path}.port: expected a port 1-65535, got ${d.port}`);
    else if (!before.some(settlesPortedTransport))
      problems.push(`${path}.port: a port mapping needs an earlier tcp, udp or sctp match in the rule (e.g. meta l4proto 6); nft refuses it otherwise`);
  }
  return problems;
};

/** nft accepts keys numgen never yields; they are dead, so refused here. */
export const checkNumgenKeys = (n: NftNumgen, keys: ReadonlyArray<Interval>, path: string): string[] => {
  const offset = n.offset ?? 0;
  if (n.mod < 1) return [`${path}.key.numgen.mod: expected a modulus of at least 1 (nft: Numerical result out of range)`];
  const last = offset + n.mod - 1;
  if (last > 0xffffffff) return [`${path}.key.numgen: offset ${offset} + mod ${n.mod} overflows 32 bits`];
  return keys.flatMap((k, i) =>
    k.lo < BigInt(offset) || k.hi > BigInt(last)
      ? [`${path}.data.set[${i}][0]: numgen random mod ${n.mod} offset ${offset} yields ${offset}-${last}; this key can never match`]
      : []);
};
