// How a distributed backend stores one event: the draft as a JSON text (the
// offset is never stored: the store's position is the offset), and the way
// back, checked with the LoggedEvent codec so a record that is not a foldnet
// event fails loudly at its offset instead of folding into a wrong state.
// Where the text lives (a Kafka record, an etcd value) is the backend's job.
import { isLeft } from 'fp-ts/Either';
import { type EventDraft, LoggedEvent } from '../../compiler/events/event';
import { LogError } from './event-log';

/** The stored form of a validated draft. */
export function encodeEvent(d: EventDraft): string {
  const envelope = { id: d.id, time: d.time, actor: d.actor, schemaVersion: d.schemaVersion };
  return JSON.stringify(
    d.type === 'put'
      ? { ...envelope, type: d.type, kind: d.kind, key: d.key, resource: d.resource }
      : { ...envelope, type: d.type, kind: d.kind, key: d.key },
  );
}

/** The event stored as `text` at `offset`; `foreign-format` naming `where` when it is none. */
export function decodeEvent(text: string, offset: number, where: string): LoggedEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new LogError('foreign-format', `${where}: offset ${offset} does not hold a foldnet event (not JSON)`, { cause: e });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new LogError('foreign-format', `${where}: offset ${offset} does not hold a foldnet event`);
  }
  const decoded = LoggedEvent.decode({ ...parsed, offset });
  if (isLeft(decoded)) throw new LogError('foreign-format', `${where}: offset ${offset} does not hold a foldnet event`);
  return decoded.right;
}

/** Throws `invalid-argument` unless `n` is a usable offset. */
export function checkOffset(n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new LogError('invalid-argument', `${name} must be a non-negative integer offset, got ${n}`);
  }
}

/**
 * Runs tasks one at a time, in call order. A backend's appends go through
 * one, so that a handle never races itself (and Kafka's idempotent producer
 * keeps its one request in flight).
 */
export class Serial {
  private last: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.last.then(task, task);
    this.last = result.catch(() => undefined);
    return result;
  }
}
