// io-ts codecs for the branded network types: decoding validates and normalises.
import * as t from 'io-ts';
import * as E from 'fp-ts/Either';
import { Cidr as CidrT, Ip as IpT, IpPrefix as IpPrefixT, parseCidr, parseIp, parseIpPrefix } from './ip';

const fromParser = <A>(name: string, parse: (s: string) => E.Either<string, A>, is: (u: unknown) => u is A) =>
  new t.Type<A, string, unknown>(
    name,
    is,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, `expected a string (${name})`);
      const r = parse(u);
      return E.isRight(r) ? t.success(r.right) : t.failure(u, c, r.left);
    },
    (a) => a as unknown as string,
  );

const isString = (u: unknown): u is never => typeof u === 'string';
export const Ip = fromParser<IpT>('IP address', parseIp, isString);
export const Cidr = fromParser<CidrT>('CIDR', parseCidr, isString);
export const IpPrefix = fromParser<IpPrefixT>('address with prefix', parseIpPrefix, isString);
