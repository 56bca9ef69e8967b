// Test helpers for the plan laws: a host's snapshot from resource documents,
// the kernel state it describes, and the ruleset a plan's nft transaction
// leaves when folded onto a state (foldNftDocument stands in for the kernel).
import assert from 'node:assert/strict';
import * as E from 'fp-ts/Either';
import { compileHost, DEFAULT_COMPILE_OPTIONS } from '../../../compiler/compile/host';
import { HostSnapshot } from '../../../compiler/compile/snapshot';
import { ClusterState } from '../../../compiler/fold/state';
import { normaliseDocument, renderDiffable, rulesetToDocument } from '../../../compiler/nft/normalise';
import { foldNftDocument } from '../../../compiler/nft/ruleset';
import { decodeNftDocument, NftDocument } from '../../../compiler/nft/schema';
import { desiredState } from '../../../compiler/plan/host-plan';
import { KernelState, Plan } from '../../../compiler/plan/types';
import { stateFrom } from '../policy/build-state';

export const right = <A>(e: E.Either<string[] | string, A>): A => {
  if (E.isLeft(e)) assert.fail(Array.isArray(e.left) ? e.left.join('\n') : e.left);
  return e.right;
};

export const snapshotOf = (state: ClusterState, host = 'host-1'): HostSnapshot => right(E.mapLeft((e: { _tag: string }) => e._tag)(compileHost(state, host, DEFAULT_COMPILE_OPTIONS)));
export const snapshotFrom = (docs: readonly object[], host = 'host-1'): HostSnapshot => snapshotOf(stateFrom(docs), host);

/** The kernel state a snapshot describes (what reading the kernel would give back after applying it). */
export const kernelOf = (s: HostSnapshot): KernelState => right(desiredState(s));

export const normalised = (doc: unknown): NftDocument => right(E.chain(normaliseDocument)(decodeNftDocument(doc)));

/** The ruleset after the plan's transaction runs on `actual`, normalised; fails with the fold's refusal. */
export const afterPlan = (actual: NftDocument | undefined, plan: Plan): NftDocument => {
  const tx = decodeNftDocument({ nftables: plan.nft });
  if (E.isLeft(tx)) assert.fail(`the plan does not decode:\n${tx.left.join('\n')}`);
  const start = actual === undefined ? undefined : right(foldNftDocument(actual));
  const end = foldNftDocument(tx.right, start);
  if (E.isLeft(end)) assert.fail(`the kernel would refuse the plan:\n${end.left.join('\n')}\n--- plan\n${renderDiffable(tx.right)}`);
  return rulesetToDocument(end.right);
};

export const assertSameRuleset = (got: NftDocument, want: NftDocument): void => assert.equal(renderDiffable(got), renderDiffable(want));

/** Kinds of nft commands in a plan, e.g. ['delete element', 'add element']. */
export const commandKinds = (plan: Plan): string[] =>
  (plan.nft as Array<Record<string, Record<string, unknown>>>).map((c) => {
    const verb = Object.keys(c)[0]!;
    return `${verb} ${Object.keys(c[verb]!)[0]}`;
  });
