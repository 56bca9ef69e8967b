// The platform's SHA-256 the shell hands the snapshot hasher gives the
// compiler's digests: for any text (any Unicode, lone surrogates aside, which
// canonical JSON never holds), and so for any snapshot hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sha256Hex } from '../../../compiler/hash/canonical';
import { nodeSha256Hex } from '../../../src/hash/sha256';

test('the platform SHA-256 equals the pure one on any well-formed text', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => assert.equal(nodeSha256Hex(text), sha256Hex(text))), { numRuns: 500 });
});

test('a known digest (FIPS 180-2 "abc")', () => {
  assert.equal(nodeSha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});
