// The applier's contract, shared by the applier (src/applier/), the agent
// (src/agent/) and the CLI's plan/sync commands. The diff itself is pure
// (compiler/plan/, where KernelState and Plan are defined so the pure core
// never imports the shell); only the driver here touches the kernel.
import type { HostSnapshot } from '../../compiler/compile/snapshot';

export type { KernelState, Plan } from '../../compiler/plan/types';

export type ApplyStep = 'nft' | 'routes' | 'sysctls' | 'bird';

export interface ApplyResult {
  readonly ok: boolean;
  /** Which step failed and why, when !ok (nothing after it ran; the nft transaction is all or nothing). */
  readonly failed?: { readonly step: ApplyStep; readonly error: string };
  readonly durationMs: number;
  /** Steps that ran and succeeded, in order (steps with nothing to do are skipped). */
  readonly applied?: readonly ApplyStep[];
  /** Milliseconds each step that ran took (the failed one included). */
  readonly stepMs?: Partial<Record<ApplyStep, number>>;
}

export type { HostSnapshot };
