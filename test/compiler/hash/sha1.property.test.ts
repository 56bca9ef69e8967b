// compiler/hash/sha1.ts against @noble/hashes: the same hex digest of a
// string's UTF-8 bytes, for any string (lone surrogates included) and any
// length around the 55/56/64-byte padding edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sha1 } from '@noble/hashes/legacy';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { sha1Hex } from '../../../compiler/hash/sha1';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 1000);
const reference = (s: string): string => bytesToHex(sha1(utf8ToBytes(s)));

test('sha1Hex(s) is the hex of @noble/hashes sha1 over utf8ToBytes(s), for every string', () => {
  const strings = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.string({ unit: 'binary-ascii', maxLength: 200 }),
    fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '\ud800', '\udc00', '.'), maxLength: 80 }),
    fc.integer({ min: 0, max: 200 }).map((n) => 'x'.repeat(n)),
  );
  fc.assert(fc.property(strings, (s) => assert.equal(sha1Hex(s), reference(s))), { numRuns: RUNS });
});

test('sha1Hex matches the FIPS 180 examples', () => {
  assert.equal(sha1Hex('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(sha1Hex(''), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
  assert.equal(sha1Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'), '84983e441c3bd26ebaae4aa1f95129e5e54670f1');
});
