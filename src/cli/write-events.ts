// Writing changes to the log and learning what the fold made of them: new
// drafts get an id, the wall time and the actor; a batch is appended in one
// atomic call and folded onto the state it was planned against (together
// with anything others appended meanwhile), so each event's rejection, if
// any, can be reported. `simulateEvents` folds drafts without appending, for
// `--dry-run`. Which events to write is the commands' business.
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/Either';
import type { EventBody, EventDraft, LoggedEvent } from '../../compiler/events/event';
import { SCHEMA_VERSION } from '../../compiler/events/event';
import { fold } from '../../compiler/fold/fold';
import type { ClusterState } from '../../compiler/fold/state';
import type { EventLog } from '../log/event-log';
import { foldLog } from './load-state';

export const newDraft = (actor: string, body: EventBody, now: Date = new Date()): EventDraft => ({
  id: randomUUID(),
  time: now.toISOString(),
  actor,
  schemaVersion: SCHEMA_VERSION,
  ...body,
});

export interface EventOutcome {
  readonly draft: EventDraft;
  /** Where it went (or would go, in a dry run). */
  readonly offset: number;
  /** Why the fold rejected it, when it did. */
  readonly rejected?: string;
}

export interface WriteResult {
  readonly outcomes: EventOutcome[];
  /** The state after the batch (and anything appended before it). */
  readonly state: ClusterState;
}

/** Appends the drafts atomically and folds the log through them onto `state`. */
export async function appendEvents(log: EventLog, state: ClusterState, drafts: readonly EventDraft[]): Promise<WriteResult> {
  if (drafts.length === 0) return { outcomes: [], state };
  const offsets = await log.append(drafts);
  const after = await foldLog(log, state, Math.max(...offsets) + 1);
  return {
    outcomes: drafts.map((draft, i) => ({ draft, offset: offsets[i]!, rejected: after.rejections.get(offsets[i]!)?.reason })),
    state: after,
  };
}

/** What appending the drafts at the head `state` would do, without appending. */
export function simulateEvents(state: ClusterState, drafts: readonly EventDraft[]): WriteResult {
  let s = state;
  const outcomes: EventOutcome[] = [];
  for (const draft of drafts) {
    const event = { ...draft, offset: s.offset } as LoggedEvent;
    const r = fold(s, event);
    // `fold` only fails on an event out of order, and this one is in order by construction.
    if (E.isLeft(r)) throw new Error(`simulated event out of order: expected ${r.left.expected}, got ${r.left.got}`);
    outcomes.push({ draft, offset: event.offset, rejected: r.right.rejection?.reason });
    s = r.right.state;
  }
  return { outcomes, state: s };
}

/**
 * The order kinds are written in, whatever the order of the input: what
 * others refer to comes first (a policy needs its tier to exist), so a
 * directory whose file names sort policies before tiers still applies.
 * Deletes go in the reverse order (a tier cannot go while it holds policies).
 */
const KIND_ORDER: readonly string[] = ['Namespace', 'Tier', 'Host', 'IPPool', 'BGPConfiguration', 'BGPPeer', 'Profile'];
const rank = (kind: string): number => {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
};

/** A stable sort of items by the kind they write, dependencies first (or last, for deletes). */
export const inWriteOrder = <T>(items: readonly T[], kindOf: (t: T) => string, direction: 'put' | 'remove'): T[] =>
  items
    .map((item, i) => ({ item, i, r: rank(kindOf(item)) }))
    .sort((a, b) => (direction === 'put' ? a.r - b.r : b.r - a.r) || a.i - b.i)
    .map((x) => x.item);
