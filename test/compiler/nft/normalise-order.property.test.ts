// The normaliser takes element lists that are already in order as they are
// (the compiler emits them sorted, nft lists them sorted) and sorts the rest:
// either way a set's normal form must not depend on the order its elements
// came in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normaliseDocument } from '../../../compiler/nft/normalise';
import type { NftDocument } from '../../../compiler/nft/schema';

const T = { family: 'inet', table: 'foldnet' } as const;
const ipv4 = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

const docWith = (v4: readonly string[], ports: readonly number[]): NftDocument =>
  ({
    nftables: [
      { table: { family: 'inet', name: 'foldnet' } },
      { set: { ...T, name: 'a', type: 'ipv4_addr', ...(v4.length > 0 ? { elem: v4 } : {}) } },
      { set: { ...T, name: 'p', type: 'inet_service', flags: ['interval'], ...(ports.length > 0 ? { elem: ports } : {}) } },
    ],
  }) as NftDocument;

// Few distinct values, so that duplicates and neighbours are common.
const addresses = fc.array(fc.integer({ min: 0x0a000000, max: 0x0a00003f }).map(ipv4), { maxLength: 40 });
const ports = fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { maxLength: 30 });

test('a set normalises the same whatever the order of its elements (sorted, shuffled or reversed)', () => {
  fc.assert(
    fc.property(addresses, ports, fc.infiniteStream(fc.nat()), (v4, ps, seeds) => {
      const shuffle = <A>(xs: readonly A[]): A[] => {
        const out = [...xs];
        for (let i = out.length - 1; i > 0; i--) {
          const j = seeds.next().value % (i + 1);
          [out[i], out[j]] = [out[j]!, out[i]!];
        }
        return out;
      };
      const byAddress = [...v4].sort((x, y) => ipv4ToNumber(x) - ipv4ToNumber(y));
      const sortedPorts = [...ps].sort((x, y) => x - y);
      const reference = normaliseDocument(docWith(byAddress, sortedPorts));
      assert.deepEqual(normaliseDocument(docWith(shuffle(v4), shuffle(ps))), reference);
      assert.deepEqual(normaliseDocument(docWith([...byAddress].reverse(), [...sortedPorts].reverse())), reference);
    }),
    { numRuns: 300 },
  );
});

const ipv4ToNumber = (s: string): number => s.split('.').reduce((n, o) => n * 256 + Number(o), 0);
