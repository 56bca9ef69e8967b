// The host agent's loop: fold the log, compile this host's snapshot, make the
// kernel match it, and keep doing so as events arrive. After the first
// compile the snapshot is brought forward event by event (host-snapshots.ts),
// and a burst of events costs at most one apply (burst.ts); a burst that
// changed nothing in the snapshot applies nothing, and is known to without
// hashing it; a failed apply is retried with backoff after re-reading the
// kernel and compiling in full; a periodic drift check repairs what others
// changed behind our back.
// A log that cannot be reached at start (its server down) is logged and tried
// again with capped backoff until it answers or the agent is stopped: an
// agent started before its log server neither exits nor hangs silently.
// Kernel operations (sync, refresh, drift check) run one at a time. What the
// kernel work is lies with the applier (KernelDriver); how the agent is
// configured and started lies with run-agent.ts.
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/Either';
import { type CompileError, type CompileOptions } from '../../compiler/compile/host';
import { SnapshotHasher } from '../../compiler/compile/snapshot-hash';
import { nodeSha256Hex } from '../hash/sha256';
import type { HostSnapshot } from '../../compiler/compile/snapshot';
import { isEmptyDelta } from '../../compiler/incremental/snapshot-delta';
import { type ClusterState, emptyState } from '../../compiler/fold/state';
import type { SnapshotChange } from '../applier/applier';
import { ABORTED, sleepUnless, unlessAborted } from '../log/abortable';
import { type EventLog, isLogError } from '../log/event-log';
import type { AgentState } from './agent-state-file';
import { readBurst } from './burst';
import { StatusReporter } from './status-reporter';
import { foldEvents, foldRange } from './fold-log';
import { HostSnapshots } from './host-snapshots';
import type { Logger } from './json-logger';
import type { AgentMetrics } from './metrics';
import { TailBuffer } from './tail-buffer';

/** What the agent needs from the applier. */
export interface KernelDriver {
  /** Re-reads the kernel, so the next sync plans against what is really there. */
  refresh(): Promise<void>;
  /**
   * Makes the kernel equal to `desired`; `planSize` counts the changes it made, `summary` names them.
   * `change`, when given, says what changed from the snapshot last synced (`base`) to `desired`.
   */
  sync(desired: HostSnapshot, change?: SnapshotChange): Promise<{ readonly ok: boolean; readonly error?: string; readonly planSize: number; readonly summary?: string }>;
  /** Reads the kernel and repairs what differs from the last applied snapshot: one line per repair, `repairCount` objects changed. */
  driftCheck(): Promise<{ readonly ok: boolean; readonly error?: string; readonly repairs: readonly string[]; readonly repairCount: number }>;
}

export interface AgentStateStore {
  read(): Promise<AgentState | undefined>;
  write(state: AgentState): Promise<void>;
}

export interface HostAgentOptions {
  readonly host: string;
  readonly log: EventLog;
  readonly kernel: KernelDriver;
  readonly store: AgentStateStore;
  readonly logger: Logger;
  readonly metrics: AgentMetrics;
  /** The full compile, compileHost(state, host, compileOptions): at start, after a failed apply, and when the incremental compiler reports an error. */
  readonly compile: (state: ClusterState) => E.Either<CompileError, HostSnapshot>;
  /** What `compile` compiles with (the incremental compiler uses the same); the compiler's defaults when absent. */
  readonly compileOptions?: CompileOptions;
  /** Starts this host's BIRD, or finds it running; called once the config exists, and on each drift check. */
  readonly ensureBird: () => Promise<{ readonly state: 'reused' | 'started'; readonly pid: number }>;
  /** Whether a BIRD config has been written (BIRD cannot start without one). */
  readonly birdConfigExists: () => Promise<boolean>;
  readonly batchMs: number;
  readonly driftIntervalMs: number;
  /** First and longest pause before retrying a failed apply, or reading a log that could not be reached at start. */
  readonly retryMs?: { readonly min: number; readonly max: number };
  readonly now?: () => number;
  /** Tells the cluster's status store what was applied (or failed); failures are logged, never fatal, and retried while the store is unreachable (status-reporter.ts). */
  readonly report?: (r: { appliedOffset: number; snapshotHash: string; lastApplyTime: string; lastError: string | null }) => Promise<void>;
}

export class HostAgent {
  private state: ClusterState = emptyState();
  private applied: { offset: number; hash: string } | undefined;
  private lastPersisted: number | undefined;
  private retryAt: number | undefined;
  private retryDelay: number;
  private kernelQueue: Promise<unknown> = Promise.resolve();
  private driftQueued = false;
  private unknownHostReported = false;
  private lastBirdPid: number | undefined;
  private readonly reporter: StatusReporter | undefined;
  private readonly snapshots: HostSnapshots;
  /** Remembers the digests of the objects its snapshots keep from one to the next: hashing an update costs its new objects. */
  private readonly hasher = new SnapshotHasher(nodeSha256Hex);
  private readonly now: () => number;

  constructor(private readonly o: HostAgentOptions) {
    this.now = o.now ?? Date.now;
    this.snapshots = new HostSnapshots({ host: o.host, compile: o.compile, options: o.compileOptions });
    this.retryDelay = o.retryMs?.min ?? 500;
    this.reporter = o.report && new StatusReporter({ send: o.report, logger: o.logger });
  }

  /** The offset and hash last applied (for tests and status). */
  get appliedState(): { readonly offset: number; readonly hash: string } | undefined {
    return this.applied;
  }

  /** Runs until `signal` aborts; an apply in progress finishes and the applied offset is persisted first. */
  async run(signal: AbortSignal): Promise<void> {
    const { log, logger, metrics, host } = this.o;
    const saved = await this.o.store.read();
    if (saved) metrics.setAppliedOffset(saved.offset);
    logger.info('agent starting', { host, offset: saved?.offset, hash: saved?.hash });

    if (!(await this.foldToHead(signal))) {
      logger.info('agent stopped', { offset: undefined });
      return;
    }

    // A BIRD left running by a previous agent keeps its routes while we re-sync.
    if (await this.o.birdConfigExists()) await this.ensureBird();
    await this.serial(() => this.o.kernel.refresh());
    const first = await this.converge('start');
    if (await this.o.birdConfigExists()) await this.ensureBird();
    if (!first) this.retryAt = this.now(); // BIRD may have been what was missing

    const drift = setInterval(() => void this.queueDriftCheck(), this.o.driftIntervalMs);
    const tail = new TailBuffer(log, this.state.offset, signal, {
      onRetry: (e) => logger.warn('log tail failed; resuming', { offset: this.state.offset, error: e }),
    });
    try {
      while (!signal.aborted) {
        const wait = this.retryAt === undefined ? Number.POSITIVE_INFINITY : Math.max(0, this.retryAt - this.now());
        const events = await readBurst(tail, wait, {
          batchMs: this.o.batchMs,
          now: this.now,
          head: async () => {
            try {
              const h = await log.head();
              metrics.setLogHead(h);
              return h;
            } catch (e) {
              // The head only says how much of a burst to wait for; the tail rides out the outage.
              if (!isLogError(e) || !e.retriable) throw e;
              logger.warn('cannot read the log head; applying what arrived', { offset: this.state.offset, error: e });
              return 0;
            }
          },
        });
        if (signal.aborted) break;
        // Timers may fire a little early: nothing new and no retry due means nothing to do yet.
        if (events.length === 0 && (this.retryAt === undefined || this.now() < this.retryAt)) continue;
        if (events.length > 0) this.state = foldEvents(this.state, events, (prev, step) => this.snapshots.step(prev, step));
        await this.step();
      }
    } finally {
      clearInterval(drift);
      await this.kernelQueue;
      await this.persist();
      await this.reporter?.close();
      logger.info('agent stopped', { offset: this.applied?.offset });
    }
  }

  /**
   * Folds the log up to its head. While the log cannot be reached (a
   * retriable log error, after the log's own retries), says so and tries
   * again, doubling the pause up to the cap; any other failure is thrown.
   * False when `signal` aborted first.
   */
  private async foldToHead(signal: AbortSignal): Promise<boolean> {
    const { log, logger, metrics } = this.o;
    let delay = this.o.retryMs?.min ?? 500;
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        // A stop must not wait out the log's own retries.
        const head = await unlessAborted(log.head(), signal);
        if (head === ABORTED) break;
        metrics.setLogHead(head);
        const foldStart = this.now();
        this.state = await foldRange(log, this.state, head);
        logger.info('log folded', { offset: this.state.offset, foldMs: this.now() - foldStart, ...(attempt > 1 ? { attempts: attempt } : {}) });
        return true;
      } catch (e) {
        if (!isLogError(e) || !e.retriable || signal.aborted) throw e;
        logger.error('cannot read the log; retrying', { error: e, attempt, retryInMs: delay });
        await sleepUnless(delay, signal);
        delay = Math.min(delay * 2, this.o.retryMs?.max ?? 30_000);
      }
    }
    return false;
  }

  /** After new events (or when a retry is due): take the snapshot, and apply it if it changed. */
  private async step(): Promise<void> {
    // After a failure the kernel holds something unknown: re-read it, whether the retry is due or new events came first.
    const retrying = this.retryAt !== undefined;
    // A retry compiles in full, as at start: it starts over from what is certain.
    const desired = this.compileNow(retrying ? 'full' : 'current');
    if (desired === undefined) return;
    const change = retrying ? undefined : this.snapshots.changeSinceApplied();
    // The deltas say whether anything changed; only without them (a full compile) is the hash asked first. A change is
    // applied before it is hashed: the hash is for the record (persisted offset, status), not for the kernel.
    let hash: string | undefined;
    const unchanged = change !== undefined ? isEmptyDelta(change.delta) : (hash = this.hasher.hash(desired)) === this.applied?.hash;
    if (!retrying && this.applied !== undefined && unchanged) {
      // Nothing for this host in these events: the old snapshot is current at the new offset.
      this.applied = { offset: this.state.offset, hash: this.applied.hash };
      this.o.metrics.setAppliedOffset(this.state.offset);
      await this.persist();
      // The kernel is current at the new offset too: say so, or `foldnet status` would show a lag that is not there.
      await this.reportStatus(this.state.offset, this.applied.hash, null);
      this.o.logger.info('snapshot unchanged', { offset: this.state.offset });
      return;
    }
    if (retrying) {
      // A BIRD that died leaves a stale socket, and `birdc configure` fails until it runs again.
      if (await this.o.birdConfigExists()) await this.ensureBird();
      await this.serial(() => this.o.kernel.refresh()).catch((e: unknown) => this.o.logger.warn('kernel refresh failed', { error: e }));
    }
    await this.converge(retrying ? 'retry' : 'events', { snapshot: desired, hash, change });
  }

  private compileNow(how: 'full' | 'current'): HostSnapshot | undefined {
    const r = how === 'full' ? this.snapshots.full(this.state) : this.snapshots.current(this.state);
    if (E.isRight(r)) {
      this.unknownHostReported = false;
      return r.right;
    }
    if (!this.unknownHostReported) {
      // Nothing to enforce for a host the log does not know; wait for its Host resource.
      this.o.logger.warn('host not in the log; waiting', { offset: this.state.offset, host: this.o.host, known: r.left.known.join(',') });
      this.unknownHostReported = true;
    }
    this.retryAt = undefined;
    return undefined;
  }

  /** Applies the snapshot at the current state (given, or compiled in full); true when the kernel now matches it. */
  private async converge(why: 'start' | 'events' | 'retry', given?: { readonly snapshot: HostSnapshot; readonly hash: string | undefined; readonly change: SnapshotChange | undefined }): Promise<boolean> {
    const desired = given?.snapshot ?? this.compileNow('full');
    if (desired === undefined) return true;
    const { logger, metrics } = this.o;
    let result: Awaited<ReturnType<KernelDriver['sync']>>;
    // Timed here, around the whole sync (kernel read and plan included): what a change waits for.
    const started = performance.now();
    try {
      result = await this.serial(() => this.o.kernel.sync(desired, given?.change));
    } catch (e) {
      result = { ok: false, error: e instanceof Error ? e.message : String(e), planSize: 0 };
    }
    const applyMs = Math.round((performance.now() - started) * 100) / 100;
    metrics.observeApply(applyMs / 1000);
    if (!result.ok) {
      metrics.countApplyError();
      const delay = this.retryDelay;
      this.retryAt = this.now() + delay;
      this.retryDelay = Math.min(delay * 2, this.o.retryMs?.max ?? 30_000);
      logger.error('apply failed; will retry', { offset: desired.offset, planSize: result.planSize, applyMs, error: result.error, retryInMs: delay, why });
      await this.reportStatus(this.applied?.offset ?? 0, this.applied?.hash ?? '', result.error ?? 'apply failed');
      return false;
    }
    this.retryAt = undefined;
    this.retryDelay = this.o.retryMs?.min ?? 500;
    // The delta runs from the last applied snapshot: it helps the hasher only if that is what it hashed last.
    const hash = given?.hash ?? this.hasher.hash(desired, this.hasher.lastHash === this.applied?.hash ? given?.change?.delta : undefined);
    this.applied = { offset: desired.offset, hash };
    this.snapshots.applied(desired);
    metrics.setAppliedOffset(desired.offset);
    await this.persist();
    await this.reportStatus(desired.offset, hash, null);
    logger.info(result.planSize === 0 ? 'kernel already current' : 'applied', { offset: desired.offset, planSize: result.planSize, applyMs, changes: result.summary, hash, why });
    return true;
  }

  private async queueDriftCheck(): Promise<void> {
    if (this.driftQueued) return;
    this.driftQueued = true;
    try {
      await this.serial(async () => {
        if (await this.o.birdConfigExists()) await this.ensureBird();
        // Before the first successful apply there is nothing to hold the kernel to.
        if (this.applied === undefined) return;
        const r = await this.o.kernel.driftCheck();
        for (const repair of r.repairs) this.o.logger.warn('drift repaired', { offset: this.applied.offset, repair });
        this.o.metrics.addDriftRepairs(r.repairCount);
        if (r.repairCount > 0) this.o.logger.warn('drift check repaired the kernel', { offset: this.applied.offset, planSize: r.repairCount });
        if (!r.ok) this.o.logger.error('drift check failed', { offset: this.applied.offset, error: r.error });
      });
    } catch (e) {
      this.o.logger.error('drift check failed', { offset: this.applied?.offset, error: e });
    } finally {
      this.driftQueued = false;
    }
  }

  private async ensureBird(): Promise<void> {
    try {
      const b = await this.o.ensureBird();
      if (b.state === 'started') this.o.logger.info('bird started', { pid: b.pid });
      else if (this.lastBirdPid !== b.pid) this.o.logger.info('bird already running; reusing it', { pid: b.pid });
      this.lastBirdPid = b.pid;
    } catch (e) {
      this.o.logger.error('bird could not be started', { error: e });
    }
  }

  private async reportStatus(appliedOffset: number, snapshotHash: string, lastError: string | null): Promise<void> {
    await this.reporter?.report({ appliedOffset, snapshotHash, lastApplyTime: new Date(this.now()).toISOString(), lastError });
  }

  private async persist(): Promise<void> {
    const a = this.applied;
    if (a === undefined || a.offset === this.lastPersisted) return;
    try {
      await this.o.store.write({ offset: a.offset, hash: a.hash, appliedAt: new Date(this.now()).toISOString() });
      this.lastPersisted = a.offset;
    } catch (e) {
      this.o.logger.error('could not persist the agent state', { offset: a.offset, error: e });
    }
  }

  /** Kernel operations one at a time, in call order; a failure does not block those after it. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.kernelQueue.then(f);
    this.kernelQueue = p.catch(() => undefined);
    return p;
  }
}
