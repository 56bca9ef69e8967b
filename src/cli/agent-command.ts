// `foldnet agent --host H`: the host agent, run on each host (or inside the
// host's network namespace: `ip netns exec NS foldnet agent …`). It folds
// the log, applies this host's snapshot, follows the log and repairs drift
// until SIGTERM or SIGINT, then lets an apply in progress finish, persists
// its offset and exits 0. BIRD is started if it is not running and left
// running on exit, so restarting the agent never withdraws routes. What the
// agent does is src/agent/'s; this turns flags and signals into its config.
import { Option, type Command } from 'commander';
import { openStatusStore } from '../status/status-store';
import { statusUrlFor } from './status-command';
import { runAgent } from '../agent/run-agent';
import { usageError } from './cli-error';
import type { CliContext } from './context';

interface AgentFlags {
  readonly host: string;
  readonly stateDir: string;
  readonly birdDir?: string;
  readonly metricsPort: string;
  readonly driftInterval: string;
  readonly batchMs: string;
  readonly endpointToHost: 'Drop' | 'Accept';
  readonly status?: string;
}

const integer = (flag: string, text: string, min: number, max: number): number => {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < min || n > max) throw usageError(`${flag}: expected an integer ${min}-${max}, got ${JSON.stringify(text)}`);
  return n;
};

const seconds = (flag: string, text: string): number => {
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw usageError(`${flag}: expected a positive number of seconds, got ${JSON.stringify(text)}`);
  return n;
};

export function registerAgentCommand(program: Command, ctx: CliContext): void {
  program
    .command('agent')
    .description("run the host agent: apply this host's snapshot and follow the log until SIGTERM (BIRD is started if needed and left running)")
    .requiredOption('--host <name>', 'the host this agent runs on (its Host resource name)')
    .option('--state-dir <dir>', 'where agent-state.json (applied offset and snapshot hash) is kept', '/var/lib/foldnet')
    .option('--bird-dir <dir>', "BIRD's config, control socket and pid file (default: the state dir)")
    .option('--metrics-port <n>', 'Prometheus metrics on 127.0.0.1:N/metrics (0: none)', '9091')
    .option('--drift-interval <s>', 'seconds between drift checks (re-read the kernel, repair)', '30')
    .option('--batch-ms <n>', 'after an event, wait at most this long for the rest of a burst', '20')
    .addOption(new Option('--endpoint-to-host <action>', 'what happens to workload traffic to its own host after egress policy').choices(['Drop', 'Accept']).default('Drop'))
    .option('--status <url>', 'where to report what was applied, for `foldnet status`: file:PATH or etcd://… (default: $FOLDNET_STATUS, else the log when it is a file or etcd; "none" to report nowhere)')
    .action(async (opts: AgentFlags) => {
      const metricsPort = integer('--metrics-port', opts.metricsPort, 0, 65535);
      const driftIntervalMs = seconds('--drift-interval', opts.driftInterval) * 1000;
      const batchMs = integer('--batch-ms', opts.batchMs, 0, 60_000);
      const log = ctx.openLog();
      const statusUrl = opts.status === 'none' ? undefined : statusUrlFor(ctx.logUrl(), opts.status ?? ctx.io.env.FOLDNET_STATUS);
      const status = statusUrl === undefined ? undefined : openStatusStore(statusUrl);
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      try {
        await runAgent({
          host: opts.host,
          log,
          stateDir: opts.stateDir,
          birdDir: opts.birdDir ?? opts.stateDir,
          metricsPort: metricsPort === 0 ? undefined : metricsPort,
          driftIntervalMs,
          batchMs,
          compile: { endpointToHostAction: opts.endpointToHost },
          write: ctx.out,
          status,
        }, controller.signal);
      } finally {
        await status?.close();
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
      }
    });
}
