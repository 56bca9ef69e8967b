// The event log on etcd: each event a key PREFIX/events/<offset> (layout in
// etcd-keys.ts). An append is one transaction that succeeds only if the first
// new event key does not exist yet, the head record is the one we read, and
// no id of the batch is in the log; it writes the events, their id and time
// index entries and the new head together, so a batch is atomic and offsets
// stay dense. When another writer got there first the transaction fails and
// we try again on the new head (bounded); when an id exists it fails with
// `duplicate-id`. A transaction holds 3 operations per event plus 2, and
// etcd refuses more than --max-txn-ops (default 128, so 42 events) or
// --max-request-bytes (default 1.5 MiB) per request: raise them for larger
// batches (services/etcd.sh does); a batch over the limit is refused whole.
//
// head() is one read of the head record. Reads page through the events/
// range, checking that offsets are dense. A tail reads the same way and,
// at the live edge, waits for a watch on the head record (or a 1 s poll):
// the watch only wakes it, every event comes from a range read starting at
// the last offset seen, so a cancelled watch, a dropped connection or a
// restarted server cannot make it skip or repeat anything.
//
// offsetAtTime(T): every event before the first in-order event later than T
// is at or before T (in-order times rise with offsets, and a late event is
// older than an in-order one before it); so the answer is the greater of that
// offset - 1 and the last late event at or before T: one range read with
// limit 1, and one keys-only read of the (few) late events.
import type { Etcd3, Namespace, Watcher } from 'etcd3';
import type { EventDraft, LoggedEvent } from '../../compiler/events/event';
import { ABORTED, backoffMs, sleepUnless, unlessAborted } from './abortable';
import { type EtcdClientOptions, connectEtcd, etcdLogError, etcdWhere } from './etcd-client';
import {
  EVENTS_END, HEAD_KEY, type HeadRecord, afterTime, eventKey, idKey, offsetOfKey, parseHead, timeEnd, timeKey, timeStart,
} from './etcd-keys';
import type { EtcdLocation } from './etcd-url';
import { type EventLog, LogError } from './event-log';
import { Serial, checkOffset, decodeEvent, encodeEvent } from './event-record';
import { timeArgument } from './log-time';
import { type RetryPolicy, retrying } from './retry';
import { validateDrafts } from './validate-drafts';

export interface EtcdLogOptions extends EtcdClientOptions {
  /** Attempts for a call that fails for a retriable reason (default 8, 200 ms doubling to 5 s, with jitter). */
  readonly retry?: RetryPolicy;
  /** Events per range read (default 500). */
  readonly pageSize?: number;
  /** A tail's fallback poll when no watch event comes (default 1000 ms). */
  readonly pollIntervalMs?: number;
  /** Retries and reconnections, for the caller's log; default: dropped. */
  readonly logSink?: (level: 'warn' | 'info', message: string) => void;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 200, maxDelayMs: 5000 };
/** Lost races in a row before an append gives up with `busy`. */
const MAX_CONFLICTS = 1000;

interface Head extends HeadRecord {
  readonly modRevision: string;
}

export class EtcdLog implements EventLog {
  readonly where: string;
  private readonly client: Etcd3;
  private readonly ns: Namespace;
  private readonly retryPolicy: RetryPolicy;
  private readonly pageSize: number;
  private readonly pollIntervalMs: number;
  private readonly logSink: EtcdLogOptions['logSink'];
  private readonly closing = new AbortController();
  private readonly appends = new Serial();

  constructor(readonly location: EtcdLocation, options: EtcdLogOptions = {}) {
    this.where = etcdWhere(location);
    this.client = connectEtcd(location, options);
    this.ns = this.client.namespace(`${location.prefix}/`);
    this.retryPolicy = options.retry ?? DEFAULT_RETRY;
    this.pageSize = options.pageSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.logSink = options.logSink;
  }

  private get closed(): boolean {
    return this.closing.signal.aborted;
  }

  async append(drafts: readonly EventDraft[]): Promise<number[]> {
    this.ensureOpen();
    if (!Array.isArray(drafts)) throw new LogError('invalid-argument', 'append takes an array of event drafts');
    const valid = validateDrafts(drafts);
    if (valid.length === 0) return [];
    const texts = valid.map(encodeEvent);
    return this.appends.run(async () => {
      // True while a commit's outcome is unknown (it threw): the next attempt may find our own batch.
      let ambiguous = false;
      return this.retry(async () => {
        for (let conflicts = 0; ; conflicts++) {
          const head = await this.readHead();
          let latest = head.maxTime;
          const writes = valid.flatMap((d, i) => {
            const offset = head.next + i;
            const inOrder = d.time >= latest;
            if (inOrder) latest = d.time;
            return [
              this.ns.put(eventKey(offset)).value(texts[i]!),
              this.ns.put(idKey(d.id)).value(String(offset)),
              this.ns.put(timeKey(inOrder, d.time, offset)).value(String(offset)),
            ];
          });
          const newHead = JSON.stringify({ next: head.next + valid.length, maxTime: latest });
          let txn = this.ns.if(eventKey(head.next), 'Version', '==', 0).and(HEAD_KEY, 'Mod', '==', head.modRevision);
          for (const d of valid) txn = txn.and(idKey(d.id), 'Version', '==', 0);
          const lostAnswer = ambiguous;
          ambiguous = true;
          const res = await txn
            .then(...writes, this.ns.put(HEAD_KEY).value(newHead))
            .else(...valid.map((d) => this.ns.get(idKey(d.id))))
            .commit();
          ambiguous = false;
          if (res.succeeded) return valid.map((_, i) => head.next + i);
          const known = res.responses.map((r) => {
            const v = r.response_range?.kvs?.[0]?.value;
            return v === undefined || v === null ? undefined : Number(Buffer.from(v).toString());
          });
          if (known.some((o) => o !== undefined)) {
            const first = known[0];
            // An earlier attempt whose answer we lost did land: those are our offsets.
            if (lostAnswer && first !== undefined && known.every((o, i) => o === first + i)) return known as number[];
            const problems = valid.flatMap((d, i) => (known[i] === undefined ? [] : [`drafts[${i}].id: ${JSON.stringify(d.id)} is already in the log`]));
            throw new LogError('duplicate-id', `duplicate event id: ${problems.join('; ')}`, { problems });
          }
          if (conflicts >= MAX_CONFLICTS) {
            throw new LogError('busy', `${this.where}: lost the race to other writers ${conflicts} times in a row`);
          }
          // Another writer took the head: go again on the new one, a little apart from the others.
          await sleepUnless(backoffMs(conflicts + 1, 1, 50), this.closing.signal);
          this.ensureOpen();
        }
      });
    });
  }

  async *read(from: number, to?: number): AsyncIterable<LoggedEvent> {
    checkOffset(from, 'from');
    if (to !== undefined) checkOffset(to, 'to');
    this.ensureOpen();
    const end = to ?? (await this.head());
    let next = from;
    while (next < end) {
      this.ensureOpen();
      const events = await this.retry(() => this.page(next, eventKey(end)));
      if (events.length === 0) {
        if (next >= (await this.head())) return;
        throw new LogError('io', `${this.where}: no event at offset ${next} below the head; the log is not whole`);
      }
      for (const e of events) {
        yield e;
        next = e.offset + 1;
      }
    }
  }

  async *tail(from: number, signal: AbortSignal): AsyncIterable<LoggedEvent> {
    checkOffset(from, 'from');
    this.ensureOpen();
    let next = from;
    let failures = 0;
    let dirty = true;
    let wake = new AbortController();
    const poke = (): void => {
      dirty = true;
      wake.abort();
    };
    let watcher: Watcher | undefined;
    const dropWatcher = (): void => {
      const w = watcher;
      watcher = undefined;
      w?.removeAllListeners();
      w?.on('error', () => undefined);
      void w?.cancel().catch(() => undefined);
    };
    try {
      while (!signal.aborted && !this.closed) {
        if (watcher === undefined) {
          // Attached at once; it connects (and reconnects) in the background.
          const w = this.ns.watch().key(HEAD_KEY).watcher();
          w.on('put', poke).on('connected', poke).on('disconnected', poke);
          w.on('error', (e: Error) => {
            this.logSink?.('warn', `${this.where}: watch failed (${e.message}); reading and watching again`);
            poke();
            if (watcher === w) dropWatcher();
          });
          w.on('end', () => {
            poke();
            if (watcher === w) dropWatcher();
          });
          watcher = w;
        }
        dirty = false;
        let events: LoggedEvent[] | typeof ABORTED;
        try {
          events = await unlessAborted(this.page(next, EVENTS_END), signal, this.closing.signal);
        } catch (e) {
          if (signal.aborted || this.closed) return;
          const err = etcdLogError(e, this.where);
          if (!err.retriable) throw err;
          failures++;
          this.logSink?.('warn', `tail at offset ${next}: ${err.message}; retrying (${failures})`);
          await sleepUnless(backoffMs(failures, this.retryPolicy.baseDelayMs, this.retryPolicy.maxDelayMs), signal, this.closing.signal);
          continue;
        }
        if (events === ABORTED) return;
        failures = 0;
        for (const e of events) {
          if (signal.aborted || this.closed) return;
          yield e;
          next = e.offset + 1;
        }
        if (events.length < this.pageSize && !dirty) {
          wake = new AbortController();
          await sleepUnless(this.pollIntervalMs, signal, this.closing.signal, wake.signal);
        }
      }
    } finally {
      dropWatcher();
    }
  }

  async head(): Promise<number> {
    this.ensureOpen();
    return (await this.retry(() => this.readHead())).next;
  }

  async offsetAtTime(time: string): Promise<number | undefined> {
    const at = timeArgument(time, 'offsetAtTime');
    this.ensureOpen();
    return this.retry(async () => {
      const [head, firstLater, late] = await Promise.all([
        this.readHead(),
        this.ns.getAll().inRange({ start: afterTime('ordered', at), end: timeEnd('ordered') }).limit(1).exec(),
        this.ns.getAll().inRange({ start: timeStart('late'), end: afterTime('late', at) }).exec(),
      ]);
      const laterKv = firstLater.kvs[0];
      const boundary = laterKv === undefined ? head.next : Number(Buffer.from(laterKv.value).toString());
      let best = boundary - 1;
      for (const kv of late.kvs) best = Math.max(best, offsetOfKey(Buffer.from(kv.key).toString()));
      return best >= 0 ? best : undefined;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closing.abort();
    // Let tails see the abort and cancel their watches before the channel goes.
    await new Promise((r) => setImmediate(r));
    this.client.close();
  }

  /** Events from `next` up to (not including) key `endKey`, one page, checked dense. */
  private async page(next: number, endKey: string): Promise<LoggedEvent[]> {
    const res = await this.ns.getAll().inRange({ start: eventKey(next), end: endKey }).limit(this.pageSize).exec();
    const events: LoggedEvent[] = [];
    let expect = next;
    for (const kv of res.kvs) {
      const offset = offsetOfKey(Buffer.from(kv.key).toString());
      if (offset !== expect) {
        throw new LogError('io', `${this.where}: offsets jump from ${expect - 1} to ${offset}; a foldnet log has dense offsets (were keys deleted?)`);
      }
      events.push(decodeEvent(Buffer.from(kv.value).toString('utf8'), offset, this.where));
      expect++;
    }
    return events;
  }

  private async readHead(): Promise<Head> {
    const res = await this.ns.get(HEAD_KEY).exec();
    const kv = res.kvs[0];
    const head = parseHead(kv === undefined ? undefined : Buffer.from(kv.value).toString());
    if (head === undefined) throw new LogError('foreign-format', `${this.where}: the key ${this.location.prefix}/head does not hold a foldnet log head`);
    return { ...head, modRevision: kv === undefined ? '0' : String(kv.mod_revision) };
  }

  private retry<T>(op: () => Promise<T>): Promise<T> {
    let attempt = 0;
    return retrying(
      this.retryPolicy,
      (e) => {
        const again = e instanceof LogError && e.retriable && !this.closed;
        if (again) this.logSink?.('warn', `${(e as LogError).message}; retrying (${++attempt}/${this.retryPolicy.attempts - 1})`);
        return again;
      },
      async () => {
        this.ensureOpen();
        try {
          return await op();
        } catch (e) {
          if (this.closed) throw new LogError('closed', `event log ${this.where} is closed`);
          throw etcdLogError(e, this.where);
        }
      },
    );
  }

  private ensureOpen(): void {
    if (this.closed) throw new LogError('closed', `event log ${this.where} is closed`);
  }
}
