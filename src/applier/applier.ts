// Applier: keeps one host's kernel equal to the latest snapshot it is given,
// remembering what it last committed so that each sync plans against memory
// instead of re-reading the kernel (a full listing is slow at scale). The
// kernel is read on first use, after refresh(), after any failed apply (what
// it holds is then unknown), and by driftCheck(), which repairs whatever
// changed behind foldnet's back. Calls are serialised. Deciding when to sync
// or check for drift is the agent's job.
import * as E from 'fp-ts/Either';
import type { HostSnapshot } from '../../compiler/compile/snapshot';
import { desiredState, planKernel } from '../../compiler/plan/host-plan';
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

export class Applier {
  /** What the kernel holds as of the last successful commit (undefined: unknown, read it). */
  private committed: KernelState | undefined;
  private snapshot: HostSnapshot | undefined;
  private readonly managedSysctls = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ApplierOptions) {}

  /** The snapshot the kernel was last made equal to, if any. */
  lastCommitted(): HostSnapshot | undefined {
    return this.snapshot;
  }

  /** The next sync reads the kernel instead of trusting memory. */
  refresh(): void {
    this.committed = undefined;
  }

  /** Makes the kernel equal to `desired`; remembers it on success. */
  sync(desired: HostSnapshot): Promise<SyncResult> {
    return this.serialised(async () => {
      const want = desiredState(desired);
      if (E.isLeft(want)) {
        const plan: Plan = { ...emptyPlan, refused: want.left.map((p) => `snapshot of ${desired.host}: nftables ${p}`) };
        return { plan, result: await applyPlan(plan, this.options), readKernel: false };
      }
      const fromKernel = this.committed === undefined;
      const actual = this.committed ?? (await this.read(desired));
      return { ...(await this.commit(actual, want.right, desired)), readKernel: fromKernel };
    });
  }

  /** Reads the kernel, plans against the last committed snapshot and applies what differs; returns what was repaired. */
  driftCheck(): Promise<SyncResult> {
    return this.serialised(async () => {
      const snapshot = this.snapshot;
      if (snapshot === undefined) return { plan: emptyPlan, result: { ok: true, durationMs: 0, applied: [] }, readKernel: false };
      const want = desiredState(snapshot);
      if (E.isLeft(want)) throw new Error('a committed snapshot no longer plans'); // it planned when committed: unreachable
      return { ...(await this.commit(await this.read(snapshot), want.right, snapshot)), readKernel: true };
    });
  }

  private async commit(actual: KernelState, want: KernelState, snapshot: HostSnapshot): Promise<Omit<SyncResult, 'readKernel'>> {
    const plan = planKernel(actual, want);
    const result = isEmptyPlan(plan) ? { ok: true, durationMs: 0, applied: [] } : await applyPlan(plan, this.options);
    if (result.ok) {
      this.committed = want;
      this.snapshot = snapshot;
      for (const s of want.sysctls) this.managedSysctls.add(s.key);
    } else this.committed = undefined;
    return { plan, result };
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
