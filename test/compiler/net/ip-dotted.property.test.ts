// parseIp and parseCidr keep a canonical dotted quad (and `a.b.c.d/32`) as
// the very string given, without parsing it: these laws hold that shortcut to
// what ipaddr.js parses and prints, over quads with leading zeros and
// octets out of range as well as canonical ones.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import ipaddr from 'ipaddr.js';
import { parseCidr, parseIp } from '../../../compiler/net/ip';

const runs = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

/** An octet as text: in range or not, with leading zeros or not. */
const octet = fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 })).map(([n, zeros]) => '0'.repeat(zeros) + String(n));
const quad = fc.tuple(octet, octet, octet, octet).map((os) => os.join('.'));

/** ipaddr.js's reading of a four-part decimal address, or undefined where it refuses or reads it otherwise (octal). */
const reference = (s: string): string | undefined => {
  const parts = s.split('.');
  if (parts.some((p) => (p.length > 1 && p.startsWith('0')) || Number(p) > 255)) return undefined;
  return ipaddr.IPv4.parse(s).toString();
};

describe('dotted quads', () => {
  test('parseIp gives ipaddr.js rendering of a canonical quad and refuses any other', () => {
    fc.assert(
      fc.property(quad, (s) => {
        const want = reference(s);
        const got = parseIp(s);
        if (want === undefined) assert.ok(E.isLeft(got), s);
        else assert.deepEqual(got, E.right(want));
      }),
      { numRuns: runs },
    );
  });

  test('parseCidr of a quad with a prefix length of 32 spelled any way gives the canonical host network', () => {
    fc.assert(
      fc.property(quad, fc.constantFrom('32', '032', '0032', '31', '3', '320'), (s, len) => {
        const want = reference(s);
        const got = parseCidr(`${s}/${len}`);
        if (want === undefined || Number(len) > 32 || len.length > 3) return assert.ok(E.isLeft(got), `${s}/${len}`);
        const n = Number(len);
        const bytes = ipaddr.IPv4.parse(want).toByteArray();
        for (let bit = n; bit < 32; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
        assert.deepEqual(got, E.right(`${ipaddr.fromByteArray(bytes).toString()}/${n}`));
      }),
      { numRuns: runs },
    );
  });
});
