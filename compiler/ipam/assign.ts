// assignAddresses: the addresses IPAM gives an endpoint without `ipNetworks`,
// decided inside the fold so every machine reaches the same answer from the
// same log, without locks. Per family, in this order:
//   1. the lowest free address in the blocks affine to the endpoint's host
//      (lowest block first);
//   2. else the host claims the lowest unclaimed block of the lowest usable
//      pool that still has a free address, and takes its lowest free address;
//   3. else it borrows the lowest free address of another host's block (or a
//      block whose host is gone); the borrower then routes that address alone;
//   4. else the request is refused: the event is rejected with the reason.
// A usable pool is enabled, of the family, allows Workload (a Service-only
// pool holds service addresses, never endpoints'), and is named by the
// request when it names pools. Addresses of anycast services are never
// handed out, even inside a pool that allows both uses. Addresses the
// endpoint already holds are kept when they still fit the request and the
// host is the same: a label change never renumbers a workload. Updating
// ipOwners and the endpoint itself is the caller's job.
import * as E from 'fp-ts/Either';
import { ClusterState } from '../fold/state';
import { PoolModel } from '../model/types';
import { Cidr, compareCidr, Family, familyOf, Ip } from '../net/ip';
import { addressAt, blockAt, blockCapacity, emptyBitmap, poolBlockCount, setBit } from './blocks';
import { andThen, coalesce, IpamStep, writeAllocation, writeBlock } from './edit';
import { releaseAddresses } from './release';
import { BlockModel, IP_POOLS_ANNOTATION, IpamRequest } from './types';

export interface AssignArgs {
  /** `namespace/name`. */
  readonly endpoint: string;
  readonly host: string;
  readonly request: IpamRequest;
  /** What the endpoint held before this put, if it existed. */
  readonly previous?: { readonly host: string; readonly ips: readonly Ip[] };
}

export interface Assigned extends IpamStep {
  /** Sorted, IPv4 first. */
  readonly ips: readonly Ip[];
}

const FAMILIES: readonly Family[] = [4, 6];

/**
 * The lowest address of the block that IPAM has not handed out and no
 * endpoint names explicitly: the bitmap skips IPAM's own in one native
 * search; only its candidates are looked up among the explicit owners.
 */
const lowestFree = (state: ClusterState, block: Cidr, allocated: string): { ip: Ip; index: number } | undefined => {
  for (let i = allocated.indexOf('0'); i >= 0; i = allocated.indexOf('0', i + 1)) {
    const ip = addressAt(block, i);
    if (!state.ipOwners.has(ip) && !state.allocations.has(ip) && !state.serviceAddresses.has(ip)) return { ip, index: i };
  }
  return undefined;
};

const hasRoom = (b: BlockModel): boolean => b.used < blockCapacity(b.cidr);

type Found = { block: BlockModel; ip: Ip; index: number };

const allocate = (state: ClusterState, { block, ip, index }: Found, endpoint: string): IpamStep =>
  andThen(
    writeBlock(state, block.cidr, { ...block, used: block.used + 1, allocated: setBit(block.allocated, index, true) }),
    (s) => writeAllocation(s, ip, { ip, block: block.cidr, endpoint }),
  );

const fromAffineBlocks = (state: ClusterState, host: string, pools: ReadonlySet<string>): Found | undefined => {
  for (const cidr of state.blockAffinities.get(host) ?? []) {
    const block = state.blocks.get(cidr)!;
    if (!pools.has(block.pool) || !hasRoom(block)) continue;
    const free = lowestFree(state, cidr, block.allocated);
    if (free !== undefined) return { block, ...free };
  }
  return undefined;
};

/** Unclaimed blocks are tried in address order; claimed ones are skipped, so this costs the claimed count plus one. */
const fromNewBlock = (state: ClusterState, host: string, pools: readonly PoolModel[]): Found | undefined => {
  for (const pool of pools) {
    const count = poolBlockCount(pool);
    for (let i = 0n; i < count; i++) {
      const cidr = blockAt(pool, i);
      if (state.blocks.has(cidr)) continue;
      const allocated = emptyBitmap(cidr);
      const free = lowestFree(state, cidr, allocated);
      if (free !== undefined) return { block: { cidr, pool: pool.name, host, used: 0, allocated }, ...free };
    }
  }
  return undefined;
};

const borrowed = (state: ClusterState, host: string, pools: ReadonlySet<string>): Found | undefined => {
  const lenders = [...state.blocks.values()]
    .filter((b) => b.host !== host && pools.has(b.pool) && hasRoom(b))
    .sort((a, b) => compareCidr(a.cidr, b.cidr));
  for (const block of lenders) {
    const free = lowestFree(state, block.cidr, block.allocated);
    if (free !== undefined) return { block, ...free };
  }
  return undefined;
};

const allocateOne = (state: ClusterState, args: AssignArgs, f: Family, pools: readonly PoolModel[]): E.Either<string, IpamStep & { ip: Ip }> => {
  const names = new Set(pools.map((p) => p.name));
  const found = fromAffineBlocks(state, args.host, names) ?? fromNewBlock(state, args.host, pools) ?? borrowed(state, args.host, names);
  if (found === undefined)
    return E.left(`no free IPv${f} address: every block of pool${pools.length > 1 ? 's' : ''} ${pools.map((p) => `${p.name} (${p.cidr})`).join(', ')} is full`);
  return E.right({ ...allocate(state, found, args.endpoint), ip: found.ip });
};

/** Enabled pools for workloads of the family that the request allows, lowest CIDR first. */
const usablePools = (state: ClusterState, f: Family, request: IpamRequest): PoolModel[] =>
  [...state.pools.values()]
    .filter((p) => !p.disabled && p.allowedUses.includes('Workload') && familyOf(p.cidr) === f && (request.pools === undefined || request.pools.includes(p.name)))
    .sort((a, b) => compareCidr(a.cidr, b.cidr));

/** A note for the refusal when pools that would otherwise be usable allow only Service. */
const serviceOnlyNote = (state: ClusterState, request: IpamRequest, f?: Family): string => {
  const names = [...state.pools.values()]
    .filter((p) => !p.disabled && !p.allowedUses.includes('Workload') && (f === undefined || familyOf(p.cidr) === f) && (request.pools === undefined || request.pools.includes(p.name)))
    .map((p) => p.name)
    .sort();
  return names.length === 0 ? '' : ` (${names.join(', ')} allow${names.length === 1 ? 's' : ''} only Service)`;
};

export const assignAddresses = (state: ClusterState, args: AssignArgs): E.Either<string, Assigned> => {
  const { request } = args;
  if (!state.hosts.has(args.host)) return E.left(`host ${args.host} does not exist, and IPAM assigns addresses only from blocks of known hosts`);
  const unknown = (request.pools ?? []).filter((p) => !state.pools.has(p));
  if (unknown.length > 0) return E.left(`${IP_POOLS_ANNOTATION} names ${unknown.join(', ')}: no such IP pool`);
  const sameHost = args.previous?.host === args.host;
  const held = (args.previous?.ips ?? []).filter((ip) => state.allocations.get(ip)?.endpoint === args.endpoint);
  const wanted = request.families
    ?? FAMILIES.filter((f) => usablePools(state, f, request).length > 0 || (sameHost && held.some((ip) => familyOf(ip) === f)));
  if (wanted.length === 0)
    return E.left(`${request.pools === undefined ? 'no enabled IP pool to assign an address from' : `no enabled IP pool among ${request.pools.join(', ')}`}${serviceOnlyNote(state, request)}`);
  const fits = (ip: Ip): boolean => {
    const pool = state.blocks.get(state.allocations.get(ip)!.block)!.pool;
    return sameHost && wanted.includes(familyOf(ip)) && (request.pools === undefined || request.pools.includes(pool));
  };
  const kept: Ip[] = [];
  for (const ip of held) if (fits(ip) && !kept.some((k) => familyOf(k) === familyOf(ip))) kept.push(ip);
  let step = releaseAddresses(state, held.filter((ip) => !kept.includes(ip)));
  const ips = [...kept];
  for (const f of wanted) {
    if (kept.some((ip) => familyOf(ip) === f)) continue;
    const pools = usablePools(step.state, f, request);
    if (pools.length === 0)
      return E.left(`no enabled IPv${f} pool${request.pools === undefined ? '' : ` among ${request.pools.join(', ')}`} to assign an address from${serviceOnlyNote(step.state, request, f)}`);
    const one = allocateOne(step.state, args, f, pools);
    if (E.isLeft(one)) return one;
    step = { state: one.right.state, changes: [...step.changes, ...one.right.changes] };
    ips.push(one.right.ip);
  }
  return E.right({ state: step.state, changes: coalesce(step.changes), ips: ips.sort((a, b) => familyOf(a) - familyOf(b)) });
};
