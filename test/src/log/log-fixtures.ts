// Drafts for log tests: a plain builder, fast-check arbitraries that build
// batches of valid drafts (ids made unique afterwards, times with ties and
// clocks running backwards), and the list model a log must behave like.
import fc from 'fast-check';
import type { EventDraft, LoggedEvent } from '../../../compiler/events/event';

export const BASE_MS = Date.parse('2024-03-01T12:00:00.000Z');

export const timeAt = (ms: number): string => new Date(ms).toISOString();

export interface DraftShape {
  readonly type: 'put' | 'remove';
  readonly kind: string;
  readonly key: string;
  /** Seconds after BASE_MS; small, so that ties and reversals are common. */
  readonly second: number;
  readonly n: number;
  readonly labels: Readonly<Record<string, string>>;
}

export function draft(id: string, shape: Partial<DraftShape> = {}): EventDraft {
  const envelope = {
    id,
    time: timeAt(BASE_MS + (shape.second ?? 0) * 1000),
    actor: 'test',
    schemaVersion: 1 as const,
  };
  const kind = shape.kind ?? 'Host';
  const key = shape.key ?? 'node-1';
  return shape.type === 'remove'
    ? { ...envelope, type: 'remove', kind, key }
    : { ...envelope, type: 'put', kind, key, resource: { spec: { n: shape.n ?? 0, labels: shape.labels ?? {} } } };
}

/** `count` drafts with ids `${prefix}-${i}` and times one second apart. */
export const drafts = (prefix: string, count: number, first = 0): EventDraft[] =>
  Array.from({ length: count }, (_, i) => draft(`${prefix}-${first + i}`, { second: first + i, n: first + i }));

export const shapeArb: fc.Arbitrary<DraftShape> = fc.record({
  type: fc.constantFrom('put' as const, 'remove' as const),
  kind: fc.constantFrom('Host', 'Profile', 'NetworkPolicy'),
  key: fc.constantFrom('a', 'b', 'ns/c'),
  second: fc.integer({ min: 0, max: 30 }),
  n: fc.integer(),
  // Spread: fc.dictionary builds null-prototype objects, and JSON gives plain ones back.
  labels: fc.dictionary(fc.constantFrom('app', 'tier', 'env'), fc.string({ maxLength: 4 })).map((l) => ({ ...l })),
});

export const batchesArb: fc.Arbitrary<DraftShape[][]> = fc.array(fc.array(shapeArb, { minLength: 1, maxLength: 5 }), {
  maxLength: 8,
});

/** Turns generated shapes into drafts with ids unique within the run. */
export function toDrafts(run: string, batches: readonly (readonly DraftShape[])[]): EventDraft[][] {
  let i = 0;
  return batches.map((b) => b.map((shape) => draft(`${run}-${i++}`, shape)));
}

/** The log as a list: each draft gets its index as offset. */
export const model = (batches: readonly (readonly EventDraft[])[]): LoggedEvent[] =>
  batches.flat().map((d, offset) => ({ ...d, offset }));

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The first `n` items, then stops the iteration (a tail's, say); none at all for n = 0. */
export async function collectFirst<T>(items: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  if (n === 0) return out;
  for await (const item of items) {
    out.push(item);
    if (out.length >= n) break;
  }
  return out;
}

let runs = 0;
/** An id prefix unique to this process and call. */
export const uniqueRun = (): string => `r${process.pid}-${Date.now().toString(36)}-${runs++}`;

/** `ms` written with a numeric zone offset of `minutes` instead of Z. */
export function withZone(ms: number, minutes: number): string {
  const local = new Date(ms + minutes * 60_000).toISOString().slice(0, -1);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const pad = (x: number): string => String(x).padStart(2, '0');
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
