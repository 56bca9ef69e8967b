// The status store in etcd, beside the etcd log: PREFIX/status/HOST holds the
// report under a lease that etcd3 keeps alive while the store is open (it
// vanishes TTL after the agent stops or loses touch), and PREFIX/reported/HOST
// a lease-less copy, so that a host whose lease is gone shows as stale rather
// than as never heard of. Both are written in one transaction.
import type { Etcd3, Lease, Namespace } from 'etcd3';
import { connectEtcd, etcdLogError, etcdWhere } from '../log/etcd-client';
import type { EtcdLocation } from '../log/etcd-url';
import { LogError } from '../log/event-log';
import {
  DEFAULT_STATUS_TTL_MS, type HostStatus, type StatusReport, type StatusStore, type StatusStoreOptions, checkReport, encodeReport,
} from './status-store';

export class EtcdStatusStore implements StatusStore {
  readonly where: string;
  private readonly client: Etcd3;
  private readonly ns: Namespace;
  private readonly ttlSeconds: number;
  private lease: Lease | undefined;
  private closed = false;

  constructor(location: EtcdLocation, options: StatusStoreOptions = {}) {
    this.where = etcdWhere(location);
    this.client = connectEtcd(location, options.security?.etcd ? { security: options.security.etcd } : {});
    this.ns = this.client.namespace(`${location.prefix}/`);
    this.ttlSeconds = Math.max(1, Math.ceil((options.ttlMs ?? DEFAULT_STATUS_TTL_MS) / 1000));
  }

  async report(s: StatusReport): Promise<void> {
    this.ensureOpen();
    checkReport(s);
    const value = encodeReport(s);
    const lease = this.currentLease();
    try {
      const id = await lease.grant();
      await this.ns
        .if(`reported/${s.host}`, 'Create', '>', -1)
        .then(this.ns.put(`status/${s.host}`).value(value).lease(id), this.ns.put(`reported/${s.host}`).value(value))
        .commit();
    } catch (e) {
      // A lease that failed (expired while we were cut off) is replaced on the next report.
      if (lease.revoked()) this.lease = undefined;
      throw etcdLogError(e, this.where);
    }
  }

  async list(): Promise<HostStatus[]> {
    this.ensureOpen();
    try {
      const [reported, live] = await Promise.all([
        this.ns.getAll().prefix('reported/').exec(),
        this.ns.getAll().prefix('status/').keys(),
      ]);
      const liveHosts = new Set(live.map((k) => k.slice(k.lastIndexOf('status/') + 'status/'.length)));
      return reported.kvs
        .map((kv) => {
          const r = JSON.parse(Buffer.from(kv.value).toString()) as StatusReport;
          return {
            ...r,
            live: liveHosts.has(r.host),
            // etcd keeps no wall time; the report's own apply time is the best we have.
            reportedAt: r.lastApplyTime,
          };
        })
        .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
    } catch (e) {
      throw etcdLogError(e, this.where);
    }
  }

  /** Stops keeping reports alive without revoking them: they go stale after the TTL, as when an agent dies. */
  releaseLease(): void {
    this.lease?.release();
    this.lease = undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const lease = this.lease;
    this.lease = undefined;
    // A clean stop: the reports go stale now, not TTL later.
    if (lease !== undefined) await lease.revoke({ deadline: Date.now() + 2000 }).catch(() => undefined);
    this.client.close();
  }

  private currentLease(): Lease {
    if (this.lease === undefined || this.lease.revoked()) {
      const lease = this.client.lease(this.ttlSeconds, { autoKeepAlive: true });
      lease.on('lost', () => {
        if (this.lease === lease) this.lease = undefined;
      });
      this.lease = lease;
    }
    return this.lease;
  }

  private ensureOpen(): void {
    if (this.closed) throw new LogError('closed', `status store ${this.where} is closed`);
  }
}
