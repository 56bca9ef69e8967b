// The etcd status store against a real etcd: reports under a lease, kept
// alive while the store is open; when the lease expires (the writer stopped
// keeping it alive) the host shows as stale, not as never heard of; a clean
// close makes it stale at once.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { EtcdStatusStore } from '../../../src/status/etcd-status';
import { type StatusReport, openStatusStore } from '../../../src/status/status-store';
import { parseEtcdUrl } from '../../../src/log/etcd-url';
import { uniqueRun } from '../log/log-fixtures';
import { serverOrReport } from '../log/servers';

const address = serverOrReport('etcd', 'etcd status store tests');
const report = (host: string, appliedOffset = 3): StatusReport => ({
  host,
  appliedOffset,
  snapshotHash: `hash-${host}-${appliedOffset}`,
  lastApplyTime: '2026-01-02T03:04:05.006Z',
  lastError: null,
});

if (address !== undefined) {
  const addr = address;
  const raw = new Etcd3({ hosts: `http://${addr}` });
  const prefixes: string[] = [];
  const freshUrl = (): string => {
    const url = `etcd://${addr}/foldnet-status-test/${uniqueRun()}`;
    prefixes.push(parseEtcdUrl(url).prefix);
    return url;
  };
  after(async () => {
    for (const p of prefixes) await raw.delete().prefix(`${p}/`).exec();
    raw.close();
  });

  const liveOf = async (url: string, host: string): Promise<boolean | undefined> => {
    const reader = openStatusStore(url);
    try {
      return (await reader.list()).find((r) => r.host === host)?.live;
    } finally {
      await reader.close();
    }
  };

  describe('EtcdStatusStore', () => {
    test('reports are listed by host, live while the writer is open', { timeout: 30_000 }, async () => {
      const url = freshUrl();
      const store = openStatusStore(url, { ttlMs: 5000 });
      try {
        await store.report(report('b', 1));
        await store.report(report('a', 2));
        await store.report({ ...report('b', 7), lastError: 'bird: down' });
        const rows = await store.list();
        assert.deepEqual(rows.map((r) => [r.host, r.appliedOffset, r.lastError, r.live]), [['a', 2, null, true], ['b', 7, 'bird: down', true]]);
        const { prefix } = parseEtcdUrl(url);
        assert.ok((await raw.get(`${prefix}/status/a`).exec()).kvs[0]!.lease !== '0', 'status/a has no lease');
      } finally {
        await store.close();
      }
    });

    test('when the writer stops keeping its lease alive, the host goes stale after the TTL', { timeout: 60_000 }, async () => {
      const url = freshUrl();
      const store = new EtcdStatusStore(parseEtcdUrl(url), { ttlMs: 2000 });
      try {
        await store.report(report('h'));
        assert.equal(await liveOf(url, 'h'), true);
        store.releaseLease();
        // etcd expires the lease on its own clock: wait for it, bounded by the test's timeout.
        while ((await liveOf(url, 'h')) !== false) await new Promise((r) => setTimeout(r, 200));
        const reader = new EtcdStatusStore(parseEtcdUrl(url));
        const rows = await reader.list().finally(() => reader.close());
        assert.deepEqual(rows.map((r) => [r.host, r.live, r.appliedOffset]), [['h', false, 3]]);
      } finally {
        await store.close();
      }
    });

    test('a clean close revokes the lease: the host is stale at once; a new report makes it live again', { timeout: 30_000 }, async () => {
      const url = freshUrl();
      const first = openStatusStore(url, { ttlMs: 30_000 });
      await first.report(report('h'));
      await first.close();
      assert.equal(await liveOf(url, 'h'), false);
      const second = openStatusStore(url, { ttlMs: 30_000 });
      try {
        await second.report(report('h', 9));
        assert.equal(await liveOf(url, 'h'), true);
      } finally {
        await second.close();
      }
    });
  });
}
