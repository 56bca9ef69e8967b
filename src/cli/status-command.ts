// `foldnet status`: one row per host of the cluster — the offset its agent
// last applied, how far that is behind the head, and whether it converged
// (its reported snapshot hash is the one foldnet computes for it at that
// offset), diverged, went stale (its agent stopped keeping its report alive)
// or never reported. Reports come from the status store: `--status URL`, else
// FOLDNET_STATUS, else the log itself when it is a file or etcd (a Kafka log
// needs one named). Exit 0 when every host converged, 1 otherwise.
import { Option, type Command } from 'commander';
import type { CompileOptions } from '../../compiler/compile/host';
import { backendSecurityFromEnv } from '../log/log-env';
import { parseLogUrl } from '../log/open-log';
import { type HostRow, hostConvergence } from '../status/host-convergence';
import { openStatusStore } from '../status/status-store';
import { CliError, ExitCode } from './cli-error';
import type { CliContext } from './context';
import { NONE, renderJson, renderTable } from './format-output';

interface StatusOptions {
  readonly status?: string;
  readonly output: 'table' | 'json';
  readonly endpointToHost: CompileOptions['endpointToHostAction'];
}

/** The status store URL in effect for a log URL; throws a usage error for Kafka without one. */
export function statusUrlFor(logUrl: string, explicit: string | undefined): string {
  if (explicit !== undefined && explicit.trim() !== '') return explicit.trim();
  const where = parseLogUrl(logUrl);
  if (where.backend === 'kafka') {
    throw new CliError(ExitCode.Usage, 'a Kafka log holds no status: name the status store with --status file:PATH or etcd://HOST:PORT/PREFIX (or FOLDNET_STATUS)');
  }
  return where.backend === 'file' ? `file:${where.path}` : where.url;
}

export function registerStatusCommand(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description('which hosts applied what: offset, lag behind the head, and converged / diverged / stale / unknown')
    .option('--status <url>', 'the status store: file:PATH or etcd://HOST:PORT/PREFIX (default: $FOLDNET_STATUS, else the log when it is a file or etcd)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(
      new Option('--endpoint-to-host <action>', 'the endpoint-to-host default the agents compile with').choices(['Drop', 'Accept']).default('Drop'),
    )
    .action(async (opts: StatusOptions) => {
      const url = statusUrlFor(ctx.logUrl(), opts.status ?? ctx.io.env.FOLDNET_STATUS);
      const log = ctx.openLog({ mustExist: true });
      const store = openStatusStore(url, { security: backendSecurityFromEnv(ctx.io.env) });
      try {
        const reports = await store.list();
        const { head, rows } = await hostConvergence(log, reports, { endpointToHostAction: opts.endpointToHost });
        ctx.out(opts.output === 'json' ? renderJson(rows.map((r) => ({ ...r, head }))) : table(rows));
        if (rows.some((r) => r.state !== 'converged')) ctx.setExitCode(ExitCode.Failed);
      } finally {
        await store.close();
      }
    });
}

function table(rows: readonly HostRow[]): string {
  if (rows.length === 0) return 'No hosts in the cluster.\n';
  const header = ['HOST', 'STATE', 'APPLIED', 'LAG', 'HASH', 'LAST APPLY', 'ERROR'];
  return renderTable(
    header,
    rows.map((r) => [
      r.host,
      r.reason === undefined ? r.state : `${r.state} (${r.reason})`,
      r.appliedOffset === undefined ? NONE : String(r.appliedOffset),
      r.lag === undefined ? NONE : String(r.lag),
      r.reportedHash === undefined ? NONE : r.reportedHash.slice(0, 12),
      r.lastApplyTime ?? NONE,
      r.lastError ?? NONE,
    ]),
  );
}
