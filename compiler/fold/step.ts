// The shape of one fold step on the model and the few writes every kind
// makes with it: put or delete a keyed model and report the Change, prepend
// the changes that made it (IPAM's), and visit a map in key order when a
// rejection must name the first conflict it finds.
import * as E from 'fp-ts/Either';
import { Map as IMap } from 'immutable';
import { Change, Entity } from './changes';
import { ClusterState } from './state';

export type Step = E.Either<string, { state: ClusterState; changes: Change[] }>;

export const set = <V>(state: ClusterState, field: keyof ClusterState, entity: Entity, key: string, value: V): Step =>
  setKnown(state, field, entity, key, value, (state[field] as unknown as IMap<string, V>).get(key));

/** `set` when the caller has just read what `key` holds (`before`): a replay writes endpoints, and each lookup costs. */
export const setKnown = <V>(state: ClusterState, field: keyof ClusterState, entity: Entity, key: string, value: V, before: V | undefined): Step => {
  const map = state[field] as unknown as IMap<string, V>;
  return E.right({ state: withField(state, field, map, map.set(key, value)), changes: [{ entity, key, before, after: value }] });
};

/**
 * The state with `field` now `next`. A map foldAll opened in place
 * (in-place.ts) writes to itself and returns itself: then the state already
 * holds it, and copying the state would only make garbage.
 */
const withField = (state: ClusterState, field: keyof ClusterState, map: unknown, next: unknown): ClusterState =>
  next === map ? state : { ...state, [field]: next };

export const del = (state: ClusterState, field: keyof ClusterState, entity: Entity, key: string): Step =>
  delKnown(state, field, entity, key, (state[field] as unknown as IMap<string, unknown>).get(key));

/** `del` when the caller has just read what `key` holds (`before`). */
export const delKnown = (state: ClusterState, field: keyof ClusterState, entity: Entity, key: string, before: unknown): Step => {
  const map = state[field] as unknown as IMap<string, unknown>;
  // Nothing to delete (a resource whose event key is not its metadata's keeps its model under the latter): no change.
  if (before === undefined && !map.has(key)) return E.right({ state, changes: [] });
  return E.right({ state: withField(state, field, map, map.delete(key)), changes: [{ entity, key, before }] });
};

/** IPAM's own changes go first: they are what made the endpoint's addresses. */
export const withChanges = (step: Step, first: readonly Change[]): Step =>
  first.length === 0 ? step : E.map((x: { state: ClusterState; changes: Change[] }) => ({ ...x, changes: [...first, ...x.changes] }))(step);

/**
 * Values in key order. A rejection names the first conflicting resource it finds; map iteration order
 * is not part of the state (a checkpointed map may iterate differently), so the search must not depend on it.
 */
export const inKeyOrder = <V>(m: IMap<string, V>): V[] => [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);

export const fromEither = <A>(r: E.Either<string, A>, then: (a: A) => Step): Step => (E.isLeft(r) ? r : then(r.right));
