// Delivers the agent's status reports to the status store, one at a time and
// in order, and keeps the latest one until it is delivered: a report that
// failed because the store could not be reached (a retriable log error, e.g.
// etcd down) is sent again after a pause that doubles up to a cap, unless a
// newer report replaces it first. Without this, the status of an agent that
// applied while its store was down would stay behind until its next apply.
// Other failures (an invalid report) are logged and dropped. What to report,
// and when, is host-agent.ts's business; where it goes is the store's.
import { isLogError } from '../log/event-log';
import type { Logger } from './json-logger';

export interface AgentReport {
  readonly appliedOffset: number;
  readonly snapshotHash: string;
  readonly lastApplyTime: string;
  readonly lastError: string | null;
}

export interface StatusReporterOptions {
  readonly send: (r: AgentReport) => Promise<void>;
  readonly logger: Logger;
  /** First and longest pause before sending a failed report again (default 1 s and 30 s). */
  readonly retryMs?: { readonly min: number; readonly max: number };
}

export class StatusReporter {
  private pending: AgentReport | undefined;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  private closed = false;

  constructor(private readonly o: StatusReporterOptions) {
    this.delay = o.retryMs?.min ?? 1000;
  }

  /** Sends `r` (after any send in progress); resolves once it was sent or failed. Never rejects. */
  report(r: AgentReport): Promise<void> {
    this.pending = r;
    return this.flush();
  }

  /** True while a report waits to be sent again. */
  get owing(): boolean {
    return this.pending !== undefined;
  }

  /** Stops retrying; resolves once a send in progress is done. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.chain;
  }

  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.chain = this.chain.then(() => this.sendPending());
    return this.chain;
  }

  private async sendPending(): Promise<void> {
    const r = this.pending;
    if (r === undefined || this.closed) return;
    try {
      await this.o.send(r);
      if (this.pending === r) this.pending = undefined;
      this.delay = this.o.retryMs?.min ?? 1000;
    } catch (e) {
      if (!isLogError(e) || !e.retriable) {
        if (this.pending === r) this.pending = undefined;
        this.o.logger.warn('could not report status', { offset: r.appliedOffset, error: e });
        return;
      }
      // A newer report, queued meanwhile, goes next anyway.
      if (this.pending !== r || this.closed) return;
      this.o.logger.warn('could not report status; will retry', { offset: r.appliedOffset, error: e, retryInMs: this.delay });
      this.timer = setTimeout(() => void this.flush(), this.delay);
      this.timer.unref();
      this.delay = Math.min(this.delay * 2, this.o.retryMs?.max ?? 30_000);
    }
  }
}
