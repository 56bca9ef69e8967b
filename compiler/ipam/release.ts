// Giving addresses and blocks back: an endpoint's addresses when it goes (or
// changes what it asks for), a host's blocks when the host goes, a pool's
// blocks when the pool goes or is recut. An affine block stays with its host
// even when empty (the host will likely need it again, and its route stays
// put); a block without a host vanishes with its last address.
import * as E from 'fp-ts/Either';
import { ClusterState } from '../fold/state';
import { PoolModel } from '../model/types';
import { Cidr, compareCidr, Ip } from '../net/ip';
import { indexIn, setBit } from './blocks';
import { andThen, coalesce, IpamStep, unchanged, withoutHost, writeAllocation, writeBlock } from './edit';

/** Frees one address if IPAM handed it out (explicit addresses are not IPAM's and pass through). */
export const releaseAddress = (state: ClusterState, ip: Ip): IpamStep => {
  const a = state.allocations.get(ip);
  if (a === undefined) return unchanged(state);
  const freed = writeAllocation(state, ip, undefined);
  const block = freed.state.blocks.get(a.block);
  if (block === undefined) return freed; // unreachable while the invariants hold
  const used = block.used - 1;
  const allocated = setBit(block.allocated, indexIn(block.cidr, ip), false);
  return andThen(freed, (s) => writeBlock(s, block.cidr, used === 0 && block.host === undefined ? undefined : { ...block, used, allocated }));
};

export const releaseAddresses = (state: ClusterState, ips: readonly Ip[]): IpamStep => {
  const step = ips.reduce((acc, ip) => andThen(acc, (s) => releaseAddress(s, ip)), unchanged(state));
  return { state: step.state, changes: coalesce(step.changes) };
};

/** The host is gone: its empty blocks are freed; the others lose their affinity and only lend until emptied. */
export const releaseHostBlocks = (state: ClusterState, host: string): IpamStep =>
  (state.blockAffinities.get(host) ?? []).reduce((step, cidr) => andThen(step, (s) => {
    const b = s.blocks.get(cidr)!;
    return writeBlock(s, cidr, b.used === 0 ? undefined : withoutHost(b));
  }), unchanged(state));

/** Whether a pool's blocks survive its new definition: only if the pool is still there, cut the same way. */
const sameCut = (before: PoolModel, after: PoolModel | undefined): boolean =>
  after !== undefined && after.cidr === before.cidr && after.blockSize === before.blockSize;

/**
 * A pool is removed (`after` undefined) or redefined. Blocks cut from it go
 * when its CIDR or block size changes, which is refused while any of them
 * still holds an address: an address outside every block would have no route.
 */
export const releasePoolBlocks = (state: ClusterState, before: PoolModel | undefined, after: PoolModel | undefined): E.Either<string, IpamStep> => {
  if (before === undefined || sameCut(before, after)) return E.right(unchanged(state));
  const blocks = [...state.blocks.values()].filter((b) => b.pool === before.name).sort((a, b) => compareCidr(a.cidr, b.cidr));
  const used = blocks.filter((b) => b.used > 0);
  if (used.length > 0) {
    const n = used.reduce((sum, b) => sum + b.used, 0);
    const what = after === undefined ? 'be removed' : 'change its CIDR or block size';
    return E.left(`pool ${before.name} cannot ${what} while IPAM addresses in it are held (${n} in ${used.map((b) => b.cidr).join(', ')}); remove those endpoints first`);
  }
  return E.right(blocks.reduce((step, b) => andThen(step, (s) => writeBlock(s, b.cidr as Cidr, undefined)), unchanged(state)));
};
