// Test helper: a ClusterState from resource documents (as a user would write
// them), by decoding each one and folding the events in order. Anything the
// decoder or the fold refuses throws, so a test never runs against a state
// other than the one it wrote down.
import * as E from 'fp-ts/Either';
import { LoggedEvent } from '../../../compiler/events/event';
import { foldAll } from '../../../compiler/fold/fold';
import { ClusterState, emptyState } from '../../../compiler/fold/state';
import { decodeResource } from '../../../compiler/resources/decode';

export const TEST_TIME = '2026-01-01T00:00:00.000Z';

/** Put events for the documents, offsets from `firstOffset`; throws on a document that does not decode. */
export const putEvents = (docs: readonly object[], firstOffset = 0): LoggedEvent[] =>
  docs.map((doc, i) => {
    const decoded = decodeResource(doc);
    if (E.isLeft(decoded)) throw new Error(`document ${i} does not decode:\n  ${decoded.left.join('\n  ')}\n${JSON.stringify(doc)}`);
    const offset = firstOffset + i;
    return {
      offset,
      id: `test-${offset}`,
      time: TEST_TIME,
      actor: 'test',
      schemaVersion: 1,
      type: 'put',
      kind: decoded.right.kind,
      key: decoded.right.key,
      resource: decoded.right.resource as Record<string, unknown>,
    };
  });

/** Folds events onto `from`; throws if any is rejected or out of order. */
export const foldEvents = (events: readonly LoggedEvent[], from: ClusterState = emptyState()): ClusterState => {
  const folded = foldAll(events, from);
  if (E.isLeft(folded)) throw new Error(`event out of order: expected offset ${folded.left.expected}, got ${folded.left.got}`);
  const rejected = [...folded.right.rejections.values()].filter((r) => r.offset >= from.offset);
  if (rejected.length > 0)
    throw new Error(`the fold rejected:\n  ${rejected.map((r) => `#${r.offset} ${r.kind} ${r.key}: ${r.reason}`).join('\n  ')}`);
  return folded.right;
};

export const stateFrom = (docs: readonly object[]): ClusterState => foldEvents(putEvents(docs));
