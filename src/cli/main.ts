// The composition root of the `foldnet` command line: builds the commander
// program, wires every command to one CliContext (log, actor, output), runs
// it, and turns whatever happened into an exit code. Commands live in their
// own files; this one only assembles them.
//
// Exit codes (also printed at the end of `foldnet --help`):
//   0   success
//   1   the operation ran but failed: events rejected by the fold, a resource
//       not found, a denied trace
//   2   bad input or usage: invalid resources (every problem is printed and
//       nothing is appended), unknown kind, bad flag or argument
//   3   the log could not be opened, read or written
//   70  internal error, i.e. a bug (the stack is printed with FOLDNET_DEBUG=1)
// Errors go to stderr, one `Error: ...` line each; expected errors never
// print a stack trace.
//
// Requiring this module runs the CLI when it is the program's entry (node
// dist/src/cli/main.js, or bin/foldnet); importing it from elsewhere does not,
// and FOLDNET_CLI_NO_AUTORUN=1 prevents it in any case.
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Command } from 'commander';
import { registerApplyCommand } from './apply-command';
import { EXIT_CODES_HELP, type ExitCode, reportError } from './cli-error';
import { registerCompileCommands } from './compile-commands';
import { type CliContext, type CliIo, createContext, type GlobalOptions } from './context';
import { registerDeleteCommand } from './delete-command';
import { registerGetCommand } from './get-command';
import { registerLogCommand } from './log-command';
import { registerPlanCommands } from './plan-commands';
import { registerAgentCommand } from './agent-command';
import { registerStatusCommand } from './status-command';
import { registerIpamCommand } from './ipam-command';
import { registerIncidentCommands } from './incident-commands';

/** The version in the package.json above this file (source or dist tree). */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'foldnet' && pkg.version) return pkg.version;
    } catch {
      // not here; look further up
    }
    if (dirname(dir) === dir) return '0.0.0';
  }
}

/** The program with every command registered, writing through `io`. */
export function buildProgram(io: CliIo): { program: Command; ctx: CliContext } {
  const program = new Command('foldnet');
  const ctx = createContext(io, () => program.opts<GlobalOptions>());
  // Settings made before `.command()` are inherited by every subcommand.
  program
    .description('event-sourced, Calico-style L3 container networking: one ordered log, a pure compiler, an applier per host')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--log <url>', 'the event log: file:PATH (or a path), kafka://HOST:PORT[,…]/TOPIC or etcd://HOST:PORT[,…]/PREFIX (default: $FOLDNET_LOG, else file:./.foldnet/log.db)')
    .option('--actor <name>', 'who is acting, recorded on events (default: $FOLDNET_ACTOR, else $USER@hostname)')
    .exitOverride()
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (text, write) => write(text.replace(/^error: /, 'Error: ')),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  registerApplyCommand(program, ctx);
  registerDeleteCommand(program, ctx);
  registerGetCommand(program, ctx);
  registerLogCommand(program, ctx);
  registerCompileCommands(program, ctx);
  registerPlanCommands(program, ctx);
  registerAgentCommand(program, ctx);
  registerStatusCommand(program, ctx);
  registerIpamCommand(program, ctx);
  registerIncidentCommands(program, ctx);
  return { program, ctx };
}

export const processIo = (): CliIo => ({
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  readStdin: () => readFileSync(0, 'utf8'),
});

/** Runs the CLI on `argv` (the arguments after the program name); resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const { program, ctx } = buildProgram(io);
  const debug = io.env.FOLDNET_DEBUG === '1';
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.exitCode();
  } catch (e) {
    return reportError(e, io.stderr, debug);
  } finally {
    try {
      await ctx.close();
    } catch (e) {
      reportError(e, io.stderr, debug);
    }
  }
}

const isEntry = (): boolean => {
  if (process.env.FOLDNET_CLI_NO_AUTORUN === '1') return false;
  if (require.main === module) return true;
  // bin/foldnet (or a link to it) requires this file.
  return require.main !== undefined && basename(require.main.filename).startsWith('foldnet');
};

if (isEntry()) {
  // `foldnet log | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
