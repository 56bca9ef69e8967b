// Folding a stretch of the log from the shell: read events `from.offset` up to
// (not including) `to` in pages and fold them with the pure `foldAll`: all
// of them in one call when the backend reads synchronously, else page by page.
// Every reader of history (CLI, checkpoints, status, agent, CNI plugin) goes
// through here. A gap or an event out of order means the log is not whole: a
// LogError('io'), which each caller reports in its own terms.
import * as E from 'fp-ts/Either';
import type { LoggedEvent } from '../../compiler/events/event';
import { foldAll, type FoldOptions } from '../../compiler/fold/fold';
import type { ClusterState } from '../../compiler/fold/state';
import { type EventLog, LogError } from './event-log';

const PAGE = 1000;

export interface FoldedRange {
  readonly state: ClusterState;
  /** The id of the last event folded (undefined when the range was empty). */
  readonly lastId: string | undefined;
}

/** A backend that hands over its reads a page at a time with no await at all (the embedded log). */
interface SyncPagedRead {
  readPagesSync(from: number, to?: number): Iterable<readonly LoggedEvent[]>;
}

const hasSyncPages = (log: EventLog): log is EventLog & SyncPagedRead =>
  typeof (log as Partial<SyncPagedRead>).readPagesSync === 'function';

/** The events of [from, to), `read` cut into pages of PAGE (the remote logs). */
async function* pagesOf(log: EventLog, from: number, to: number): AsyncIterable<readonly LoggedEvent[]> {
  let page: LoggedEvent[] = [];
  for await (const e of log.read(from, to)) {
    page.push(e);
    if (page.length >= PAGE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

export async function foldLogRange(log: EventLog, from: ClusterState, to: number, options: FoldOptions = {}): Promise<FoldedRange> {
  if (hasSyncPages(log)) return foldAtOnce(log, from, to, options);
  let state = from;
  let lastId: string | undefined;
  for await (const page of pagesOf(log, from.offset, to)) {
    if (page.length === 0) continue;
    state = folded(foldAll(page, state, options));
    lastId = page[page.length - 1]!.id;
  }
  return ended(state, lastId, to);
}

/**
 * The whole range in one foldAll: its maps then stay open in place
 * (compiler/fold/in-place.ts) from the first event to the last, where a
 * foldAll per page would reopen them, and copy the paths it writes again,
 * on every page. Pages are still read one at a time, as foldAll pulls events.
 * (The paged path never yielded to the event loop between pages either:
 * its awaits resolve at once.)
 */
function foldAtOnce(log: SyncPagedRead, from: ClusterState, to: number, options: FoldOptions): FoldedRange {
  let last: LoggedEvent | undefined;
  function* events(): Iterable<LoggedEvent> {
    for (const page of log.readPagesSync(from.offset, to)) {
      for (const e of page) {
        last = e;
        yield e;
      }
    }
  }
  const state = folded(foldAll(events(), from, options));
  return ended(state, (last as LoggedEvent | undefined)?.id, to);
}

const folded = (r: ReturnType<typeof foldAll>): ClusterState => {
  if (E.isLeft(r)) throw new LogError('io', `the log is inconsistent: expected offset ${r.left.expected}, read ${r.left.got}`);
  return r.right;
};

const ended = (state: ClusterState, lastId: string | undefined, to: number): FoldedRange => {
  if (state.offset !== to) throw new LogError('io', `the log ended at offset ${state.offset}, expected events up to ${to}`);
  return { state, lastId };
};
