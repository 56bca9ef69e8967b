// One address, written bare ("10.96.0.10") or as a host prefix
// ("10.96.0.10/32", "fd00:96::10/128"), decoded to the bare canonical Ip.
// Any other prefix length names a network, not an address, and is refused:
// a service or host address of "10.96.0.0/24" is a mistake, never a range.
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { cidrAddress, cidrLength, familyOf, Ip, maxPrefix, parseIp, parseIpPrefix } from '../net/ip';
import { show } from './primitives';


export const parseHostAddress = (s: string): E.Either<string, Ip> => {
  if (!s.includes('/')) return parseIp(s);
  const p = parseIpPrefix(s);
  if (E.isLeft(p)) return E.left(`expected an IP address (bare, /32 or /128), got ${show(s)}`);
  const f = familyOf(p.right);
  return cidrLength(p.right) === maxPrefix(f)
    ? E.right(cidrAddress(p.right))
    : E.left(`expected a single address (/${maxPrefix(f)} for IPv${f}), got ${show(s)}`);
};

export const HostAddress = new t.Type<Ip, string, unknown>(
  'IP address',
  (u): u is Ip => typeof u === 'string' && E.isRight(parseIp(u)),
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, `expected an IP address (string), got ${show(u)}`);
    const r = parseHostAddress(u);
    return E.isRight(r) ? t.success(r.right) : t.failure(u, c, r.left);
  },
  (a) => a,
);
