// compiler/plan: the applier's pure half — the diff between what one host's
// kernel holds and its snapshot. See README.md.
export { desiredState, emittedState, indexKernel, planHost, planIndexed, planKernel, planSize } from './host-plan';
export type { IndexedKernel } from './host-plan';
export { planNft, planNftIndexed } from './nft-plan';
export { planRoutes, routeCommand, routeKey } from './routes-plan';
export { planSysctls } from './sysctls-plan';
export { planBird } from './bird-plan';
export { renderPlan, summarisePlan } from './render-plan';
export { emptyPlan, isEmptyPlan } from './types';
export type { KernelState, Plan } from './types';
