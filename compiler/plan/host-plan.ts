// planHost(actual, snapshot): the smallest change that makes one host's kernel
// (as read back) equal to its compiled snapshot — nft transaction, routes,
// sysctls, BIRD config — as data. planKernel does the same between two
// kernel states, so a caller that remembers what it last committed (the
// applier) can plan without reading the kernel again. Reading and applying
// are src/applier/'s.
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import type { HostSnapshot } from '../compile/snapshot';
import { normaliseDocument } from '../nft/normalise';
import { decodeNftDocument, NftCommand } from '../nft/schema';
import { planBird } from './bird-plan';
import { planNft } from './nft-plan';
import { planRoutes } from './routes-plan';
import { planSysctls } from './sysctls-plan';
import { KernelState, Plan } from './types';

/** The kernel state a snapshot describes: what reading the kernel gives back once the snapshot is applied. */
export const desiredState = (s: HostSnapshot): E.Either<string[], KernelState> =>
  pipe(
    decodeNftDocument(s.nftables),
    E.chain(normaliseDocument),
    E.map((nft) => ({ nft, routes: s.routes, sysctls: s.sysctls, bird: s.bird })),
  );

export const planKernel = (actual: KernelState, desired: KernelState): Plan => {
  const replaceTable = actual.nftUnreadable !== undefined;
  const nft = desired.nft === undefined && !replaceTable && actual.nft === undefined ? [] : planNft(actual.nft, desired.nft ?? { nftables: [] }, { replaceTable });
  return {
    nft,
    routes: planRoutes(actual.routes, desired.routes),
    sysctls: planSysctls(actual.sysctls, desired.sysctls),
    ...(desired.bird === undefined ? {} : planBird(actual.bird, desired.bird)),
  };
};

export const planHost = (actual: KernelState, desired: HostSnapshot): Plan =>
  pipe(
    desiredState(desired),
    E.match(
      (problems): Plan => ({
        ...planKernel(actual, { nft: actual.nft, routes: desired.routes, sysctls: desired.sysctls, bird: desired.bird }),
        nft: [],
        refused: problems.map((p) => `snapshot of ${desired.host}: nftables ${p}`),
      }),
      (want) => planKernel(actual, want),
    ),
  );

/** nft objects one command touches: one per chain, rule, set or map, one per element. */
const touched = (c: NftCommand): number => {
  if ('add' in c) {
    const o = c.add;
    if ('element' in o) return o.element.elem.length;
    if ('set' in o) return 1 + (o.set.elem ?? []).length;
    if ('map' in o) return 1 + (o.map.elem ?? []).length;
    return 1;
  }
  if ('delete' in c && 'element' in c.delete) return c.delete.element.elem.length;
  return 'metainfo' in c ? 0 : 1;
};

/** How much a plan changes: nft objects touched + routes added or removed + sysctls written + 1 for a new BIRD config. */
export const planSize = (p: Plan): number =>
  (p.nft as readonly NftCommand[]).reduce((n, c) => n + touched(c), 0) +
  p.routes.add.length + p.routes.remove.length + p.sysctls.length + (p.bird !== undefined ? 1 : 0);
