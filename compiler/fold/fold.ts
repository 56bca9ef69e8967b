// fold(state, event) → { state, changes }: the one way state advances. Pure and
// total: an event that cannot apply (undecodable, breaks an invariant, removes
// what is absent) is recorded as a rejection at its offset, deterministically,
// and leaves the model as it was. Only an event out of order is an error,
// because it means the caller lost its place in the log.
import * as E from 'fp-ts/Either';
import { LoggedEvent } from '../events/event';
import { kindById } from '../resources/kinds';
import { typedResource } from '../resources/decode';
import { Change } from './changes';
import { putEntity, removeEntity, Step } from './entities';
import { ClusterState, emptyState, Rejection, resourceId } from './state';

export interface FoldResult {
  readonly state: ClusterState;
  readonly changes: readonly Change[];
  readonly rejection?: Rejection;
}

export interface OutOfOrder {
  readonly _tag: 'OutOfOrder';
  readonly expected: number;
  readonly got: number;
}

const step = (state: ClusterState, event: LoggedEvent): Step => {
  const info = kindById(event.kind);
  if (!info) return E.left(`unknown kind ${event.kind}`);
  const id = resourceId(event.kind, event.key);
  if (event.type === 'remove') {
    if (!state.resources.has(id)) return E.left(`${event.kind} ${event.key} does not exist`);
    const r = removeEntity(state, info.id, event.key);
    return E.map((x: { state: ClusterState; changes: Change[] }) => ({ ...x, state: { ...x.state, resources: x.state.resources.delete(id) } }))(r);
  }
  const typed = typedResource(info.id, event.resource);
  if (E.isLeft(typed)) return E.left(`does not decode: ${typed.left.join('; ')}`);
  const r = putEntity(state, info.id, event.key, typed.right);
  const stored = { kind: info.id, key: event.key, resource: event.resource, offset: event.offset, time: event.time };
  return E.map((x: { state: ClusterState; changes: Change[] }) => ({ ...x, state: { ...x.state, resources: x.state.resources.set(id, stored) } }))(r);
};

export const fold = (state: ClusterState, event: LoggedEvent): E.Either<OutOfOrder, FoldResult> => {
  if (event.offset !== state.offset) return E.left({ _tag: 'OutOfOrder', expected: state.offset, got: event.offset });
  const r = step(state, event);
  if (E.isRight(r)) return E.right({ state: { ...r.right.state, offset: state.offset + 1 }, changes: r.right.changes });
  const rejection: Rejection = { offset: event.offset, type: event.type, kind: event.kind, key: event.key, reason: r.left };
  return E.right({
    state: { ...state, offset: state.offset + 1, rejections: state.rejections.set(event.offset, rejection) },
    changes: [],
    rejection,
  });
};

/** Folds a whole sequence; stops at the first event out of order. */
export const foldAll = (events: Iterable<LoggedEvent>, from: ClusterState = emptyState()): E.Either<OutOfOrder, ClusterState> => {
  let state = from;
  for (const ev of events) {
    const r = fold(state, ev);
    if (E.isLeft(r)) return r;
    state = r.right.state;
  }
  return E.right(state);
};
