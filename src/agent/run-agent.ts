// The agent's composition root: wires the log, the applier, the state file,
// the JSON logger, the metrics and their HTTP server into a HostAgent and runs
// it until the signal aborts. The CLI command (src/cli/agent-command.ts)
// turns flags and process signals into an AgentConfig.
import { access, mkdir } from 'node:fs/promises';
import { compileHost, type CompileOptions } from '../../compiler/compile/host';
import type { EventLog } from '../log/event-log';
import { readAgentState, writeAgentState } from './agent-state-file';
import { applierDriver } from './applier-driver';
import { SpawnHelper } from '../applier/spawn-helper';
import { birdPaths, ensureBird } from './bird-daemon';
import { HostAgent, type KernelDriver } from './host-agent';
import { jsonLogger, type Logger } from './json-logger';
import { AgentMetrics } from './metrics';
import { serveMetrics } from './metrics-server';
import type { StatusStore } from '../status/status-store';

export interface AgentConfig {
  readonly host: string;
  readonly log: EventLog;
  /** Holds agent-state.json. */
  readonly stateDir: string;
  /** Holds bird.conf, bird.ctl and bird.pid. */
  readonly birdDir: string;
  /** Port for /metrics on 127.0.0.1 (of the agent's network namespace); undefined: no server. */
  readonly metricsPort: number | undefined;
  readonly driftIntervalMs: number;
  readonly batchMs: number;
  readonly compile: CompileOptions;
  /** Where the JSON log lines go (stdout). */
  readonly write: (line: string) => void;
  /** Replaces the applier (tests). */
  readonly kernel?: KernelDriver;
  /** Where this agent reports what it applied, for `foldnet status`; undefined: nowhere. */
  readonly status?: StatusStore;
}

export const METRICS_ADDRESS = '127.0.0.1';

export async function runAgent(config: AgentConfig, signal: AbortSignal): Promise<void> {
  const logger: Logger = jsonLogger(config.write);
  await mkdir(config.stateDir, { recursive: true });
  await mkdir(config.birdDir, { recursive: true });
  const bird = birdPaths(config.birdDir);
  const metrics = new AgentMetrics(config.host);
  // nft, ip and birdc are started by a small helper process: from the agent of a large cluster each start would cost more.
  const spawner = new SpawnHelper((why) => logger.warn('running commands directly', { why }));
  const agent = new HostAgent({
    host: config.host,
    log: config.log,
    kernel: config.kernel ?? applierDriver({ birdConfigPath: bird.config, birdSocket: bird.socket, run: spawner.run }),
    store: { read: () => readAgentState(config.stateDir), write: (s) => writeAgentState(config.stateDir, s) },
    logger,
    metrics,
    compile: (state) => compileHost(state, config.host, config.compile),
    compileOptions: config.compile,
    ensureBird: () => ensureBird(bird),
    birdConfigExists: () => access(bird.config).then(() => true, () => false),
    batchMs: config.batchMs,
    driftIntervalMs: config.driftIntervalMs,
    report: config.status && ((r) => config.status!.report({ host: config.host, ...r })),
  });
  const server = config.metricsPort === undefined
    ? undefined
    : await serveMetrics(METRICS_ADDRESS, config.metricsPort, async () => {
        metrics.setLogHead(await config.log.head());
        return metrics.render();
      });
  if (server) logger.info('serving metrics', { address: `http://${METRICS_ADDRESS}:${server.port}/metrics` });
  try {
    await agent.run(signal);
  } finally {
    spawner.close();
    await server?.close();
  }
}
