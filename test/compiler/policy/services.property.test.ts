// Laws of anycast services in the reference evaluator, over generated
// clusters, services and packets: they change nothing but packets addressed
// to them, the client's host keeps its packets when it can, and translation
// there is invisible to policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ClusterState } from '../../../compiler/fold/state';
import { evaluate, Packet, serviceOutcomes } from '../../../compiler/policy/reference';
import { endpointOwning } from '../../../compiler/policy/effective-labels';
import { hostOwning } from '../../../compiler/policy/host-endpoints';
import { scenarioWithPackets, scenarioWithServicePackets, SERVICE4, SERVICE6 } from './hep-service-arbitraries';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

/** The host a packet's client is on: its endpoint's, else the host owning its address. */
const clientHostOf = (state: ClusterState, p: Packet): string | undefined => endpointOwning(state, p.src)?.host ?? hostOwning(state, p.src);

test('services never change the verdict of a packet not addressed to a service address', () =>
  fc.assert(
    fc.property(scenarioWithPackets, ({ sc: { base, withService }, packets }) => {
      for (const p of packets.filter((q) => q.dst !== SERVICE4 && q.dst !== SERVICE6))
        assert.deepEqual(evaluate(withService, p), evaluate(base, p), JSON.stringify(p));
    }),
    { numRuns: RUNS },
  ));

test('outcomes never mix the client\'s host with others: all of them are on it, or none', () =>
  fc.assert(
    fc.property(scenarioWithServicePackets, ({ sc: { withService }, packets }) => {
      for (const p of packets) {
        const clientHost = clientHostOf(withService, p);
        const local = serviceOutcomes(evaluate(withService, p)).map((o) => o.host === clientHost);
        assert.ok(local.every((x) => x) || local.every((x) => !x), JSON.stringify(p));
      }
    }),
    { numRuns: RUNS },
  ));

test('translation by the client\'s own host is invisible to policy: each outcome is judged as the translated packet sent straight', () =>
  fc.assert(
    fc.property(scenarioWithServicePackets, ({ sc: { withService }, packets }) => {
      for (const p of packets) {
        const clientHost = clientHostOf(withService, p);
        for (const o of serviceOutcomes(evaluate(withService, p)).filter((x) => x.host === clientHost))
          assert.deepEqual(o.verdict, evaluate(withService, o.packet), JSON.stringify(p));
      }
    }),
    { numRuns: RUNS },
  ));
