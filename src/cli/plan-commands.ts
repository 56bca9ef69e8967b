// The applier's commands, run on a host (inside its network namespace when it
// is one): `plan` shows what would change to make this kernel equal to the
// host's snapshot, without changing anything; `sync` applies it once and says
// how it went (exit 0 applied, 1 a step failed). Compiling is the compiler's,
// diffing compiler/plan's, reading and applying src/applier's.
import * as E from 'fp-ts/Either';
import { Option, type Command } from 'commander';
import { compileHost, snapshotHash } from '../../compiler/compile/host';
import type { HostSnapshot } from '../../compiler/compile/snapshot';
import { planHost, planSize } from '../../compiler/plan/host-plan';
import { renderPlan, summarisePlan } from '../../compiler/plan/render-plan';
import { Applier } from '../applier/applier';
import { readKernel } from '../applier/read-kernel';
import type { ApplierOptions } from '../applier/options';
import { CliError, ExitCode } from './cli-error';
import type { CliContext } from './context';

/** Where Debian's bird2 package keeps its config. */
export const DEFAULT_BIRD_CONFIG = '/etc/bird/bird.conf';

interface HostOptions {
  host: string;
  at?: string;
  birdConfig: string;
  endpointToHost: 'Drop' | 'Accept';
}

const hostOptions = (cmd: Command): Command =>
  cmd
    .requiredOption('--host <name>', 'the host whose snapshot to apply (run this on that host, or inside its network namespace)')
    .addOption(new Option('--at <offset|time>', 'a past point of the log: an offset or an RFC 3339 time'))
    .option('--bird-config <path>', "BIRD's config file, which foldnet owns", DEFAULT_BIRD_CONFIG)
    .addOption(new Option('--endpoint-to-host <action>', 'what happens to workload traffic to its own host after egress policy').choices(['Drop', 'Accept']).default('Drop'));

async function snapshotFor(ctx: CliContext, opts: HostOptions): Promise<HostSnapshot> {
  const { state } = await ctx.loadState(ctx.openLog({ mustExist: true }), opts.at);
  const snap = compileHost(state, opts.host, { endpointToHostAction: opts.endpointToHost });
  if (E.isLeft(snap)) throw new CliError(ExitCode.Failed, `host ${opts.host} does not exist (hosts: ${snap.left.known.join(', ') || 'none'})`);
  return snap.right;
}

/** Reading the kernel needs root and nft/ip; say so plainly when it fails. */
async function guard<T>(what: string, job: () => Promise<T>): Promise<T> {
  try {
    return await job();
  } catch (e) {
    throw new CliError(ExitCode.Failed, `${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const head = (s: HostSnapshot): string => `host ${s.host} at offset ${s.offset} (snapshot ${snapshotHash(s).slice(0, 12)})`;

function registerPlan(program: Command, ctx: CliContext): void {
  hostOptions(program.command('plan'))
    .description("show what would change to make this kernel equal to the host's snapshot (reads the kernel, changes nothing)")
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: HostOptions & { output: 'text' | 'json' }) => {
      const snap = await snapshotFor(ctx, opts);
      const kernel = await guard('reading the kernel', () => readKernel({ birdConfigPath: opts.birdConfig, sysctlKeys: snap.sysctls.map((s) => s.key) }));
      const plan = planHost(kernel, snap);
      if (opts.output === 'json') ctx.out(`${JSON.stringify({ host: snap.host, offset: snap.offset, hash: snapshotHash(snap), size: planSize(plan), plan }, null, 2)}\n`);
      else ctx.out(`# ${head(snap)}: ${summarisePlan(plan)}\n${renderPlan(plan)}`);
      if (plan.refused !== undefined) ctx.setExitCode(ExitCode.Failed);
    });
}

function registerSync(program: Command, ctx: CliContext): void {
  hostOptions(program.command('sync'))
    .description("make this kernel equal to the host's snapshot once, touching only what differs (exit 1 when a step fails)")
    .option('--bird-socket <path>', "BIRD's control socket: when it exists, `birdc configure` follows a config change")
    .action(async (opts: HostOptions & { birdSocket?: string }) => {
      const snap = await snapshotFor(ctx, opts);
      const options: ApplierOptions = { birdConfigPath: opts.birdConfig, ...(opts.birdSocket !== undefined ? { birdSocket: opts.birdSocket } : {}) };
      const { plan, result } = await guard('reading the kernel', () => new Applier(options).sync(snap));
      ctx.out(`${head(snap)}: ${summarisePlan(plan)} (${planSize(plan)} changes)\n`);
      if (result.ok) {
        ctx.out(`applied in ${Math.round(result.durationMs)} ms\n`);
        return;
      }
      ctx.err(`Error: step ${result.failed!.step} failed: ${result.failed!.error}\n`);
      if ((result.applied ?? []).length > 0) ctx.err(`(steps applied before it: ${result.applied!.join(', ')})\n`);
      ctx.setExitCode(ExitCode.Failed);
    });
}

/** Registers `plan` and `sync`; called from the composition root (src/cli/main.ts). */
export function registerPlanCommands(program: Command, ctx: CliContext): void {
  registerPlan(program, ctx);
  registerSync(program, ctx);
}
