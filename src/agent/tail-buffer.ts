// Turns the log's tail (an async iterable) into a buffer the agent can poll
// with a timeout: events are read in the background as they are appended,
// and `waitForEvents(ms)` resolves once some are buffered or the time is up.
// A tail that fails with a retriable log error resumes where it stopped; any
// other failure is handed to the next waiter. It serves one consumer (one
// waiter at a time). Deciding how much to take at once is burst.ts's job.
import type { LoggedEvent } from '../../compiler/events/event';
import { type EventLog, isLogError } from '../log/event-log';

export interface TailBufferOptions {
  /** Pause before resuming a tail that failed with a retriable error. */
  readonly retryMs?: number;
  readonly onRetry?: (error: unknown) => void;
}

export class TailBuffer {
  private events: LoggedEvent[] = [];
  private next: number;
  private failure: unknown;
  private finished = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly log: EventLog,
    from: number,
    private readonly signal: AbortSignal,
    private readonly options: TailBufferOptions = {},
  ) {
    this.next = from;
    void this.pump();
  }

  /** True once the tail stopped for good (aborted, log closed or failed). */
  get ended(): boolean {
    return this.finished;
  }

  get buffered(): number {
    return this.events.length;
  }

  /**
   * Resolves true as soon as events are buffered, false after `ms` without
   * any (or once the tail ended); rejects with the tail's failure.
   */
  waitForEvents(ms: number): Promise<boolean> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.events.length > 0) return Promise.resolve(true);
    if (this.finished || ms <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        if (this.failure !== undefined) reject(this.failure);
        else resolve(this.events.length > 0);
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      this.wake = done;
    });
  }

  /** Everything buffered, in offset order; the buffer is empty afterwards. */
  drain(): LoggedEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  private notify(): void {
    this.wake?.();
  }

  private async pump(): Promise<void> {
    try {
      while (!this.signal.aborted) {
        try {
          for await (const e of this.log.tail(this.next, this.signal)) {
            this.events.push(e);
            this.next = e.offset + 1;
            this.notify();
          }
          return; // aborted or the log closed
        } catch (e) {
          if (!isLogError(e) || !e.retriable || this.signal.aborted) throw e;
          this.options.onRetry?.(e);
          await sleep(this.options.retryMs ?? 1000, this.signal);
        }
      }
    } catch (e) {
      if (!this.signal.aborted) this.failure = e;
    } finally {
      this.finished = true;
      this.notify();
    }
  }
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
