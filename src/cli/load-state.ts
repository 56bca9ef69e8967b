// Folding the log into a ClusterState from the shell: stream events in pages
// and fold each page with the pure `foldAll`. `--at` picks a past point, as
// an offset (state after that event) or an RFC 3339 time (state after the
// last event at or before it). The replay starts from the nearest valid
// checkpoint at or before the point and writes checkpoints as it folds past
// them (src/checkpoint/). What to show of the state is the commands' job.
import * as E from 'fp-ts/Either';
import type { LoggedEvent } from '../../compiler/events/event';
import { foldAll } from '../../compiler/fold/fold';
import type { ClusterState } from '../../compiler/fold/state';
import { replayWithCheckpoints } from '../checkpoint/store-for-log';
import type { EventLog } from '../log/event-log';
import { canonicalTime } from '../log/log-time';
import { CliError, ExitCode, usageError } from './cli-error';

export interface LoadedState {
  readonly state: ClusterState;
  /** Events 0..end-1 were folded (end = state.offset). */
  readonly end: number;
  /** The log's head when the state was loaded. */
  readonly head: number;
}

const PAGE = 1000;

/** Folds events from `from.offset` up to (not including) `to` onto `from`. */
export async function foldLog(log: EventLog, from: ClusterState, to: number): Promise<ClusterState> {
  let state = from;
  let page: LoggedEvent[] = [];
  const flush = (): void => {
    const r = foldAll(page, state);
    if (E.isLeft(r)) throw new CliError(ExitCode.Log, `the log is inconsistent: expected offset ${r.left.expected}, read ${r.left.got}`);
    state = r.right;
    page = [];
  };
  for await (const e of log.read(from.offset, to)) {
    page.push(e);
    if (page.length >= PAGE) flush();
  }
  flush();
  if (state.offset !== to) throw new CliError(ExitCode.Log, `the log ended at offset ${state.offset}, expected events up to ${to}`);
  return state;
}

/** The exclusive end offset `--at` names, given the head. */
export async function resolveAt(log: EventLog, at: string, head: number): Promise<number> {
  const text = at.trim();
  if (/^\d+$/.test(text)) {
    const offset = Number(text);
    if (offset >= head)
      throw usageError(head === 0 ? `--at ${text}: the log is empty` : `--at ${text}: the log has ${head} events (offsets 0-${head - 1})`);
    return offset + 1;
  }
  const time = canonicalTime(text);
  if (time === undefined) throw usageError(`--at: expected an offset or an RFC 3339 time, got ${JSON.stringify(at)}`);
  const offset = await log.offsetAtTime(time);
  // No event that old: the cluster was empty then.
  return offset === undefined ? 0 : Math.min(offset + 1, head);
}

export async function loadState(log: EventLog, at?: string): Promise<LoadedState> {
  const head = await log.head();
  const end = at === undefined ? head : await resolveAt(log, at, head);
  return { state: (await replayWithCheckpoints(log, end)).state, end, head };
}
