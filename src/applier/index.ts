// src/applier: makes one host's kernel equal to its compiled snapshot. The
// diff is pure (compiler/plan/); this directory reads the kernel, applies
// plans, and remembers what it committed (Applier).
export { Applier } from './applier';
export type { SyncResult } from './applier';
export { applyPlan } from './apply-plan';
export { readKernel } from './read-kernel';
export type { ApplierOptions, ReadKernelOptions } from './options';
export type { CommandResult, CommandRunner, HostFiles } from './host-io';
export { nodeFiles, spawnRunner } from './host-io';
export type { ApplyResult, ApplyStep, KernelState, Plan } from './contract';
export { desiredState, planHost, planKernel, planSize } from '../../compiler/plan/host-plan';
export { renderPlan, summarisePlan } from '../../compiler/plan/render-plan';
export { emptyPlan, isEmptyPlan } from '../../compiler/plan/types';
