// Generated documents → events → a folded ClusterState, as a log replay would
// build it. Anything the fold rejects is a generator bug, so it throws.
import * as E from 'fp-ts/Either';
import type { LoggedEvent } from '../compiler/events/event';
import { fold } from '../compiler/fold/fold';
import { ClusterState, emptyState } from '../compiler/fold/state';
import { decodeResource } from '../compiler/resources/decode';
import type { Doc } from './cluster-shape';

export const BENCH_TIME = '2026-01-01T00:00:00.000Z';

/** A put event for a document at `offset`. */
export const putEvent = (doc: Doc, offset: number): LoggedEvent => {
  const d = decodeResource(doc);
  if (E.isLeft(d)) throw new Error(`generated document does not decode: ${d.left.join('; ')}\n${JSON.stringify(doc)}`);
  return { offset, id: `bench-${offset}`, time: BENCH_TIME, actor: 'bench', schemaVersion: 1, type: 'put', kind: d.right.kind, key: d.right.key, resource: d.right.resource as Record<string, unknown> };
};

/** Folds the documents in order; throws on a rejection. */
export const stateOf = (docs: readonly Doc[], from: ClusterState = emptyState()): ClusterState => {
  let state = from;
  for (const doc of docs) {
    const r = fold(state, putEvent(doc, state.offset));
    if (E.isLeft(r)) throw new Error(`out of order at ${r.left.got}`);
    if (r.right.rejection) throw new Error(`the fold rejected a generated document: ${JSON.stringify(r.right.rejection)}`);
    state = r.right.state;
  }
  return state;
};
