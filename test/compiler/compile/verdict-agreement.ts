// What "the compiled ruleset decides as the reference does" means, shared by
// the cross-check properties: the verdict, and on each host the rule (or
// default) whose comment the compiled hop shows as deciding.
import assert from 'node:assert/strict';
import { ClusterState } from '../../../compiler/fold/state';
import { Decision, Verdict } from '../../../compiler/policy/verdict';
import { CompiledVerdict } from '../../../compiler/trace/compiled-engine';

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The comment of the rule (or default) the compiled ruleset must show as deciding, for a reference decision `d` at `endpoint`. */
export const expectedComment = (state: ClusterState, d: Decision, endpoint: string): RegExp | undefined => {
  const hep = endpoint.startsWith('hostendpoint:');
  const who = `host endpoint ${endpoint.slice('hostendpoint:'.length)}`;
  switch (d.kind) {
    case 'rule': {
      if (d.policy.startsWith('profile:')) return new RegExp(`^profile ${esc(d.policy.slice(8))} ${d.direction} rule ${d.ruleIndex}$`);
      const p = state.policies.get(d.policy)!;
      return new RegExp(`^${esc(p.kind === 'NetworkPolicy' ? `np ${p.namespace}/${p.name}` : `gnp ${p.name}`)} ${d.direction} rule ${d.ruleIndex}$`);
    }
    case 'end-of-tier':
      return new RegExp(`^tier ${esc(d.tier)}: end of tier ${d.direction}$`);
    // A host endpoint's chain is its own; workloads' steps are shared, so they name the profiles, not the endpoint.
    case 'profiles-no-match':
      return hep ? new RegExp(`^${esc(who)} ${d.direction}: no profile allowed$`) : new RegExp(`^${d.direction}: no profile allowed \\(profiles ${esc(d.profiles.join(', '))}\\)$`);
    case 'no-profiles':
      return hep ? new RegExp(`^${esc(who)} ${d.direction}: no profiles$`) : new RegExp(`^${d.direction}: no profiles$`);
    case 'failsafe':
      return new RegExp(`^failsafe ${d.direction === 'ingress' ? 'inbound' : 'outbound'} `);
    case 'endpoint-to-host-default':
      return /to host: default Drop$/;
    default:
      return undefined;
  }
};

/**
 * Host by host, each decides alike and by the same rule. Decisions taken
 * outside the per-endpoint hops (same endpoint, host cases, services) are
 * compared by verdict only. Two endpoints on one host share one forward pass
 * in the kernel: the last reference hop of each host is compared.
 */
export const sameHops = (state: ClusterState, ref: Verdict, got: CompiledVerdict, ctx: string): void => {
  if (ref.decision || ref.service) return;
  const refByHost = new Map(ref.hops.map((h) => [h.host, h]));
  assert.equal(got.hops.length, refByHost.size, ctx);
  for (const hop of got.hops) {
    const r = refByHost.get(hop.host);
    assert.ok(r, ctx);
    assert.equal(hop.allowed, r.allowed, ctx);
    const want = expectedComment(state, r.decision, r.endpoint);
    if (want) assert.match(hop.decidedBy, want, ctx);
  }
};
