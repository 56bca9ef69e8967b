// The event: one fact about desired state, self-contained. `put` carries the
// whole resource as the user wrote it (normalised); `remove` names it. The
// envelope says who and when; the offset is given by the log, never by the
// producer. What the fold decides from events (IPs, rejections) is not here.
import * as t from 'io-ts';

export const SCHEMA_VERSION = 1;

/** `namespace/name` for namespaced kinds, `name` otherwise. */
export const ResourceKey = t.string;
export type ResourceKey = t.TypeOf<typeof ResourceKey>;

export const PutBody = t.strict({
  type: t.literal('put'),
  kind: t.string,
  key: t.string,
  resource: t.UnknownRecord,
});
export type PutBody = t.TypeOf<typeof PutBody>;

export const RemoveBody = t.strict({
  type: t.literal('remove'),
  kind: t.string,
  key: t.string,
});
export type RemoveBody = t.TypeOf<typeof RemoveBody>;

export const EventBody = t.union([PutBody, RemoveBody]);
export type EventBody = t.TypeOf<typeof EventBody>;

export const Envelope = t.strict({
  id: t.string,
  /** Producer's wall time, RFC 3339 in UTC with milliseconds. */
  time: t.string,
  actor: t.string,
  schemaVersion: t.literal(SCHEMA_VERSION),
});
export type Envelope = t.TypeOf<typeof Envelope>;

/** What a producer hands to the log: everything but the offset. */
export const EventDraft = t.intersection([Envelope, EventBody]);
export type EventDraft = t.TypeOf<typeof EventDraft>;

/** What the log hands back: the draft with its place in the total order. */
export const LoggedEvent = t.intersection([t.strict({ offset: t.number }), Envelope, EventBody]);
export type LoggedEvent = t.TypeOf<typeof LoggedEvent>;
