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
import { closeMaps, foldsInPlace, OpenMaps, openMaps } from './in-place';
import { ClusterState, emptyState, Rejection, resourceId } from './state';

export interface FoldResult {
  readonly state: ClusterState;
  readonly changes: readonly Change[];
  readonly rejection?: Rejection;
}

export interface FoldOptions {
  /**
   * `drop`: keep an empty object instead of each resource's document (its
   * kind, key, offset and time stay). The model is the same; `get` and the
   * other readers of documents need `keep`, the default. A host agent needs
   * only the model, and the documents are a large part of a big cluster's state.
   */
  readonly documents?: 'keep' | 'drop';
}

const NO_DOCUMENT: Readonly<Record<string, unknown>> = Object.freeze({});

export interface OutOfOrder {
  readonly _tag: 'OutOfOrder';
  readonly expected: number;
  readonly got: number;
}

/**
 * The model after a step, its resources written and its offset advanced, in
 * one copy of the state. When `resources` is the very map the state holds,
 * it is a transient foldAll opened (in-place.ts): then the state is one of
 * foldAll's own, which no one else ever sees, and it advances where it is
 * rather than being copied once per event.
 */
const advanced = (x: { state: ClusterState; changes: Change[] }, resources: ClusterState['resources'], offset: number): FoldResult => {
  if (resources !== x.state.resources) return { state: { ...x.state, resources, offset }, changes: x.changes };
  (x.state as { offset: number }).offset = offset;
  return x;
};

const step = (state: ClusterState, event: LoggedEvent, options: FoldOptions): E.Either<string, FoldResult> => {
  const info = kindById(event.kind);
  if (!info) return E.left(`unknown kind ${event.kind}`);
  const id = resourceId(event.kind, event.key);
  const next = state.offset + 1;
  if (event.type === 'remove') {
    if (!state.resources.has(id)) return E.left(`${event.kind} ${event.key} does not exist`);
    const r = removeEntity(state, info.id, event.key);
    return E.isLeft(r) ? r : E.right(advanced(r.right, r.right.state.resources.delete(id), next));
  }
  const typed = typedResource(info.id, event.resource);
  if (E.isLeft(typed)) return E.left(`does not decode: ${typed.left.join('; ')}`);
  const r: Step = putEntity(state, info.id, event.key, typed.right);
  if (E.isLeft(r)) return r;
  const resource = options.documents === 'drop' ? NO_DOCUMENT : event.resource;
  const stored = { kind: info.id, key: event.key, resource, offset: event.offset, time: event.time };
  return E.right(advanced(r.right, r.right.state.resources.set(id, stored), next));
};

export const fold = (state: ClusterState, event: LoggedEvent, options: FoldOptions = {}): E.Either<OutOfOrder, FoldResult> => {
  if (event.offset !== state.offset) return E.left({ _tag: 'OutOfOrder', expected: state.offset, got: event.offset });
  const r = step(state, event, options);
  if (E.isRight(r)) return r;
  const rejection: Rejection = { offset: event.offset, type: event.type, kind: event.kind, key: event.key, reason: r.left };
  return E.right({
    state: { ...state, offset: state.offset + 1, rejections: state.rejections.set(event.offset, rejection) },
    changes: [],
    rejection,
  });
};

/**
 * Folds a whole sequence; stops at the first event out of order. The state it
 * returns is the one `fold` gives event by event; runs of events that check
 * before they write are folded on transient maps (in-place.ts), which never
 * leave this call.
 */
export const foldAll = (events: Iterable<LoggedEvent>, from: ClusterState = emptyState(), options: FoldOptions = {}): E.Either<OutOfOrder, ClusterState> => {
  let state = from;
  let open: OpenMaps | undefined;
  for (const ev of events) {
    const inPlace = foldsInPlace(ev);
    if (inPlace && open === undefined) ({ state, maps: open } = openMaps(state));
    else if (!inPlace && open !== undefined) {
      state = closeMaps(state, open);
      open = undefined;
    }
    const r = fold(state, ev, options);
    if (E.isLeft(r)) return r;
    state = r.right.state;
  }
  return E.right(open === undefined ? state : closeMaps(state, open));
};
