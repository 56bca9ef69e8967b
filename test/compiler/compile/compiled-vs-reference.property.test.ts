// The central law: the nftables foldnet emits, run by the interpreter on every
// host a packet crosses, decides exactly as the reference semantics does —
// the verdict, and for denials the rule or default that decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { evaluate } from '../../../compiler/policy/reference';
import { Packet } from '../../../compiler/policy/verdict';
import { expectedComment, sameHops } from './verdict-agreement';
import { CompiledEngine, CompiledVerdict } from '../../../compiler/trace/compiled-engine';
import { Ip } from '../../../compiler/net/ip';
import { ClusterState } from '../../../compiler/fold/state';
import { clusterWithPackets, GenPacket } from '../arbitraries/cluster';
import { stateFrom } from '../policy/build-state';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 150);

const toPacket = (p: GenPacket): Packet => ({ ...p, src: p.src as Ip, dst: p.dst as Ip });

type Check = (state: ClusterState, gp: GenPacket, ref: ReturnType<typeof evaluate>, got: CompiledVerdict, ctx: string) => void;

/** Runs `check` on both engines' verdicts for every generated cluster and packet. */
const forEveryVerdict = (check: Check): void =>
  fc.assert(
    fc.property(clusterWithPackets, ({ docs, packets }) => {
      const state = stateFrom(docs);
      const engine = new CompiledEngine(state);
      for (const gp of packets) {
        const ref = evaluate(state, toPacket(gp));
        const got = engine.verdict(toPacket(gp));
        if (E.isLeft(got)) assert.fail(got.left);
        check(state, gp, ref, got.right, `packet ${JSON.stringify(gp)}\nreference: ${JSON.stringify(ref)}\ncompiled: ${JSON.stringify(got.right)}`);
      }
    }),
    { numRuns: RUNS },
  );

test('compiled ruleset agrees with the reference evaluator on verdict and deciding rule', () =>
  forEveryVerdict((state, _gp, ref, got, ctx) => {
    assert.equal(got.allowed, ref.allowed, ctx);
    if (ref.allowed) return;
    const lastHop = ref.hops[ref.hops.length - 1];
    const decision = ref.decision ?? lastHop?.decision;
    const want = decision && expectedComment(state, decision, lastHop?.endpoint ?? '');
    const compiledHop = got.hops[got.hops.length - 1];
    if (want && compiledHop) assert.match(compiledHop.decidedBy, want, ctx);
  }));

test('compiled ruleset agrees with the reference evaluator hop by hop: each host decides alike, by the same rule', () =>
  forEveryVerdict((state, _gp, ref, got, ctx) => sameHops(state, ref, got, ctx)));
