// The applier's data: what foldnet owns on one host as read back from the
// kernel (KernelState), and the change that makes it equal to a snapshot
// (Plan). Both are plain data, so the diff stays pure; reading and applying
// them is src/applier/'s job (src/applier/contract.ts re-exports these).
import type { RouteModel, SysctlModel } from '../compile/snapshot';
import type { NftDocument } from '../nft/schema';

/** What foldnet owns on one host, as read back from the kernel (normalised). */
export interface KernelState {
  /** `nft -j list table inet foldnet`, normalised; undefined when the table does not exist. */
  readonly nft: NftDocument | undefined;
  /**
   * Set when the table exists but its listing is outside foldnet's subset
   * (someone added what foldnet never writes): why it could not be read. The
   * plan then replaces the whole table in one transaction. `nft` is undefined.
   */
  readonly nftUnreadable?: readonly string[];
  /** Routes with foldnet's rtproto, IPv4 and IPv6. */
  readonly routes: readonly RouteModel[];
  /** Current values of the sysctl keys foldnet manages (keys absent when the interface does not exist yet). */
  readonly sysctls: readonly SysctlModel[];
  /** The BIRD config file's content, undefined when absent. */
  readonly bird: string | undefined;
}

/** A plan: the smallest change that makes a KernelState equal to a snapshot. Empty when they are equal. */
export interface Plan {
  /** One nft transaction (libnftables JSON commands: add/delete/flush), empty when the ruleset already matches. */
  readonly nft: readonly unknown[];
  readonly routes: { readonly add: readonly RouteModel[]; readonly remove: readonly RouteModel[] };
  readonly sysctls: readonly SysctlModel[];
  /** The new BIRD config, when it differs. */
  readonly bird?: string;
  /** Lines of the BIRD config added and removed (a multiset count), when `bird` is set. */
  readonly birdLines?: { readonly added: number; readonly removed: number };
  /**
   * Why the desired snapshot could not be planned (its ruleset does not
   * decode or fold: a compiler bug). Applying such a plan changes nothing and
   * fails at step 'nft' with these problems.
   */
  readonly refused?: readonly string[];
}

export const emptyPlan: Plan = { nft: [], routes: { add: [], remove: [] }, sysctls: [] };

export const isEmptyPlan = (p: Plan): boolean =>
  p.refused === undefined && p.nft.length === 0 && p.routes.add.length === 0 && p.routes.remove.length === 0 &&
  p.sysctls.length === 0 && p.bird === undefined;
