// Laws of the interpreter's lookups, against direct computations over the
// same elements: interval sets of prefixes, and verdict maps by interface.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { decodeNftDocument } from '../../../compiler/nft/schema';
import { prepareInterpreter, Packet } from '../../../compiler/nft/interpret';
import { Cidr, Ip, bigintToIp, cidrContains, cidrRange, cidrsOverlap, parseCidr } from '../../../compiler/net/ip';
import * as b from '../../../compiler/nft/build';

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.') as Ip);
const cidr4 = fc.tuple(ipv4, fc.integer({ min: 8, max: 32 })).map(([ip, len]) => E.getOrElseW(() => assert.fail('cidr'))(parseCidr(`${ip}/${len}`)) as Cidr);
/** Disjoint prefixes: the kernel refuses overlaps in a named set. */
const disjoint = (cs: ReadonlyArray<Cidr>): Cidr[] => cs.reduce<Cidr[]>((acc, c) => (acc.some((a) => cidrsOverlap(a, c)) ? acc : [...acc, c]), []);
const ifname = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
const packet = (over: Partial<Packet>): Packet => ({ family: 4, saddr: '10.0.0.1', daddr: '10.0.0.2', l4proto: 17, sport: 1, dport: 2, ctState: 'new', ...over });

const interpreterOf = (cmds: Parameters<typeof b.document>[0]) => {
  const doc = decodeNftDocument(b.document(cmds));
  if (E.isLeft(doc)) assert.fail(doc.left.join('\n'));
  const i = prepareInterpreter(doc.right);
  if (E.isLeft(i)) assert.fail(i.left);
  return i.right;
};

describe('interpreter lookups', () => {
  test('an address is in a named interval set exactly when one of its prefixes contains it', () => {
    fc.assert(
      fc.property(fc.array(cidr4, { minLength: 1, maxLength: 12 }).map(disjoint), fc.array(ipv4, { minLength: 1, maxLength: 40 }), (cidrs, addrs) => {
        const i = interpreterOf([b.table(), b.baseChain('fn-in', { type: 'filter', hook: 'input', prio: 0, policy: 'drop' }),
          b.set('fn-s', 'ipv4_addr', cidrs.map(b.cidr), { interval: true }), b.rule('fn-in', [b.matchEq(b.payload('ip', 'saddr'), '@fn-s'), b.accept])]);
        // Probe the edges of every prefix too, where off-by-one errors live.
        const edges = cidrs.flatMap((c) => {
          const { first, last } = cidrRange(c);
          return [first - 1n, first, last, last + 1n].filter((n) => n >= 0n && n < 2n ** 32n).map((n) => bigintToIp(n, 4));
        });
        const probes = [...addrs, ...edges];
        for (const saddr of probes) {
          const got = i.run(packet({ saddr }), 'input');
          assert.deepEqual(E.map((v: { verdict: string }) => v.verdict)(got), E.right(cidrs.some((c) => cidrContains(c, saddr)) ? 'accept' : 'drop'), saddr);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('a verdict map by interface picks the verdict of that name, and falls through for others', () => {
    fc.assert(
      fc.property(fc.uniqueArray(ifname, { minLength: 1, maxLength: 10 }), fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), ifname, (names, accepts, other) => {
        const elems = names.map((n, k) => [n, accepts[k] ? b.accept : b.jump('fn-deny')] as const);
        const i = interpreterOf([b.table(), b.baseChain('fn-in', { type: 'filter', hook: 'input', prio: 0, policy: 'accept' }), b.chain('fn-deny'),
          b.rule('fn-deny', [b.drop], 'denied'), b.verdictMap('fn-m', 'ifname', elems.map(([n, v]) => [n, v])),
          b.rule('fn-in', [b.vmap(b.meta('iifname'), '@fn-m')]), b.rule('fn-in', [b.log('fell through')])]);
        for (const name of [...names, other]) {
          const k = names.indexOf(name);
          const want = k < 0 ? { verdict: 'accept', logs: ['fell through'] } : accepts[k] ? { verdict: 'accept', logs: [] } : { verdict: 'drop', logs: [] };
          const got = E.map((v: { verdict: string; logs: ReadonlyArray<string> }) => ({ verdict: v.verdict, logs: v.logs }))(i.run(packet({ iifname: name }), 'input'));
          assert.deepEqual(got, E.right(want), name);
        }
      }),
      { numRuns: 200 },
    );
  });
});
