// The plugin's conversation with the event log: fold it to the head, or
// append one event and fold through it to learn what the fold decided (the
// addresses IPAM gave, or why the event was rejected). The state folded so
// far is kept, so a DEL that reads then writes folds the log once. Every call
// is bounded: a log that does not answer in `timeoutMs` is a "try again
// later" error, not a hung runtime. Which events to write is add.ts's and
// del.ts's business.
//
// Startup cost matters here (a runtime waits on every ADD), so this opens the
// embedded log directly and loads the Kafka and etcd clients (open-log.ts)
// only for their URLs, and folds with the pure fold rather than through the
// CLI's loader.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { type EventBody, type EventDraft, SCHEMA_VERSION } from '../../compiler/events/event';
import { type ClusterState, emptyState } from '../../compiler/fold/state';
import type { EventLog } from '../log/event-log';
import { foldLogRange } from '../log/fold-range';
import { CniCode, CniError } from './errors';

export interface Folded {
  readonly state: ClusterState;
  /** Where the appended event went. */
  readonly offset: number;
  /** The fold's reason, when it rejected the event. */
  readonly rejected?: string;
}

const failure = (what: string, e: unknown): CniError =>
  e instanceof CniError ? e : new CniError(CniCode.IoFailure, `${what}: ${e instanceof Error ? e.message : String(e)}`);

export const withTimeout = async <A>(what: string, timeoutMs: number, work: () => Promise<A>): Promise<A> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CniError(CniCode.TryAgainLater, `${what}: no answer from the event log within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work().catch((e: unknown) => Promise.reject(failure(what, e))), timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/** The embedded log's path for `file:PATH`, `file:///abs` or a bare path; undefined for other schemes. */
export const embeddedPath = (url: string): string | undefined => {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return url;
  if (scheme !== 'file') return undefined;
  return url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
};

const openEventLog = (url: string): EventLog => {
  const path = embeddedPath(url);
  if (path !== undefined && path !== '') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SqliteLog } = require('../log/sqlite-log') as typeof import('../log/sqlite-log');
    return new SqliteLog(path);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { openLog } = require('../log/open-log') as typeof import('../log/open-log');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { backendSecurityFromEnv } = require('../log/log-env') as typeof import('../log/log-env');
  return openLog(url, { security: backendSecurityFromEnv(process.env) });
};


export class LogClient {
  private state: ClusterState = emptyState();

  private constructor(private readonly log: EventLog, private readonly timeoutMs: number, private readonly actor: string) {}

  static open(url: string, timeoutMs: number, actor: string): LogClient {
    try {
      return new LogClient(openEventLog(url), timeoutMs, actor);
    } catch (e) {
      throw failure(`cannot open the event log ${url}`, e);
    }
  }

  /** Folds what is not folded yet, up to (not including) `to`. */
  private async foldTo(to: number): Promise<ClusterState> {
    try {
      this.state = (await foldLogRange(this.log, this.state, to)).state;
    } catch (e) {
      throw failure('the event log', e);
    }
    return this.state;
  }

  /** The state at the log's head. */
  head(): Promise<ClusterState> {
    return withTimeout('reading the event log', this.timeoutMs, async () => this.foldTo(await this.log.head()));
  }

  /** Appends `body` and folds the log through it. */
  write(body: EventBody): Promise<Folded> {
    const what = `writing ${body.type} ${body.kind} ${body.key} to the event log`;
    return withTimeout(what, this.timeoutMs, async () => {
      const draft: EventDraft = { id: randomUUID(), time: new Date().toISOString(), actor: this.actor, schemaVersion: SCHEMA_VERSION, ...body };
      const [offset] = await this.log.append([draft]);
      const state = await this.foldTo(offset! + 1);
      const rejected = state.rejections.get(offset!)?.reason;
      return { state, offset: offset!, ...(rejected !== undefined ? { rejected } : {}) };
    });
  }

  close(): Promise<void> {
    return this.log.close().catch(() => undefined);
  }
}
