// Set elements are sorted by precomputed keys instead of compareIp; the law
// that makes that safe: key order is compareIp's order, and the key is the
// address's family and number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { ipSortKey, ipv4Number } from '../../../compiler/incremental/ip-order';
import { compareIp, Ip, ipToBigint, parseIp } from '../../../compiler/net/ip';

const ipArb = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended()).map((s) => parseIp(s)).filter(E.isRight).map((e) => e.right as Ip);

test('sort keys order addresses as compareIp does', () => {
  fc.assert(
    fc.property(ipArb, ipArb, (a, b) => {
      const ka = ipSortKey(a);
      const kb = ipSortKey(b);
      assert.equal(Math.sign(ka < kb ? -1 : ka > kb ? 1 : 0), Math.sign(compareIp(a, b)), `${a} ${b}`);
    }),
    { numRuns: 5000 },
  );
});

test('a sort key is the family followed by the address as fixed-width hex', () => {
  fc.assert(
    fc.property(ipArb, (a) => {
      const v6 = a.includes(':');
      assert.equal(ipSortKey(a), `${v6 ? 6 : 4}${ipToBigint(a).toString(16).padStart(v6 ? 32 : 8, '0')}`);
    }),
    { numRuns: 5000 },
  );
});

test('an IPv4 address sorts by its number as by its key: ipv4Number is the key read as hex', () => {
  const v4 = fc.oneof(fc.ipV4(), fc.ipV4Extended()).map((s) => parseIp(s)).filter(E.isRight).map((e) => e.right as Ip).filter((ip) => !ip.includes(':'));
  fc.assert(
    fc.property(v4, (a) => {
      assert.equal(ipv4Number(a), parseInt(ipSortKey(a).slice(1), 16), a);
    }),
    { numRuns: 5000 },
  );
});
