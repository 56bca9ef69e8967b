// Folding a stretch of the log from the shell: read events `from.offset` up to
// (not including) `to` in pages and fold each page with the pure `foldAll`.
// Every reader of history (CLI, checkpoints, status, agent, CNI plugin) goes
// through here. A gap or an event out of order means the log is not whole: a
// LogError('io'), which each caller reports in its own terms.
import * as E from 'fp-ts/Either';
import type { LoggedEvent } from '../../compiler/events/event';
import { foldAll } from '../../compiler/fold/fold';
import type { ClusterState } from '../../compiler/fold/state';
import { type EventLog, LogError } from './event-log';

const PAGE = 1000;

export interface FoldedRange {
  readonly state: ClusterState;
  /** The id of the last event folded (undefined when the range was empty). */
  readonly lastId: string | undefined;
}

export async function foldLogRange(log: EventLog, from: ClusterState, to: number): Promise<FoldedRange> {
  let state = from;
  let lastId: string | undefined;
  let page: LoggedEvent[] = [];
  const flush = (): void => {
    const r = foldAll(page, state);
    if (E.isLeft(r)) throw new LogError('io', `the log is inconsistent: expected offset ${r.left.expected}, read ${r.left.got}`);
    state = r.right;
    page = [];
  };
  for await (const e of log.read(from.offset, to)) {
    page.push(e);
    lastId = e.id;
    if (page.length >= PAGE) flush();
  }
  flush();
  if (state.offset !== to) throw new LogError('io', `the log ended at offset ${state.offset}, expected events up to ${to}`);
  return { state, lastId };
}
