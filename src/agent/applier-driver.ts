// Adapts the applier (src/applier/) to what the agent asks of the kernel:
// sync results reduced to ok / error / plan size, drift checks to the list
// of repairs made (the repair plan as people read it, one line each).
import { planSize, renderPlan, summarisePlan } from '../../compiler/plan';
import { Applier, type ApplierOptions } from '../applier';
import type { KernelDriver } from './host-agent';

export function applierDriver(options: ApplierOptions): KernelDriver {
  const applier = new Applier(options);
  const failure = (f: { readonly step: string; readonly error: string } | undefined): string | undefined => (f ? `${f.step}: ${f.error}` : undefined);
  return {
    refresh: async () => applier.refresh(),
    async sync(desired, change) {
      const r = await applier.sync(desired, change);
      return { ok: r.result.ok, error: failure(r.result.failed), planSize: planSize(r.plan), summary: summarisePlan(r.plan) };
    },
    async driftCheck() {
      const r = await applier.driftCheck();
      const size = planSize(r.plan);
      const repairs = size === 0 ? [] : renderPlan(r.plan).trimEnd().split('\n');
      return { ok: r.result.ok, error: failure(r.result.failed), repairs, repairCount: size };
    },
  };
}
