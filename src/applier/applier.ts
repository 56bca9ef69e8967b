// Applier: keeps one host's kernel equal to the latest snapshot it is given,
// remembering what it last committed so that each sync plans against memory
// instead of re-reading the kernel (a full listing is slow at scale). From
// memory it diffs the snapshots as the compiler emitted them (same form on
// both sides, and its own side already indexed), so a sync costs about one
// indexing of the new snapshot — or, given the incremental compiler's delta
// from the committed snapshot, less: a plan from the delta alone
// (planFromDelta), the new snapshot indexed only if a later sync needs it.
// The kernel is read on first use, after refresh(), after any failed apply
// (what it holds is then unknown), and by driftCheck(), which repairs
// whatever changed behind foldnet's back; those paths normalise both sides. Calls are serialised. Deciding when to sync or
// check for drift is the agent's job.
import * as E from 'fp-ts/Either';
import type { HostSnapshot } from '../../compiler/compile/snapshot';
import { planFromDelta } from '../../compiler/incremental/delta-plan';
import type { SnapshotDelta } from '../../compiler/incremental/snapshot-delta';
import { desiredState, emittedState, indexKernel, IndexedKernel, planIndexed, planKernel } from '../../compiler/plan/host-plan';
import { emptyPlan, isEmptyPlan } from '../../compiler/plan/types';
import { applyPlan } from './apply-plan';
import type { ApplyResult, KernelState, Plan } from './contract';
import type { ApplierOptions } from './options';
import { readKernel } from './read-kernel';

export interface SyncResult {
  readonly plan: Plan;
  readonly result: ApplyResult;
  /** Whether the kernel was read to make the plan. */
  readonly readKernel: boolean;
}

interface Committed {
  readonly snapshot: HostSnapshot;
  /** The snapshot as emitted, indexed: what the next sync plans from without a delta (indexed when first needed). */
  emitted: IndexedKernel | undefined;
}

/** What changed from `base` to the snapshot synced, as the incremental compiler says (compiler/incremental/). */
export interface SnapshotChange {
  readonly base: HostSnapshot;
  readonly delta: SnapshotDelta;
}

const emittedOf = (c: Committed): IndexedKernel => (c.emitted ??= indexKernel(emittedState(c.snapshot)));

const done: ApplyResult = { ok: true, durationMs: 0, applied: [] };

export class Applier {
  private committed: Committed | undefined;
  /** Whether the kernel is known to hold `committed` (false on first use, after refresh() or a failure). */
  private trusted = false;
  private readonly managedSysctls = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ApplierOptions) {}

  /** The snapshot the kernel was last made equal to, if any. */
  lastCommitted(): HostSnapshot | undefined {
    return this.committed?.snapshot;
  }

  /** The next sync reads the kernel instead of trusting memory. */
  refresh(): void {
    this.trusted = false;
  }

  /**
   * Makes the kernel equal to `desired`; remembers it on success. A `change`
   * whose base is the committed snapshot is planned from its delta; any
   * other is ignored.
   */
  sync(desired: HostSnapshot, change?: SnapshotChange): Promise<SyncResult> {
    return this.serialised(async () => {
      if (this.trusted && this.committed !== undefined && change !== undefined && change.base === this.committed.snapshot) {
        const plan = planFromDelta(this.committed.snapshot, desired, change.delta);
        return { plan, result: await this.apply(plan, desired, undefined), readKernel: false };
      }
      if (this.trusted && this.committed !== undefined) {
        const emitted = indexKernel(emittedState(desired));
        const plan = planIndexed(emittedOf(this.committed), emitted);
        return { plan, result: await this.apply(plan, desired, emitted), readKernel: false };
      }
      const want = desiredState(desired);
      if (E.isLeft(want)) {
        const plan: Plan = { ...emptyPlan, refused: want.left.map((p) => `snapshot of ${desired.host}: nftables ${p}`) };
        return { plan, result: await applyPlan(plan, this.options), readKernel: false };
      }
      const plan = planKernel(await this.read(desired), want.right);
      return { plan, result: await this.apply(plan, desired), readKernel: true };
    });
  }

  /** Reads the kernel, plans against the last committed snapshot and applies what differs; returns what was repaired. */
  driftCheck(): Promise<SyncResult> {
    return this.serialised(async () => {
      const committed = this.committed;
      if (committed === undefined) return { plan: emptyPlan, result: done, readKernel: false };
      const want = desiredState(committed.snapshot);
      // It planned when it was committed; a snapshot that no longer normalises is a bug in the core.
      if (E.isLeft(want)) throw new Error(`the committed snapshot no longer normalises: ${want.left.join('; ')}`);
      const plan = planKernel(await this.read(committed.snapshot), want.right);
      return { plan, result: await this.apply(plan, committed.snapshot, committed.emitted), readKernel: true };
    });
  }

  private async apply(plan: Plan, snapshot: HostSnapshot, emitted?: IndexedKernel): Promise<ApplyResult> {
    const result = isEmptyPlan(plan) ? done : await applyPlan(plan, this.options);
    if (result.ok) {
      this.committed = { snapshot, emitted };
      this.trusted = true;
      for (const s of snapshot.sysctls) this.managedSysctls.add(s.key);
    } else this.trusted = false;
    return result;
  }

  private read(desired: HostSnapshot): Promise<KernelState> {
    return readKernel({ ...this.options, sysctlKeys: [...new Set([...desired.sysctls.map((s) => s.key), ...this.managedSysctls])] });
  }

  private serialised<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
