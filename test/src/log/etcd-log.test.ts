// The etcd log against a real etcd (services/start.sh): the shared
// conformance suite, unchanged; the key layout others may rely on; a batch
// larger than the server's transaction limit; keys that break density; several
// processes; and server failures (private etcds, killed and restarted). Each
// log gets its own key prefix, deleted after.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { EtcdLog } from '../../../src/log/etcd-log';
import { parseEtcdUrl } from '../../../src/log/etcd-url';
import { type EventLog, isLogError } from '../../../src/log/event-log';
import { openLog } from '../../../src/log/open-log';
import { runEventLogConformance } from './conformance';
import { dropLog } from './drop-log';
import { collect, drafts, uniqueRun } from './log-fixtures';
import { runRemoteLogSuite } from './remote-log-suite';
import { serverOrReport } from './servers';

const address = serverOrReport('etcd', 'etcd log tests');

let prefixes = 0;
const urlFor = (addr: string): string => `etcd://${addr}/foldnet-test/${uniqueRun()}-${prefixes++}`;

const openEtcd = (url: string, attempts = 6, maxDelayMs = 1000): EventLog =>
  openLog(url, { etcd: { retry: { attempts, baseDelayMs: 50, maxDelayMs }, pageSize: 97, pollIntervalMs: 500, dialTimeoutMs: 1000, callTimeoutMs: 5000 } });

if (address !== undefined) {
  const addr = address;
  const raw = new Etcd3({ hosts: `http://${addr}` });
  after(() => raw.close());

  runEventLogConformance('etcd', async () => {
    const url = urlFor(addr);
    const opened: EventLog[] = [openEtcd(url)];
    return {
      log: opened[0]!,
      reopen: async () => {
        const log = openEtcd(url);
        opened.push(log);
        return log;
      },
      cleanup: async () => {
        await Promise.all(opened.map((l) => l.close()));
        await dropLog(url);
      },
    };
  });

  describe('EtcdLog keys', () => {
    test('events live under PREFIX/events/ with 16-digit offsets, and the head record says what comes next', { timeout: 30_000 }, async () => {
      const url = urlFor(addr);
      const { prefix } = parseEtcdUrl(url);
      const log = openEtcd(url);
      try {
        const batch = drafts(uniqueRun(), 3);
        await log.append(batch);
        const keys = await raw.getAll().prefix(`${prefix}/events/`).keys();
        assert.deepEqual(keys, [0, 1, 2].map((i) => `${prefix}/events/${String(i).padStart(16, '0')}`));
        assert.deepEqual(JSON.parse((await raw.get(`${prefix}/head`).string())!), { next: 3, maxTime: batch[2]!.time });
        assert.equal(await raw.get(`${prefix}/ids/${batch[1]!.id}`).string(), '1');
      } finally {
        await log.close();
        await dropLog(url);
      }
    });

    test('a deleted event key fails reads at the gap instead of skipping it', { timeout: 30_000 }, async () => {
      const url = urlFor(addr);
      const { prefix } = parseEtcdUrl(url);
      const log = openEtcd(url);
      try {
        await log.append(drafts(uniqueRun(), 4));
        await raw.delete().key(`${prefix}/events/${'2'.padStart(16, '0')}`).exec();
        await assert.rejects(collect(log.read(0)), (e: unknown) => isLogError(e, 'io') && /from 1 to 3/.test(e.message));
        assert.equal((await collect(log.read(0, 2))).length, 2);
      } finally {
        await log.close();
        await dropLog(url);
      }
    });

    test('a batch over the server transaction limit is refused whole, naming --max-txn-ops', { timeout: 60_000 }, async () => {
      const url = urlFor(addr);
      const log = new EtcdLog(parseEtcdUrl(url));
      try {
        await log.append(drafts(uniqueRun(), 1));
        // services/etcd.sh allows 20000 operations; 3 per event.
        await assert.rejects(log.append(drafts(uniqueRun(), 7000)), (e: unknown) => isLogError(e, 'invalid-argument') && /max-txn-ops/.test(e.message));
        assert.equal(await log.head(), 1);
      } finally {
        await log.close();
        await dropLog(url);
      }
    });

    test('two handles racing for the head both succeed, on different offsets', { timeout: 60_000 }, async () => {
      const url = urlFor(addr);
      const a = openEtcd(url);
      const b = openEtcd(url);
      try {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).append(drafts(`race-${i}`, 1 + (i % 3)))),
        );
        const offsets = results.flat().sort((x, y) => x - y);
        assert.deepEqual(offsets, [...Array(offsets.length).keys()]);
        assert.equal(await a.head(), offsets.length);
      } finally {
        await Promise.all([a.close(), b.close()]);
        await dropLog(url);
      }
    });
  });

  runRemoteLogSuite({ name: 'etcd', freshUrl: (a) => urlFor(a), open: openEtcd, drop: dropLog }, addr);
}
