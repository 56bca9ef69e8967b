// Block arithmetic: the fast address computation agrees with net/ip.ts's
// canonical text for every index of any block, and indexIn inverts it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addressAt, blockAddresses, blockAt, blockCapacity, indexIn, poolBlockCount } from '../../../compiler/ipam/blocks';
import { bigintToIp, Cidr, cidrRange, Family } from '../../../compiler/net/ip';
import { PoolModel } from '../../../compiler/model/types';

// Blocks anywhere in the address space, including ones whose text compresses
// zero runs in every position (the hextets come from a small set with zeros).
const hextet = fc.constantFrom(0, 0, 0, 1, 0xff, 0xfd00, 0xffff);
const block = fc.oneof(
  fc.record({ f: fc.constant<Family>(4), n: fc.nat({ max: 2 ** 32 - 1 }), len: fc.integer({ min: 20, max: 32 }) }),
  fc.record({ f: fc.constant<Family>(6), h: fc.array(hextet, { minLength: 8, maxLength: 8 }), len: fc.integer({ min: 116, max: 128 }) })
    .map(({ f, h, len }) => ({ f, n: h.reduce((acc, x) => acc * 65536n + BigInt(x), 0n), len })),
).map(({ f, n, len }) => {
  const bits = BigInt(f === 4 ? 32 : 128);
  const first = (BigInt(n) >> (bits - BigInt(len))) << (bits - BigInt(len));
  return `${bigintToIp(first, f)}/${len}` as Cidr;
});

test('the address at each index of a block is the canonical text of first + index, and indexIn inverts it', () => {
  fc.assert(fc.property(block, (b) => {
    const { first, family } = cidrRange(b);
    const all = blockAddresses(b);
    assert.equal(all.length, blockCapacity(b));
    for (const i of new Set([0, 1, all.length - 1, all.length >> 1].filter((x) => x < all.length))) {
      const expected = bigintToIp(first + BigInt(i), family);
      assert.equal(all[i], expected);
      assert.equal(addressAt(b, i), expected);
      assert.equal(indexIn(b, expected), i);
    }
  }));
});

test('a pool is cut into consecutive blocks of its block size', () => {
  const pool: PoolModel = { name: 'p', cidr: '10.0.0.0/24' as Cidr, blockSize: 26, disabled: false, allowedUses: ['Workload'] };
  assert.equal(poolBlockCount(pool), 4n);
  assert.deepEqual([0n, 1n, 3n].map((i) => blockAt(pool, i)), ['10.0.0.0/26', '10.0.0.64/26', '10.0.0.192/26']);
  const v6: PoolModel = { name: 'q', cidr: 'fd00::/120' as Cidr, blockSize: 122, disabled: false, allowedUses: ['Workload'] };
  assert.deepEqual([0n, 3n].map((i) => blockAt(v6, i)), ['fd00::/122', 'fd00::c0/122']);
});
