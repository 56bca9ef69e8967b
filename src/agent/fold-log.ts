// Folding for the agent: a range of the log, page by page, or a batch of
// events already read, onto a ClusterState, optionally showing each step to
// whoever keeps a snapshot current from them (host-snapshots.ts). An event out of order means the
// log lost the agent's place; that is thrown (only a restart, which re-reads
// the log from 0, can recover), since the agent cannot go on from a gap.
// The agent keeps the model only: resources' documents are dropped (FoldOptions).
import * as E from 'fp-ts/Either';
import type { LoggedEvent } from '../../compiler/events/event';
import { fold, type FoldOptions, type FoldResult } from '../../compiler/fold/fold';
import type { ClusterState } from '../../compiler/fold/state';
import type { EventLog } from '../log/event-log';
import { foldLogRange } from '../log/fold-range';

/** The agent needs the model, never the documents (`get` is the CLI's). */
const AGENT: FoldOptions = { documents: 'drop' };

/** Folds `events` onto `state` one at a time, calling `onStep` with the state before each step and its result. */
export function foldEvents(state: ClusterState, events: readonly LoggedEvent[], onStep?: (prev: ClusterState, step: FoldResult) => void): ClusterState {
  let at = state;
  for (const e of events) {
    const r = fold(at, e, AGENT);
    if (E.isLeft(r)) throw new Error(`the log is inconsistent: expected offset ${r.left.expected}, read ${r.left.got}`);
    onStep?.(at, r.right);
    at = r.right.state;
  }
  return at;
}

/** Folds events `from.offset` up to (not including) `to` onto `from`. */
export async function foldRange(log: EventLog, from: ClusterState, to: number): Promise<ClusterState> {
  return (await foldLogRange(log, from, to, AGENT)).state;
}
