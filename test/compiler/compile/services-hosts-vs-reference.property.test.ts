// The central law for anycast services and host endpoints: on generated
// clusters with both, the nftables foldnet emits (run by the interpreter on
// every host a packet crosses, NAT included, every numgen draw tried)
// decides as the reference evaluator does — the verdict, the rule or default
// that decided on each host, and for a packet to a service, which backends a
// connection can reach and whether each is allowed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { evaluate, Verdict } from '../../../compiler/policy/reference';
import { Packet } from '../../../compiler/policy/verdict';
import { sameHops } from './verdict-agreement';
import { CompiledEngine, CompiledVerdict } from '../../../compiler/trace/compiled-engine';
import { ClusterState } from '../../../compiler/fold/state';
import { scenarioArb, packetsFor, servicePacketsFor } from '../policy/hep-service-arbitraries';
import { withServices } from '../policy/state-with';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 100);

/** The verdict, host by host the deciding rule, and for a service packet the same backends, each decided alike. */
const sameOutcomes = (state: ClusterState, ref: Verdict, got: CompiledVerdict, ctx: string): void => {
  assert.equal(got.allowed, ref.allowed, ctx);
  sameHops(state, ref, got, ctx);
  const want = ref.service?.outcomes ?? [];
  const have = got.service?.outcomes ?? [];
  assert.deepEqual(have.map((o) => [o.backend, o.host]), want.map((o) => [o.backend, o.host]), ctx);
  want.forEach((o, i) => sameOutcomes(state, o.verdict, have[i]!.verdict, `${ctx}\noutcome ${o.backend}`));
};

const check = (packetsOf: typeof packetsFor) =>
  fc.assert(
    fc.property(scenarioArb.chain((sc) => packetsOf(sc).map((packets) => ({ sc, packets }))), ({ sc, packets }) => {
      const state = withServices(sc.withHeps, sc.svc);
      const engine = new CompiledEngine(state);
      for (const p of packets as Packet[]) {
        const ref = evaluate(state, p);
        const got = engine.verdict(p);
        if (E.isLeft(got)) assert.fail(got.left);
        sameOutcomes(state, ref, got.right, `packet ${JSON.stringify(p)}\nreference: ${JSON.stringify(ref)}\ncompiled: ${JSON.stringify(got.right)}`);
      }
    }),
    { numRuns: RUNS },
  );

test('with host endpoints and a service, compiled rulesets decide every packet as the reference does, host by host', () => check(packetsFor));

test('packets to a service reach the same backends, each allowed or denied alike, in the compiled rulesets and the reference', () => check(servicePacketsFor));
