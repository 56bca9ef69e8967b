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
// whatever changed behind foldnet's back. A kernel without foldnet's table
// (or with one it cannot read) gets the snapshot's ruleset whole, as emitted,
// with nothing normalised; otherwise both sides are normalised and diffed.
// A drift check whose listing is byte for byte the one last found equal to
// the committed snapshot skips normalising it. Calls are serialised. Deciding
// when to sync or check for drift is the agent's job.
import * as E from 'fp-ts/Either';
import type { HostSnapshot } from '../../compiler/compile/snapshot';
import { planFromDelta } from '../../compiler/incremental/delta-plan';
import type { SnapshotDelta } from '../../compiler/incremental/snapshot-delta';
import { desiredState, emittedState, indexKernel, IndexedKernel, planIndexed, planKernel } from '../../compiler/plan/host-plan';
import { emptyPlan, isEmptyPlan } from '../../compiler/plan/types';
import { applyPlan } from './apply-plan';
import type { ApplyResult, Plan } from './contract';
import type { ApplierOptions } from './options';
import { readKernelLazily } from './read-kernel';

export interface SyncResult {
  readonly plan: Plan;
  readonly result: ApplyResult;
  /** Whether the kernel was read to make the plan. */
  readonly readKernel: boolean;
  /**
   * When it was read, what became of the table's listing: there was no table, or one foldnet cannot read (either
   * way the ruleset is loaded whole, as emitted); it was normalised and diffed; or it listed exactly as when last
   * found equal to the committed snapshot, and was not normalised again.
   */
  readonly listing?: 'absent' | 'unreadable' | 'normalised' | 'unchanged';
}

interface Committed {
  readonly snapshot: HostSnapshot;
  /** The snapshot as emitted, indexed: what the next sync plans from without a delta (indexed when first needed). */
  emitted: IndexedKernel | undefined;
  /** Digest of a table listing found equal to the snapshot's ruleset since it was committed: the same listing needs no normalising. */
  readonly listingDigest?: string;
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
      return this.fromKernel(desired, this.committed?.snapshot === desired ? this.committed : undefined);
    });
  }

  /** Reads the kernel, plans against the last committed snapshot and applies what differs; returns what was repaired. */
  driftCheck(): Promise<SyncResult> {
    return this.serialised(async () => {
      const committed = this.committed;
      if (committed === undefined) return { plan: emptyPlan, result: done, readKernel: false };
      return this.fromKernel(committed.snapshot, committed);
    });
  }

  /** Reads the kernel and makes it equal to `snapshot`; `known` is what was committed, when that is `snapshot` too. */
  private async fromKernel(snapshot: HostSnapshot, known: Committed | undefined): Promise<SyncResult> {
    const reading = await this.read(snapshot);
    const digest = reading.nft.digest;
    if (known !== undefined && digest !== undefined && digest === known.listingDigest) {
      // The table lists exactly as when it was last found equal to the snapshot: only routes, sysctls and BIRD's config can differ.
      const plan = planKernel({ ...reading.rest, nft: undefined }, { ...emittedState(snapshot), nft: undefined });
      return { plan, result: await this.apply(plan, snapshot, known.emitted, digest), readKernel: true, listing: 'unchanged' };
    }
    const kernel = { ...reading.nft.normalised(), ...reading.rest };
    if (kernel.nft === undefined) {
      // No table (or one to replace whole): the plan adds the ruleset as emitted. Normalising it first, to compare
      // it with nothing, would cost several times the load itself at scale; nft refuses a bad ruleset whole, as on the memory path.
      const emitted = known?.emitted ?? indexKernel(emittedState(snapshot));
      const plan = planIndexed(indexKernel(kernel), emitted);
      return { plan, result: await this.apply(plan, snapshot, emitted), readKernel: true, listing: kernel.nftUnreadable === undefined ? 'absent' : 'unreadable' };
    }
    const want = desiredState(snapshot);
    if (E.isLeft(want)) {
      // A committed snapshot was planned once; that it no longer normalises is a bug in the core.
      if (known !== undefined) throw new Error(`the committed snapshot no longer normalises: ${want.left.join('; ')}`);
      const plan: Plan = { ...emptyPlan, refused: want.left.map((p) => `snapshot of ${snapshot.host}: nftables ${p}`) };
      return { plan, result: await applyPlan(plan, this.options), readKernel: true, listing: 'normalised' };
    }
    const plan = planKernel(kernel, want.right);
    const result = await this.apply(plan, snapshot, known?.emitted, plan.nft.length === 0 ? digest : undefined);
    return { plan, result, readKernel: true, listing: 'normalised' };
  }

  /** Applies `plan`, which makes the kernel equal to `snapshot`; `listingDigest` is that of a table listing the plan leaves as it is and that matches. */
  private async apply(plan: Plan, snapshot: HostSnapshot, emitted?: IndexedKernel, listingDigest?: string): Promise<ApplyResult> {
    const result = isEmptyPlan(plan) ? done : await applyPlan(plan, this.options);
    if (result.ok) {
      this.committed = { snapshot, emitted, ...(listingDigest !== undefined ? { listingDigest } : {}) };
      this.trusted = true;
      for (const s of snapshot.sysctls) this.managedSysctls.add(s.key);
    } else this.trusted = false;
    return result;
  }

  private read(desired: HostSnapshot): ReturnType<typeof readKernelLazily> {
    return readKernelLazily({ ...this.options, sysctlKeys: [...new Set([...desired.sysctls.map((s) => s.key), ...this.managedSysctls])] });
  }

  private serialised<T>(job: () => Promise<T>): Promise<T> {
    const next = this.queue.then(job, job);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
