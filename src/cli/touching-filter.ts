// The offsets of events that changed what applies to one endpoint, for
// `foldnet log --touching ns/name`: the log is folded one event at a time and
// each step judged by compiler/diff/touching.ts. Steps taken before the
// endpoint existed are judged against the endpoint as it is at `end` (so the
// policies and profiles it was created into count); the state at `end` comes
// from the checkpoints, the step-by-step fold cannot.
import * as E from 'fp-ts/Either';
import { touchesEndpoint } from '../../compiler/diff/touching';
import { fold } from '../../compiler/fold/fold';
import { emptyState } from '../../compiler/fold/state';
import { replayWithCheckpoints } from '../checkpoint/store-for-log';
import { type EventLog, LogError } from '../log/event-log';
import { usageError } from './cli-error';

export async function touchingOffsets(log: EventLog, endpoint: string, end: number): Promise<Set<number>> {
  if (!/^[^/\s]+\/[^/\s]+$/.test(endpoint)) throw usageError(`--touching: expected an endpoint as NAMESPACE/NAME, got ${JSON.stringify(endpoint)}`);
  const fallback = (await replayWithCheckpoints(log, end)).state.endpoints.get(endpoint);
  const offsets = new Set<number>();
  let state = emptyState();
  for await (const e of log.read(0, end)) {
    const r = fold(state, e);
    if (E.isLeft(r)) throw new LogError('io', `the log is inconsistent: expected offset ${r.left.expected}, read ${r.left.got}`);
    if (touchesEndpoint(state, r.right.state, e, r.right.changes, endpoint, fallback)) offsets.add(e.offset);
    state = r.right.state;
  }
  return offsets;
}
