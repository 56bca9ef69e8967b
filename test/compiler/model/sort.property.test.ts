// sortIps's shortcuts for short lists against the general rule it states:
// the addresses without repeats, sorted by compareIp, in a new array.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareIp, Ip } from '../../../compiler/net/ip';
import { sortIps } from '../../../compiler/model/sort';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 500);

const ip: fc.Arbitrary<Ip> = fc.oneof(
  fc.constantFrom('10.0.0.1', '10.0.0.2', '9.255.255.255', '0.0.0.0', 'fd00::1', 'fd00::2', '::1'),
  fc.ipV4(),
) as fc.Arbitrary<Ip>;

test('sortIps(xs) is [...new Set(xs)].sort(compareIp), in a new array, for lists of any length', () => {
  fc.assert(
    fc.property(fc.array(ip, { maxLength: 4 }), (xs) => {
      const got = sortIps(xs);
      assert.deepStrictEqual(got, [...new Set(xs)].sort(compareIp));
      assert.notEqual(got, xs);
    }),
    { numRuns: RUNS },
  );
});
