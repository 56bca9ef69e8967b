// Laws of host endpoints in the reference evaluator, over generated clusters,
// host endpoints, failsafe ports and packets: they never police traffic
// between workloads, and no policy closes a failsafe port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluate, Packet } from '../../../compiler/policy/reference';
import { endpointOwning } from '../../../compiler/policy/effective-labels';
import { HOSTS } from '../arbitraries/cluster';
import { FAILSAFE, INTERFACES, OUTSIDE, scenarioArb, scenarioWithPackets } from './hep-service-arbitraries';
import { ip } from './packets';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

test('host endpoints never change the verdict of a packet between two workloads', () =>
  fc.assert(
    fc.property(scenarioWithPackets, ({ sc: { base, withHeps }, packets }) => {
      for (const p of packets.filter((q) => endpointOwning(base, q.src) !== undefined && endpointOwning(base, q.dst) !== undefined))
        assert.deepEqual(evaluate(withHeps, p), evaluate(base, p), JSON.stringify(p));
    }),
    { numRuns: RUNS },
  ));

/** A new packet on a port of the pool, from `src` to `dst` of one family (v4 or v6), by a generated host interface. */
const failsafePacket = (ends: fc.Arbitrary<{ src: string; dst: string }>) =>
  fc.record({ ends, port: fc.constantFrom(...FAILSAFE), hostInterface: fc.option(fc.constantFrom(...INTERFACES, 'eth9'), { nil: undefined }) })
    .map(({ ends: { src, dst }, port, hostInterface }): Packet => ({
      src: ip(src), dst: ip(dst), protocol: port.protocol, srcPort: 40000, dstPort: port.port, ...(hostInterface !== undefined ? { hostInterface } : {}),
    }));

const outsideToHost = fc.constantFrom(...HOSTS).chain((h) =>
  fc.oneof(fc.constantFrom(...OUTSIDE.v4).map((src) => ({ src, dst: h.v4 })), fc.constantFrom(...OUTSIDE.v6).map((src) => ({ src, dst: h.v6 }))));
const hostToOutside = outsideToHost.map(({ src, dst }) => ({ src: dst, dst: src }));

const isFailsafe = (list: ReadonlyArray<{ protocol: number; port: number }>, p: Packet): boolean =>
  list.some((f) => f.protocol === p.protocol && f.port === p.dstPort);

for (const [title, ends, list] of [
  ['a new connection from outside to a host on a failsafe inbound port is allowed, whatever the policy', outsideToHost, 'failsafeInboundHostPorts'],
  ['a new connection from a host to outside on a failsafe outbound port is allowed, whatever the policy', hostToOutside, 'failsafeOutboundHostPorts'],
] as const)
  test(title, () =>
    fc.assert(
      fc.property(scenarioArb, fc.array(failsafePacket(ends), { minLength: 1, maxLength: 10 }), ({ withHeps }, packets) => {
        for (const p of packets.filter((q) => isFailsafe(withHeps.felixConfig[list], q)))
          assert.equal(evaluate(withHeps, p).allowed, true, JSON.stringify(p));
      }),
      { numRuns: RUNS },
    ));
