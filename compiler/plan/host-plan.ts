// planHost(actual, snapshot): the smallest change that makes one host's kernel
// (as read back) equal to its compiled snapshot — nft transaction, routes,
// sysctls, BIRD config — as data. planKernel does the same between two
// kernel states, and planIndexed between two states indexed beforehand, so
// a caller that remembers what it last committed (the applier) can plan
// without reading the kernel and without indexing its side again. Both sides
// must be in the same form: both normalised (a kernel read against
// desiredState), or both as the compiler emitted them (emittedState: the
// applier's memory path, where normalising every snapshot would dominate).
// Reading and applying are src/applier/'s.
import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import type { HostSnapshot } from '../compile/snapshot';
import { normaliseDocument } from '../nft/normalise';
import { decodeNftDocument, NftCommand, NftDocument } from '../nft/schema';
import { planBird } from './bird-plan';
import { indexDocument, NftIndex } from './nft-index';
import { planNftIndexed } from './nft-plan';
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

/**
 * The kernel state a snapshot describes with its ruleset exactly as the
 * compiler emitted it — not normalised, not validated. Only for planning
 * against another emitted state (the compiler writes one form for one thing).
 */
export const emittedState = (s: HostSnapshot): KernelState => ({
  nft: s.nftables as NftDocument,
  routes: s.routes,
  sysctls: s.sysctls,
  bird: s.bird,
});

/** A kernel state with its ruleset indexed for planning; keep it to plan from it again. */
export interface IndexedKernel {
  readonly state: KernelState;
  readonly nft: NftIndex | undefined;
}

export const indexKernel = (state: KernelState): IndexedKernel => ({ state, nft: state.nft === undefined ? undefined : indexDocument(state.nft) });

export const planIndexed = (actual: IndexedKernel, desired: IndexedKernel): Plan => {
  const replaceTable = actual.state.nftUnreadable !== undefined;
  const nft = desired.nft === undefined && !replaceTable && actual.nft === undefined
    ? []
    : planNftIndexed(actual.nft, desired.nft ?? indexDocument({ nftables: [] }), { replaceTable });
  const want = desired.state;
  return {
    nft,
    routes: planRoutes(actual.state.routes, want.routes),
    sysctls: planSysctls(actual.state.sysctls, want.sysctls),
    ...(want.bird === undefined ? {} : planBird(actual.state.bird, want.bird)),
  };
};

export const planKernel = (actual: KernelState, desired: KernelState): Plan => planIndexed(indexKernel(actual), indexKernel(desired));

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
