// Runs inside a network namespace for scale.test.ts: a full sync of `before`,
// then `after` (one endpoint more) from memory, a kernel read-back and plan,
// and `before` again; prints what each took, as an agent would see it.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { HostSnapshot } from '../../../compiler/compile/snapshot';
import { desiredState, planHost, planSize } from '../../../compiler/plan/host-plan';
import { isEmptyPlan } from '../../../compiler/plan/types';
import { summarisePlan } from '../../../compiler/plan/render-plan';
import { Applier } from '../../../src/applier/applier';
import { readKernel } from '../../../src/applier/read-kernel';

export interface ScaleRequest { readonly birdConfigPath: string; readonly before: HostSnapshot; readonly after: HostSnapshot }

async function main(): Promise<void> {
  const req = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ScaleRequest;
  const lines: string[] = [];
  const ok = (r: { result: { ok: boolean; failed?: unknown } }): void => {
    if (!r.result.ok) throw new Error(JSON.stringify(r.result.failed));
  };
  const applier = new Applier({ birdConfigPath: req.birdConfigPath });
  let s = performance.now();
  const first = await applier.sync(req.before);
  ok(first);
  lines.push(`full sync: size ${planSize(first.plan)}; read+plan ${(performance.now() - s - first.result.durationMs).toFixed(0)} ms, apply ${first.result.durationMs.toFixed(0)} ms`);

  s = performance.now();
  desiredState(req.after);
  lines.push(`normalising the new snapshot alone: ${(performance.now() - s).toFixed(0)} ms`);

  s = performance.now();
  const next = await applier.sync(req.after);
  ok(next);
  const total = performance.now() - s;
  lines.push(`+1 endpoint from memory: ${summarisePlan(next.plan)}; size ${planSize(next.plan)}; plan ${(total - next.result.durationMs).toFixed(0)} ms, apply ${next.result.durationMs.toFixed(0)} ms (${next.result.applied?.join(', ')})`);

  s = performance.now();
  const kernel = await readKernel({ birdConfigPath: req.birdConfigPath, sysctlKeys: req.after.sysctls.map((x) => x.key) });
  const readMs = performance.now() - s;
  s = performance.now();
  const fromKernel = planHost(kernel, req.after);
  lines.push(`kernel read-back: read ${readMs.toFixed(0)} ms, plan ${(performance.now() - s).toFixed(0)} ms, ${isEmptyPlan(fromKernel) ? 'no changes' : `UNEXPECTED ${summarisePlan(fromKernel)}`}`);

  s = performance.now();
  const back = await applier.sync(req.before);
  ok(back);
  lines.push(`-1 endpoint from memory: ${summarisePlan(back.plan)}; size ${planSize(back.plan)}; plan ${(performance.now() - s - back.result.durationMs).toFixed(0)} ms, apply ${back.result.durationMs.toFixed(0)} ms`);
  process.stdout.write(JSON.stringify({ lines, converged: isEmptyPlan(fromKernel) }));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
