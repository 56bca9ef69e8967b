// Loading a ClusterState for a command: the log folded (src/log/fold-range.ts)
// up to the head or a past point. `--at` picks a past point, as
// an offset (state after that event) or an RFC 3339 time (state after the
// last event at or before it). The replay starts from the nearest valid
// checkpoint at or before the point and writes checkpoints as it folds past
// them (src/checkpoint/). What to show of the state is the commands' job.
import type { ClusterState } from '../../compiler/fold/state';
import { replayWithCheckpoints } from '../checkpoint/store-for-log';
import type { EventLog } from '../log/event-log';
import { foldLogRange } from '../log/fold-range';
import { canonicalTime } from '../log/log-time';
import { usageError } from './cli-error';

export interface LoadedState {
  readonly state: ClusterState;
  /** Events 0..end-1 were folded (end = state.offset). */
  readonly end: number;
  /** The log's head when the state was loaded. */
  readonly head: number;
}

/** Folds events from `from.offset` up to (not including) `to` onto `from`. */
export async function foldLog(log: EventLog, from: ClusterState, to: number): Promise<ClusterState> {
  return (await foldLogRange(log, from, to)).state;
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
