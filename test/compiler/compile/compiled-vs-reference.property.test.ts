// The central law: the nftables foldnet emits, run by the interpreter on every
// host a packet crosses, decides exactly as the reference semantics does —
// the verdict, and for denials the rule or default that decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { evaluate } from '../../../compiler/policy/reference';
import { Decision, Packet } from '../../../compiler/policy/verdict';
import { CompiledEngine, CompiledVerdict } from '../../../compiler/trace/compiled-engine';
import { Ip } from '../../../compiler/net/ip';
import { ClusterState } from '../../../compiler/fold/state';
import { clusterWithPackets, GenPacket } from '../arbitraries/cluster';
import { stateFrom } from '../policy/build-state';

const RUNS = Number(process.env.FOLDNET_PROPERTY_RUNS ?? 150);

const toPacket = (p: GenPacket): Packet => ({ ...p, src: p.src as Ip, dst: p.dst as Ip });

/** The comment of the rule (or default) the compiled ruleset must show as deciding, for a reference decision `d`. */
const expectedComment = (state: ClusterState, d: Decision, endpoint: string): RegExp | undefined => {
  switch (d.kind) {
    case 'rule': {
      if (d.policy.startsWith('profile:')) return new RegExp(`^profile ${esc(d.policy.slice(8))} ${d.direction} rule ${d.ruleIndex}$`);
      const p = state.policies.get(d.policy)!;
      const ref = p.kind === 'NetworkPolicy' ? `np ${p.namespace}/${p.name}` : `gnp ${p.name}`;
      return new RegExp(`^${esc(ref)} ${d.direction} rule ${d.ruleIndex}$`);
    }
    case 'end-of-tier':
      return new RegExp(`^tier ${esc(d.tier)}: end of tier ${d.direction}$`);
    case 'profiles-no-match':
      return new RegExp(`^endpoint ${esc(endpoint)} ${d.direction}: no profile allowed$`);
    case 'no-profiles':
      return new RegExp(`^endpoint ${esc(endpoint)} ${d.direction}: no profiles$`);
    case 'endpoint-to-host-default':
      return /to host: default Drop$/;
    default:
      return undefined;
  }
};
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

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
  forEveryVerdict((state, _gp, ref, got, ctx) => {
    // Decisions taken outside the per-endpoint hops (same endpoint, host cases) are compared by verdict above.
    if (ref.decision) return;
    // Two endpoints on one host share one forward pass in the kernel: compare the last hop of each host.
    const refByHost = new Map(ref.hops.map((h) => [h.host, h]));
    assert.equal(got.hops.length, refByHost.size, ctx);
    for (const hop of got.hops) {
      const r = refByHost.get(hop.host);
      assert.ok(r, ctx);
      assert.equal(hop.allowed, r.allowed, ctx);
      const want = expectedComment(state, r.decision, r.endpoint);
      if (want) assert.match(hop.decidedBy, want, ctx);
    }
  }));
