// The few writes IPAM makes to ClusterState, each returning the new state and
// the Change it made, so assign.ts and release.ts read as decisions rather
// than bookkeeping. Keeps `blockAffinities` an exact index of `blocks` by host.
import { Change } from '../fold/changes';
import { ClusterState } from '../fold/state';
import { Cidr, compareCidr, Ip } from '../net/ip';
import { AllocationModel, BlockModel } from './types';

export interface IpamStep {
  readonly state: ClusterState;
  readonly changes: readonly Change[];
}

export const unchanged = (state: ClusterState): IpamStep => ({ state, changes: [] });

export const andThen = (step: IpamStep, next: (s: ClusterState) => IpamStep): IpamStep => {
  const r = next(step.state);
  return { state: r.state, changes: [...step.changes, ...r.changes] };
};

const withAffinity = (state: ClusterState, host: string, cidr: Cidr, present: boolean): ClusterState => {
  const now = state.blockAffinities.get(host) ?? [];
  const next = present ? [...now.filter((c) => c !== cidr), cidr].sort(compareCidr) : now.filter((c) => c !== cidr);
  return { ...state, blockAffinities: next.length === 0 ? state.blockAffinities.delete(host) : state.blockAffinities.set(host, next) };
};

/** Puts (or, with `after` undefined, deletes) a block, keeping the host index in step. */
export const writeBlock = (state: ClusterState, cidr: Cidr, after: BlockModel | undefined): IpamStep => {
  const before = state.blocks.get(cidr);
  let s: ClusterState = { ...state, blocks: after === undefined ? state.blocks.delete(cidr) : state.blocks.set(cidr, after) };
  // Most writes only change the use count: the index (a sorted array, so
  // rewriting it costs a sort) is touched only when the affinity changes.
  if (before?.host !== after?.host) {
    if (before?.host !== undefined) s = withAffinity(s, before.host, cidr, false);
    if (after?.host !== undefined) s = withAffinity(s, after.host, cidr, true);
  }
  return { state: s, changes: [{ entity: 'block', key: cidr, before, after }] };
};

export const writeAllocation = (state: ClusterState, ip: Ip, after: AllocationModel | undefined): IpamStep => {
  const before = state.allocations.get(ip);
  const allocations = after === undefined ? state.allocations.delete(ip) : state.allocations.set(ip, after);
  return { state: { ...state, allocations }, changes: [{ entity: 'allocation', key: ip, before, after }] };
};

/** A block as a plain value without `host` (absent, not undefined, so checkpoints and hashes agree). */
export const withoutHost = (b: BlockModel): BlockModel => ({ cidr: b.cidr, pool: b.pool, used: b.used, allocated: b.allocated });

/**
 * One Change per entity and key, in order of first touch, from its first
 * `before` to its last `after` (a put that frees one address of a block and
 * takes another reports the block once); no-op pairs vanish.
 */
export const coalesce = (changes: readonly Change[]): Change[] => {
  const merged = new Map<string, Change>();
  for (const c of changes) {
    const id = `${c.entity}|${c.key}`;
    const first = merged.get(id);
    merged.set(id, first === undefined ? c : { entity: c.entity, key: c.key, before: first.before, after: c.after });
  }
  return [...merged.values()].filter((c) => c.before !== c.after);
};
