// Folding a run of events in place: foldAll's fast path. Persistent maps pay a
// path copy on every write, and a replay writes the same few maps (resources,
// endpoints, IP owners, policies) once or twice per event. Within one foldAll
// call the intermediate states are never seen by anyone, so those maps are
// opened as transients (immutable-js `asMutable`) for a run of events, written
// in place, and closed (`asImmutable`) before the state leaves foldAll. An
// opened map is a new object over the same tree: the state foldAll started
// from, and every state returned before, is never touched. The states that
// hold open maps are foldAll's own too (openMaps copies the state), so the
// fold writes into them rather than copying them per event (step.ts, fold.ts).
//
// A transient write cannot be undone, so only events whose fold checks every
// invariant before its first write may run on open maps: a rejected one must
// leave them as they were. `foldsInPlace` names those; any other event closes
// the maps first and folds persistently. This module decides nothing about
// the model: fold.ts and entities.ts do, the same code on both paths.
import { Map as IMap } from 'immutable';
import { LoggedEvent } from '../events/event';
import { ClusterState } from './state';

/**
 * Puts and removes of these kinds check, then write (entities.ts). IPAM is the
 * exception: assigning addresses frees and claims, and may then refuse, so a
 * WorkloadEndpoint put without `spec.ipNetworks` (IPAM picks its addresses)
 * folds persistently. A put whose resource does not decode is rejected before
 * anything is written, whatever its kind.
 */
const CHECK_THEN_WRITE = new Set(['Pod', 'WorkloadEndpoint', 'NetworkPolicy', 'GlobalNetworkPolicy', 'K8sNetworkPolicy', 'Namespace', 'Profile']);

export const foldsInPlace = (event: LoggedEvent): boolean => {
  if (!CHECK_THEN_WRITE.has(event.kind)) return false;
  if (event.type !== 'put' || event.kind !== 'WorkloadEndpoint') return true;
  const spec = event.resource.spec;
  return typeof spec === 'object' && spec !== null && (spec as { ipNetworks?: unknown }).ipNetworks != null;
};

/** The maps written in place: the ones a replay writes on nearly every event. */
const OPENED = ['resources', 'endpoints', 'ipOwners', 'policies', 'rejections'] as const;
type Opened = (typeof OPENED)[number];

/** What an opened state was opened from, and the transients made for it. */
export interface OpenMaps {
  readonly before: Pick<ClusterState, Opened>;
  readonly open: Pick<ClusterState, Opened>;
}

type AnyMap = IMap<unknown, unknown>;

export const openMaps = (state: ClusterState): { state: ClusterState; maps: OpenMaps } => {
  const open = {
    resources: state.resources.asMutable(),
    endpoints: state.endpoints.asMutable(),
    ipOwners: state.ipOwners.asMutable(),
    policies: state.policies.asMutable(),
    rejections: state.rejections.asMutable(),
  };
  return { state: { ...state, ...open }, maps: { before: state, open } };
};

/**
 * The state with its transients made persistent. A map the fold left alone
 * is the one it was opened from (the same object, as a persistent fold would
 * give); one the fold replaced by a map of its own is kept as it is.
 */
export const closeMaps = (state: ClusterState, maps: OpenMaps): ClusterState => {
  const out: Record<string, unknown> = { ...state };
  for (const field of OPENED) {
    const now = state[field] as unknown as AnyMap;
    const open = maps.open[field] as unknown as AnyMap;
    if (now !== open) continue;
    out[field] = open.wasAltered() ? open.asImmutable() : maps.before[field];
  }
  return out as unknown as ClusterState;
};
