// compile(state, host) → HostSnapshot: the whole datapath of one host, as a
// pure function of the folded state. Its hash covers the content, not the
// offset, so events that do not concern a host leave its hash unchanged.
import * as E from 'fp-ts/Either';
import { ClusterState } from '../fold/state';
import { canonicalJson } from '../hash/canonical';
import { ownedBlocks } from '../ipam/query';
import { compileBird } from './bird';
import { compileNftables, NftOptions } from './nft-document';
import { routesOf } from './routes';
import { HostSnapshot } from './snapshot';
import { sysctlsOf } from './sysctls';
import { ClusterIndex } from '../incremental/cluster-index';
import { compileSection } from './nft-section';

export interface CompileOptions extends NftOptions {}

export const DEFAULT_COMPILE_OPTIONS: CompileOptions = { endpointToHostAction: 'Drop' };

export type CompileError = { readonly _tag: 'UnknownHost'; readonly host: string; readonly known: readonly string[] };

/**
 * `kept`: a cluster index the caller keeps (an agent's, say), used when it
 * is at `state`; otherwise a throw-away one is built, which at 100,000
 * endpoints is most of the compile (one pass over every endpoint to build it,
 * another for the cluster-wide selectors). Memberships this compile
 * evaluates stay in a kept index until its owner forgets them.
 */
export const compileHost = (
  state: ClusterState,
  host: string,
  options: CompileOptions = DEFAULT_COMPILE_OPTIONS,
  kept?: ClusterIndex,
): E.Either<CompileError, HostSnapshot> => {
  if (!state.hosts.has(host)) return E.left({ _tag: 'UnknownHost', host, known: [...state.hosts.keys()].sort() });
  const index = kept?.state === state ? kept : new ClusterIndex(state);
  // Compiled once: its chains and sets go into the ruleset, the addresses it announces into BIRD's config.
  const section = compileSection(index, host);
  const local = index.localEndpoints(host);
  return E.right({
    host,
    offset: state.offset,
    // Owned blocks become blackholes (announced as aggregates); borrowed
    // addresses are workload host routes like any other, announced alone.
    routes: routesOf(host, local, ownedBlocks(state, host)),
    nftables: compileNftables(state, host, options, index, section),
    bird: compileBird(state, host, section.announced),
    sysctls: sysctlsOf(state, host, local),
  });
};

/** The canonical bytes of a snapshot's content (everything but its offset). */
export const snapshotBytes = (s: HostSnapshot): string => canonicalJson({ ...s, offset: undefined });
export { snapshotHash } from './snapshot-hash';
