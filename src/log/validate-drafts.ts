// Decides whether a batch of drafts may enter the log, before a backend
// writes anything: each must decode with the EventDraft codec, carry its time
// in the stored form (log-time.ts), hold a JSON-serialisable resource, and
// have an id no other draft of the batch has. Rejections name every bad field
// (`drafts[2].time: expected ..., got ...`). Ids already in the log are the
// backend's to catch, inside its write transaction.
import * as t from 'io-ts';
import { isLeft } from 'fp-ts/Either';
import { Envelope, EventDraft, PutBody, RemoveBody } from '../../compiler/events/event';
import { LogError } from './event-log';
import { isCanonicalTime } from './log-time';

/** The drafts as decoded (unknown envelope fields stripped), or a LogError thrown. */
export function validateDrafts(drafts: readonly unknown[]): EventDraft[] {
  const problems: string[] = [];
  const valid: EventDraft[] = [];
  drafts.forEach((u, i) => {
    const decoded = EventDraft.decode(u);
    if (isLeft(decoded)) {
      problems.push(...explain(u).map((p) => `drafts[${i}]${p}`));
      return;
    }
    const draft = decoded.right;
    if (!isCanonicalTime(draft.time)) {
      problems.push(
        `drafts[${i}].time: expected RFC 3339 UTC with milliseconds (YYYY-MM-DDTHH:MM:SS.sssZ), got ${show(draft.time)}`,
      );
    }
    if (draft.type === 'put') {
      const why = unserialisable(draft.resource);
      if (why !== undefined) problems.push(`drafts[${i}].resource: not serialisable as JSON (${why})`);
    }
    valid.push(draft);
  });
  if (problems.length > 0) {
    throw new LogError('invalid-event', `invalid event draft: ${problems.join('; ')}`, { problems });
  }
  const seen = new Map<string, number>();
  valid.forEach((d, i) => {
    const first = seen.get(d.id);
    if (first !== undefined) problems.push(`drafts[${i}].id: ${show(d.id)} is also drafts[${first}].id`);
    else seen.set(d.id, i);
  });
  if (problems.length > 0) {
    throw new LogError('duplicate-id', `duplicate event id in batch: ${problems.join('; ')}`, { problems });
  }
  return valid;
}

/**
 * Why `u` fails EventDraft, field by field. The body is checked against the
 * one branch its `type` selects: io-ts would report every branch of the
 * union, and "expected put" on a remove event misleads.
 */
function explain(u: unknown): string[] {
  if (typeof u !== 'object' || u === null || Array.isArray(u)) {
    return [`: expected an event object, got ${show(u)}`];
  }
  const type = (u as { type?: unknown }).type;
  const body = type === 'put' ? PutBody : type === 'remove' ? RemoveBody : undefined;
  const out = [...report(Envelope.decode(u))];
  if (body === undefined) out.push(`.type: expected "put" | "remove", got ${show(type)}`);
  else out.push(...report(body.decode(u)));
  return out.length > 0 ? out : report(EventDraft.decode(u));
}

function report(result: t.Validation<unknown>): string[] {
  if (!isLeft(result)) return [];
  return result.left.map((e) => {
    const last = e.context[e.context.length - 1];
    return `${pathOf(e.context)}: expected ${last?.type.name ?? 'a value'}, got ${show(e.value)}`;
  });
}

/** `.a.b[3]` from an io-ts context, skipping the member indices unions and intersections add. */
function pathOf(context: t.Context): string {
  let path = '';
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]?.type as unknown as { _tag?: string };
    if (parent._tag === 'UnionType' || parent._tag === 'IntersectionType') continue;
    const key = context[i]?.key ?? '';
    path += /^\d+$/.test(key) ? `[${key}]` : `.${key}`;
  }
  return path;
}

function unserialisable(value: unknown): string | undefined {
  try {
    JSON.stringify(value);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'bigint' ? `${value}n` : JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
