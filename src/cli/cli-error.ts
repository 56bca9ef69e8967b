// The CLI's exit codes and the one error type commands throw to end with a
// message and a code. Turning any thrown value into what the user sees (and
// which code the process ends with) happens here, so every command reports
// failures the same way; main.ts only calls `reportError`.
import { CommanderError } from 'commander';
import { isLogError } from '../log/event-log';

export const ExitCode = {
  /** The command did what was asked. */
  Ok: 0,
  /** The operation ran but failed: events rejected by the fold, not found, a denied trace. */
  Failed: 1,
  /** Bad input or usage: invalid resources, unknown kind, bad flag or argument. */
  Usage: 2,
  /** The log could not be opened, read or written. */
  Log: 3,
  /** A bug: an error nobody expected (stack with FOLDNET_DEBUG=1). */
  Internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `
Exit codes:
  0   success
  1   the operation ran but failed (rejected events, not found, denied trace)
  2   bad input or usage (invalid resources, unknown kind, bad flag)
  3   the log could not be opened, read or written
  70  internal error (a bug; FOLDNET_DEBUG=1 shows the stack)

Environment:
  FOLDNET_LOG     log URL when --log is not given (default file:./.foldnet/log.db)
  FOLDNET_ACTOR   actor recorded on events when --actor is not given (default $USER@hostname)
  FOLDNET_STATUS  status store for agent and status (file:PATH or etcd://…; default: the log when it is a file or etcd)
  FOLDNET_KAFKA_TLS, FOLDNET_KAFKA_TLS_{CA,CERT,KEY}_FILE, FOLDNET_KAFKA_SASL_{MECHANISM,USERNAME,PASSWORD[_FILE]}
  FOLDNET_ETCD_TLS_{CA,CERT,KEY}_FILE, FOLDNET_ETCD_{USERNAME,PASSWORD[_FILE]}
                  TLS and SASL for the Kafka and etcd backends
  FOLDNET_DEBUG   1 prints stack traces of internal errors`;

/** An expected failure: each problem and then the message go to stderr as `Error: ...` lines. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
  }
}

export const usageError = (message: string, problems: readonly string[] = []): CliError => new CliError(ExitCode.Usage, message, problems);

const errorLines = (lines: readonly string[]): string => lines.map((l) => `Error: ${l}\n`).join('');

/** Writes what the user should see about `e` to `stderr`; returns the exit code. */
export function reportError(e: unknown, stderr: (text: string) => void, debug: boolean): ExitCode {
  if (e instanceof CliError) {
    stderr(errorLines([...e.problems, ...(e.message === '' ? [] : [e.message])]));
    return e.exitCode;
  }
  // Commander has already printed its own message (or the help text).
  if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  if (isLogError(e)) {
    stderr(errorLines([e.message, ...e.problems.filter((p) => !e.message.includes(p))]));
    if (debug && e.stack) stderr(`${e.stack}\n`);
    return e.code === 'invalid-argument' ? ExitCode.Usage : ExitCode.Log;
  }
  const message = e instanceof Error ? e.message : String(e);
  stderr(errorLines([`internal error: ${message}${debug ? '' : ' (set FOLDNET_DEBUG=1 to see the stack)'}`]));
  if (debug && e instanceof Error && e.stack) stderr(`${e.stack}\n`);
  return ExitCode.Internal;
}
