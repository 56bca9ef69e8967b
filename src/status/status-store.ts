// Cluster status: what each host agent last applied (the offset of the state
// it compiled, the hash of its snapshot, when, and the last error), kept
// where `foldnet status` can read it, with liveness: a report counts as live
// while its writer keeps it alive (an etcd lease; a heartbeat in the SQLite
// file) and goes stale TTL after the writer stops. `openStatusStore` picks the
// store from a URL: `file:PATH` or a path (a `status` table in that SQLite
// file, usually the log file) or `etcd://HOST:PORT[,…]/PREFIX` (keys under
// PREFIX/status/ and PREFIX/reported/). Comparing reports with what the log
// says is host-convergence.ts's job.
import { LogError } from '../log/event-log';
import { parseLogUrl } from '../log/open-log';
import type { BackendSecurity } from '../log/log-env';
import { isCanonicalTime } from '../log/log-time';
import { SqliteStatusStore } from './sqlite-status';

/** What an agent reports after each apply (or failed apply). */
export interface StatusReport {
  readonly host: string;
  /** Events folded into the state it compiled (its snapshot's `offset`). */
  readonly appliedOffset: number;
  /** snapshotHash of what it applied. */
  readonly snapshotHash: string;
  /** RFC 3339 UTC with milliseconds. */
  readonly lastApplyTime: string;
  /** The last apply's error, or null when it succeeded. */
  readonly lastError: string | null;
}

/** A report as the store holds it. */
export interface HostStatus extends StatusReport {
  /** Kept alive by its writer until now (false: the agent stopped or lost touch). */
  readonly live: boolean;
  /** When the store last heard from the writer (report or keep-alive), RFC 3339. */
  readonly reportedAt: string;
}

export interface StatusStore {
  /** Records `s` for its host, replacing the previous report, and keeps it alive until close(). */
  report(s: StatusReport): Promise<void>;
  /** Every host that ever reported, sorted by host. */
  list(): Promise<HostStatus[]>;
  /** Stops keeping reports alive (they go stale) and releases the store. */
  close(): Promise<void>;
}

export interface StatusStoreOptions {
  /** How long a report stays live without its writer (default 30 s; etcd rounds up to seconds). */
  readonly ttlMs?: number;
  readonly security?: BackendSecurity;
  /** The clock (tests); default Date.now. */
  readonly now?: () => number;
}

export const DEFAULT_STATUS_TTL_MS = 30_000;

/** Opens the status store `url` names; throws `unsupported-url` for Kafka and unknown schemes. */
export function openStatusStore(url: string, options: StatusStoreOptions = {}): StatusStore {
  const where = parseLogUrl(url);
  switch (where.backend) {
    case 'file':
      return new SqliteStatusStore(where.path, options);
    case 'etcd': {
      // Required on use, so that commands on a file log never load the etcd client.
      const { EtcdStatusStore } = require('./etcd-status') as typeof import('./etcd-status');
      return new EtcdStatusStore(where.etcd, options);
    }
    case 'kafka':
      throw new LogError('unsupported-url', `status URL ${url}: Kafka holds no status; use file:PATH or etcd://HOST:PORT/PREFIX`);
  }
}

/** Throws `invalid-argument` naming every bad field of a report. */
export function checkReport(s: StatusReport): void {
  const problems: string[] = [];
  if (typeof s.host !== 'string' || s.host === '' || s.host.includes('/')) problems.push('host: a non-empty name without "/"');
  if (!Number.isSafeInteger(s.appliedOffset) || s.appliedOffset < 0) problems.push('appliedOffset: a non-negative integer');
  if (typeof s.snapshotHash !== 'string' || s.snapshotHash === '') problems.push('snapshotHash: a non-empty string');
  if (typeof s.lastApplyTime !== 'string' || !isCanonicalTime(s.lastApplyTime)) problems.push('lastApplyTime: RFC 3339 UTC with milliseconds');
  if (s.lastError !== null && typeof s.lastError !== 'string') problems.push('lastError: a string or null');
  if (problems.length > 0) throw new LogError('invalid-argument', `invalid status report: expected ${problems.join('; ')}`, { problems });
}

/** The stored JSON of a report (field order fixed). */
export const encodeReport = (s: StatusReport): string =>
  JSON.stringify({ host: s.host, appliedOffset: s.appliedOffset, snapshotHash: s.snapshotHash, lastApplyTime: s.lastApplyTime, lastError: s.lastError });
