// Runs inside a network namespace (`ip netns exec NS node netns-driver REQUEST`),
// the way an agent runs the applier: default doors (spawned commands, node:fs
// on /proc/sys). Syncs each snapshot of the request in turn, then reads the
// kernel back and plans the last one; prints the outcome as JSON.
import { readFileSync } from 'node:fs';
import type { HostSnapshot } from '../../../compiler/compile/snapshot';
import { planHost } from '../../../compiler/plan/host-plan';
import { isEmptyPlan } from '../../../compiler/plan/types';
import { renderPlan } from '../../../compiler/plan/render-plan';
import { Applier } from '../../../src/applier/applier';
import { readKernel } from '../../../src/applier/read-kernel';

export interface DriverRequest {
  readonly birdConfigPath: string;
  readonly snapshots: readonly HostSnapshot[];
}

export interface DriverReply {
  readonly results: ReadonlyArray<{ ok: boolean; failed?: unknown; readKernel: boolean }>;
  readonly remaining: string;
}

async function main(): Promise<void> {
  const req = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as DriverRequest;
  const applier = new Applier({ birdConfigPath: req.birdConfigPath });
  const results = [];
  for (const s of req.snapshots) {
    const r = await applier.sync(s);
    results.push({ ok: r.result.ok, failed: r.result.failed, readKernel: r.readKernel });
  }
  const last = req.snapshots[req.snapshots.length - 1]!;
  const plan = planHost(await readKernel({ birdConfigPath: req.birdConfigPath, sysctlKeys: last.sysctls.map((x) => x.key) }), last);
  const reply: DriverReply = { results, remaining: isEmptyPlan(plan) ? '' : renderPlan(plan) };
  process.stdout.write(JSON.stringify(reply));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
