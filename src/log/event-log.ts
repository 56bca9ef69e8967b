// The contract every event-log backend honours (embedded SQLite now; Kafka
// and etcd later): one total order of events with dense offsets from 0,
// atomic batch appends, paged reads, a tail that crosses from history into
// live events, and a time index. It says nothing about storage, transport or
// how events are produced or folded; backends and the fold do that.
import type { EventDraft, LoggedEvent } from '../../compiler/events/event';

/** Filters for `query`; every field narrows, none required. */
export interface LogQuery {
  /** Events whose time is ≥ this RFC 3339 instant. */
  readonly since?: string;
  /** Events whose time is ≤ this RFC 3339 instant. */
  readonly until?: string;
  readonly kind?: string;
  readonly key?: string;
  /** At most this many events (the first ones in offset order). */
  readonly limit?: number;
}

export interface EventLog {
  /**
   * Appends the batch atomically: every draft is decoded first, and either all
   * are written, at consecutive offsets, or none is. Resolves to the offsets
   * given, in draft order. Rejects with a LogError (`invalid-event`,
   * `duplicate-id`, `busy`, `closed`, `io`).
   */
  append(drafts: readonly EventDraft[]): Promise<number[]>;

  /**
   * Events with `from ≤ offset < to`, in offset order, fetched in pages.
   * `to` defaults to the head when iteration starts, so a read ends even while
   * others keep appending.
   */
  read(from: number, to?: number): AsyncIterable<LoggedEvent>;

  /**
   * Events from `from` on: the past ones, then each new one as it is appended
   * (by this or any other process), until `signal` aborts or the log closes;
   * then the iteration ends without error.
   */
  tail(from: number, signal: AbortSignal): AsyncIterable<LoggedEvent>;

  /** The offset the next appended event will get (= number of events). */
  head(): Promise<number>;

  /**
   * The greatest offset whose event's time is ≤ `time` (RFC 3339, any zone),
   * or undefined when no event is that old. Event times are producers' clocks,
   * so they need not rise with offsets; the answer is exact either way.
   */
  offsetAtTime(time: string): Promise<number | undefined>;

  /** Events matching every filter, in offset order, fetched in pages. Optional:
   * `queryLog` in query-log.ts falls back to a scan for backends without it. */
  query?(q: LogQuery): AsyncIterable<LoggedEvent>;

  /** Releases the backend; later calls reject with `closed`. Idempotent. */
  close(): Promise<void>;
}

export type LogErrorCode =
  /** A draft does not decode; `problems` names every bad field. */
  | 'invalid-event'
  /** An event id is already in the log or twice in the batch. */
  | 'duplicate-id'
  /** A caller passed a malformed offset, time or query. */
  | 'invalid-argument'
  /** The store stayed locked by other writers through every retry. */
  | 'busy'
  | 'closed'
  /** The store exists but is not a foldnet log of a version we read. */
  | 'foreign-format'
  | 'unsupported-url'
  /** Anything else the store reported (disk full, I/O error, ...). */
  | 'io';

export interface LogErrorOptions {
  readonly retriable?: boolean;
  readonly cause?: unknown;
  /** One line per problem, `drafts[2].time: expected ..., got ...`. */
  readonly problems?: readonly string[];
}

/** The one error type log backends throw; decide on `code`, not on message text. */
export class LogError extends Error {
  override readonly name = 'LogError';
  readonly code: LogErrorCode;
  readonly retriable: boolean;
  readonly problems: readonly string[];

  constructor(code: LogErrorCode, message: string, options: LogErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
    this.problems = options.problems ?? [];
  }
}

export const isLogError = (e: unknown, code?: LogErrorCode): e is LogError =>
  e instanceof LogError && (code === undefined || e.code === code);
