// The event log on Kafka: one topic with one partition, whose record offsets
// are the event offsets. Kafka gives the total order (one partition, one
// leader), durability (acks from all in-sync replicas, min.insync.replicas on
// the topic), atomic batches (a batch is one RecordBatch in one produce
// request, appended whole or not at all), and dense offsets from 0 (no
// compaction, no transactions, retention.ms=-1; a read that meets a gap or a
// record that is not a foldnet event fails instead of skipping it).
//
// What Kafka does not give, and how we get it:
// - Duplicate ids. Before producing, a handle reads every event it has not
//   seen yet (up to the high watermark) into an id index and refuses a batch
//   whose id is already there. Two processes appending the same id at the same
//   instant can both pass that check; ids are the producer's own (one UUID per
//   event), so this only happens when one producer retries in two places, and
//   the fold treats the second put of the same fact as a no-op.
// - Ambiguous failures. When a produce fails after the request may have
//   reached the broker, the retry first looks the ids up: if the whole batch
//   is there, at consecutive offsets, those offsets are the answer; the
//   idempotent producer (same producer id and sequence on the retry) stops the
//   broker from writing it twice meanwhile. A producer the broker no longer
//   knows is replaced (kafka-client.ts), and a new one has no such guard: a
//   batch not yet committed (still above the high watermark) when the retry reads
//   can then be written twice (the same events and ids at two places).
// - Time lookup. Records carry the event's time as their Kafka timestamp, and
//   the broker's time index finds the first record stamped after T; every
//   event from there to the head is then read and checked, then backwards
//   from there until one at or before T: exact even when producers' clocks
//   disagree, at the cost of reading the history after T.
//
// Reads use a fetch connection (kafka-client.ts) and retry with backoff up to
// `retry.attempts`; a tail has its own connection, long-polls the broker, and
// retries for as long as it runs, so it rides out a broker restart.
import type { EventDraft, LoggedEvent } from '../../compiler/events/event';
import { ABORTED, backoffMs, sleepUnless, unlessAborted } from './abortable';
import { type EventLog, LogError } from './event-log';
import { Serial, checkOffset, decodeEvent, encodeEvent } from './event-record';
import { KafkaClient, type KafkaLogSink } from './kafka-client';
import type { Fetcher } from './kafka-fetcher';
import type { KafkaLocation } from './kafka-url';
import type { KafkaSecurity } from './log-env';
import { timeArgument } from './log-time';
import { type RetryPolicy, retrying } from './retry';
import { validateDrafts } from './validate-drafts';

export interface KafkaLogOptions {
  readonly security?: KafkaSecurity;
  /** Attempts for append, read, head (default 8, 200 ms doubling to 5 s, with jitter). */
  readonly retry?: RetryPolicy;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  /** How long a tail's fetch waits at the broker for new records (default 500 ms). */
  readonly tailWaitMs?: number;
  /** Bytes per fetch (default 1 MiB). */
  readonly pageBytes?: number;
  /** kafkajs's own log lines and our retries; default: dropped. */
  readonly logSink?: KafkaLogSink;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 200, maxDelayMs: 5000 };

interface Page {
  readonly events: LoggedEvent[];
  readonly highWatermark: number;
  readonly outOfRange: boolean;
}

export class KafkaLog implements EventLog {
  private readonly client: KafkaClient;
  private readonly retryPolicy: RetryPolicy;
  private readonly tailWaitMs: number;
  private readonly pageBytes: number;
  private readonly logSink: KafkaLogSink | undefined;
  private readonly closing = new AbortController();
  private readonly appends = new Serial();
  private setup: Promise<void> | undefined;
  private reader: Fetcher | undefined;
  /** Event id → offset for events [0, indexedTo). */
  private readonly ids = new Map<string, number>();
  private indexedTo = 0;

  constructor(readonly location: KafkaLocation, options: KafkaLogOptions = {}) {
    this.retryPolicy = options.retry ?? DEFAULT_RETRY;
    this.tailWaitMs = options.tailWaitMs ?? 500;
    this.pageBytes = options.pageBytes ?? 1024 * 1024;
    this.logSink = options.logSink;
    this.client = new KafkaClient({
      location,
      ...(options.security === undefined ? {} : { security: options.security }),
      connectionTimeoutMs: options.connectionTimeoutMs ?? 3000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      ...(options.logSink === undefined ? {} : { logSink: options.logSink }),
    });
  }

  private get closed(): boolean {
    return this.closing.signal.aborted;
  }

  async append(drafts: readonly EventDraft[]): Promise<number[]> {
    this.ensureOpen();
    if (!Array.isArray(drafts)) throw new LogError('invalid-argument', 'append takes an array of event drafts');
    const valid = validateDrafts(drafts);
    if (valid.length === 0) return [];
    const records = valid.map((d) => ({ key: d.id, value: encodeEvent(d), timestampMs: Math.max(0, Date.parse(d.time)) }));
    return this.appends.run(async () => {
      // True while a produce's outcome is unknown (it threw): the next attempt may find our own batch.
      let ambiguous = false;
      return this.retry(async () => {
        const reader = await this.readerReady();
        await this.catchUpIds(reader);
        const known = valid.map((d) => this.ids.get(d.id));
        if (known.some((o) => o !== undefined)) {
          const first = known[0];
          const whole = first !== undefined && known.every((o, i) => o === first + i);
          if (ambiguous && whole) return known as number[];
          const problems = valid.flatMap((d, i) =>
            known[i] === undefined ? [] : [`drafts[${i}].id: ${JSON.stringify(d.id)} is already in the log`],
          );
          throw new LogError('duplicate-id', `duplicate event id: ${problems.join('; ')}`, { problems });
        }
        ambiguous = true;
        const base = await this.client.produce(records);
        ambiguous = false;
        if (base === this.indexedTo) {
          valid.forEach((d, i) => this.ids.set(d.id, base + i));
          this.indexedTo = base + valid.length;
        }
        return valid.map((_, i) => base + i);
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
      const page = await this.retry(async () => {
        const reader = await this.readerReady();
        const p = await this.page(reader, next, 0);
        if (p.outOfRange) {
          const head = await reader.latestOffset();
          if (next >= head) return undefined;
          throw new LogError('io', `${this.client.where}: events before offset ${next + 1} are gone (retention or deleted records); the log is no longer whole`);
        }
        if (p.events.length === 0 && p.highWatermark > next) {
          throw new LogError('io', `${this.client.where}: no record at offset ${next} below the high watermark ${p.highWatermark}`, { retriable: true });
        }
        return p;
      });
      if (page === undefined || page.events.length === 0) return;
      for (const e of page.events) {
        if (e.offset >= end) return;
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
    let fetcher: Fetcher | undefined;
    try {
      while (!signal.aborted && !this.closed) {
        let page: Page | typeof ABORTED;
        try {
          await this.topicReady();
          fetcher ??= this.client.fetcher();
          page = await unlessAborted(this.page(fetcher, next, this.tailWaitMs), signal, this.closing.signal);
        } catch (e) {
          if (signal.aborted || this.closed) return;
          const err = this.client.toLogError(e);
          if (!err.retriable) throw err;
          failures++;
          this.logSink?.('warn', `tail at offset ${next}: ${err.message}; retrying (${failures})`);
          await sleepUnless(backoffMs(failures, this.retryPolicy.baseDelayMs, this.retryPolicy.maxDelayMs), signal, this.closing.signal);
          continue;
        }
        if (page === ABORTED) return;
        failures = 0;
        // Past the head: nothing to wait on at the broker, so poll.
        if (page.outOfRange) {
          await sleepUnless(this.tailWaitMs / 5, signal, this.closing.signal);
          continue;
        }
        for (const e of page.events) {
          if (signal.aborted || this.closed) return;
          yield e;
          next = e.offset + 1;
        }
      }
    } finally {
      await fetcher?.close();
    }
  }

  async head(): Promise<number> {
    this.ensureOpen();
    return this.retry(async () => (await this.readerReady()).latestOffset());
  }

  async offsetAtTime(time: string): Promise<number | undefined> {
    const at = timeArgument(time, 'offsetAtTime');
    this.ensureOpen();
    const head = await this.head();
    // The broker's time index: the first record stamped after `at`. A hint only; the scans make it exact.
    const hint = Math.min(head, await this.retry(async () => (await this.readerReady()).offsetForTime(Date.parse(at) + 1)));
    let best: number | undefined;
    for await (const e of this.read(hint, head)) if (e.time <= at) best = e.offset;
    if (best !== undefined) return best;
    const PAGE = 500;
    for (let hi = hint; hi > 0; hi -= PAGE) {
      const events: LoggedEvent[] = [];
      for await (const e of this.read(Math.max(0, hi - PAGE), hi)) events.push(e);
      for (let i = events.length - 1; i >= 0; i--) if (events[i]!.time <= at) return events[i]!.offset;
    }
    return undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closing.abort();
    const reader = this.reader;
    this.reader = undefined;
    await Promise.allSettled([reader?.close(), this.client.close()]);
  }

  /** The events of one fetch from `next` on, checked dense. */
  private async page(fetcher: Fetcher, next: number, maxWaitMs: number): Promise<Page> {
    const r = await fetcher.fetch(next, maxWaitMs, this.pageBytes);
    const events: LoggedEvent[] = [];
    let expect = next;
    for (const rec of r.records) {
      // A fetch starts at the beginning of the batch holding `next`.
      if (rec.offset < expect) continue;
      if (rec.offset !== expect) {
        throw new LogError('io', `${this.client.where}: offsets jump from ${expect - 1} to ${rec.offset}; a foldnet log has dense offsets (is the topic compacted or written by others?)`);
      }
      if (rec.isControlRecord || rec.value === null) {
        throw new LogError('foreign-format', `${this.client.where}: offset ${rec.offset} does not hold a foldnet event (a control record or an empty value)`);
      }
      events.push(decodeEvent(rec.value.toString('utf8'), rec.offset, this.client.where));
      expect++;
    }
    return { events, highWatermark: r.highWatermark, outOfRange: r.outOfRange };
  }

  /** Reads events [indexedTo, high watermark) into the id index. */
  private async catchUpIds(reader: Fetcher): Promise<void> {
    for (;;) {
      const p = await this.page(reader, this.indexedTo, 0);
      if (p.outOfRange) {
        if ((await reader.latestOffset()) <= this.indexedTo) return;
        throw new LogError('io', `${this.client.where}: events before offset ${this.indexedTo + 1} are gone; the log is no longer whole`);
      }
      for (const e of p.events) this.ids.set(e.id, e.offset);
      this.indexedTo += p.events.length;
      if (this.indexedTo >= p.highWatermark) return;
      if (p.events.length === 0) throw new LogError('io', `${this.client.where}: no record at offset ${this.indexedTo} below the high watermark`, { retriable: true });
    }
  }

  private topicReady(): Promise<void> {
    this.setup ??= this.client.ensureTopic().catch((e: unknown) => {
      this.setup = undefined;
      throw e;
    });
    return this.setup;
  }

  private async readerReady(): Promise<Fetcher> {
    await this.topicReady();
    this.ensureOpen();
    this.reader ??= this.client.fetcher();
    return this.reader;
  }

  private retry<T>(op: () => Promise<T>): Promise<T> {
    let attempt = 0;
    return retrying(
      this.retryPolicy,
      (e) => {
        const err = e instanceof LogError ? e : this.client.toLogError(e);
        const again = err.retriable && !this.closed;
        if (again) this.logSink?.('warn', `${err.message}; retrying (${++attempt}/${this.retryPolicy.attempts - 1})`);
        return again;
      },
      async () => {
        this.ensureOpen();
        try {
          return await op();
        } catch (e) {
          if (this.closed) throw new LogError('closed', `event log ${this.client.where} is closed`);
          throw this.client.toLogError(e);
        }
      },
    );
  }

  private ensureOpen(): void {
    if (this.closed) throw new LogError('closed', `event log ${this.client.where} is closed`);
  }
}
