// CliContext: what every command needs from the outside world, resolved once
// per run — where the log is (`--log`, FOLDNET_LOG, the default file), who is
// acting (`--actor`, FOLDNET_ACTOR, $USER@hostname), where output goes, and
// the cluster state folded from the log. Commands receive it instead of
// reaching for process.*, so tests and other entry points can swap the I/O.
import { existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import type { EventLog } from '../log/event-log';
import { DEFAULT_LOG_PATH, openLog, parseLogUrl } from '../log/open-log';
import { backendSecurityFromEnv } from '../log/log-env';
import { CliError, ExitCode } from './cli-error';
import { loadState, type LoadedState } from './load-state';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The whole of standard input (for `-f -`). */
  readonly readStdin: () => string;
}

/** The global options as commander parsed them. */
export interface GlobalOptions {
  readonly log?: string;
  readonly actor?: string;
}

export interface OpenLogOptions {
  /** Refuse a file log that does not exist yet, instead of creating it (read-only commands). */
  readonly mustExist?: boolean;
}

export interface CliContext {
  readonly io: CliIo;
  /** Writes to stdout / stderr. */
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** The log URL in effect: --log, else FOLDNET_LOG, else the default file. */
  logUrl(): string;
  /** The actor recorded on events: --actor, else FOLDNET_ACTOR, else $USER@hostname. */
  actor(): string;
  /** The log, opened on first use and closed when the run ends. */
  openLog(options?: OpenLogOptions): EventLog;
  /** The state folded from events 0..end-1: the head, or the past point `at` (an offset or RFC 3339 time). */
  loadState(log: EventLog, at?: string): Promise<LoadedState>;
  /** Ends the run with this code (when no error is thrown); the highest code asked for wins. */
  setExitCode(code: ExitCode): void;
  readonly exitCode: () => ExitCode;
  close(): Promise<void>;
}

const nonEmpty = (s: string | undefined): string | undefined => (s === undefined || s.trim() === '' ? undefined : s);

export function createContext(io: CliIo, globals: () => GlobalOptions): CliContext {
  let log: EventLog | undefined;
  let code: ExitCode = ExitCode.Ok;
  const logUrl = (): string => nonEmpty(globals().log) ?? nonEmpty(io.env.FOLDNET_LOG) ?? `file:${DEFAULT_LOG_PATH}`;
  return {
    io,
    out: io.stdout,
    err: io.stderr,
    logUrl,
    actor: () => nonEmpty(globals().actor) ?? nonEmpty(io.env.FOLDNET_ACTOR) ?? `${nonEmpty(io.env.USER) ?? safeUser()}@${hostname()}`,
    openLog(options = {}) {
      if (log !== undefined) return log;
      const url = logUrl();
      const where = parseLogUrl(url);
      if (options.mustExist && where.backend === 'file' && !existsSync(where.path))
        throw new CliError(ExitCode.Log, `no log at ${where.path} (nothing applied yet? choose another with --log or FOLDNET_LOG)`);
      log = openLog(url, { security: backendSecurityFromEnv(io.env) });
      return log;
    },
    loadState,
    setExitCode(c) {
      code = Math.max(code, c) as ExitCode;
    },
    exitCode: () => code,
    async close() {
      const l = log;
      log = undefined;
      await l?.close();
    },
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
