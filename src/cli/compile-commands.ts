// Placeholder: the compiler-facing commands (compile, trace, reachability, ...)
// are registered here by their owner. main.ts calls this after the resource
// and history commands, with the same context, so new commands inherit the
// global options, output settings and exit-code handling.
import type { Command } from 'commander';
import type { CliContext } from './context';

export function registerCompileCommands(program: Command, ctx: CliContext): void {
  void program;
  void ctx;
}
