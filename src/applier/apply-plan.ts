// applyPlan: carries a plan out on this host, step by step — nft, routes,
// sysctls, BIRD — and stops at the first step that fails, saying which and
// why. Steps with nothing to do are skipped. A refused plan (its snapshot did
// not decode) fails at 'nft' before anything is touched. What to do after a
// failure (re-read the kernel, retry) is the caller's.
import { performance } from 'node:perf_hooks';
import type { ApplyResult, ApplyStep, Plan } from './contract';
import { applyBird, applyNft, applyRoutes, applySysctls, StepOutcome } from './apply-steps';
import { ApplierOptions, resolve } from './options';

export async function applyPlan(plan: Plan, options: ApplierOptions): Promise<ApplyResult> {
  const started = performance.now();
  const io = resolve(options);
  const steps: Array<[ApplyStep, boolean, () => Promise<StepOutcome>]> = [
    ['nft', plan.refused !== undefined || plan.nft.length > 0, async () => (plan.refused !== undefined ? plan.refused.join('; ') : applyNft(io, plan.nft))],
    ['routes', plan.routes.add.length + plan.routes.remove.length > 0, () => applyRoutes(io, plan.routes)],
    ['sysctls', plan.sysctls.length > 0, () => applySysctls(io, plan.sysctls)],
    ['bird', plan.bird !== undefined, () => applyBird(io, options, plan.bird!)],
  ];
  const applied: ApplyStep[] = [];
  const stepMs: Partial<Record<ApplyStep, number>> = {};
  for (const [step, needed, run] of steps) {
    if (!needed) continue;
    let error: StepOutcome;
    const stepStarted = performance.now();
    try {
      error = await run();
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    stepMs[step] = performance.now() - stepStarted;
    if (error !== undefined) return { ok: false, failed: { step, error }, durationMs: performance.now() - started, applied, stepMs };
    applied.push(step);
  }
  return { ok: true, durationMs: performance.now() - started, applied, stepMs };
}
