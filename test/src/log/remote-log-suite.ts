// What the Kafka and etcd logs must show beyond the conformance suite, on
// real servers: several processes appending at once, an acknowledged event
// surviving the server being SIGKILLed and restarted while a writer appends
// and a reader tails (which then resumes), and a server that is down at
// start giving a clear, retriable error after bounded retries — or the
// answer, once the server comes up while the client is still retrying.
// Each backend's test file runs it with its own URLs and servers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LoggedEvent } from '../../../compiler/events/event';
import { type EventLog, isLogError } from '../../../src/log/event-log';
import { collect, collectFirst } from './log-fixtures';
import { type PrivateServer, type ServiceName, closedPort, startPrivateServer } from './servers';
import { startUrlWorker } from './url-worker';
import { type Worker, nextLine, stopWorker } from './worker-process';

export interface RemoteBackend {
  readonly name: ServiceName;
  /** A URL for a fresh, empty log on the server at `address`. */
  readonly freshUrl: (address: string) => string;
  /** Opens `url` with test-sized retries (`attempts` of them, `maxDelayMs` apart at most). */
  readonly open: (url: string, attempts?: number, maxDelayMs?: number) => EventLog;
  /** Deletes what `url` created on the server (topic, keys); tolerates a server that is gone. */
  readonly drop: (url: string) => Promise<void>;
}

const WORKERS = 4;
const PER_WORKER = 150;

export function runRemoteLogSuite(backend: RemoteBackend, sharedAddress: string): void {
  describe(`${backend.name} log across processes`, () => {
    test(`${WORKERS} processes appending ${PER_WORKER} events each get dense offsets, each event once, each writer's in its order`, { timeout: 180_000 }, async () => {
      const url = backend.freshUrl(sharedAddress);
      const workers: Worker[] = [];
      const reader = backend.open(url);
      const stop = new AbortController();
      try {
        for (let w = 0; w < WORKERS; w++) workers.push(startUrlWorker([url, 'burst', `w${w}`, String(PER_WORKER), '7']));
        for (const w of workers) assert.equal(await nextLine(w), 'ready');
        const tailed = collectFirst(reader.tail(0, stop.signal), WORKERS * PER_WORKER);
        for (const w of workers) w.child.stdin.write('go\n');
        for (const w of workers) {
          const { code, stderr } = await w.exited;
          assert.equal(code, 0, stderr);
        }
        const events = await collect(reader.read(0));
        assert.equal(await reader.head(), WORKERS * PER_WORKER);
        assert.deepEqual(events.map((e) => e.offset), [...Array(WORKERS * PER_WORKER).keys()]);
        const ids = new Set(events.map((e) => e.id));
        assert.equal(ids.size, WORKERS * PER_WORKER, 'an event was appended twice');
        for (let w = 0; w < WORKERS; w++) {
          const own = events.filter((e) => e.actor === `worker/w${w}`).map((e) => e.id);
          assert.deepEqual(own, [...Array(PER_WORKER).keys()].map((i) => `w${w}-${i}`), `worker w${w}'s events out of order`);
        }
        assert.deepEqual(await tailed, events, 'a tail saw a different history');
      } finally {
        stop.abort();
        await Promise.all(workers.map(stopWorker));
        await reader.close();
        await backend.drop(url);
      }
    });
  });

  describe(`${backend.name} log when the server fails`, () => {
    test('SIGKILL and restart of the server while a writer appends and a reader tails: no acknowledged event lost, the tail resumes', { timeout: 300_000 }, async () => {
      let server: PrivateServer | undefined;
      let worker: Worker | undefined;
      let reader: EventLog | undefined;
      const stop = new AbortController();
      const acked = new Map<number, string>();
      const seen: LoggedEvent[] = [];
      let tailError: unknown;
      try {
        server = await startPrivateServer(backend.name);
        const url = backend.freshUrl(server.address);
        reader = backend.open(url, 60, 1000);
        const w = (worker = startUrlWorker([url, 'forever', 'k']));
        assert.equal(await nextLine(w), 'ready');
        const tailing = (async () => {
          try {
            for await (const e of reader!.tail(0, stop.signal)) seen.push(e);
          } catch (e) {
            tailError = e;
          }
        })();
        const readAcks = async (until: number): Promise<void> => {
          while (acked.size < until) {
            const { ids, offsets } = JSON.parse(await nextLine(w)) as { ids: string[]; offsets: number[] };
            offsets.forEach((o, i) => acked.set(o, ids[i]!));
          }
        };
        w.child.stdin.write('go\n');
        await readAcks(100);
        await server.kill();
        await server.restart();
        const before = acked.size;
        // The writer carries on after the restart: its next acknowledgements prove it.
        await readAcks(before + 100);
        w.child.kill('SIGKILL');
        await w.exited;
        // Lines already printed before the kill still count.
        for (;;) {
          const r = await w.lines.next();
          if (r.done === true) break;
          const { ids, offsets } = JSON.parse(r.value) as { ids: string[]; offsets: number[] };
          offsets.forEach((o, i) => acked.set(o, ids[i]!));
        }
        const head = await reader.head();
        const events = await collect(reader.read(0, head));
        assert.deepEqual(events.map((e) => e.offset), [...Array(head).keys()], 'offsets are not dense');
        for (const [offset, id] of acked) assert.equal(events[offset]?.id, id, `acknowledged event at ${offset} lost`);
        assert.equal(new Set(events.map((e) => e.id)).size, events.length, 'an event was appended twice');
        // The tail resumes: it reaches the head (waiting, not timing: the test's own timeout bounds it).
        while (seen.length < head && tailError === undefined) await new Promise((r) => setTimeout(r, 50));
        assert.equal(tailError, undefined, `the tail failed: ${String(tailError)}`);
        assert.deepEqual(seen.slice(0, head), events, 'the tail saw a different history');
        stop.abort();
        await tailing;
      } finally {
        stop.abort();
        if (worker !== undefined) await stopWorker(worker);
        await reader?.close();
        await server?.destroy();
      }
    });

    test('a server that is down gives a clear, retriable io error after bounded retries', { timeout: 60_000 }, async () => {
      const port = await closedPort();
      const log = backend.open(backend.freshUrl(`127.0.0.1:${port}`), 3, 200);
      try {
        const err = await log.head().then(
          () => assert.fail('head() answered with no server'),
          (e: unknown) => e,
        );
        assert.ok(isLogError(err, 'io'), String(err));
        assert.equal(err.retriable, true);
        assert.match(err.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      } finally {
        await log.close();
      }
    });

    test('a call made while the server is down succeeds once it comes up, retrying meanwhile', { timeout: 240_000 }, async () => {
      let server: PrivateServer | undefined;
      let log: EventLog | undefined;
      try {
        server = await startPrivateServer(backend.name);
        await server.kill();
        log = backend.open(backend.freshUrl(server.address), 200, 500);
        const pending = log.append([
          { id: 'late-0', time: new Date().toISOString(), actor: 'test', schemaVersion: 1, type: 'remove', kind: 'Host', key: 'h' },
        ]);
        let settled = false;
        void pending.then(() => (settled = true), () => (settled = true));
        await new Promise((r) => setTimeout(r, 1500));
        assert.equal(settled, false, 'append gave up (or succeeded) while the server was down');
        await server.restart();
        assert.deepEqual(await pending, [0]);
        assert.equal(await log.head(), 1);
      } finally {
        await log?.close();
        await server?.destroy();
      }
    });
  });
}
